//! The retry decision: after each attempt, retry after how long, or stop and why.
//!
//! [`decide`] is a pure function. The clock and the random number come in as arguments, so the same
//! inputs always give the same decision, on the host and in wasm alike. The checks run in one fixed
//! order: outcome → body → limit → method safety → deadline → server hint (capped) → backoff.

use alloc::string::String;
use core::fmt;

use crate::hints::{DelaySource, RateLimitHint};
use crate::message::Message;
use crate::policy::{Jitter, RetryConfig};

/// What one attempt ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A response arrived, with its status and the hints read from its headers.
    Response {
        /// The HTTP status.
        status: u16,
        /// The wait hints and rate-limit state from its headers.
        hints: RateLimitHint,
    },
    /// No response: the connection failed (fetch rejected with a `TypeError`).
    NetworkError,
    /// No response within the attempt timeout.
    Timeout,
}

/// One finished attempt and its circumstances.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attempt<'a> {
    /// Which attempt this was: 1 for the first.
    pub number: u32,
    /// The request method, in any case.
    pub method: &'a str,
    /// Whether the caller marked the request as safe to repeat (an `Idempotency-Key` header, or an option).
    pub idempotent: bool,
    /// Whether the request body can be sent again (false for a stream, which is read once).
    pub replayable: bool,
    /// How the attempt ended.
    pub outcome: Outcome,
    /// Milliseconds since the first attempt started, waits included.
    pub elapsed_ms: u64,
    /// A random number in [0, 1) for the jitter; values outside are clamped.
    pub random: f64,
}

/// Why another attempt is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// 429: the rate limit or a concurrency limit.
    RateLimited,
    /// 408: the server timed out reading the request.
    RequestTimeout,
    /// A 5xx in the retried list.
    ServerError,
    /// Another status the configuration retries.
    RetryableStatus,
    /// The connection failed.
    NetworkError,
    /// The attempt timed out.
    Timeout,
}

impl RetryReason {
    /// A stable name for JavaScript: `"rate_limited"`, `"request_timeout"`, `"server_error"`,
    /// `"retryable_status"`, `"network_error"` or `"timeout"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RetryReason::RateLimited => "rate_limited",
            RetryReason::RequestTimeout => "request_timeout",
            RetryReason::ServerError => "server_error",
            RetryReason::RetryableStatus => "retryable_status",
            RetryReason::NetworkError => "network_error",
            RetryReason::Timeout => "timeout",
        }
    }
}

/// Why no further attempt is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The outcome is final: a status that is not retried (every success among them), or a network
    /// error or timeout that the configuration does not retry.
    Final,
    /// The request body was a stream, which can be sent only once.
    BodyNotReplayable,
    /// The retry limit is used up.
    RetryLimit {
        /// The limit that applied.
        limit: u32,
    },
    /// The method may have taken effect and is not safe to repeat (POST or PATCH without a mark).
    UnsafeMethod,
    /// The caller's `shouldRetry` said no to a retry the rules allowed.
    Vetoed,
    /// The store's retry budget is used up: too many retries lately (see `budget`).
    RetryBudget,
    /// The server asked for a wait longer than `max_retry_after_ms`.
    HintExceedsMax {
        /// The wait the server asked for.
        hint_ms: u64,
        /// Which header asked for it.
        source: DelaySource,
        /// The configured maximum.
        max_ms: u64,
    },
    /// The server asked for a wait that would end at or past the total deadline.
    HintPastDeadline {
        /// The wait the server asked for.
        hint_ms: u64,
        /// Which header asked for it.
        source: DelaySource,
        /// Time left before the deadline.
        remaining_ms: u64,
    },
    /// The backoff wait would leave no time before the total deadline, or it has passed.
    Deadline {
        /// The wait that would have been taken (0 when the deadline had already passed).
        delay_ms: u64,
        /// Time left before the deadline.
        remaining_ms: u64,
    },
}

impl StopReason {
    /// A stable name for JavaScript: `"final"`, `"body_not_replayable"`, `"retry_limit"`, `"unsafe_method"`,
    /// `"vetoed"`, `"retry_budget"`, `"hint_exceeds_max"`, `"hint_past_deadline"` or `"deadline"`.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Final => "final",
            StopReason::BodyNotReplayable => "body_not_replayable",
            StopReason::RetryLimit { .. } => "retry_limit",
            StopReason::UnsafeMethod => "unsafe_method",
            StopReason::Vetoed => "vetoed",
            StopReason::RetryBudget => "retry_budget",
            StopReason::HintExceedsMax { .. } => "hint_exceeds_max",
            StopReason::HintPastDeadline { .. } => "hint_past_deadline",
            StopReason::Deadline { .. } => "deadline",
        }
    }

    /// The server's wait hint that caused the stop, if one did.
    pub fn hint(self) -> Option<(u64, DelaySource)> {
        match self {
            StopReason::HintExceedsMax { hint_ms, source, .. }
            | StopReason::HintPastDeadline { hint_ms, source, .. } => Some((hint_ms, source)),
            _ => None,
        }
    }
}

