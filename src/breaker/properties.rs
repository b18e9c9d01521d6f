//! Invariants of the breaker over random configurations and random sequences of admissions, results
//! and clock steps, backward steps and the ends of the clock included.

use alloc::vec::Vec;

use proptest::prelude::*;

use super::*;

#[derive(Clone, Copy, Debug)]
enum Step {
    Admit,
    /// `probe`: 0 a plain call; 1 the probe's result when one is in flight; 2 `was_probe: true` even
    /// when no probe is in flight (a caller's mistake, which must not break anything).
    Record {
        result: BreakerResult,
        probe: u8,
    },
    Forward(u64),
    Back(u64),
    Jump(u64),
}

fn any_result() -> impl Strategy<Value = BreakerResult> {
    prop_oneof![
        3 => Just(BreakerResult::Success),
        3 => (proptest::option::of(prop_oneof![0u64..10_000, Just(u64::MAX)]), any::<bool>())
            .prop_map(|(retry_after_ms, service_unavailable)| BreakerResult::Failure {
                retry_after_ms,
                service_unavailable,
            }),
        1 => Just(BreakerResult::Ignored),
    ]
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => Just(Step::Admit),
        4 => (any_result(), 0u8..3).prop_map(|(result, probe)| Step::Record { result, probe }),
        3 => (0u64..3_000).prop_map(Step::Forward),
        1 => (0u64..3_000).prop_map(Step::Back),
        1 => prop_oneof![Just(0), Just(u64::MAX), Just(u64::MAX - 1_000), any::<u64>()]
            .prop_map(Step::Jump),
    ]
}

fn valid_config() -> impl Strategy<Value = BreakerConfig> {
    let mode = prop_oneof![
        (1u32..6).prop_map(|threshold| BreakerMode::Consecutive { threshold }),
        (1u32..=1000, 1u32..10, MIN_WINDOW_MS..5_000).prop_map(
            |(failure_per_mille, min_calls, window_ms)| BreakerMode::Sampling {
                failure_per_mille,
                min_calls,
                window_ms,
            }
        ),
    ];
    (mode, 0u64..3_000).prop_map(|(mode, break_ms)| BreakerConfig { mode, break_ms })
}

/// Anything at all, invalid configurations included: the breaker must still never panic.
fn any_config() -> impl Strategy<Value = BreakerConfig> {
    let mode = prop_oneof![
        any::<u32>().prop_map(|threshold| BreakerMode::Consecutive { threshold }),
        (any::<u32>(), any::<u32>(), any::<u64>()).prop_map(|(failure_per_mille, min_calls, window_ms)| {
            BreakerMode::Sampling {
                failure_per_mille,
                min_calls,
                window_ms,
            }
        }),
    ];
    (mode, any::<u64>()).prop_map(|(mode, break_ms)| BreakerConfig { mode, break_ms })
}

/// Runs `steps`, checking after each one what every admission may say, and that a probe is never
/// admitted while another is in flight.
fn run(config: BreakerConfig, start_ms: u64, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut breaker = Breaker::new(config);
    let mut now = start_ms;
    let mut probe_in_flight = false;
    for &step in steps {
        match step {
            Step::Admit => {
                let before = breaker.state(now);
                let admission = breaker.admit(now);
                match (before, admission) {
                    (BreakerState::Closed, Admission::Allow) => {}
                    (BreakerState::Open { until_ms }, Admission::Reject { retry_at_ms }) => {
                        prop_assert_eq!(retry_at_ms, until_ms);
                        prop_assert!(until_ms > now);
                    }
                    (BreakerState::HalfOpen, Admission::Probe) => {
                        prop_assert!(!probe_in_flight, "a second probe while one is in flight");
                        probe_in_flight = true;
                    }
                    (BreakerState::HalfOpen, Admission::Reject { retry_at_ms }) => {
                        prop_assert!(probe_in_flight, "refused half-open with no probe in flight");
                        prop_assert!(retry_at_ms >= now);
                    }
                    (state, admission) => {
                        prop_assert!(false, "{:?} admitted {:?}", state, admission);
                    }
                }
                if probe_in_flight {
                    prop_assert_eq!(breaker.state(now), BreakerState::HalfOpen);
                }
            }
            Step::Record { result, probe } => {
                let was_probe = match probe {
                    0 => false,
                    1 => probe_in_flight,
                    _ => true,
                };
                if was_probe {
                    probe_in_flight = false;
                }
                breaker.record(now, result, was_probe);
            }
            Step::Forward(ms) => now = now.saturating_add(ms),
            Step::Back(ms) => now = now.saturating_sub(ms),
            Step::Jump(ms) => now = ms,
        }
        let (failures, calls) = breaker.counts(now);
        prop_assert!(failures <= calls);
    }
    Ok(())
}

