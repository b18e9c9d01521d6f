//! commerce-fetch: what an HTTP status (and the body that came with it) from a BigCommerce API
//! means, and whether and when to retry.
//!
//! The core modules are pure: no I/O, no clock, no randomness of their own, and no WebAssembly
//! imports, so they are tested with plain `cargo test`. The `wasm` folder is the only boundary to
//! JavaScript and is compiled for `wasm32` alone. The `web` folder (cargo feature `web`) is the shell
//! for Rust callers compiled to wasm: a retrying `fetch` over the same core. It builds for every
//! target, so that its documentation builds and its examples run on the host, but it calls into
//! JavaScript, which only a wasm32 build has.
#![deny(missing_docs)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

pub mod body_text;
pub mod breaker;
pub mod budget;
pub mod concurrency;
pub mod decision;
pub mod fetch_error;
pub mod graphql;
pub mod graphql_errors;
pub mod guard;
pub mod hints;
pub mod history;
pub mod http_date;
pub mod json;
pub mod message;
pub mod pacing;
pub mod pages;
pub mod partial;
pub mod policy;
pub mod problem;
pub mod redact;
pub mod redirect;
pub mod rest;
pub mod status;
pub mod stores;

// Not with the Rust shell: a Rust app's wasm would export the npm package's API beside its own.
#[cfg(all(target_arch = "wasm32", not(feature = "web")))]
pub mod wasm;

#[cfg(feature = "web")]
pub mod web;

pub use breaker::{
    counts_as_failure, Admission, Breaker, BreakerConfig, BreakerError, BreakerMode, BreakerResult,
    BreakerState,
};
pub use budget::{Budget, BudgetConfig, BudgetError};
pub use decision::{decide, Attempt, Outcome, RetryDecision, RetryReason, StopReason};
pub use fetch_error::{classify_fetch_failure, FetchFailure, FetchRejection};
pub use graphql_errors::{graphql_errors, GraphqlErrors};
pub use hints::{DelaySource, HeaderSource, RateLimitHint};
pub use partial::{partial, Partial};
pub use policy::{
    Backoff, ConfigError, Jitter, MethodSet, RetryConfig, RetryOptions, BACKGROUND, STOREFRONT,
};
pub use problem::{problem, Problem};
pub use redact::redact;
pub use redirect::{next_step, CredentialHeaders, Redirect, RedirectRefusal, RedirectStep};
pub use status::{interpret, Category, StatusInfo};
