//! The retry loop behind `createFetch`: fetch → interpret → decide → wait or return.

use std::rc::Rc;

use js_sys::{Array, Date, Function, Math, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal, Headers, ReadableStream, Response};

use super::js::{
    error_name_and_message, get, get_cached, global_fetch, set, to_promise, type_error, BODY, HEADERS, STATUS,
};
use super::options::ClientOptions;
use super::request::{combine_signals, PreparedRequest};
use super::timers::{AbortListener, AttemptTimeout, Wait};
use crate::decision::{decide, Attempt, Outcome, RetryDecision, StopReason};
use crate::fetch_error::{classify_fetch_failure, FetchFailure};
use crate::hints::{HeaderSource, RateLimitHint};
use crate::policy::RetryConfig;

/// A configured fetch with retries. JavaScript wraps it as a plain function with `fetch`'s signature.
#[wasm_bindgen]
pub struct Client {
    inner: Rc<Inner>,
}

struct Inner {
    options: ClientOptions,
    /// `(kind, message, details) => Error`: the package's error classes live in JavaScript.
    make_error: Function,
    /// `(response, details) => void`: records the retry history of a response for `retryInfo`.
    annotate: Function,
}

#[wasm_bindgen]
impl Client {
    /// Validates `options` and keeps the package's hooks. Throws a `TypeError` naming a bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, hooks: JsValue) -> Result<Client, JsValue> {
        let options =
            ClientOptions::read(&options).map_err(|error| type_error(&format!("createFetch: {error}")))?;
        let hook = |name: &str| {
            get(&hooks, name)
                .dyn_into::<Function>()
                .map_err(|_| type_error(&format!("Client: hooks.{name} must be a function")))
        };
        let inner = Inner {
            options,
            make_error: hook("makeError")?,
            annotate: hook("annotate")?,
        };
        Ok(Client {
            inner: Rc::new(inner),
        })
    }

    /// Sends the request, retrying as the configuration allows. Resolves with the final `Response`
    /// (whatever its status); rejects with a `NetworkError` or `TimeoutError` when no response came,
    /// with the signal's reason on abort, and with `fetch`'s own error when the request is invalid.
    pub fn fetch(&self, input: JsValue, init: JsValue) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move { inner.run(input, init).await })
    }
}

/// How one attempt ended, as the loop sees it.
enum AttemptEnd {
    /// A response and its status (read once: it may be a look-alike with getters).
    Response(Response, u16),
    NetworkError(JsValue),
    Timeout(JsValue),
    /// Rejected with this value and nothing more to do: the caller aborted, or the request is invalid.
    Final(JsValue),
}

/// One line of the retry history.
struct TraceEntry {
    attempt: u32,
    status: Option<u16>,
    error: Option<&'static str>,
    elapsed_ms: u64,
    decision: RetryDecision,
}

impl TraceEntry {
    fn new(attempt: u32, outcome: &Outcome, elapsed_ms: u64, decision: RetryDecision) -> TraceEntry {
        let (status, error) = match outcome {
            Outcome::Response { status, .. } => (Some(*status), None),
            Outcome::NetworkError => (None, Some("network_error")),
            Outcome::Timeout => (None, Some("timeout")),
        };
        TraceEntry {
            attempt,
            status,
            error,
            elapsed_ms,
            decision,
        }
    }
}

impl Inner {
    fn config(&self) -> &RetryConfig {
        &self.options.config
    }

