//! The Rust shell: retried `fetch` for Rust code compiled to wasm (Leptos, Dioxus, Yew front ends,
//! workers-rs back ends), behind the cargo feature `web`.
//!
//! It does only I/O and time: it sends each attempt through the global `fetch` (bound as gloo-net
//! binds it, so the same code runs in a window, a worker, Node and workerd), times attempts out with
//! an `AbortController`, waits with gloo-timers and follows the caller's `AbortSignal`. Every decision
//! (whether to retry, how long to wait, why it stopped) comes from the core, as in the JavaScript
//! shell (`pkg/lib/client.js`), so the two agree on the same inputs.
//!
//! ```no_run
//! # async fn run() -> Result<(), commerce_fetch::web::Error> {
//! use commerce_fetch::web::{Client, Options};
//!
//! #[derive(serde::Deserialize)]
//! struct Products {
//!     data: Vec<serde::de::IgnoredAny>,
//! }
//!
//! let client = Client::new(Options {
//!     headers: vec![("x-auth-token".into(), "…".into())],
//!     ..Options::default()
//! })
//! .map_err(commerce_fetch::web::Error::from)?;
//! let products: Products = client
//!     .get_json("https://api.bigcommerce.com/stores/abc123/v3/catalog/products")
//!     .await?;
//! # let _ = products.data;
//! # Ok(())
//! # }
//! ```

mod abort;
mod answer;
mod client;
mod error;
mod options;
mod protect;
mod redirects;

pub use crate::decision::{Outcome, RetryDecision, RetryReason, StopReason, Verdict};
pub use crate::guard::{BreakerKind, GuardSettings, GuardStats, Pacing};
pub use crate::hints::DelaySource;
pub use crate::history::{Details, TraceEntry};
pub use crate::partial::Partial;
pub use crate::problem::Problem;
pub use answer::Answer;
pub use client::Client;
pub use error::Error;
pub use options::{OnRetry, Options, Preset, RetryQuestion, ShouldRetry, TimeLimit};
