//! The boundary to JavaScript: the only code that touches `wasm_bindgen` or `js_sys`.
//!
//! JavaScript (`pkg/lib/client.js`) sends the attempts, runs the timers and follows abort signals; it calls in
//! here once per client to validate the options, and on each attempt that failed or may be retried, to
//! have the core decide whether and when to try again. A successful call never enters the wasm
//! beyond one status lookup, which keeps the success path as fast as plain JavaScript.
//!
//! Nothing from outside may panic or throw here: a trap, or a JavaScript exception unwinding through a
//! Rust frame, leaves the instance's stack pointers unrestored and can break every later call. So the
//! boundary takes only primitives and strings that JavaScript has copied, checked and cut to size
//! (`pkg/lib/options.js`, `pkg/lib/client.js`), and calls back into JavaScript only to build plain
//! objects of its own. `pkg/lib/core.js` replaces an instance that trapped all the same.

#[cfg(feature = "js-fetch")]
mod attempts;
#[cfg(feature = "js-client")]
mod bodies;
#[cfg(feature = "js-fetch")]
mod checks;
#[cfg(feature = "js-protect")]
mod guard;
mod js;
#[cfg(feature = "js-client")]
mod pages;
#[cfg(feature = "js-fetch")]
mod policy;
#[cfg(feature = "js-fetch")]
mod redirects;
#[cfg(not(feature = "std"))]
mod runtime;
#[cfg(feature = "js-protect")]
mod shared_pacer;
#[cfg(feature = "js-interpret")]
mod status;

#[cfg(feature = "js-fetch")]
pub use attempts::{hint_headers, Attempts};
#[cfg(feature = "js-client")]
pub use bodies::{
    graphql_errors, is_graphql_read, keeps_for_revalidation_js, max_body_bytes, problem, rest_answer,
    rest_kind,
};
#[cfg(feature = "js-fetch")]
pub use checks::{fetch_failure, is_graphql_endpoint, redact};
#[cfg(feature = "js-protect")]
pub use guard::{circuit_open_message_js, out_of_time_message_js, route_of_js, store_key_js, Guard};
#[cfg(feature = "js-client")]
pub use pages::job;
#[cfg(feature = "js-fetch")]
pub use policy::Policy;
#[cfg(feature = "js-fetch")]
pub use redirects::{hidden_redirect, is_followed_redirect, redirect_step};
#[cfg(feature = "js-protect")]
pub use shared_pacer::SharedPacer;
#[cfg(feature = "js-interpret")]
pub use status::interpret;
