//! The attempts of one call and the decision after each: the shells report how each attempt ended, the
//! core decides ([`decide`], then the caller's verdict and the store's budget), and the history becomes
//! the details of a response or an error and the message of an error. Both shells keep their calls
//! with it: the wasm boundary for JavaScript (`src/wasm/attempts.rs`) and the Rust shell (`src/web/`).

use alloc::rc::Rc;
use alloc::{string::String, vec::Vec};

use crate::decision::{
    after_budget, after_verdict, asks_caller, decide, is_throttled, Attempt, Outcome, RetryDecision,
    StopReason, Verdict,
};
use crate::hints::{DelaySource, HIDDEN_HINTS_EXPLAINED};
use crate::message::Message;
use crate::policy::RetryConfig;

/// One line of the history: how an attempt ended and what was decided after it (the JavaScript
/// trace entry `{ attempt, status | error, elapsedMs, decision, delayMs, reason, source, hintMs }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    /// Which attempt: 1 for the first.
    pub attempt: u32,
    /// How it ended: a response (its status and rate-limit hints), a network error or a timeout.
    pub outcome: Outcome,
    /// Milliseconds from the start of the call to the end of this attempt.
    pub elapsed_ms: u64,
    /// Retry after a wait (its length, reason and source), or stop and why.
    pub decision: RetryDecision,
    /// How long the attempt waited for its turn at the store (`protect`), and for what: `"pacing"`,
    /// `"concurrency"` or `"queue"`.
    pub waited: Option<(u64, &'static str)>,
}

/// What happened over a call: the JavaScript package's `retryInfo()` and error fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Details {
    /// Attempts made, the first included.
    pub attempts: u32,
    /// Why no further attempt was made ([`StopReason::Final`] when the last answer was the result).
    pub reason: StopReason,
    /// Every attempt, in order.
    pub trace: Vec<TraceEntry>,
}

impl Details {
    /// The server's wait hint that stopped the call (`hintMs` and `source`), if one did.
    pub fn hint(&self) -> Option<(u64, DelaySource)> {
        self.reason.hint()
    }
}

/// The history of one call in progress.
#[derive(Clone, Debug)]
pub struct History {
    config: Rc<RetryConfig>,
    method: String,
    idempotent: bool,
    replayable: bool,
    started_ms: f64,
    trace: Vec<TraceEntry>,
    /// The wait before the attempt whose outcome comes next.
    waited: Option<(u64, &'static str)>,
}

impl History {
    /// The history of a call under `config` that started at `started_ms` (on the shell's clock).
    /// `idempotent`: the caller marked the request safe to repeat; `replayable`: its body can be sent
    /// again.
    pub fn new(
        config: Rc<RetryConfig>,
        method: String,
        idempotent: bool,
        replayable: bool,
        started_ms: f64,
    ) -> History {
        History {
            config,
            method,
            idempotent,
            replayable,
            started_ms,
            trace: Vec::new(),
            waited: None,
        }
    }

    /// The configuration the call's decisions follow.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// The attempts so far, in order.
    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    /// Milliseconds since the call started, at `now_ms`. A clock that steps back gives 0 (`as`
    /// saturates).
    pub fn elapsed_ms(&self, now_ms: f64) -> u64 {
        (now_ms - self.started_ms) as u64
    }

    /// Records how the latest attempt ended at `now_ms` and returns the core's decision after it.
    /// `random` is in [0, 1), for the jitter.
    pub fn record(&mut self, outcome: Outcome, now_ms: f64, random: f64) -> RetryDecision {
        let number = self.attempts() + 1;
        let elapsed_ms = self.elapsed_ms(now_ms);
        let attempt = Attempt {
            number,
            method: &self.method,
            idempotent: self.idempotent,
            replayable: self.replayable,
            outcome,
            elapsed_ms,
            random,
        };
        let decision = decide(&attempt, &self.config);
        self.trace.push(TraceEntry {
            attempt: number,
            outcome,
            elapsed_ms,
            decision,
            waited: self.waited.take(),
        });
        decision
    }

    /// The attempt whose outcome is recorded next waited `ms` for its turn at the store, held last by
    /// `reason` (`"pacing"` or `"concurrency"`; anything else reads as `"queue"`). Less than a
    /// millisecond is no wait.
    pub fn waited(&mut self, ms: f64, reason: &str) {
        let reason = match reason {
            "pacing" => "pacing",
            "concurrency" => "concurrency",
            _ => "queue",
        };
        self.waited = (ms >= 1.0).then_some((ms as u64, reason));
    }

    /// Whether the caller's `shouldRetry` is asked about the latest decision ([`asks_caller`]).
    pub fn asks_caller(&self) -> bool {
        self.trace
            .last()
            .is_some_and(|entry| asks_caller(entry.decision, entry.outcome))
    }

    /// The latest decision after the caller's `verdict` on it ([`after_verdict`]), at `now_ms`;
    /// `None` before any attempt.
    pub fn verdict(&mut self, verdict: Verdict, now_ms: f64, random: f64) -> Option<RetryDecision> {
        let elapsed_ms = self.elapsed_ms(now_ms);
        let entry = self.trace.last_mut()?;
        let attempt = Attempt {
            number: entry.attempt,
            method: &self.method,
            idempotent: self.idempotent,
            replayable: self.replayable,
            outcome: entry.outcome,
            elapsed_ms,
            random,
        };
        entry.decision = after_verdict(entry.decision, verdict, &attempt, &self.config);
        Some(entry.decision)
    }

