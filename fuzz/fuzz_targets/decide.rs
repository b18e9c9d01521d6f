//! `decide` over any attempt and any configuration a user can build: the coverage-guided form of the
//! safety promises that `src/decision/properties.rs` samples at random.
//!
//! Configurations come from `RetryConfig::from_options` with arbitrary option values (those it
//! rejects are skipped) or are the two presets. What a configuration should allow (limits, methods,
//! deadline, hint cap) is worked out here from the options, not read back from the configuration, so
//! that a validation slip shows up too. Invariants, for every decision:
//! - it never panics, and the same inputs give the same decision;
//! - a body that cannot be sent again is never retried;
//! - an outcome that is not retried (a status outside the list, an error the preset does not retry)
//!   never is;
//! - a request that is neither marked idempotent nor answered with a 429 is retried only if its
//!   method is in the configured list; POST and PATCH, in any case, only when the user listed them;
//! - the attempt number never passes the limit that applies (the 429 limit after a 429);
//! - a retry's wait ends before the total deadline, when there is one;
//! - a hint above `maxRetryAfterMs` never leads to a retry, and a retry never comes sooner than any
//!   hint asked;
//! - a backoff wait is at most its ceiling, and after a 429 (whose hint, if any, is not all that
//!   counts) at least half of it, so waits between 429s do not shrink;
//! - the caller's `shouldRetry`: a veto leaves no retry; an allowance or no answer never lifts a
//!   stop for the limit, the deadline, a hint too long or a body that cannot be sent again, never
//!   retries a success or a redirect the configuration does not retry, and changes only what the
//!   caller was asked about.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use commerce_fetch::decision::{after_verdict, asks_caller, Verdict};
use commerce_fetch::{
    decide, Attempt, DelaySource, Outcome, RateLimitHint, RetryConfig, RetryDecision, RetryOptions,
    StopReason, BACKGROUND, STOREFRONT,
};
use libfuzzer_sys::fuzz_target;

/// The methods both presets retry (the `@default` of `retry.methods` in `pkg/index.d.ts`).
const PRESET_METHODS: [&str; 6] = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY"];
/// Every method name the options accept, and two they do not.
const METHOD_NAMES: [&str; 10] = [
    "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH", "QUERY", "PROPFIND", "",
];
const RETRIED_BY_DEFAULT: [u16; 6] = [408, 429, 500, 502, 503, 504];

#[derive(Debug)]
enum Source {
    Storefront,
    Background,
    Options(RetryOptions),
}

#[derive(Debug)]
struct Input {
    source: Source,
    number: u32,
    method: String,
    idempotent: bool,
    replayable: bool,
    outcome: Outcome,
    elapsed_ms: u64,
    random: f64,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let source = match u.int_in_range(0..=5)? {
            0 => Source::Storefront,
            1 => Source::Background,
            _ => Source::Options(options(u)?),
        };
        let outcome = match u.int_in_range(0..=5)? {
            0 => Outcome::NetworkError,
            1 => Outcome::Timeout,
            _ => Outcome::Response {
                status: if u.ratio(3, 4)? {
                    *u.choose(&RETRIED_BY_DEFAULT)?
                } else {
                    u.arbitrary()?
                },
                hints: RateLimitHint {
                    reset_ms: maybe(u, milliseconds)?,
                    requests_left: u.arbitrary()?,
                    requests_quota: u.arbitrary()?,
                    window_ms: u.arbitrary()?,
                    x_retry_after_ms: maybe(u, milliseconds)?,
                    retry_after_ms: maybe(u, milliseconds)?,
                    hidden: u.arbitrary()?,
                },
            },
        };
        Ok(Input {
            source,
            number: if u.ratio(7, 8)? {
                u.int_in_range(0..=110)?
            } else {
                u.arbitrary()?
            },
            method: method_name(u)?,
            idempotent: u.arbitrary()?,
            replayable: u.ratio(7, 8)?,
            outcome,
            elapsed_ms: milliseconds(u)?,
            random: u.arbitrary()?,
        })
    }
}

fn maybe<'a, T>(
    u: &mut Unstructured<'a>,
    value: impl FnOnce(&mut Unstructured<'a>) -> Result<T>,
) -> Result<Option<T>> {
    Ok(if u.arbitrary()? { Some(value(u)?) } else { None })
}

/// Mostly within what options allow (up to 2^31 ms), sometimes any `u64`.
fn milliseconds(u: &mut Unstructured<'_>) -> Result<u64> {
    if u.ratio(7, 8)? {
        u.int_in_range(0..=1u64 << 32)
    } else {
        u.arbitrary()
    }
}

/// A known method in any case, or any text.
fn method_name(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 8)? {
        return u.arbitrary();
    }
    u.choose(&METHOD_NAMES)?
        .chars()
        .map(|c| Ok(if u.arbitrary()? { c.to_ascii_lowercase() } else { c }))
        .collect()
}

