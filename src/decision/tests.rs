//! One test a rule, named for the behaviour it pins.

use super::*;
use crate::policy::{Backoff, MethodSet, BACKGROUND, STOREFRONT};

/// A configuration with round numbers: 3 retries, 100 ms doubling to 1 s without jitter, hints up to
/// 5 s, 10 s in all.
fn config() -> RetryConfig {
    RetryConfig {
        limit: 3,
        rate_limit_limit: 3,
        backoff: Backoff {
            base_ms: 100,
            max_ms: 1_000,
            jitter: Jitter::None,
        },
        max_retry_after_ms: 5_000,
        total_timeout_ms: Some(10_000),
        ..STOREFRONT
    }
}

fn response(status: u16, headers: &[(&str, &str)]) -> Outcome {
    Outcome::Response {
        status,
        hints: RateLimitHint::from_headers(headers, 0),
    }
}

fn attempt(number: u32, method: &str, outcome: Outcome) -> Attempt<'_> {
    Attempt {
        number,
        method,
        idempotent: false,
        replayable: true,
        outcome,
        elapsed_ms: 0,
        random: 0.5,
    }
}

fn decide_get(status: u16, headers: &[(&str, &str)]) -> RetryDecision {
    decide(&attempt(1, "GET", response(status, headers)), &config())
}

fn retry(delay_ms: u64, reason: RetryReason, source: DelaySource) -> RetryDecision {
    RetryDecision::Retry {
        delay_ms,
        reason,
        source,
    }
}

#[test]
fn retries_408_429_and_transient_server_errors_by_default() {
    let expected = [
        (408, RetryReason::RequestTimeout),
        (429, RetryReason::RateLimited),
        (500, RetryReason::ServerError),
        (502, RetryReason::ServerError),
        (503, RetryReason::ServerError),
        (504, RetryReason::ServerError),
    ];
    for (status, reason) in expected {
        assert_eq!(
            decide_get(status, &[]),
            retry(100, reason, DelaySource::Backoff),
            "{status}"
        );
    }
}

#[test]
fn retries_network_errors_and_attempt_timeouts() {
    let config = config();
    assert_eq!(
        decide(&attempt(1, "GET", Outcome::NetworkError), &config),
        retry(100, RetryReason::NetworkError, DelaySource::Backoff)
    );
    assert_eq!(
        decide(&attempt(1, "GET", Outcome::Timeout), &config),
        retry(100, RetryReason::Timeout, DelaySource::Backoff)
    );
}

#[test]
fn never_retries_501_505_507_or_other_4xx() {
    for status in [
        501, 505, 507, 400, 401, 403, 404, 405, 406, 409, 413, 415, 418, 422, 451, 499,
    ] {
        assert_eq!(
            decide_get(status, &[]),
            RetryDecision::Stop(StopReason::Final),
            "{status}"
        );
    }
}

#[test]
fn success_and_redirects_are_final() {
    for status in [0, 200, 201, 202, 204, 207, 301, 302, 304] {
        assert_eq!(
            decide_get(status, &[]),
            RetryDecision::Stop(StopReason::Final),
            "{status}"
        );
    }
}

#[test]
fn the_retried_statuses_can_be_configured() {
    let config = RetryConfig {
        status_codes: vec![409].into(),
        ..config()
    };
    let decision = decide(&attempt(1, "GET", response(409, &[])), &config);
    assert_eq!(
        decision,
        retry(100, RetryReason::RetryableStatus, DelaySource::Backoff)
    );
    let decision = decide(&attempt(1, "GET", response(503, &[])), &config);
    assert_eq!(decision, RetryDecision::Stop(StopReason::Final));
}

#[test]
fn network_errors_and_timeouts_can_be_left_unretried() {
    let config = RetryConfig {
        retry_network_errors: false,
        retry_timeouts: false,
        ..config()
    };
    for outcome in [Outcome::NetworkError, Outcome::Timeout] {
        assert_eq!(
            decide(&attempt(1, "GET", outcome), &config),
            RetryDecision::Stop(StopReason::Final)
        );
    }
}

