//! A client's validated configuration, as JavaScript's retry loop reads it.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use super::js::{lines, type_error, whole_ms};
use crate::decision::is_error_status;
use crate::policy::{buffer_body_bytes, ConfigError, RetryConfig, RetryOptions};
use crate::redirect::{CredentialHeaders, Hop};

/// A client's rules, validated once when `createFetch` is called.
#[wasm_bindgen]
pub struct Policy {
    pub(super) config: Rc<RetryConfig>,
    credentials: CredentialHeaders,
    buffer_body: u64,
}

#[wasm_bindgen]
impl Policy {
    /// Validates the options over their preset. JavaScript has checked their types, copied lists
    /// and cut long strings, and passes each option (or `undefined`) in the order of
    /// [`RetryOptions`], then `credentialHeaders` and `bufferBody`; a list of names comes as one
    /// string, joined by line feeds (no name holds one), and a timeout of `Infinity` is none. Throws
    /// a `TypeError` naming the option whose value is out of range or not a known name.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)] // one per option: the alternative is reading a JS object here
    pub fn new(
        preset: Option<String>,
        limit: Option<f64>,
        methods: Option<String>,
        status_codes: Option<Vec<f64>>,
        base_ms: Option<f64>,
        max_ms: Option<f64>,
        jitter: Option<String>,
        max_retry_after_ms: Option<f64>,
        timeout: Option<f64>,
        total_timeout: Option<f64>,
        credential_headers: Option<String>,
        buffer_body: Option<f64>,
        network_errors: Option<bool>,
        timeouts: Option<bool>,
    ) -> Result<Policy, JsValue> {
        let options = RetryOptions {
            preset,
            limit,
            methods: methods
                .as_deref()
                .map(|joined| lines(joined).map(String::from).collect()),
            status_codes,
            base_ms,
            max_ms,
            jitter,
            max_retry_after_ms,
            timeout,
            total_timeout,
            network_errors,
            timeouts,
        };
        let config = RetryConfig::from_options(&options).map_err(config_error)?;
        let credentials = CredentialHeaders::from_names(lines(credential_headers.as_deref().unwrap_or("")))
            .map_err(config_error)?;
        let buffer_body = buffer_body
            .map_or(Ok(0), buffer_body_bytes)
            .map_err(config_error)?;
        Ok(Policy {
            config: Rc::new(config),
            credentials,
            buffer_body,
        })
    }

    /// Milliseconds allowed for an attempt that starts `elapsed_ms` into the call, or `undefined` for
    /// no limit.
    #[wasm_bindgen(js_name = attemptBudgetMs)]
    pub fn attempt_budget_ms(&self, elapsed_ms: f64) -> Option<f64> {
        // A negative or NaN elapsed time (a clock stepping back) counts as 0.
        self.config
            .attempt_budget_ms(whole_ms(elapsed_ms))
            .map(|ms| ms as f64)
    }

    /// What is left of `totalTimeout` `elapsed_ms` into the call, or `undefined` without one: how long
    /// a request may wait for its turn (pacing, a concurrency slot).
    #[wasm_bindgen(js_name = totalLeftMs)]
    pub fn total_left_ms(&self, elapsed_ms: f64) -> Option<f64> {
        self.config
            .total_left_ms(whole_ms(elapsed_ms))
            .map(|ms| ms as f64)
    }

    /// Whether the core decides after a first response with `status`: when it may retry it, and, with
    /// `asks_caller` (the caller set `shouldRetry`), when it is an error status the caller may ask to
    /// retry. Otherwise the response is the result. The success path asks only this.
    #[wasm_bindgen(js_name = decidesAfter)]
    pub fn decides_after(&self, status: u16, asks_caller: bool) -> bool {
        self.config.retries_status(status) || asks_caller && is_error_status(status)
    }

    /// Whether `method` is retried without a mark, so that the request need not be checked for one.
    #[wasm_bindgen(js_name = retriesMethod)]
    pub fn retries_method(&self, method: &str) -> bool {
        self.config.methods.contains(method)
    }

    /// How many bytes of a stream body may be read into memory so that it can be sent again (0: none).
    #[wasm_bindgen(js_name = bufferBodyBytes)]
    pub fn buffer_body_bytes(&self) -> f64 {
        self.buffer_body as f64
    }

    /// Whether the header `name` carries credentials: a built-in one or one the caller named.
    #[wasm_bindgen(js_name = isCredentialHeader)]
    pub fn is_credential_header(&self, name: &str) -> bool {
        self.credentials.contains(name)
    }

    /// Whether the header `name` is left out of the request sent on after a redirect: credentials
    /// when the origin changes (`cross_origin`), the body's headers when it becomes a GET (`to_get`).
    #[wasm_bindgen(js_name = dropsHeader)]
    pub fn drops_header(&self, name: &str, to_get: bool, cross_origin: bool) -> bool {
        Hop { to_get, cross_origin }.drops_header(name, &self.credentials)
    }
}

/// A `TypeError` naming the option at fault; JavaScript puts the name of the function called before it.
fn config_error(error: ConfigError) -> JsValue {
    type_error(&error.message())
}
