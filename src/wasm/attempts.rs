//! The retry history of one call: JavaScript reports how each attempt ended, the core decides, and the
//! history becomes the `retryInfo()` details, the `onRetry` event and the error of a failed call.

use alloc::rc::Rc;
use alloc::string::String;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::js::{set, HintValues};
use super::policy::Policy;
use crate::decision::{Outcome, RetryDecision, Verdict};
use crate::hints::{RateLimitHint, HINT_HEADERS};
use crate::history::{History, TraceEntry};

/// The names of the headers `afterResponse` takes the values of, in its argument order.
#[wasm_bindgen(js_name = hintHeaders)]
pub fn hint_headers() -> Array {
    HINT_HEADERS.iter().map(|name| JsValue::from_str(name)).collect()
}

/// The attempts of one call and the decision after each (the core's [`History`]). JavaScript makes one
/// when the first attempt ends in something that may be retried, and frees it when the call settles.
#[wasm_bindgen]
pub struct Attempts {
    history: History,
}

#[wasm_bindgen]
impl Attempts {
    /// The history of a call to `policy`'s client that started at `started_ms` (`Date.now()`).
    /// `idempotent`: the caller marked the request safe to repeat; `replayable`: its body can be sent
    /// again.
    #[wasm_bindgen(constructor)]
    pub fn new(
        policy: &Policy,
        method: String,
        idempotent: bool,
        replayable: bool,
        started_ms: f64,
    ) -> Attempts {
        Attempts {
            history: History::new(
                Rc::clone(&policy.config),
                method,
                idempotent,
                replayable,
                started_ms,
            ),
        }
    }

    /// The latest attempt got a response with `status`. `hints` holds the values of the headers
    /// `hintHeaders()` names, in that order, joined by line feeds (an empty line for an absent one);
    /// `cross_origin`: the response is a browser's `cors` response, which shows only the headers the
    /// server exposes. Returns the wait before the next attempt in milliseconds, or `undefined` when
    /// the response is the result. `random` is in [0, 1).
    #[wasm_bindgen(js_name = afterResponse)]
    pub fn after_response(
        &mut self,
        status: u16,
        hints: &str,
        cross_origin: bool,
        now_ms: f64,
        random: f64,
    ) -> Option<f64> {
        // A status that is not retried is final whatever its headers say.
        let hints = if self.history.config().retries_status(status) {
            RateLimitHint::from_response(&HintValues(hints), now_ms as i64, cross_origin)
        } else {
            RateLimitHint::default()
        };
        self.record(Outcome::Response { status, hints }, now_ms, random)
    }

    /// The latest attempt got no response: it timed out (`timed_out`) or the connection failed.
    /// Returns the wait before the next attempt, or `undefined` to give up.
    #[wasm_bindgen(js_name = afterFailure)]
    pub fn after_failure(&mut self, timed_out: bool, now_ms: f64, random: f64) -> Option<f64> {
        let outcome = if timed_out {
            Outcome::Timeout
        } else {
            Outcome::NetworkError
        };
        self.record(outcome, now_ms, random)
    }

    /// Whether the caller's `shouldRetry` is asked about the latest decision: a retry, a stop only
    /// because the method is not safe to repeat, or a failure the configuration does not retry.
    #[wasm_bindgen(js_name = asksCaller)]
    pub fn asks_caller(&self) -> bool {
        self.history.asks_caller()
    }

    /// What `shouldRetry` answered about the latest decision: `false` vetoes a retry (`"vetoed"`);
    /// `true` allows a write that stopped only because it is not safe to repeat, or a failure the
    /// configuration does not retry, decided again as if it were marked and retried (the limits and
    /// deadlines still hold); any other value leaves the decision. Returns the wait before the next
    /// attempt, or `undefined` to stop.
    pub fn verdict(&mut self, verdict: &JsValue, now_ms: f64, random: f64) -> Option<f64> {
        let verdict = match verdict.as_bool() {
            Some(false) => Verdict::Veto,
            Some(true) => Verdict::Allow,
            None => Verdict::Keep,
        };
        wait_of(self.history.verdict(verdict, now_ms, random)?)
    }

    /// The attempt whose outcome is told next waited `ms` for its turn at the store, held last by
    /// `reason` (`"pacing"` or `"concurrency"`); its trace entry says so (`waitedMs`, `waitedFor`).
    pub fn waited(&mut self, ms: f64, reason: &str) {
        self.history.waited(ms, reason);
    }