#[test]
fn on_429_waits_for_the_rate_limit_window_to_reset() {
    let decision = decide_get(
        429,
        &[
            ("X-Rate-Limit-Time-Reset-Ms", "1500"),
            ("X-Rate-Limit-Requests-Left", "0"),
        ],
    );
    assert_eq!(
        decision,
        retry(1_500, RetryReason::RateLimited, DelaySource::RateLimitReset)
    );
}

#[test]
fn honours_the_longer_of_reset_ms_and_x_retry_after() {
    let decision = decide_get(
        429,
        &[("X-Rate-Limit-Time-Reset-Ms", "1500"), ("X-Retry-After", "3")],
    );
    assert_eq!(
        decision,
        retry(3_000, RetryReason::RateLimited, DelaySource::XRetryAfter)
    );
    let decision = decide_get(
        429,
        &[("X-Rate-Limit-Time-Reset-Ms", "4500"), ("X-Retry-After", "3")],
    );
    assert_eq!(
        decision,
        retry(4_500, RetryReason::RateLimited, DelaySource::RateLimitReset)
    );
}

#[test]
fn honours_a_standard_retry_after_on_429() {
    let decision = decide_get(429, &[("Retry-After", "2")]);
    assert_eq!(
        decision,
        retry(2_000, RetryReason::RateLimited, DelaySource::RetryAfter)
    );
}

#[test]
fn honours_a_retry_after_date_on_a_maintenance_503() {
    // The response arrived at t = 0 (the epoch) and asks to come back four seconds later.
    let decision = decide_get(503, &[("Retry-After", "Thu, 01 Jan 1970 00:00:04 GMT")]);
    assert_eq!(
        decision,
        retry(4_000, RetryReason::ServerError, DelaySource::RetryAfter)
    );
}

#[test]
fn the_window_reset_is_not_a_wait_hint_on_a_500() {
    // BigCommerce sends X-Rate-Limit-Time-Reset-Ms on every response; on a 500 it says nothing about
    // when the server will recover, so the backoff applies.
    let decision = decide_get(
        500,
        &[
            ("X-Rate-Limit-Time-Reset-Ms", "4000"),
            ("X-Rate-Limit-Requests-Left", "120"),
        ],
    );
    assert_eq!(
        decision,
        retry(100, RetryReason::ServerError, DelaySource::Backoff)
    );
}

#[test]
fn a_zero_hint_means_retry_at_once() {
    let decision = decide_get(503, &[("Retry-After", "0")]);
    assert_eq!(
        decision,
        retry(0, RetryReason::ServerError, DelaySource::RetryAfter)
    );
}

#[test]
fn a_429_without_hints_backs_off_and_the_wait_grows_each_time() {
    // Full jitter is configured, but on a 429 each wait is at least half its ceiling, so with the
    // smallest random number the waits still double: 50, 100, 200 ms.
    let config = RetryConfig {
        backoff: Backoff {
            jitter: Jitter::Full,
            ..config().backoff
        },
        ..config()
    };
    let waits: Vec<RetryDecision> = (1..=3)
        .map(|n| {
            decide(
                &Attempt {
                    random: 0.0,
                    ..attempt(n, "GET", response(429, &[]))
                },
                &config,
            )
        })
        .collect();
    assert_eq!(
        waits,
        [
            retry(50, RetryReason::RateLimited, DelaySource::Backoff),
            retry(100, RetryReason::RateLimited, DelaySource::Backoff),
            retry(200, RetryReason::RateLimited, DelaySource::Backoff),
        ]
    );
}

