//! One test a rule, named for the behaviour it pins.

use super::*;

const FAILURE: BreakerResult = BreakerResult::Failure {
    retry_after_ms: None,
    service_unavailable: false,
};

fn maintenance(wait_ms: u64) -> BreakerResult {
    BreakerResult::Failure {
        retry_after_ms: Some(wait_ms),
        service_unavailable: true,
    }
}

/// Three failures in a row, 1 s breaks.
fn consecutive() -> Breaker {
    Breaker::new(BreakerConfig {
        mode: BreakerMode::Consecutive { threshold: 3 },
        break_ms: 1_000,
    })
}

/// Half of at least 4 calls over 1 s (ten buckets of 100 ms), 1 s breaks.
fn sampling() -> Breaker {
    Breaker::new(BreakerConfig {
        mode: BreakerMode::Sampling {
            failure_per_mille: 500,
            min_calls: 4,
            window_ms: 1_000,
        },
        break_ms: 1_000,
    })
}

/// A breaker opened by three failures at `at_ms`, so open until `at_ms + 1000`.
fn opened_at(at_ms: u64) -> Breaker {
    let mut breaker = consecutive();
    for _ in 0..3 {
        breaker.record(at_ms, FAILURE, false);
    }
    assert_eq!(
        breaker.state(at_ms),
        BreakerState::Open {
            until_ms: at_ms + 1_000
        }
    );
    breaker
}

#[test]
fn only_500_502_503_and_504_count_as_failures() {
    for status in [500, 502, 503, 504] {
        assert!(counts_as_failure(status), "{status}");
    }
    for status in [200, 204, 301, 400, 401, 404, 408, 422, 429, 501, 505, 599, 0] {
        assert!(!counts_as_failure(status), "{status}");
    }
}

#[test]
fn a_response_is_a_failure_only_when_its_status_counts() {
    assert_eq!(
        BreakerResult::from_response(503, Some(60_000)),
        maintenance(60_000)
    );
    assert_eq!(
        BreakerResult::from_response(502, Some(3)),
        BreakerResult::Failure {
            retry_after_ms: Some(3),
            service_unavailable: false
        }
    );
    assert_eq!(
        BreakerResult::from_response(429, Some(30_000)),
        BreakerResult::Success,
        "a throttled store is up"
    );
    assert_eq!(BreakerResult::from_response(404, None), BreakerResult::Success);
}

#[test]
fn opens_after_threshold_consecutive_failures() {
    let mut breaker = consecutive();
    breaker.record(10, FAILURE, false);
    breaker.record(20, FAILURE, false);
    assert_eq!(breaker.state(20), BreakerState::Closed);
    assert_eq!(breaker.admit(20), Admission::Allow);
    breaker.record(30, FAILURE, false);
    assert_eq!(breaker.state(30), BreakerState::Open { until_ms: 1_030 });
    assert_eq!(breaker.admit(500), Admission::Reject { retry_at_ms: 1_030 });
}

#[test]
fn a_success_resets_the_consecutive_count() {
    let mut breaker = consecutive();
    breaker.record(0, FAILURE, false);
    breaker.record(0, FAILURE, false);
    assert_eq!(breaker.counts(0), (2, 2));
    breaker.record(0, BreakerResult::Success, false);
    assert_eq!(breaker.counts(0), (0, 0));
    breaker.record(0, FAILURE, false);
    breaker.record(0, FAILURE, false);
    assert_eq!(breaker.state(0), BreakerState::Closed, "two in a row, not four");
}

#[test]
fn an_ignored_call_neither_counts_nor_resets() {
    let mut breaker = consecutive();
    breaker.record(0, FAILURE, false);
    breaker.record(0, FAILURE, false);
    breaker.record(0, BreakerResult::Ignored, false);
    assert_eq!(breaker.counts(0), (2, 2));
    breaker.record(0, FAILURE, false);
    assert_eq!(breaker.state(0), BreakerState::Open { until_ms: 1_000 });

    let mut breaker = sampling();
    breaker.record(0, BreakerResult::Ignored, false);
    assert_eq!(breaker.counts(0), (0, 0));
}