impl StopReason {
    /// Why, as a sentence that ends "stopped because …" in an error message.
    pub fn explain(self) -> String {
        let message = Message::new();
        match self {
            StopReason::Final => message.text("the outcome is final: it is not one that is retried"),
            StopReason::BodyNotReplayable => {
                message.text("the request body is a stream, which can be sent only once")
            }
            StopReason::RetryLimit { limit } => message
                .text("the retry limit (")
                .number(u64::from(limit))
                .text(") is used up"),
            StopReason::UnsafeMethod => {
                message.text("the method is not idempotent; mark the request idempotent to allow retries")
            }
            StopReason::Vetoed => message.text("shouldRetry said not to retry"),
            StopReason::RetryBudget => {
                message.text("the store's retry budget is used up (too many retries lately)")
            }
            StopReason::HintExceedsMax {
                hint_ms,
                source,
                max_ms,
            } => message
                .text("the server asked to wait ")
                .number(hint_ms)
                .text(" ms (")
                .text(source.as_str())
                .text("), more than maxRetryAfterMs (")
                .number(max_ms)
                .text(" ms)"),
            StopReason::HintPastDeadline {
                hint_ms,
                source,
                remaining_ms,
            } => message
                .text("the server asked to wait ")
                .number(hint_ms)
                .text(" ms (")
                .text(source.as_str())
                .text("), but only ")
                .number(remaining_ms)
                .text(" ms are left before totalTimeout"),
            StopReason::Deadline {
                delay_ms,
                remaining_ms,
            } => message
                .text("no time is left for another attempt before totalTimeout (wait ")
                .number(delay_ms)
                .text(" ms, ")
                .number(remaining_ms)
                .text(" ms left)"),
        }
        .finish()
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain())
    }
}

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait `delay_ms`, then send the request again.
    Retry {
        /// How long to wait first.
        delay_ms: u64,
        /// Why.
        reason: RetryReason,
        /// Where the wait came from.
        source: DelaySource,
    },
    /// Make no further attempt.
    Stop(StopReason),
}

/// Decides whether to retry after `attempt`, under `config`.
pub fn decide(attempt: &Attempt<'_>, config: &RetryConfig) -> RetryDecision {
    let Some(reason) = retry_reason(&attempt.outcome, config) else {
        return RetryDecision::Stop(StopReason::Final);
    };
    if !attempt.replayable {
        return RetryDecision::Stop(StopReason::BodyNotReplayable);
    }
    let rate_limited = reason == RetryReason::RateLimited;

    let limit = if rate_limited {
        config.rate_limit_limit
    } else {
        config.limit
    };
    if attempt.number > limit {
        return RetryDecision::Stop(StopReason::RetryLimit { limit });
    }

    // BigCommerce answers 429 before doing any work, so even a POST is safe to send again after one.
    let repeatable = rate_limited || attempt.idempotent || config.methods.contains(attempt.method);
    if !repeatable {
        return RetryDecision::Stop(StopReason::UnsafeMethod);
    }

    let remaining_ms = config
        .total_timeout_ms
        .map(|total| total.saturating_sub(attempt.elapsed_ms));
    if remaining_ms == Some(0) {
        return RetryDecision::Stop(StopReason::Deadline {
            delay_ms: 0,
            remaining_ms: 0,
        });
    }

    let hint = match attempt.outcome {
        // The window reset comes with every response; only on a 429 is it a wait hint.
        Outcome::Response { hints, .. } => hints.longest_wait(rate_limited),
        _ => None,
    };
    if let Some((hint_ms, source)) = hint {
        if hint_ms > config.max_retry_after_ms {
            return RetryDecision::Stop(StopReason::HintExceedsMax {
                hint_ms,
                source,
                max_ms: config.max_retry_after_ms,
            });
        }
        if let Some(remaining_ms) = remaining_ms.filter(|&left| hint_ms >= left) {
            return RetryDecision::Stop(StopReason::HintPastDeadline {
                hint_ms,
                source,
                remaining_ms,
            });
        }
    }

    // On a 429 with no hint the wait must grow from one 429 to the next (BigCommerce treats clients
    // that ignore repeated 429s as abusive), so full jitter gives way to equal jitter there.
    let jitter = match config.backoff.jitter {
        Jitter::Full if rate_limited => Jitter::Equal,
        jitter => jitter,
    };
    let (delay_ms, source) = match hint {
        // A first 429 waits just the hint; when 429s keep coming, the backoff is a floor under it
        // (with the jitter above: equal for full, none when the caller asked for none).
        Some((hint_ms, source)) if rate_limited && attempt.number > 1 => {
            let floor = config.backoff.delay_ms(attempt.number, attempt.random, jitter);
            if floor > hint_ms {
                (floor, DelaySource::Backoff)
            } else {
                (hint_ms, source)
            }
        }
        Some(hint) => hint,
        None => (
            config.backoff.delay_ms(attempt.number, attempt.random, jitter),
            DelaySource::Backoff,
        ),
    };
    if let Some(remaining_ms) = remaining_ms.filter(|&left| delay_ms >= left) {
        return RetryDecision::Stop(StopReason::Deadline {
            delay_ms,
            remaining_ms,
        });
    }
    RetryDecision::Retry {
        delay_ms,
        reason,
        source,
    }
}