#[test]
fn malformed_rate_limit_headers_fall_back_to_backoff() {
    let decision = decide_get(
        429,
        &[
            ("X-Rate-Limit-Time-Reset-Ms", "NaN"),
            ("X-Retry-After", "-5"),
            ("Retry-After", "soon"),
        ],
    );
    assert_eq!(
        decision,
        retry(100, RetryReason::RateLimited, DelaySource::Backoff)
    );
}

#[test]
fn when_429s_keep_coming_the_backoff_is_a_floor_under_the_hint() {
    let headers = [("X-Rate-Limit-Time-Reset-Ms", "150")];
    let first = decide(&attempt(1, "GET", response(429, &headers)), &config());
    assert_eq!(
        first,
        retry(150, RetryReason::RateLimited, DelaySource::RateLimitReset)
    );
    // Third attempt: the backoff ceiling is 400 ms. Without jitter the floor is the ceiling.
    let third = decide(
        &Attempt {
            random: 0.0,
            ..attempt(3, "GET", response(429, &headers))
        },
        &config(),
    );
    assert_eq!(third, retry(400, RetryReason::RateLimited, DelaySource::Backoff));
    // With full jitter the floor is equal jitter's: at least half the ceiling, 200 ms > 150 ms.
    let full = RetryConfig {
        backoff: Backoff {
            jitter: Jitter::Full,
            ..config().backoff
        },
        ..config()
    };
    let third = decide(
        &Attempt {
            random: 0.0,
            ..attempt(3, "GET", response(429, &headers))
        },
        &full,
    );
    assert_eq!(third, retry(200, RetryReason::RateLimited, DelaySource::Backoff));
    // A hint longer than the backoff still wins.
    let long = [("X-Rate-Limit-Time-Reset-Ms", "900")];
    let third = decide(&attempt(3, "GET", response(429, &long)), &config());
    assert_eq!(
        third,
        retry(900, RetryReason::RateLimited, DelaySource::RateLimitReset)
    );
}

#[test]
fn a_hint_longer_than_max_retry_after_stops_at_once_and_carries_the_hint() {
    let decision = decide_get(429, &[("X-Rate-Limit-Time-Reset-Ms", "15000")]);
    let stop = StopReason::HintExceedsMax {
        hint_ms: 15_000,
        source: DelaySource::RateLimitReset,
        max_ms: 5_000,
    };
    assert_eq!(decision, RetryDecision::Stop(stop));
    assert_eq!(stop.hint(), Some((15_000, DelaySource::RateLimitReset)));
    assert_eq!(
        stop.to_string(),
        "the server asked to wait 15000 ms (x-rate-limit-time-reset-ms), more than maxRetryAfterMs (5000 ms)"
    );
}

#[test]
fn a_hint_equal_to_max_retry_after_is_honoured() {
    let decision = decide_get(503, &[("X-Retry-After", "5")]);
    assert_eq!(
        decision,
        retry(5_000, RetryReason::ServerError, DelaySource::XRetryAfter)
    );
}

#[test]
fn a_hint_that_would_end_past_the_deadline_stops_at_once_and_carries_the_hint() {
    let outcome = response(503, &[("Retry-After", "3")]);
    let decision = decide(
        &Attempt {
            elapsed_ms: 8_000,
            ..attempt(1, "GET", outcome)
        },
        &config(),
    );
    let stop = StopReason::HintPastDeadline {
        hint_ms: 3_000,
        source: DelaySource::RetryAfter,
        remaining_ms: 2_000,
    };
    assert_eq!(decision, RetryDecision::Stop(stop));
    assert_eq!(stop.hint(), Some((3_000, DelaySource::RetryAfter)));
}

#[test]
fn a_backoff_that_would_use_up_the_time_left_stops() {
    let decision = decide(
        &Attempt {
            elapsed_ms: 9_950,
            ..attempt(1, "GET", response(500, &[]))
        },
        &config(),
    );
    assert_eq!(
        decision,
        RetryDecision::Stop(StopReason::Deadline {
            delay_ms: 100,
            remaining_ms: 50
        })
    );
}

