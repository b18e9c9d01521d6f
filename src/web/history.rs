//! The attempts of one call and the decision after each, as `src/wasm/attempts.rs` keeps them for the
//! JavaScript shell: the core decides, the history records, and becomes the [`Details`] of a response
//! or an error and the message of an error.

use std::rc::Rc;

use crate::decision::{decide, Attempt, Outcome, RetryDecision, StopReason};
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
pub(super) struct History {
    config: Rc<RetryConfig>,
    method: String,
    idempotent: bool,
    replayable: bool,
    started_ms: f64,
    trace: Vec<TraceEntry>,
}

impl History {
    pub(super) fn new(
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
        }
    }

    pub(super) fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// Milliseconds since the call started, at `now_ms`.
    pub(super) fn elapsed_ms(&self, now_ms: f64) -> u64 {
        // `as` saturates: a clock that steps back gives 0.
        (now_ms - self.started_ms) as u64
    }

    /// Records how the latest attempt ended and returns the core's decision after it.
    pub(super) fn record(&mut self, outcome: Outcome, now_ms: f64, random: f64) -> RetryDecision {
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
        });
        decision
    }

    pub(super) fn attempts(&self) -> u32 {
        self.trace.last().map_or(0, |entry| entry.attempt)
    }

    /// Why the call stopped: the last decision, once it is a stop.
    fn stop(&self) -> StopReason {
        match self.trace.last().map(|entry| entry.decision) {
            Some(RetryDecision::Stop(stop)) => stop,
            _ => StopReason::Final,
        }
    }

    pub(super) fn details(&self) -> Details {
        Details {
            attempts: self.attempts(),
            reason: self.stop(),
            trace: self.trace.clone(),
        }
    }

    /// "GET timed out after 3 attempts; stopped because …", as the JavaScript errors say it, with the
    /// clause about hidden rate-limit headers when a retried response hid them.
    pub(super) fn message(&self, what: &str) -> String {
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
        let hidden = self.trace.iter().any(|entry| {
            matches!(entry.decision, RetryDecision::Retry { .. })
                && matches!(entry.outcome, Outcome::Response { hints, .. } if hints.hidden)
        });
        if hidden {
            message.text("; ").text(HIDDEN_HINTS_EXPLAINED).finish()
        } else {
            message.finish()
        }
    }
}