    async fn run(&self, input: JsValue, init: JsValue) -> Result<JsValue, JsValue> {
        let request = PreparedRequest::new(input, init);
        let started = Date::now();
        let mut trace: Vec<TraceEntry> = Vec::new();
        let mut number: u32 = 0;
        loop {
            number += 1;
            if let Some(signal) = request.signal.as_ref().filter(|s| s.aborted()) {
                return Err(signal.reason());
            }
            let budget = self.attempt_budget(elapsed_since(started));
            let (outcome, response, cause) = match self.attempt(&request, budget).await {
                AttemptEnd::Final(error) => return Err(error),
                AttemptEnd::Response(response, status) => {
                    if !self.config().retries_status(status) {
                        // The common path: a final status, returned without reading any header.
                        if !trace.is_empty() {
                            let outcome = Outcome::Response {
                                status,
                                hints: RateLimitHint::default(),
                            };
                            let stop = RetryDecision::Stop(StopReason::Final);
                            trace.push(TraceEntry::new(number, &outcome, elapsed_since(started), stop));
                            self.annotate(&response, number, &trace, StopReason::Final);
                        }
                        return Ok(response.into());
                    }
                    let headers = ResponseHeaders(get_cached(&response, &HEADERS).unchecked_into());
                    let hints = RateLimitHint::from_headers(&headers, Date::now() as i64);
                    (
                        Outcome::Response { status, hints },
                        Some(response),
                        JsValue::UNDEFINED,
                    )
                }
                AttemptEnd::NetworkError(cause) => (Outcome::NetworkError, None, cause),
                AttemptEnd::Timeout(cause) => (Outcome::Timeout, None, cause),
            };
            let elapsed_ms = elapsed_since(started);
            let attempt = Attempt {
                number,
                method: &request.method,
                // The mark matters only for a method the configuration does not already retry.
                idempotent: !self.config().methods.contains(&request.method)
                    && request.marked_idempotent()?,
                replayable: request.replayable,
                outcome,
                elapsed_ms,
                random: Math::random(),
            };
            let decision = decide(&attempt, self.config());
            trace.push(TraceEntry::new(number, &outcome, elapsed_ms, decision));
            match decision {
                RetryDecision::Retry { delay_ms, .. } => {
                    if let Some(response) = &response {
                        discard_body(response);
                    }
                    if let Some(entry) = trace.last() {
                        self.notify_retry(entry)?;
                    }
                    Wait::new(delay_ms, request.signal.as_ref()).await?;
                }
                RetryDecision::Stop(stop) => {
                    return match response {
                        Some(response) => {
                            self.annotate(&response, number, &trace, stop);
                            Ok(response.into())
                        }
                        None => Err(self.failure(&request.method, outcome, number, &trace, stop, cause)),
                    };
                }
            }
        }
    }

    /// Time allowed for the next attempt: the attempt timeout, shortened to what is left of the total.
    fn attempt_budget(&self, elapsed_ms: u64) -> Option<u64> {
        let config = self.config();
        let remaining = config
            .total_timeout_ms
            .map(|total| total.saturating_sub(elapsed_ms).max(1));
        match (config.attempt_timeout_ms, remaining) {
            (Some(attempt), Some(remaining)) => Some(attempt.min(remaining)),
            (attempt, remaining) => attempt.or(remaining),
        }
    }

    async fn attempt(&self, request: &PreparedRequest, budget_ms: Option<u64>) -> AttemptEnd {
        // Held until the attempt ends: dropping them clears the timer and removes the listener.
        let mut timeout: Option<AttemptTimeout> = None;
        let mut _listener: Option<AbortListener> = None;
        let mut signal: Option<AbortSignal> = None;
        if let Some(ms) = budget_ms {
            if let Ok(controller) = AbortController::new() {
                timeout = AttemptTimeout::start(ms as f64, &controller).ok();
                let (combined, listener) = combine_signals(request.signal.as_ref(), &controller);
                _listener = listener;
                signal = Some(combined);
            }
        }
        let (input, init) = match request.for_attempt(signal.as_ref()) {
            Ok(pair) => pair,
            Err(error) => return AttemptEnd::Final(error),
        };
        let called = match &self.options.fetch {
            Some(fetch) => fetch.call2(&JsValue::UNDEFINED, &input, &init),
            None => global_fetch(&input, &init),
        };
        let settled = match called {
            Ok(value) => JsFuture::from(to_promise(value)).await,
            Err(error) => Err(error),
        };
        match settled {
            Ok(value) => match response_status(&value) {
                Some(status) => AttemptEnd::Response(value.unchecked_into(), status),
                None => AttemptEnd::Final(type_error(
                    "commerce-fetch: fetch resolved with something that is not a Response",
                )),
            },
            Err(error) => {
                if let Some(caller) = request.signal.as_ref().filter(|s| s.aborted()) {
                    return AttemptEnd::Final(caller.reason());
                }
                if timeout.as_ref().is_some_and(AttemptTimeout::fired) {
                    return AttemptEnd::Timeout(error);
                }
                let (name, message) = error_name_and_message(&error);
                match classify_fetch_failure(&name, &message) {
                    FetchFailure::Network => AttemptEnd::NetworkError(error),
                    FetchFailure::Usage | FetchFailure::Other => AttemptEnd::Final(error),
                }
            }
        }
    }

    /// Calls `onRetry` with `{ attempt, delayMs, reason, status?, source }`. A throw rejects the call.
    fn notify_retry(&self, entry: &TraceEntry) -> Result<(), JsValue> {
        let (
            Some(on_retry),
            RetryDecision::Retry {
                delay_ms,
                reason,
                source,
            },
        ) = (&self.options.on_retry, entry.decision)
        else {
            return Ok(());
        };
        let event = Object::new();
        set(&event, "attempt", &entry.attempt.into());
        set(&event, "delayMs", &(delay_ms as f64).into());
        set(&event, "reason", &reason.as_str().into());
        if let Some(status) = entry.status {
            set(&event, "status", &status.into());
        }
        set(&event, "source", &source.as_str().into());
        on_retry.call1(&JsValue::UNDEFINED, &event).map(|_| ())
    }