#[test]
fn nothing_is_retried_once_the_deadline_has_passed() {
    for elapsed_ms in [10_000, 10_001, u64::MAX] {
        let decision = decide(
            &Attempt {
                elapsed_ms,
                ..attempt(1, "GET", Outcome::NetworkError)
            },
            &config(),
        );
        assert_eq!(
            decision,
            RetryDecision::Stop(StopReason::Deadline {
                delay_ms: 0,
                remaining_ms: 0
            })
        );
    }
}

#[test]
fn without_a_total_timeout_only_the_limit_bounds_the_retries() {
    let config = RetryConfig {
        total_timeout_ms: None,
        ..config()
    };
    let decision = decide(
        &Attempt {
            elapsed_ms: u64::MAX,
            ..attempt(3, "GET", response(502, &[]))
        },
        &config,
    );
    assert_eq!(
        decision,
        retry(400, RetryReason::ServerError, DelaySource::Backoff)
    );
}

#[test]
fn stops_when_the_retry_limit_is_used_up() {
    let config = config();
    let third = decide(&attempt(3, "GET", response(500, &[])), &config);
    assert!(matches!(third, RetryDecision::Retry { .. }), "{third:?}");
    let fourth = decide(&attempt(4, "GET", response(500, &[])), &config);
    assert_eq!(fourth, RetryDecision::Stop(StopReason::RetryLimit { limit: 3 }));
}

#[test]
fn a_limit_of_zero_turns_retries_off() {
    let config = RetryConfig {
        limit: 0,
        rate_limit_limit: 0,
        ..config()
    };
    for outcome in [
        response(429, &[]),
        response(503, &[]),
        Outcome::NetworkError,
        Outcome::Timeout,
    ] {
        let limit = StopReason::RetryLimit { limit: 0 };
        assert_eq!(
            decide(&attempt(1, "GET", outcome), &config),
            RetryDecision::Stop(limit)
        );
    }
}

#[test]
fn rate_limits_have_their_own_retry_limit() {
    let config = BACKGROUND;
    let fifth_500 = decide(&attempt(5, "GET", response(500, &[])), &config);
    assert_eq!(
        fifth_500,
        RetryDecision::Stop(StopReason::RetryLimit { limit: 4 })
    );
    let ninth_429 = decide(
        &attempt(9, "GET", response(429, &[("X-Rate-Limit-Time-Reset-Ms", "1000")])),
        &config,
    );
    assert!(
        matches!(
            ninth_429,
            RetryDecision::Retry {
                reason: RetryReason::RateLimited,
                ..
            }
        ),
        "{ninth_429:?}"
    );
    let tenth_429 = decide(&attempt(10, "GET", response(429, &[])), &config);
    assert_eq!(
        tenth_429,
        RetryDecision::Stop(StopReason::RetryLimit { limit: 9 })
    );
}

#[test]
fn idempotent_methods_are_retried_after_a_server_error() {
    for method in ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get", "put"] {
        let decision = decide(&attempt(1, method, response(500, &[])), &config());
        assert!(
            matches!(decision, RetryDecision::Retry { .. }),
            "{method}: {decision:?}"
        );
    }
}

#[test]
fn post_and_patch_are_not_retried_after_a_server_error_or_a_failed_connection() {
    for method in ["POST", "PATCH", "post", "PROPFIND"] {
        for outcome in [
            response(500, &[]),
            response(503, &[]),
            Outcome::NetworkError,
            Outcome::Timeout,
        ] {
            let decision = decide(&attempt(1, method, outcome), &config());
            assert_eq!(
                decision,
                RetryDecision::Stop(StopReason::UnsafeMethod),
                "{method} {outcome:?}"
            );
        }
    }
}