/// An option number: a whole number in range, one of the edge values, or any `f64`.
fn number(u: &mut Unstructured<'_>, max: u64) -> Result<f64> {
    Ok(match u.int_in_range(0..=3)? {
        0 | 1 => u.int_in_range(0..=max)? as f64,
        2 => *u.choose(&[
            -1.0,
            0.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            2_147_483_647.0,
            2_147_483_648.0,
        ])?,
        _ => u.arbitrary()?,
    })
}

fn options(u: &mut Unstructured<'_>) -> Result<RetryOptions> {
    let name = |u: &mut Unstructured<'_>, names: &[&str]| -> Result<String> {
        if u.ratio(1, 8)? {
            u.arbitrary()
        } else {
            Ok(u.choose(names)?.to_string())
        }
    };
    Ok(RetryOptions {
        preset: maybe(u, |u| name(u, &["storefront", "background"]))?,
        limit: maybe(u, |u| number(u, 12))?,
        methods: maybe(u, |u| {
            let count = u.int_in_range(0..=4)?;
            (0..count).map(|_| method_name(u)).collect()
        })?,
        status_codes: maybe(u, |u| {
            let count = u.int_in_range(0..=4)?;
            (0..count)
                .map(|_| {
                    if u.ratio(3, 4)? {
                        Ok(f64::from(*u.choose(&RETRIED_BY_DEFAULT)?))
                    } else {
                        number(u, 700)
                    }
                })
                .collect()
        })?,
        base_ms: maybe(u, |u| number(u, 1 << 31))?,
        max_ms: maybe(u, |u| number(u, 1 << 31))?,
        jitter: maybe(u, |u| name(u, &["full", "equal", "none"]))?,
        max_retry_after_ms: maybe(u, |u| number(u, 1 << 31))?,
        timeout: maybe(u, |u| number(u, 1 << 31))?,
        total_timeout: maybe(u, |u| number(u, 1 << 31))?,
        network_errors: maybe(u, |u| u.arbitrary())?,
        timeouts: maybe(u, |u| u.arbitrary())?,
    })
}

/// What a configuration must allow, worked out from the options that built it.
struct Allowed {
    limit: u32,
    rate_limit_limit: u32,
    methods: Vec<String>,
    status_codes: Vec<u16>,
    max_retry_after_ms: u64,
    total_timeout_ms: Option<u64>,
}

impl Allowed {
    fn of_preset(preset: &RetryConfig) -> Allowed {
        Allowed {
            limit: preset.limit,
            rate_limit_limit: preset.rate_limit_limit,
            methods: PRESET_METHODS.iter().map(|m| m.to_string()).collect(),
            status_codes: RETRIED_BY_DEFAULT.to_vec(),
            max_retry_after_ms: preset.max_retry_after_ms,
            total_timeout_ms: preset.total_timeout_ms,
        }
    }

    /// Only called for options that `from_options` accepted, so every value given is valid.
    fn of_options(options: &RetryOptions) -> Allowed {
        let preset = match options.preset.as_deref() {
            Some("background") => BACKGROUND,
            _ => STOREFRONT,
        };
        let mut allowed = Allowed::of_preset(&preset);
        if let Some(limit) = options.limit {
            allowed.limit = limit as u32;
            allowed.rate_limit_limit = limit as u32;
        }
        if let Some(methods) = &options.methods {
            allowed.methods = methods.clone();
        }
        if let Some(codes) = &options.status_codes {
            allowed.status_codes = codes.iter().map(|&c| c as u16).collect();
        }
        if let Some(max) = options.max_retry_after_ms {
            allowed.max_retry_after_ms = max.floor() as u64;
        }
        if let Some(total) = options.total_timeout {
            allowed.total_timeout_ms = total.is_finite().then(|| total.floor() as u64);
        }
        allowed
    }

    fn lists_method(&self, method: &str) -> bool {
        self.methods.iter().any(|m| m.eq_ignore_ascii_case(method))
    }
}

/// The backoff ceiling before retry `number`: `base × 2^(number − 1)`, capped at `max`.
fn ceiling(base: u64, max: u64, number: u32) -> u64 {
    let doubled = 1u128
        .checked_shl(number.saturating_sub(1))
        .map_or(u128::MAX, |factor| u128::from(base).saturating_mul(factor));
    doubled.min(u128::from(max)) as u64
}