#[test]
fn sampling_does_not_open_below_min_calls() {
    let mut breaker = sampling();
    for _ in 0..3 {
        breaker.record(50, FAILURE, false);
    }
    assert_eq!(breaker.counts(50), (3, 3));
    assert_eq!(breaker.state(50), BreakerState::Closed, "3 calls, 4 needed");
}

#[test]
fn sampling_opens_at_the_failure_ratio_once_min_calls_are_counted() {
    let mut breaker = sampling();
    breaker.record(0, BreakerResult::Success, false);
    breaker.record(100, BreakerResult::Success, false);
    breaker.record(200, BreakerResult::Success, false);
    breaker.record(300, FAILURE, false);
    assert_eq!(breaker.counts(300), (1, 4));
    assert_eq!(breaker.state(300), BreakerState::Closed, "1 in 4 is 25%");
    breaker.record(400, FAILURE, false);
    assert_eq!(breaker.state(400), BreakerState::Closed, "2 in 5 is 40%");
    breaker.record(500, FAILURE, false);
    assert_eq!(
        breaker.state(500),
        BreakerState::Open { until_ms: 1_500 },
        "3 in 6 is exactly 50%"
    );
}

#[test]
fn sampling_opens_only_on_a_failure() {
    let mut breaker = sampling();
    for _ in 0..4 {
        breaker.record(0, FAILURE, false);
    }
    assert_eq!(breaker.state(0), BreakerState::Open { until_ms: 1_000 });

    // Two failures then two successes: 50% at 4 calls, but reached on a success.
    let mut breaker = sampling();
    breaker.record(0, FAILURE, false);
    breaker.record(0, FAILURE, false);
    breaker.record(0, BreakerResult::Success, false);
    breaker.record(0, BreakerResult::Success, false);
    assert_eq!(breaker.state(0), BreakerState::Closed);
}

#[test]
fn the_polly_default_needs_a_hundred_calls_and_ten_percent() {
    let mut breaker = Breaker::new(POLLY_DEFAULT);
    for _ in 0..90 {
        breaker.record(1_000, BreakerResult::Success, false);
    }
    for _ in 0..9 {
        breaker.record(1_000, FAILURE, false);
    }
    assert_eq!(breaker.state(1_000), BreakerState::Closed, "99 calls");
    breaker.record(1_000, FAILURE, false);
    assert_eq!(breaker.counts(1_000), (10, 100));
    assert_eq!(breaker.state(1_000), BreakerState::Open { until_ms: 6_000 });
}

#[test]
fn old_buckets_slide_out_of_the_window() {
    let mut breaker = sampling();
    breaker.record(0, FAILURE, false);
    breaker.record(99, FAILURE, false);
    breaker.record(150, FAILURE, false);
    assert_eq!(breaker.counts(150), (3, 3));
    assert_eq!(
        breaker.counts(999),
        (3, 3),
        "the first bucket is still in the window"
    );
    assert_eq!(
        breaker.counts(1_000),
        (1, 1),
        "the bucket of 0–99 ms has slid out"
    );
    assert_eq!(breaker.counts(1_100), (0, 0));
    breaker.record(1_000, FAILURE, false);
    assert_eq!(
        breaker.state(1_000),
        BreakerState::Closed,
        "two failures in the window, not four"
    );
    breaker.record(1_050, FAILURE, false);
    breaker.record(1_090, FAILURE, false);
    assert_eq!(breaker.state(1_090), BreakerState::Open { until_ms: 2_090 });
}

#[test]
fn a_bucket_reused_after_a_full_turn_starts_empty() {
    let mut breaker = sampling();
    breaker.record(0, FAILURE, false);
    breaker.record(0, FAILURE, false);
    // 5_000 ms falls in the same ring slot as 0 ms, five windows later.
    breaker.record(5_000, FAILURE, false);
    assert_eq!(breaker.counts(5_000), (1, 1));
}