#[test]
fn post_is_retried_after_a_429_because_nothing_was_done() {
    let decision = decide(
        &attempt(1, "POST", response(429, &[("X-Retry-After", "1")])),
        &config(),
    );
    assert_eq!(
        decision,
        retry(1_000, RetryReason::RateLimited, DelaySource::XRetryAfter)
    );
}

#[test]
fn post_marked_idempotent_is_retried_after_a_server_error() {
    let marked = Attempt {
        idempotent: true,
        ..attempt(1, "POST", response(500, &[]))
    };
    assert_eq!(
        decide(&marked, &config()),
        retry(100, RetryReason::ServerError, DelaySource::Backoff)
    );
}

#[test]
fn a_stream_body_is_sent_once_even_after_a_429() {
    for outcome in [response(429, &[]), response(503, &[]), Outcome::NetworkError] {
        let streamed = Attempt {
            replayable: false,
            idempotent: true,
            ..attempt(1, "PUT", outcome)
        };
        assert_eq!(
            decide(&streamed, &config()),
            RetryDecision::Stop(StopReason::BodyNotReplayable)
        );
    }
}

#[test]
fn the_retried_methods_can_be_configured() {
    let config = RetryConfig {
        methods: MethodSet::from_names(["GET", "POST"]).unwrap(),
        ..config()
    };
    assert!(matches!(
        decide(&attempt(1, "POST", response(502, &[])), &config),
        RetryDecision::Retry { .. }
    ));
    assert_eq!(
        decide(&attempt(1, "PUT", response(502, &[])), &config),
        RetryDecision::Stop(StopReason::UnsafeMethod)
    );
}

#[test]
fn a_final_status_stops_before_the_limit_or_method_are_considered() {
    let decision = decide(&attempt(99, "POST", response(404, &[])), &config());
    assert_eq!(decision, RetryDecision::Stop(StopReason::Final));
}

#[test]
fn backoff_doubles_per_attempt_up_to_the_cap() {
    let waits: Vec<RetryDecision> = (1..=3)
        .map(|n| {
            decide(
                &attempt(n, "GET", response(503, &[])),
                &RetryConfig {
                    limit: 10,
                    ..config()
                },
            )
        })
        .chain((6..=7).map(|n| {
            decide(
                &attempt(n, "GET", response(503, &[])),
                &RetryConfig {
                    limit: 10,
                    ..config()
                },
            )
        }))
        .collect();
    let expected: Vec<RetryDecision> = [100, 200, 400, 1_000, 1_000]
        .into_iter()
        .map(|ms| retry(ms, RetryReason::ServerError, DelaySource::Backoff))
        .collect();
    assert_eq!(waits, expected);
}

#[test]
fn full_jitter_draws_below_the_ceiling_with_the_random_number() {
    let config = RetryConfig {
        backoff: Backoff {
            jitter: Jitter::Full,
            ..config().backoff
        },
        ..config()
    };
    let decide_with = |random| {
        decide(
            &Attempt {
                random,
                ..attempt(3, "GET", response(500, &[]))
            },
            &config,
        )
    };
    assert_eq!(
        decide_with(0.0),
        retry(0, RetryReason::ServerError, DelaySource::Backoff)
    );
    assert_eq!(
        decide_with(0.25),
        retry(100, RetryReason::ServerError, DelaySource::Backoff)
    );
    assert_eq!(
        decide_with(0.75),
        retry(300, RetryReason::ServerError, DelaySource::Backoff)
    );
}

