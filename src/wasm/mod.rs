//! The boundary to JavaScript: the only code that touches `wasm_bindgen`, `js_sys` or `web_sys`.
//!
//! It reads options once, drives the fetch loop with real timers and abort signals, and turns core
//! results into JavaScript values. Nothing from outside (options, headers, thrown values) may panic
//! here: a panic in wasm traps and can leave the instance unusable for every later request.

mod client;
mod js;
mod options;
mod request;
mod status;
mod timers;

pub use client::Client;
pub use status::interpret;
