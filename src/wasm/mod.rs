//! The boundary to JavaScript: the only code that touches `wasm_bindgen` or `js_sys`.
//!
//! JavaScript (`pkg/lib/client.js`) sends the attempts, runs the timers and follows abort signals; it calls in
//! here once per client to validate the options, and on each attempt that failed or may be retried, to
//! have the core decide whether and when to try again. A successful call never enters the wasm
//! beyond one status lookup, which keeps the success path as fast as plain JavaScript. Nothing from
//! outside (options, headers, thrown values) may panic here: a panic in wasm traps and can leave the
//! instance unusable for every later request.

mod attempts;
mod checks;
mod js;
mod policy;
#[cfg(not(feature = "std"))]
mod runtime;
mod status;

pub use attempts::{Attempts, HeaderReader};
pub use checks::{is_network_failure, is_read_only_graphql};
pub use policy::Policy;
pub use status::interpret;
