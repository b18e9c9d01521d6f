//! The Rust shell's half of the cross-check: [`run`] sends one request through
//! `commerce_fetch::web::Client`, with options written as the JavaScript package's `createFetch` takes
//! them, and reports the attempts in the names the package's `retryInfo()` and errors use, so that
//! `tests/crosscheck/run.mjs` can put the two shells side by side on the same scenarios.
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::fmt;

use commerce_fetch::decision::{Outcome, RetryDecision};
use commerce_fetch::policy::Jitter;
use commerce_fetch::web::{Client, Details, Options, Preset, TimeLimit, TraceEntry};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{Headers, Request, RequestInit};

/// `createFetch`'s options that the Rust shell has, in their JavaScript names ([`OPTION_NAMES`]).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FetchOptions {
    preset: Option<String>,
    retry: Option<RetryOptions>,
    timeout: Option<Limit>,
    total_timeout: Option<Limit>,
}

/// `retry`, in its object form.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RetryOptions {
    limit: Option<u32>,
    methods: Option<Vec<String>>,
    status_codes: Option<Vec<u16>>,
    backoff: Option<BackoffOptions>,
    max_retry_after_ms: Option<u64>,
    network_errors: Option<bool>,
    timeouts: Option<bool>,
}

/// `retry.backoff`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BackoffOptions {
    base_ms: Option<u64>,
    max_ms: Option<u64>,
    jitter: Option<String>,
}

/// `timeout` and `totalTimeout`: a number of milliseconds, or `false` for none.
struct Limit(TimeLimit);

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Limit, D::Error> {
        struct LimitVisitor;

        impl Visitor<'_> for LimitVisitor {
            type Value = Limit;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of milliseconds, or false for none")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Limit, E> {
                if value {
                    Err(E::invalid_value(de::Unexpected::Bool(true), &self))
                } else {
                    Ok(Limit(TimeLimit::Never))
                }
            }

            fn visit_u64<E: de::Error>(self, ms: u64) -> Result<Limit, E> {
                Ok(Limit(TimeLimit::Ms(ms)))
            }

            fn visit_i64<E: de::Error>(self, ms: i64) -> Result<Limit, E> {
                u64::try_from(ms)
                    .map(|ms| Limit(TimeLimit::Ms(ms)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(ms), &self))
            }

            fn visit_f64<E: de::Error>(self, ms: f64) -> Result<Limit, E> {
                Err(E::invalid_value(de::Unexpected::Float(ms), &self))
            }
        }

        deserializer.deserialize_any(LimitVisitor)
    }
}

impl FetchOptions {
    /// The Rust shell's options for these, or what is wrong with them.
    fn options(self) -> Result<Options, String> {
        let retry = self.retry.unwrap_or_default();
        let backoff = retry.backoff.unwrap_or_default();
        let preset = match self.preset.as_deref() {
            None | Some("storefront") => Preset::Storefront,
            Some("background") => Preset::Background,
            Some(other) => {
                return Err(format!(
                    "preset: {other:?} is not \"storefront\" or \"background\""
                ))
            }
        };
        let jitter = match backoff.jitter.as_deref() {
            None => None,
            // The core's own names, so that a name it does not know is not made up here.
            Some(name) => Some(
                [Jitter::Full, Jitter::Equal, Jitter::None]
                    .into_iter()
                    .find(|jitter| jitter.as_str() == name)
                    .ok_or_else(|| {
                        format!("retry.backoff.jitter: {name:?} is not \"full\", \"equal\" or \"none\"")
                    })?,
            ),
        };
        Ok(Options {
            preset,
            retry_limit: retry.limit,
            methods: retry.methods,
            status_codes: retry.status_codes,
            base_ms: backoff.base_ms,
            max_ms: backoff.max_ms,
            jitter,
            max_retry_after_ms: retry.max_retry_after_ms,
            timeout: self.timeout.map(|Limit(limit)| limit),
            total_timeout: self.total_timeout.map(|Limit(limit)| limit),
            network_errors: retry.network_errors,
            timeouts: retry.timeouts,
            ..Options::default()
        })
    }
}

/// What one call did, as `retryInfo(response)` and the package's errors show it: the final status or
/// the error's name, the attempts, why they stopped, and each attempt.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    attempts: u32,
    reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
    trace: Vec<Step>,
}

/// One trace entry, with the fields of the package's: `{ attempt, status | error, elapsedMs, decision,
/// delayMs, reason, source?, hintMs? }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    elapsed_ms: u64,
    decision: &'static str,
    delay_ms: u64,
    reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint_ms: Option<u64>,
}

