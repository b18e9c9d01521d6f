//! A client's validated configuration, as JavaScript's retry loop reads it.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use super::js::type_error;
use crate::message::Message;
use crate::policy::{RetryConfig, RetryOptions};

/// A client's retry rules, validated once when `createFetch` is called.
#[wasm_bindgen]
pub struct Policy {
    pub(super) config: Rc<RetryConfig>,
}

#[wasm_bindgen]
impl Policy {
    /// Validates the options over their preset. JavaScript has checked their types and passes each one
    /// (or `undefined`) in the order of [`RetryOptions`]; a timeout of `Infinity` is none. Throws a
    /// `TypeError` naming the option whose value is out of range or not a known name.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)] // one per option: the alternative is reading a JS object here
    pub fn new(
        preset: Option<String>,
        limit: Option<f64>,
        methods: Option<Vec<String>>,
        status_codes: Option<Vec<f64>>,
        base_ms: Option<f64>,
        max_ms: Option<f64>,
        jitter: Option<String>,
        max_retry_after_ms: Option<f64>,
        timeout: Option<f64>,
        total_timeout: Option<f64>,
    ) -> Result<Policy, JsValue> {
        let options = RetryOptions {
            preset,
            limit,
            methods,
            status_codes,
            base_ms,
            max_ms,
            jitter,
            max_retry_after_ms,
            timeout,
            total_timeout,
        };
        let config = RetryConfig::from_options(&options).map_err(|error| {
            type_error(
                &Message::new()
                    .text("createFetch: ")
                    .text(&error.message())
                    .finish(),
            )
        })?;
        Ok(Policy {
            config: Rc::new(config),
        })
    }

    /// Milliseconds allowed for an attempt that starts `elapsed_ms` into the call, or `undefined` for
    /// no limit.
    #[wasm_bindgen(js_name = attemptBudgetMs)]
    pub fn attempt_budget_ms(&self, elapsed_ms: f64) -> Option<f64> {
        // `as` saturates: a negative or NaN elapsed time (a clock stepping back) counts as 0.
        self.config
            .attempt_budget_ms(elapsed_ms as u64)
            .map(|ms| ms as f64)
    }

    /// Whether a response with `status` may be retried. The success path asks only this.
    #[wasm_bindgen(js_name = retriesStatus)]
    pub fn retries_status(&self, status: u16) -> bool {
        self.config.retries_status(status)
    }

    /// Whether `method` is retried without a mark, so that the request need not be checked for one.
    #[wasm_bindgen(js_name = retriesMethod)]
    pub fn retries_method(&self, method: &str) -> bool {
        self.config.methods.contains(method)
    }
}