/// What the caller's `shouldRetry` answered about a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// `false`: do not retry.
    Veto,
    /// `true`: retry, even a write the rules would not repeat, or a failure they would not retry.
    Allow,
    /// Anything else: the decision stands.
    Keep,
}

/// Whether a response with `status` is a failure the caller may ask to retry though the configuration
/// does not: an error status (4xx or 5xx). Successes and redirects never are.
pub fn is_error_status(status: u16) -> bool {
    status >= 400
}

/// Whether the caller is asked about `decision`, made after `outcome`: about every retry (it may veto
/// one); about a stop made only because the method is not safe to repeat; and about a failure the
/// configuration does not retry (an error status outside `statusCodes`, a network error or timeout
/// switched off), which it may ask to retry. Every other stop is final: a limit, a deadline, a hint too
/// long or a body that cannot be sent again is not the caller's to lift, and a success is no failure.
pub fn asks_caller(decision: RetryDecision, outcome: Outcome) -> bool {
    match decision {
        RetryDecision::Retry { .. } | RetryDecision::Stop(StopReason::UnsafeMethod) => true,
        RetryDecision::Stop(StopReason::Final) => is_failure(outcome),
        RetryDecision::Stop(_) => false,
    }
}

fn is_failure(outcome: Outcome) -> bool {
    match outcome {
        Outcome::Response { status, .. } => is_error_status(status),
        Outcome::NetworkError | Outcome::Timeout => true,
    }
}

/// The decision after the caller's `verdict` on `decision`, which [`decide`] made for `attempt`: a
/// veto turns a retry into [`StopReason::Vetoed`]. An allowance decides the attempt again as if the
/// request were marked idempotent and, for a failure the configuration does not retry, as if it did
/// (the reason is then `retryable_status`, `network_error` or `timeout`, and the wait is backoff); the
/// limits, deadlines and a body that cannot be sent again still hold. Otherwise, and for a decision
/// the caller is not asked about, `decision` stands.
pub fn after_verdict(
    decision: RetryDecision,
    verdict: Verdict,
    attempt: &Attempt<'_>,
    config: &RetryConfig,
) -> RetryDecision {
    let allowed = Attempt {
        idempotent: true,
        ..*attempt
    };
    match (verdict, decision) {
        (Verdict::Veto, RetryDecision::Retry { .. }) => RetryDecision::Stop(StopReason::Vetoed),
        (Verdict::Allow, RetryDecision::Stop(StopReason::UnsafeMethod)) => decide(&allowed, config),
        (Verdict::Allow, RetryDecision::Stop(StopReason::Final)) if is_failure(attempt.outcome) => {
            let mut forced = config.clone();
            match attempt.outcome {
                Outcome::Response { status, .. } => forced.status_codes.to_mut().push(status),
                Outcome::NetworkError => forced.retry_network_errors = true,
                Outcome::Timeout => forced.retry_timeouts = true,
            }
            decide(&allowed, &forced)
        }
        _ => decision,
    }
}

/// The decision after asking the store's retry budget (`budget`) for a retry `decision` wants:
/// `spent` is whether the budget paid for it; a retry it could not pay for is
/// [`StopReason::RetryBudget`]. Whether the retry follows a 429 (it then costs less) is
/// [`is_throttled`].
pub fn after_budget(decision: RetryDecision, spent: bool) -> RetryDecision {
    match decision {
        RetryDecision::Retry { .. } if !spent => RetryDecision::Stop(StopReason::RetryBudget),
        _ => decision,
    }
}

/// Whether a retry follows throttling (a 429), which a retry budget charges less for.
pub fn is_throttled(decision: RetryDecision) -> bool {
    matches!(
        decision,
        RetryDecision::Retry {
            reason: RetryReason::RateLimited,
            ..
        }
    )
}

/// Why the outcome would be retried, or `None` if it is final.
fn retry_reason(outcome: &Outcome, config: &RetryConfig) -> Option<RetryReason> {
    match *outcome {
        Outcome::Response { status, .. } if config.retries_status(status) => Some(match status {
            429 => RetryReason::RateLimited,
            408 => RetryReason::RequestTimeout,
            500..=599 => RetryReason::ServerError,
            _ => RetryReason::RetryableStatus,
        }),
        Outcome::Response { .. } => None,
        Outcome::NetworkError => config.retry_network_errors.then_some(RetryReason::NetworkError),
        Outcome::Timeout => config.retry_timeouts.then_some(RetryReason::Timeout),
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