    fn annotate(&self, response: &Response, attempts: u32, trace: &[TraceEntry], stop: StopReason) {
        let details = details(attempts, trace, stop);
        // The hook only stores into a WeakMap; a throw there must not lose the response.
        let _ = self.annotate.call2(&JsValue::UNDEFINED, response, &details);
    }

    fn failure(
        &self,
        method: &str,
        outcome: Outcome,
        attempts: u32,
        trace: &[TraceEntry],
        stop: StopReason,
        cause: JsValue,
    ) -> JsValue {
        let (kind, what) = match outcome {
            Outcome::Timeout => ("TimeoutError", "timed out"),
            _ => ("NetworkError", "failed: no response (network error)"),
        };
        let plural = if attempts == 1 { "" } else { "s" };
        let message = format!("{method} {what} after {attempts} attempt{plural}; stopped because {stop}");
        let details = details(attempts, trace, stop);
        set(&details, "cause", &cause);
        let args: Array = [
            JsValue::from_str(kind),
            JsValue::from_str(&message),
            details.into(),
        ]
        .into_iter()
        .collect();
        self.make_error
            .apply(&JsValue::UNDEFINED, &args)
            .unwrap_or_else(|thrown| thrown)
    }
}

/// `{ attempts, reason, trace, hintMs?, source? }` for errors and `retryInfo`.
fn details(attempts: u32, trace: &[TraceEntry], stop: StopReason) -> Object {
    let details = Object::new();
    set(&details, "attempts", &attempts.into());
    set(&details, "reason", &stop.as_str().into());
    if let Some((hint_ms, source)) = stop.hint() {
        set(&details, "hintMs", &(hint_ms as f64).into());
        set(&details, "source", &source.as_str().into());
    }
    let entries: Array = trace
        .iter()
        .map(|entry| JsValue::from(trace_entry(entry)))
        .collect();
    set(&details, "trace", &entries);
    details
}

/// `{ attempt, status? | error?, elapsedMs, decision, delayMs, reason, source?, hintMs? }`.
fn trace_entry(entry: &TraceEntry) -> Object {
    let object = Object::new();
    set(&object, "attempt", &entry.attempt.into());
    if let Some(status) = entry.status {
        set(&object, "status", &status.into());
    }
    if let Some(error) = entry.error {
        set(&object, "error", &error.into());
    }
    set(&object, "elapsedMs", &(entry.elapsed_ms as f64).into());
    match entry.decision {
        RetryDecision::Retry {
            delay_ms,
            reason,
            source,
        } => {
            set(&object, "decision", &"retry".into());
            set(&object, "delayMs", &(delay_ms as f64).into());
            set(&object, "reason", &reason.as_str().into());
            set(&object, "source", &source.as_str().into());
        }
        RetryDecision::Stop(stop) => {
            set(&object, "decision", &"stop".into());
            set(&object, "delayMs", &0.into());
            set(&object, "reason", &stop.as_str().into());
            if let Some((hint_ms, source)) = stop.hint() {
                set(&object, "hintMs", &(hint_ms as f64).into());
                set(&object, "source", &source.as_str().into());
            }
        }
    }
    object
}

/// Milliseconds since `started`, never negative even if the clock steps back.
fn elapsed_since(started: f64) -> u64 {
    let elapsed = Date::now() - started;
    if elapsed > 0.0 {
        elapsed as u64
    } else {
        0
    }
}

/// The status of a `Response`, possibly from another realm or a polyfill: a `status` from 0 to 999 and
/// a `headers` object. `None` for anything else.
fn response_status(value: &JsValue) -> Option<u16> {
    let status = get_cached(value, &STATUS)
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (0.0..1000.0).contains(s))?;
    get_cached(value, &HEADERS).is_object().then_some(status as u16)
}

/// Cancels the body of a response that will not be returned, so the connection is freed.
fn discard_body(response: &Response) {
    thread_local! {
        // One handler for the life of the module: cancelling can reject, and nobody awaits it.
        static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
    }
    if let Ok(body) = get_cached(response, &BODY).dyn_into::<ReadableStream>() {
        if !body.locked() {
            IGNORE.with(|ignore| {
                let _ = body.cancel().catch(ignore);
            });
        }
    }
}

/// Response headers for the core's hint parser. `Headers.get` already matches names in any case and
/// joins repeated headers with ", ".
struct ResponseHeaders(Headers);

impl HeaderSource for ResponseHeaders {
    fn header(&self, name: &str) -> Option<String> {
        self.0.get(name).ok().flatten()
    }
}
