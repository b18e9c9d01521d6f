//! A client's validated configuration, as JavaScript's retry loop reads it.

use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::js::type_error;
use super::options::ClientOptions;
use crate::policy::RetryConfig;

/// What `createFetch` was given, validated once: the retry rules and the caller's hooks.
#[wasm_bindgen]
pub struct Policy {
    pub(super) options: Rc<ClientOptions>,
}

#[wasm_bindgen]
impl Policy {
    /// Validates `options` (an object, `undefined` or `null`). Throws a `TypeError` naming a bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Policy, JsValue> {
        let options =
            ClientOptions::read(&options).map_err(|error| type_error(&format!("createFetch: {error}")))?;
        Ok(Policy {
            options: Rc::new(options),
        })
    }

    /// The `fetch` option, or `undefined` for the global `fetch`.
    #[wasm_bindgen(getter)]
    pub fn fetch(&self) -> Option<Function> {
        self.options.fetch.clone()
    }

    /// The `onRetry` option, if given.
    #[wasm_bindgen(getter, js_name = onRetry)]
    pub fn on_retry(&self) -> Option<Function> {
        self.options.on_retry.clone()
    }

    /// Milliseconds allowed for an attempt that starts `elapsed_ms` into the call, or `undefined` for
    /// no limit.
    #[wasm_bindgen(js_name = attemptBudgetMs)]
    pub fn attempt_budget_ms(&self, elapsed_ms: f64) -> Option<f64> {
        // `as` saturates: a negative or NaN elapsed time (a clock stepping back) counts as 0.
        self.config()
            .attempt_budget_ms(elapsed_ms as u64)
            .map(|ms| ms as f64)
    }

    /// Whether a response with `status` may be retried. The success path asks only this.
    #[wasm_bindgen(js_name = retriesStatus)]
    pub fn retries_status(&self, status: u16) -> bool {
        self.config().retries_status(status)
    }

    /// Whether `method` is retried without a mark, so that the request need not be checked for one.
    #[wasm_bindgen(js_name = retriesMethod)]
    pub fn retries_method(&self, method: &str) -> bool {
        self.config().methods.contains(method)
    }
}

impl Policy {
    pub(super) fn config(&self) -> &RetryConfig {
        &self.options.config
    }
}