    /// Whether the latest decision is a retry after throttling (a 429), which the store's retry
    /// budget charges less for.
    pub fn retries_throttled(&self) -> bool {
        self.trace
            .last()
            .is_some_and(|entry| is_throttled(entry.decision))
    }

    /// The latest decision after the store's retry budget paid for its retry (`spent`) or could not
    /// ([`after_budget`]); `None` before any attempt.
    pub fn after_budget(&mut self, spent: bool) -> Option<RetryDecision> {
        let entry = self.trace.last_mut()?;
        entry.decision = after_budget(entry.decision, spent);
        Some(entry.decision)
    }

    /// Attempts made, the first included.
    pub fn attempts(&self) -> u32 {
        self.trace.last().map_or(0, |entry| entry.attempt)
    }

    /// Why the call stopped: the last decision, once it is a stop ([`StopReason::Final`] until then).
    pub fn stop(&self) -> StopReason {
        match self.trace.last().map(|entry| entry.decision) {
            Some(RetryDecision::Stop(stop)) => stop,
            _ => StopReason::Final,
        }
    }

    /// The call's details: attempts, why it stopped, and the trace.
    pub fn details(&self) -> Details {
        Details {
            attempts: self.attempts(),
            reason: self.stop(),
            trace: self.trace.clone(),
        }
    }

    /// The message of the error a call ends with when its last attempt got no response, such as
    /// "GET timed out after 3 attempts; stopped because the retry limit (2) is used up", with why the
    /// waits came from backoff when a retried response hid its rate-limit headers.
    pub fn message(&self) -> String {
        let what = match self.trace.last().map(|entry| entry.outcome) {
            Some(Outcome::Timeout) => "timed out",
            _ => "failed: no response (network error)",
        };
        let attempts = self.attempts();
        let message = Message::new()
            .text(&self.method)
            .text(" ")
            .text(what)
            .text(" after ")
            .number(u64::from(attempts))
            .text(if attempts == 1 { " attempt" } else { " attempts" })
            .text("; stopped because ")
            .text(&self.stop().explain());
        if self.waited_past_hidden_hints() {
            message.text("; ").text(HIDDEN_HINTS_EXPLAINED).finish()
        } else {
            message.finish()
        }
    }

    /// Whether a retry followed a response that hid its rate-limit headers, so its wait was a backoff.
    fn waited_past_hidden_hints(&self) -> bool {
        self.trace.iter().any(|entry| {
            matches!(entry.decision, RetryDecision::Retry { .. })
                && matches!(entry.outcome, Outcome::Response { hints, .. } if hints.hidden)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hints::RateLimitHint;
    use crate::STOREFRONT;

    fn history(method: &str) -> History {
        History::new(Rc::new(STOREFRONT), method.into(), false, true, 1_000.0)
    }

    fn busy() -> Outcome {
        Outcome::Response {
            status: 503,
            hints: RateLimitHint::default(),
        }
    }

    #[test]
    fn records_each_attempt_and_stops_at_the_limit() {
        let mut calls = history("GET");
        assert!(matches!(
            calls.record(busy(), 1_010.0, 0.0),
            RetryDecision::Retry { .. }
        ));
        calls.waited(40.0, "concurrency");
        calls.record(busy(), 1_300.0, 0.0);
        let last = calls.record(busy(), 1_600.0, 0.0);
        assert_eq!(last, RetryDecision::Stop(StopReason::RetryLimit { limit: 2 }));
        let details = calls.details();
        assert_eq!((details.attempts, details.reason), (3, last_stop(last)));
        assert_eq!(details.trace[1].waited, Some((40, "concurrency")));
        assert_eq!(details.trace[1].elapsed_ms, 300);
        assert_eq!(details.trace[0].waited, None);
    }

    fn last_stop(decision: RetryDecision) -> StopReason {
        match decision {
            RetryDecision::Stop(stop) => stop,
            RetryDecision::Retry { .. } => StopReason::Final,
        }
    }

    #[test]
    fn the_callers_verdict_and_the_budget_change_the_latest_decision() {
        let mut calls = history("POST");
        assert_eq!(
            calls.record(busy(), 1_000.0, 0.0),
            RetryDecision::Stop(StopReason::UnsafeMethod)
        );
        assert!(calls.asks_caller());
        let allowed = calls.verdict(Verdict::Allow, 1_000.0, 0.0);
        assert!(matches!(allowed, Some(RetryDecision::Retry { .. })));
        assert!(!calls.retries_throttled());
        assert_eq!(
            calls.after_budget(false),
            Some(RetryDecision::Stop(StopReason::RetryBudget))
        );
        assert_eq!(calls.stop(), StopReason::RetryBudget);
        assert_eq!(history("GET").verdict(Verdict::Veto, 0.0, 0.0), None);
    }

    #[test]
    fn the_message_names_the_method_attempts_and_reason() {
        let mut calls = history("GET");
        calls.record(Outcome::Timeout, 1_000.0, 0.0);
        calls.record(Outcome::Timeout, 1_000.0, 0.0);
        calls.record(Outcome::Timeout, 1_000.0, 0.0);
        let message = calls.message();
        assert!(
            message.starts_with("GET timed out after 3 attempts; stopped because the retry limit"),
            "{message}"
        );
        assert_eq!(history("GET").elapsed_ms(0.0), 0, "a clock that steps back");
    }
}