#[test]
fn stop_and_retry_reasons_have_stable_names() {
    let stops = [
        StopReason::Final,
        StopReason::BodyNotReplayable,
        StopReason::RetryLimit { limit: 1 },
        StopReason::UnsafeMethod,
        StopReason::HintExceedsMax {
            hint_ms: 1,
            source: DelaySource::RetryAfter,
            max_ms: 0,
        },
        StopReason::HintPastDeadline {
            hint_ms: 1,
            source: DelaySource::RetryAfter,
            remaining_ms: 0,
        },
        StopReason::Deadline {
            delay_ms: 1,
            remaining_ms: 0,
        },
    ];
    let names: Vec<&str> = stops.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "final",
            "body_not_replayable",
            "retry_limit",
            "unsafe_method",
            "hint_exceeds_max",
            "hint_past_deadline",
            "deadline"
        ]
    );
    let reasons = [
        RetryReason::RateLimited,
        RetryReason::RequestTimeout,
        RetryReason::ServerError,
        RetryReason::RetryableStatus,
        RetryReason::NetworkError,
        RetryReason::Timeout,
    ];
    let names: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        names,
        [
            "rate_limited",
            "request_timeout",
            "server_error",
            "retryable_status",
            "network_error",
            "timeout"
        ]
    );
}

#[test]
fn hints_hidden_by_cors_wait_by_backoff_as_absent_ones_do() {
    let hidden = RateLimitHint::from_response(&[("Content-Type", "text/plain")][..], 0, true);
    assert!(hidden.hidden);
    for status in [429, 503] {
        let outcome = Outcome::Response {
            status,
            hints: hidden,
        };
        assert_eq!(
            decide(&attempt(1, "GET", outcome), &config()),
            decide_get(status, &[]),
            "{status}"
        );
    }
}

/// `decide`, then the caller's verdict on it.
fn with_verdict(attempt: &Attempt<'_>, verdict: Verdict) -> RetryDecision {
    let config = config();
    after_verdict(decide(attempt, &config), verdict, attempt, &config)
}

#[test]
fn the_caller_is_asked_about_retries_unsafe_writes_and_failures_not_retried() {
    let busy = response(503, &[]);
    assert!(asks_caller(
        retry(100, RetryReason::ServerError, DelaySource::Backoff),
        busy
    ));
    assert!(asks_caller(RetryDecision::Stop(StopReason::UnsafeMethod), busy));
    for failure in [
        response(404, &[]),
        response(409, &[]),
        response(501, &[]),
        Outcome::NetworkError,
        Outcome::Timeout,
    ] {
        assert!(
            asks_caller(RetryDecision::Stop(StopReason::Final), failure),
            "{failure:?}"
        );
    }
    for success in [response(200, &[]), response(304, &[]), response(302, &[])] {
        assert!(
            !asks_caller(RetryDecision::Stop(StopReason::Final), success),
            "{success:?}"
        );
    }
    for stop in [
        StopReason::BodyNotReplayable,
        StopReason::RetryLimit { limit: 3 },
        StopReason::Vetoed,
        StopReason::Deadline {
            delay_ms: 0,
            remaining_ms: 0,
        },
    ] {
        assert!(!asks_caller(RetryDecision::Stop(stop), busy), "{stop:?}");
    }
}

#[test]
fn an_allowance_retries_a_failure_the_configuration_does_not() {
    let conflict = attempt(1, "GET", response(409, &[]));
    assert_eq!(
        with_verdict(&conflict, Verdict::Keep),
        RetryDecision::Stop(StopReason::Final)
    );
    assert_eq!(
        with_verdict(&conflict, Verdict::Allow),
        retry(100, RetryReason::RetryableStatus, DelaySource::Backoff)
    );
    let post = attempt(2, "POST", response(409, &[]));
    assert_eq!(
        with_verdict(&post, Verdict::Allow),
        retry(200, RetryReason::RetryableStatus, DelaySource::Backoff),
        "explicitly allowed, a write too"
    );
    let last = attempt(4, "GET", response(409, &[]));
    assert_eq!(
        with_verdict(&last, Verdict::Allow),
        RetryDecision::Stop(StopReason::RetryLimit { limit: 3 })
    );
    let off = RetryConfig {
        retry_network_errors: false,
        retry_timeouts: false,
        ..config()
    };
    for (outcome, reason) in [
        (Outcome::NetworkError, RetryReason::NetworkError),
        (Outcome::Timeout, RetryReason::Timeout),
    ] {
        let failed = attempt(1, "GET", outcome);
        let kept = decide(&failed, &off);
        assert_eq!(kept, RetryDecision::Stop(StopReason::Final));
        assert_eq!(
            after_verdict(kept, Verdict::Allow, &failed, &off),
            retry(100, reason, DelaySource::Backoff)
        );
    }
    let ok = attempt(1, "GET", response(200, &[]));
    assert_eq!(
        with_verdict(&ok, Verdict::Allow),
        RetryDecision::Stop(StopReason::Final),
        "a success is not retried"
    );
}