proptest! {
    #[test]
    fn every_admission_matches_the_state_and_one_probe_at_most_is_in_flight(
        config in valid_config(),
        start_ms in prop_oneof![Just(0u64), any::<u64>()],
        steps in proptest::collection::vec(any_step(), 0..300),
    ) {
        prop_assert_eq!(config.validate(), Ok(()));
        run(config, start_ms, &steps)?;
    }

    #[test]
    fn never_panics_whatever_the_configuration_and_clock(
        config in any_config(),
        start_ms in any::<u64>(),
        steps in proptest::collection::vec(any_step(), 0..200),
    ) {
        run(config, start_ms, &steps)?;
    }

    /// The ring of buckets counts what a plain list of every call counted while closed would: the
    /// calls of the last `WINDOW_BUCKETS` slices up to the latest time the breaker was given (by
    /// `admit`, `record`, or the `counts` call itself), forgotten when the breaker closes again.
    #[test]
    fn the_sampling_window_counts_what_a_list_of_every_call_would(
        failure_per_mille in 1u32..=1000,
        min_calls in 1u32..30,
        window_ms in MIN_WINDOW_MS..2_000,
        break_ms in 0u64..2_000,
        steps in proptest::collection::vec(any_step(), 0..300),
    ) {
        let config = BreakerConfig {
            mode: BreakerMode::Sampling { failure_per_mille, min_calls, window_ms },
            break_ms,
        };
        let mut breaker = Breaker::new(config);
        let width = bucket_width(window_ms);
        // `seen`: the latest time passed to `admit` or `record`.
        let (mut now, mut seen) = (0u64, 0u64);
        let mut calls: Vec<(u64, bool)> = Vec::new();
        let mut probe_in_flight = false;
        for step in steps {
            match step {
                Step::Admit => {
                    probe_in_flight |= breaker.admit(now) == Admission::Probe;
                    seen = seen.max(now);
                }
                Step::Record { result, probe } => {
                    let was_probe = probe != 0 && probe_in_flight;
                    probe_in_flight &= !was_probe;
                    let closed = breaker.state(now) == BreakerState::Closed;
                    breaker.record(now, result, was_probe);
                    seen = seen.max(now);
                    if closed && result != BreakerResult::Ignored {
                        calls.push((seen, result != BreakerResult::Success));
                    }
                    if !closed && breaker.state(now) == BreakerState::Closed {
                        calls.clear();
                    }
                }
                Step::Forward(ms) => now = now.saturating_add(ms),
                Step::Back(ms) => now = now.saturating_sub(ms),
                Step::Jump(ms) => now = ms,
            }
            let slice = now.max(seen) / width;
            let in_window = calls
                .iter()
                .filter(|(at, _)| slice - at / width < WINDOW_BUCKETS);
            let expected = in_window.fold((0u32, 0u32), |(failures, calls), &(_, failed)| {
                (failures + u32::from(failed), calls + 1)
            });
            prop_assert_eq!(breaker.counts(now), expected);
        }
    }
}