#[test]
fn a_maintenance_503_opens_at_once_until_its_hint() {
    let mut breaker = sampling();
    breaker.record(100, maintenance(60_000), false);
    assert_eq!(breaker.state(100), BreakerState::Open { until_ms: 60_100 });
    assert_eq!(breaker.admit(30_000), Admission::Reject { retry_at_ms: 60_100 });
    assert_eq!(breaker.admit(60_100), Admission::Probe);

    let mut breaker = consecutive();
    breaker.record(0, maintenance(1_000), false);
    assert_eq!(
        breaker.state(0),
        BreakerState::Open { until_ms: 1_000 },
        "a wait of exactly break_ms is maintenance"
    );
}

#[test]
fn a_503_with_a_short_hint_is_an_ordinary_failure() {
    let mut breaker = consecutive();
    breaker.record(0, maintenance(999), false);
    assert_eq!(breaker.state(0), BreakerState::Closed);
    assert_eq!(breaker.counts(0), (1, 1));

    let mut breaker = consecutive();
    breaker.record(
        0,
        BreakerResult::Failure {
            retry_after_ms: Some(60_000),
            service_unavailable: false,
        },
        false,
    );
    assert_eq!(
        breaker.state(0),
        BreakerState::Closed,
        "a long wait on a 502 is not maintenance"
    );
}

#[test]
fn a_maintenance_hint_is_cut_to_a_day() {
    let mut breaker = consecutive();
    breaker.record(5, maintenance(u64::MAX), false);
    assert_eq!(
        breaker.state(5),
        BreakerState::Open {
            until_ms: 5 + MAX_BREAK_MS
        }
    );
}

#[test]
fn a_maintenance_answer_keeps_an_open_breaker_open_longer_never_shorter() {
    let mut breaker = opened_at(0);
    breaker.record(500, maintenance(10_000), false);
    assert_eq!(breaker.state(500), BreakerState::Open { until_ms: 10_500 });
    breaker.record(600, maintenance(2_000), false);
    assert_eq!(
        breaker.state(600),
        BreakerState::Open { until_ms: 10_500 },
        "a shorter hint does not end the break early"
    );
}

#[test]
fn a_late_result_while_open_changes_nothing() {
    let mut breaker = opened_at(0);
    breaker.record(10, BreakerResult::Success, false);
    breaker.record(20, FAILURE, false);
    breaker.record(30, BreakerResult::Success, true);
    assert_eq!(breaker.state(30), BreakerState::Open { until_ms: 1_000 });
    assert_eq!(breaker.counts(30), (3, 3));
}

#[test]
fn half_open_admits_exactly_one_probe() {
    let mut breaker = opened_at(0);
    assert_eq!(breaker.admit(999), Admission::Reject { retry_at_ms: 1_000 });
    assert_eq!(breaker.state(1_000), BreakerState::HalfOpen);
    assert_eq!(breaker.admit(1_000), Admission::Probe);
    assert_eq!(breaker.state(1_000), BreakerState::HalfOpen);
    assert_eq!(
        breaker.admit(1_000),
        Admission::Reject { retry_at_ms: 2_000 },
        "the probe is in flight"
    );
    assert_eq!(
        breaker.admit(5_000),
        Admission::Reject { retry_at_ms: 6_000 },
        "still in flight, however long it takes"
    );
}

#[test]
fn the_probes_success_closes_and_forgets_the_counts() {
    let mut breaker = opened_at(0);
    assert_eq!(breaker.admit(1_200), Admission::Probe);
    breaker.record(1_300, BreakerResult::Success, true);
    assert_eq!(breaker.state(1_300), BreakerState::Closed);
    assert_eq!(breaker.counts(1_300), (0, 0));
    assert_eq!(breaker.admit(1_300), Admission::Allow);
    breaker.record(1_300, FAILURE, false);
    breaker.record(1_300, FAILURE, false);
    assert_eq!(
        breaker.state(1_300),
        BreakerState::Closed,
        "the count started again"
    );

    let mut breaker = sampling();
    for _ in 0..4 {
        breaker.record(0, FAILURE, false);
    }
    assert_eq!(breaker.admit(1_000), Admission::Probe);
    breaker.record(1_001, BreakerResult::Success, true);
    assert_eq!(breaker.counts(1_001), (0, 0), "the window is empty again");
}