#[test]
fn a_veto_stops_a_retry_and_changes_no_stop() {
    let busy = attempt(1, "GET", response(503, &[]));
    assert_eq!(
        with_verdict(&busy, Verdict::Veto),
        RetryDecision::Stop(StopReason::Vetoed)
    );
    assert_eq!(
        with_verdict(&busy, Verdict::Keep),
        retry(100, RetryReason::ServerError, DelaySource::Backoff)
    );
    let last = attempt(4, "GET", response(503, &[]));
    assert_eq!(
        with_verdict(&last, Verdict::Veto),
        RetryDecision::Stop(StopReason::RetryLimit { limit: 3 })
    );
}

#[test]
fn an_allowance_repeats_an_unmarked_write_as_if_it_were_marked() {
    let post = attempt(2, "POST", response(503, &[]));
    assert_eq!(
        with_verdict(&post, Verdict::Keep),
        RetryDecision::Stop(StopReason::UnsafeMethod)
    );
    assert_eq!(
        with_verdict(&post, Verdict::Allow),
        retry(200, RetryReason::ServerError, DelaySource::Backoff)
    );
    let marked = Attempt {
        idempotent: true,
        ..post
    };
    assert_eq!(with_verdict(&post, Verdict::Allow), decide(&marked, &config()));
}

#[test]
fn an_allowance_lifts_no_limit_deadline_or_hint() {
    let past_limit = attempt(4, "POST", response(503, &[]));
    assert_eq!(
        with_verdict(&past_limit, Verdict::Allow),
        RetryDecision::Stop(StopReason::RetryLimit { limit: 3 })
    );
    let late = Attempt {
        elapsed_ms: 9_950,
        ..attempt(1, "POST", response(503, &[]))
    };
    assert!(matches!(
        with_verdict(&late, Verdict::Allow),
        RetryDecision::Stop(StopReason::Deadline { .. })
    ));
    let long_hint = attempt(1, "POST", response(503, &[("retry-after", "60")]));
    assert!(matches!(
        with_verdict(&long_hint, Verdict::Allow),
        RetryDecision::Stop(StopReason::HintExceedsMax { .. })
    ));
    let stream = Attempt {
        replayable: false,
        ..attempt(1, "POST", response(503, &[]))
    };
    assert_eq!(
        with_verdict(&stream, Verdict::Allow),
        RetryDecision::Stop(StopReason::BodyNotReplayable)
    );
    let redirect = attempt(1, "POST", response(301, &[]));
    assert_eq!(
        with_verdict(&redirect, Verdict::Allow),
        RetryDecision::Stop(StopReason::Final)
    );
}

#[test]
fn a_retry_the_budget_cannot_pay_for_stops_and_429s_are_throttled() {
    let busy = decide_get(503, &[]);
    let limited = decide_get(429, &[]);
    assert!(is_throttled(limited) && !is_throttled(busy));
    assert_eq!(after_budget(busy, true), busy);
    assert_eq!(
        after_budget(busy, false),
        RetryDecision::Stop(StopReason::RetryBudget)
    );
    let stop = RetryDecision::Stop(StopReason::Final);
    assert_eq!(after_budget(stop, false), stop);
    assert!(!is_throttled(stop));
    assert_eq!(StopReason::RetryBudget.as_str(), "retry_budget");
}