impl Report {
    fn new(status: Option<u16>, error: Option<(&'static str, String)>, details: &Details) -> Report {
        let hint = details.hint();
        let (error, message) = error.unzip();
        Report {
            status,
            error,
            message,
            attempts: details.attempts,
            reason: details.reason.as_str(),
            hint_ms: hint.map(|(ms, _)| ms),
            source: hint.map(|(_, source)| source.as_str()),
            trace: details.trace.iter().map(Step::new).collect(),
        }
    }
}

impl Step {
    fn new(entry: &TraceEntry) -> Step {
        let (status, error) = match entry.outcome {
            Outcome::Response { status, .. } => (Some(status), None),
            // The names the package's trace entries give (src/wasm/attempts.rs).
            Outcome::NetworkError => (None, Some("network_error")),
            Outcome::Timeout => (None, Some("timeout")),
        };
        let (decision, delay_ms, reason, source, hint_ms) = match entry.decision {
            RetryDecision::Retry {
                delay_ms,
                reason,
                source,
            } => ("retry", delay_ms, reason.as_str(), Some(source.as_str()), None),
            RetryDecision::Stop(stop) => {
                let hint = stop.hint();
                (
                    "stop",
                    0,
                    stop.as_str(),
                    hint.map(|(_, source)| source.as_str()),
                    hint.map(|(ms, _)| ms),
                )
            }
        };
        Step {
            attempt: entry.attempt,
            status,
            error,
            elapsed_ms: entry.elapsed_ms,
            decision,
            delay_ms,
            reason,
            source,
            hint_ms,
        }
    }
}

/// Sends `method url` (with `body`, if any, and the headers of `headers_json`, an object of strings)
/// through a `Client` made from `options_json` (`createFetch`'s options, as JSON), and resolves with
/// the call's report: `{ status | error, message?, attempts, reason, hintMs?, source?, trace }`. A
/// network or timeout error is reported, not thrown; bad options, a request that cannot be built and
/// errors that come with no attempts reject with an `Error` that says what was wrong.
#[wasm_bindgen]
pub async fn run(
    url: String,
    method: String,
    body: Option<String>,
    headers_json: String,
    options_json: String,
) -> Result<JsValue, JsError> {
    let options = json("options", &options_json)?;
    known_names(&options, "", &OPTION_NAMES)
        .map_err(|message| JsError::new(&format!("options: {message}")))?;
    let options: FetchOptions = from_value("options", options)?;
    let options = options
        .options()
        .map_err(|message| JsError::new(&format!("options: {message}")))?;
    let client = Client::new(options).map_err(|error| JsError::new(&format!("options: {error}")))?;
    let headers: BTreeMap<String, String> = from_value("headers", json("headers", &headers_json)?)?;
    let request = request(&url, &method, body.as_deref(), &headers)
        .map_err(|error| JsError::new(&format!("request: {}", describe(&error))))?;
    let report = match client.fetch_with_details(&request).await {
        Ok((response, details)) => Report::new(Some(response.status()), None, &details),
        Err(error) => match error.details() {
            Some(details) => Report::new(None, Some((error.name(), error.to_string())), details),
            None => return Err(JsError::new(&format!("{}: {error}", error.name()))),
        },
    };
    report
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| JsError::new(&format!("report: {error}")))
}

/// Each level of the options that the Rust shell has, and the names at that level, as `createFetch`
/// spells them. Any other name is an error: an option that one shell took and the other ignored would
/// make the comparison meaningless. (serde-wasm-bindgen reads a struct's fields by name and never sees
/// other keys, so `#[serde(deny_unknown_fields)]` cannot catch them.)
const OPTION_NAMES: [(&str, &[&str]); 3] = [
    ("", &["preset", "retry", "timeout", "totalTimeout"]),
    (
        "retry.",
        &[
            "limit",
            "methods",
            "statusCodes",
            "backoff",
            "maxRetryAfterMs",
            "networkErrors",
            "timeouts",
        ],
    ),
    ("retry.backoff.", &["baseMs", "maxMs", "jitter"]),
];

/// Checks that every key of `value` (at the level `prefix` of the options), and of the levels below
/// it, is a name the Rust shell has; values of the wrong type are left to serde.
fn known_names(value: &JsValue, prefix: &str, levels: &[(&str, &[&str])]) -> Result<(), String> {
    let Some(&(_, names)) = levels.iter().find(|(level, _)| *level == prefix) else {
        return Ok(());
    };
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Ok(());
    }
    let object: &js_sys::Object = value.unchecked_ref();
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !names.contains(&key.as_str()) {
            let hint = if prefix.is_empty() && key == "headers" {
                "; the Rust shell sends a Request handed to it as it is: put headers on the request"
            } else {
                ""
            };
            return Err(format!(
                "`{prefix}{key}` is not an option this cross-check passes to the Rust shell (it takes {}){hint}",
                names.join(", ")
            ));
        }
        let inner = js_sys::Reflect::get(value, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        known_names(&inner, &format!("{prefix}{key}."), levels)?;
    }
    Ok(())
}

/// `text` through the runtime's `JSON.parse`, which must give an object; `what` begins the error.
fn json(what: &str, text: &str) -> Result<JsValue, JsError> {
    let value = js_sys::JSON::parse(text)
        .map_err(|error| JsError::new(&format!("{what}: not JSON: {}", describe(&error))))?;
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(JsError::new(&format!("{what}: expected a JSON object")));
    }
    Ok(value)
}

/// `value` read as a `T`; `what` begins the error.
fn from_value<T: for<'de> Deserialize<'de>>(what: &str, value: JsValue) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| JsError::new(&format!("{what}: {}", describe(&error.into()))))
}

fn request(
    url: &str,
    method: &str,
    body: Option<&str>,
    headers: &BTreeMap<String, String>,
) -> Result<Request, JsValue> {
    let init = RequestInit::new();
    init.set_method(method);
    let list = Headers::new()?;
    for (name, value) in headers {
        list.set(name, value)?;
    }
    init.set_headers(&list);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    Request::new_with_str_and_init(url, &init)
}

/// A thrown value's `message` (or the value itself), cleaned by the core of URL queries and userinfo.
fn describe(error: &JsValue) -> String {
    let message = js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "an unknown error".into());
    commerce_fetch::redact(&message)
}