    /// Whether the latest decision is a retry after throttling (a 429), which the store's retry
    /// budget charges less for.
    #[wasm_bindgen(js_name = retriesThrottled)]
    pub fn retries_throttled(&self) -> bool {
        self.history.retries_throttled()
    }

    /// The store's retry budget paid for the latest decision's retry (`spent`), or could not: then the
    /// retry becomes a stop (`"retry_budget"`). Returns the wait, or `undefined` to stop.
    #[wasm_bindgen(js_name = afterBudget)]
    pub fn after_budget(&mut self, spent: bool) -> Option<f64> {
        wait_of(self.history.after_budget(spent)?)
    }

    /// The latest trace entry, as `retryInfo()` shows it: what `shouldRetry` is asked about.
    #[wasm_bindgen(js_name = lastEntry)]
    pub fn last_entry(&self) -> JsValue {
        self.history
            .trace()
            .last()
            .map_or(JsValue::UNDEFINED, |entry| trace_entry(entry).into())
    }

    /// `{ attempt, delayMs, reason, status?, source, hints? }` for `onRetry`, after a decision to retry.
    #[wasm_bindgen(js_name = retryEvent)]
    pub fn retry_event(&self) -> JsValue {
        let Some(entry) = self.history.trace().last() else {
            return JsValue::UNDEFINED;
        };
        let RetryDecision::Retry {
            delay_ms,
            reason,
            source,
        } = entry.decision
        else {
            return JsValue::UNDEFINED;
        };
        let event = Object::new();
        set(&event, "attempt", &entry.attempt.into());
        set(&event, "delayMs", &(delay_ms as f64).into());
        set(&event, "reason", &reason.as_str().into());
        if let Outcome::Response { status, .. } = entry.outcome {
            set(&event, "status", &status.into());
        }
        set(&event, "source", &source.as_str().into());
        set_hidden(&event, entry.outcome);
        event.into()
    }

    /// `{ attempts, reason, trace, hintMs?, source? }`, for `retryInfo()` and for errors.
    pub fn details(&self) -> Object {
        let stop = self.history.stop();
        let details = Object::new();
        set(&details, "attempts", &self.history.attempts().into());
        set(&details, "reason", &stop.as_str().into());
        if let Some((hint_ms, source)) = stop.hint() {
            set(&details, "hintMs", &(hint_ms as f64).into());
            set(&details, "source", &source.as_str().into());
        }
        let entries: Array = self
            .history
            .trace()
            .iter()
            .map(|entry| JsValue::from(trace_entry(entry)))
            .collect();
        set(&details, "trace", &entries);
        details
    }

    /// The message of the error a call ends with when its last attempt got no response, such as
    /// "GET timed out after 3 attempts; stopped because the retry limit (2) is used up", and why the
    /// waits came from backoff when a retried response hid its rate-limit headers.
    pub fn message(&self) -> String {
        self.history.message()
    }
}

impl Attempts {
    fn record(&mut self, outcome: Outcome, now_ms: f64, random: f64) -> Option<f64> {
        wait_of(self.history.record(outcome, now_ms, random))
    }
}

/// The wait of a decision to retry, in milliseconds; `undefined` for a stop.
fn wait_of(decision: RetryDecision) -> Option<f64> {
    match decision {
        RetryDecision::Retry { delay_ms, .. } => Some(delay_ms as f64),
        RetryDecision::Stop(_) => None,
    }
}

/// `{ attempt, status? | error?, elapsedMs, decision, delayMs, reason, source?, hintMs?, hints? }`.
fn trace_entry(entry: &TraceEntry) -> Object {
    let object = Object::new();
    set(&object, "attempt", &entry.attempt.into());
    match entry.outcome {
        Outcome::Response { status, .. } => set(&object, "status", &status.into()),
        Outcome::NetworkError => set(&object, "error", &"network_error".into()),
        Outcome::Timeout => set(&object, "error", &"timeout".into()),
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
    set_hidden(&object, entry.outcome);
    if let Some((ms, reason)) = entry.waited {
        set(&object, "waitedMs", &(ms as f64).into());
        set(&object, "waitedFor", &reason.into());
    }
    object
}

fn hints_hidden(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Response { hints, .. } if hints.hidden)
}

/// `hints: "hidden"` on an event or trace entry whose response hid its rate-limit headers.
fn set_hidden(object: &Object, outcome: Outcome) {
    if hints_hidden(outcome) {
        set(object, "hints", &"hidden".into());
    }
}