#[test]
fn the_probes_failure_opens_again_for_break_ms_or_its_maintenance_hint() {
    let mut breaker = opened_at(0);
    assert_eq!(breaker.admit(1_000), Admission::Probe);
    breaker.record(1_500, FAILURE, true);
    assert_eq!(breaker.state(1_500), BreakerState::Open { until_ms: 2_500 });
    assert_eq!(breaker.admit(2_000), Admission::Reject { retry_at_ms: 2_500 });

    assert_eq!(breaker.admit(2_500), Admission::Probe);
    breaker.record(2_600, maintenance(30_000), true);
    assert_eq!(breaker.state(2_600), BreakerState::Open { until_ms: 32_600 });
}

#[test]
fn an_ignored_probe_lets_the_next_call_probe() {
    let mut breaker = opened_at(0);
    assert_eq!(breaker.admit(1_000), Admission::Probe);
    breaker.record(1_100, BreakerResult::Ignored, true);
    assert_eq!(breaker.state(1_100), BreakerState::HalfOpen);
    assert_eq!(breaker.admit(1_100), Admission::Probe);
}

#[test]
fn only_the_probe_settles_a_half_open_breaker() {
    let mut breaker = opened_at(0);
    assert_eq!(breaker.admit(1_000), Admission::Probe);
    breaker.record(1_010, BreakerResult::Success, false);
    breaker.record(1_020, maintenance(60_000), false);
    assert_eq!(breaker.state(1_020), BreakerState::HalfOpen);
    assert_eq!(breaker.admit(1_030), Admission::Reject { retry_at_ms: 2_030 });
}

#[test]
fn a_probe_result_with_no_probe_in_flight_is_a_plain_call() {
    let mut breaker = consecutive();
    breaker.record(0, FAILURE, true);
    assert_eq!(breaker.state(0), BreakerState::Closed);
    assert_eq!(breaker.counts(0), (1, 1));
}

#[test]
fn a_clock_that_steps_back_counts_as_no_time() {
    let mut breaker = opened_at(10_000);
    assert_eq!(
        breaker.admit(0),
        Admission::Reject { retry_at_ms: 11_000 },
        "stepping back does not move the end of the break"
    );
    assert_eq!(breaker.state(0), BreakerState::Open { until_ms: 11_000 });
    assert_eq!(breaker.admit(11_000), Admission::Probe);
    assert_eq!(
        breaker.admit(3),
        Admission::Reject { retry_at_ms: 12_000 },
        "measured from the latest time seen"
    );

    let mut breaker = sampling();
    breaker.record(5_000, FAILURE, false);
    breaker.record(100, FAILURE, false);
    assert_eq!(
        breaker.counts(0),
        (2, 2),
        "counted at 5000 ms, in the same bucket"
    );
}

#[test]
fn times_near_the_end_of_the_clock_never_overflow() {
    let mut breaker = consecutive();
    for _ in 0..3 {
        breaker.record(u64::MAX - 10, FAILURE, false);
    }
    assert_eq!(
        breaker.state(u64::MAX - 10),
        BreakerState::Open { until_ms: u64::MAX },
        "the end of the break saturates"
    );
    assert_eq!(
        breaker.admit(u64::MAX - 1),
        Admission::Reject {
            retry_at_ms: u64::MAX
        }
    );
    assert_eq!(breaker.admit(u64::MAX), Admission::Probe);
    assert_eq!(
        breaker.admit(u64::MAX),
        Admission::Reject {
            retry_at_ms: u64::MAX
        }
    );
    breaker.record(u64::MAX, maintenance(u64::MAX), true);
    assert_eq!(
        breaker.admit(u64::MAX),
        Admission::Probe,
        "with no later time, the break is over at once"
    );

    let mut breaker = Breaker::new(POLLY_DEFAULT);
    breaker.record(u64::MAX, FAILURE, false);
    assert_eq!(breaker.counts(u64::MAX), (1, 1));
}

