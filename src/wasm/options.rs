//! Reading `createFetch` options from JavaScript into the core's [`RetryOptions`].
//!
//! Types are checked here (a string where a number belongs), ranges in the core. Unknown keys are
//! rejected too: a misspelt `retries: 3` that silently did nothing would be worse than an error.

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::js::{describe, get};
use crate::policy::{ConfigError, RetryConfig, RetryOptions};

/// What `createFetch` was given, validated.
pub struct ClientOptions {
    pub config: RetryConfig,
    pub fetch: Option<Function>,
    pub on_retry: Option<Function>,
}

const TOP_LEVEL_KEYS: &[&str] = &["fetch", "preset", "retry", "timeout", "totalTimeout", "onRetry"];
const RETRY_KEYS: &[&str] = &["limit", "methods", "statusCodes", "backoff", "maxRetryAfterMs"];
const BACKOFF_KEYS: &[&str] = &["baseMs", "maxMs", "jitter"];

impl ClientOptions {
    /// Reads and validates `options` (an object, `undefined` or `null`).
    pub fn read(options: &JsValue) -> Result<ClientOptions, ConfigError> {
        if options.is_undefined() || options.is_null() {
            return Ok(ClientOptions {
                config: RetryConfig::from_options(&RetryOptions::default())?,
                fetch: None,
                on_retry: None,
            });
        }
        if !options.is_object() || Array::is_array(options) {
            return Err(ConfigError::new("options", "an object", describe(options)));
        }
        check_keys(options, TOP_LEVEL_KEYS, "")?;
        let mut raw = RetryOptions {
            preset: optional_string(options, "preset", "preset", "\"storefront\" or \"background\"")?,
            timeout: time_limit(options, "timeout", "timeout")?,
            total_timeout: time_limit(options, "totalTimeout", "totalTimeout")?,
            ..RetryOptions::default()
        };
        read_retry(&get(options, "retry"), &mut raw)?;
        Ok(ClientOptions {
            config: RetryConfig::from_options(&raw)?,
            fetch: optional_function(options, "fetch")?,
            on_retry: optional_function(options, "onRetry")?,
        })
    }
}

fn read_retry(retry: &JsValue, raw: &mut RetryOptions) -> Result<(), ConfigError> {
    const EXPECTED: &str = "a number of retries, false, or an object";
    if retry.is_undefined() {
        return Ok(());
    }
    if let Some(limit) = retry.as_f64() {
        raw.limit = Some(limit);
        return Ok(());
    }
    if retry.as_bool() == Some(false) {
        raw.limit = Some(0.0);
        return Ok(());
    }
    if !retry.is_object() || Array::is_array(retry) {
        return Err(ConfigError::new("retry", EXPECTED, describe(retry)));
    }
    check_keys(retry, RETRY_KEYS, "retry.")?;
    raw.limit = optional_number(retry, "limit", "retry.limit", "a whole number from 0 to 100")?;
    raw.max_retry_after_ms = optional_number(
        retry,
        "maxRetryAfterMs",
        "retry.maxRetryAfterMs",
        "a number of milliseconds",
    )?;
    raw.methods = optional_list(
        retry,
        "methods",
        "retry.methods",
        "a list of HTTP method names",
        |v| v.as_string(),
    )?;
    raw.status_codes = optional_list(
        retry,
        "statusCodes",
        "retry.statusCodes",
        "a list of status codes from 100 to 599",
        |v| v.as_f64(),
    )?;
    let backoff = get(retry, "backoff");
    if backoff.is_undefined() {
        return Ok(());
    }
    if !backoff.is_object() || Array::is_array(&backoff) {
        return Err(ConfigError::new("retry.backoff", "an object", describe(&backoff)));
    }
    check_keys(&backoff, BACKOFF_KEYS, "retry.backoff.")?;
    raw.base_ms = optional_number(
        &backoff,
        "baseMs",
        "retry.backoff.baseMs",
        "a number of milliseconds",
    )?;
    raw.max_ms = optional_number(
        &backoff,
        "maxMs",
        "retry.backoff.maxMs",
        "a number of milliseconds",
    )?;
    raw.jitter = optional_string(
        &backoff,
        "jitter",
        "retry.backoff.jitter",
        "\"full\", \"equal\" or \"none\"",
    )?;
    Ok(())
}

/// Rejects keys not in `known`, naming the first with its full path.
fn check_keys(object: &JsValue, known: &'static [&'static str], prefix: &str) -> Result<(), ConfigError> {
    let Some(object) = object.dyn_ref::<Object>() else {
        return Ok(());
    };
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) && !get(object, &key).is_undefined() {
            return Err(ConfigError::Unknown {
                option: format!("{prefix}{key}"),
                known,
            });
        }
    }
    Ok(())
}

/// `object[key]` converted by `convert`, `None` when absent, an error naming `option` when it does not convert.
fn optional<T>(
    object: &JsValue,
    key: &str,
    option: &'static str,
    expected: &'static str,
    convert: impl Fn(&JsValue) -> Option<T>,
) -> Result<Option<T>, ConfigError> {
    let value = get(object, key);
    if value.is_undefined() {
        return Ok(None);
    }
    convert(&value)
        .map(Some)
        .ok_or_else(|| ConfigError::new(option, expected, describe(&value)))
}

fn optional_number(
    object: &JsValue,
    key: &str,
    option: &'static str,
    expected: &'static str,
) -> Result<Option<f64>, ConfigError> {
    optional(object, key, option, expected, JsValue::as_f64)
}

fn optional_string(
    object: &JsValue,
    key: &str,
    option: &'static str,
    expected: &'static str,
) -> Result<Option<String>, ConfigError> {
    optional(object, key, option, expected, JsValue::as_string)
}

/// A timeout: a number of milliseconds, or `false` (or `Infinity`) for none.
fn time_limit(object: &JsValue, key: &str, option: &'static str) -> Result<Option<f64>, ConfigError> {
    optional(
        object,
        key,
        option,
        "a number of milliseconds, or false for none",
        |value| {
            if value.as_bool() == Some(false) {
                Some(f64::INFINITY)
            } else {
                value.as_f64()
            }
        },
    )
}

fn optional_function(object: &JsValue, key: &'static str) -> Result<Option<Function>, ConfigError> {
    optional(object, key, key, "a function", |value| {
        value.dyn_ref::<Function>().cloned()
    })
}

fn optional_list<T>(
    object: &JsValue,
    key: &str,
    option: &'static str,
    expected: &'static str,
    item: impl Fn(&JsValue) -> Option<T>,
) -> Result<Option<Vec<T>>, ConfigError> {
    let Some(list) = optional(object, key, option, expected, |v| v.dyn_ref::<Array>().cloned())? else {
        return Ok(None);
    };
    list.iter()
        .map(|entry| item(&entry).ok_or_else(|| ConfigError::new(option, expected, describe(&entry))))
        .collect::<Result<Vec<T>, ConfigError>>()
        .map(Some)
}