fuzz_target!(|input: Input| {
    let (config, allowed) = match &input.source {
        Source::Storefront => (STOREFRONT, Allowed::of_preset(&STOREFRONT)),
        Source::Background => (BACKGROUND, Allowed::of_preset(&BACKGROUND)),
        Source::Options(options) => match RetryConfig::from_options(options) {
            Ok(config) => (config, Allowed::of_options(options)),
            Err(_) => return,
        },
    };
    let attempt = Attempt {
        number: input.number,
        method: &input.method,
        idempotent: input.idempotent,
        replayable: input.replayable,
        outcome: input.outcome,
        elapsed_ms: input.elapsed_ms,
        random: input.random,
    };
    let decision = decide(&attempt, &config);
    assert_eq!(decision, decide(&attempt, &config.clone()), "not deterministic");
    // Whether a browser hid the hint headers is reported, never decided on.
    if let Outcome::Response { status, hints } = attempt.outcome {
        let flipped = RateLimitHint {
            hidden: !hints.hidden,
            ..hints
        };
        let other = Attempt {
            outcome: Outcome::Response {
                status,
                hints: flipped,
            },
            ..attempt
        };
        assert_eq!(
            decision,
            decide(&other, &config),
            "hidden hints changed the decision"
        );
    }

    let status = match attempt.outcome {
        Outcome::Response { status, .. } => Some(status),
        _ => None,
    };
    check_verdicts(decision, &attempt, &config, status);
    let hints: Vec<u64> = match attempt.outcome {
        Outcome::Response { status, hints } => {
            // The window reset is a wait hint only on a 429.
            let reset = hints.reset_ms.filter(|_| status == 429);
            [reset, hints.x_retry_after_ms, hints.retry_after_ms]
                .into_iter()
                .flatten()
                .collect()
        }
        _ => Vec::new(),
    };

    if let RetryDecision::Stop(StopReason::HintExceedsMax { hint_ms, max_ms, .. }) = decision {
        assert!(hint_ms > max_ms && hints.contains(&hint_ms), "{decision:?}");
    }
    let RetryDecision::Retry { delay_ms, source, .. } = decision else {
        return;
    };

    assert!(attempt.replayable, "retried a body that can be sent once");
    match attempt.outcome {
        Outcome::Response { status, .. } => assert!(
            allowed.status_codes.contains(&status),
            "retried {status}, not in {:?}",
            allowed.status_codes
        ),
        Outcome::NetworkError => assert!(config.retry_network_errors),
        Outcome::Timeout => assert!(config.retry_timeouts),
    }

    let rate_limited = status == Some(429);
    if !attempt.idempotent && !rate_limited {
        assert!(
            allowed.lists_method(attempt.method),
            "retried an unmarked {:?} after {status:?}, not in {:?}",
            attempt.method,
            allowed.methods
        );
    }

    let limit = if rate_limited {
        allowed.rate_limit_limit
    } else {
        allowed.limit
    };
    assert!(
        attempt.number <= limit,
        "retried attempt {} past the limit {limit}",
        attempt.number
    );

    if let Some(total) = allowed.total_timeout_ms {
        assert!(
            u128::from(attempt.elapsed_ms) + u128::from(delay_ms) < u128::from(total),
            "a wait of {delay_ms} ms after {} ms ends past the total of {total} ms",
            attempt.elapsed_ms
        );
    }

    for &hint in &hints {
        assert!(
            hint <= allowed.max_retry_after_ms,
            "retried despite a hint of {hint} ms over the cap of {} ms",
            allowed.max_retry_after_ms
        );
        assert!(
            delay_ms >= hint,
            "waits {delay_ms} ms, the server asked for {hint} ms"
        );
    }

    let backoff = config.backoff;
    match source {
        DelaySource::Backoff => {
            let ceiling = ceiling(backoff.base_ms, backoff.max_ms, attempt.number);
            assert!(
                delay_ms <= ceiling,
                "a backoff of {delay_ms} ms over its ceiling {ceiling} ms"
            );
            if rate_limited {
                assert!(
                    delay_ms >= ceiling / 2,
                    "a 429 backoff of {delay_ms} ms, under half its ceiling {ceiling} ms"
                );
            }
        }
        header => {
            assert!(
                hints.contains(&delay_ms),
                "{header:?} wait {delay_ms} ms is not a hint"
            );
        }
    }
});

/// What the caller's answer may change of `decision`.
fn check_verdicts(decision: RetryDecision, attempt: &Attempt<'_>, config: &RetryConfig, status: Option<u16>) {
    let asked = asks_caller(decision, attempt.outcome);
    assert_eq!(after_verdict(decision, Verdict::Keep, attempt, config), decision);
    let vetoed = after_verdict(decision, Verdict::Veto, attempt, config);
    assert!(matches!(vetoed, RetryDecision::Stop(_)), "a veto left {vetoed:?}");
    let allowed = after_verdict(decision, Verdict::Allow, attempt, config);
    if !asked {
        assert_eq!(
            (vetoed, allowed),
            (decision, decision),
            "changed what was not asked about"
        );
        return;
    }
    if let RetryDecision::Retry { .. } = allowed {
        assert!(attempt.replayable, "allowed a body that cannot be sent again");
        assert!(
            status.is_none_or(|status| status >= 400 || config.retries_status(status)),
            "allowed a retry of {status:?}"
        );
    }
    if let RetryDecision::Stop(stop) = allowed {
        assert!(!matches!(stop, StopReason::Vetoed), "an allowance vetoed");
    }
}