#[test]
fn the_defaults_are_pollys_and_cockatiels_numbers() {
    assert_eq!(
        POLLY_DEFAULT,
        BreakerConfig {
            mode: BreakerMode::Sampling {
                failure_per_mille: 100,
                min_calls: 100,
                window_ms: 30_000
            },
            break_ms: 5_000
        }
    );
    assert_eq!(
        CONSECUTIVE_DEFAULT,
        BreakerConfig {
            mode: BreakerMode::Consecutive { threshold: 5 },
            break_ms: 5_000
        }
    );
    assert_eq!(POLLY_DEFAULT.validate(), Ok(()));
    assert_eq!(CONSECUTIVE_DEFAULT.validate(), Ok(()));
}

#[test]
fn validation_names_the_field_at_fault() {
    let sampling = |failure_per_mille, min_calls, window_ms| BreakerConfig {
        mode: BreakerMode::Sampling {
            failure_per_mille,
            min_calls,
            window_ms,
        },
        break_ms: 5_000,
    };
    let consecutive = |threshold, break_ms| BreakerConfig {
        mode: BreakerMode::Consecutive { threshold },
        break_ms,
    };
    assert_eq!(consecutive(0, 5_000).validate(), Err(BreakerError::Threshold));
    assert_eq!(consecutive(1, 0).validate(), Ok(()));
    assert_eq!(consecutive(1, MAX_BREAK_MS).validate(), Ok(()));
    assert_eq!(
        consecutive(1, MAX_BREAK_MS + 1).validate(),
        Err(BreakerError::BreakMs)
    );
    assert_eq!(sampling(0, 1, 10).validate(), Err(BreakerError::FailurePerMille));
    assert_eq!(
        sampling(1_001, 1, 10).validate(),
        Err(BreakerError::FailurePerMille)
    );
    assert_eq!(sampling(1_000, 1, 10).validate(), Ok(()));
    assert_eq!(sampling(1, 0, 10).validate(), Err(BreakerError::MinCalls));
    assert_eq!(sampling(1, 1, 9).validate(), Err(BreakerError::WindowMs));
    assert_eq!(sampling(1, 1, MAX_WINDOW_MS).validate(), Ok(()));
    assert_eq!(
        sampling(1, 1, MAX_WINDOW_MS + 1).validate(),
        Err(BreakerError::WindowMs)
    );
}

#[test]
fn each_error_describes_its_own_field() {
    for (error, field) in [
        (BreakerError::Threshold, "threshold"),
        (BreakerError::FailurePerMille, "failure_per_mille"),
        (BreakerError::MinCalls, "min_calls"),
        (BreakerError::WindowMs, "window_ms"),
        (BreakerError::BreakMs, "break_ms"),
    ] {
        assert!(error.as_str().starts_with(field), "{error:?}");
    }
}

#[test]
fn an_invalid_configuration_never_panics() {
    for mode in [
        BreakerMode::Consecutive { threshold: 0 },
        BreakerMode::Sampling {
            failure_per_mille: 0,
            min_calls: 0,
            window_ms: 0,
        },
        BreakerMode::Sampling {
            failure_per_mille: u32::MAX,
            min_calls: u32::MAX,
            window_ms: u64::MAX,
        },
    ] {
        let mut breaker = Breaker::new(BreakerConfig {
            mode,
            break_ms: u64::MAX,
        });
        for now in [0, 1, u64::MAX] {
            breaker.admit(now);
            breaker.record(now, FAILURE, true);
            breaker.record(now, maintenance(u64::MAX), false);
            breaker.counts(now);
            breaker.state(now);
        }
    }
}
