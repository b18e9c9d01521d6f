//! Invariants of the decision over random inputs, configurations and headers.

use proptest::prelude::*;

use super::*;
use crate::policy::{Backoff, MethodSet, BACKGROUND, STOREFRONT};

fn any_jitter() -> impl Strategy<Value = Jitter> {
    prop_oneof![Just(Jitter::Full), Just(Jitter::Equal), Just(Jitter::None)]
}

prop_compose! {
    fn any_config()(
        limit in 0u32..12,
        rate_limit_limit in 0u32..12,
        base_ms in 0u64..100_000,
        max_ms in 0u64..1_000_000,
        jitter in any_jitter(),
        max_retry_after_ms in 0u64..100_000,
        total_timeout_ms in proptest::option::of(1u64..1_000_000),
        retry_network_errors in any::<bool>(),
        retry_timeouts in any::<bool>(),
        preset in prop_oneof![Just(STOREFRONT), Just(BACKGROUND)],
    ) -> RetryConfig {
        RetryConfig {
            limit,
            rate_limit_limit,
            backoff: Backoff { base_ms, max_ms, jitter },
            max_retry_after_ms,
            total_timeout_ms,
            retry_network_errors,
            retry_timeouts,
            ..preset
        }
    }
}

/// Header values that are mostly numbers, sometimes garbage.
fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..100_000).prop_map(|n| n.to_string()),
        Just("NaN".to_owned()),
        Just("-1".to_owned()),
        Just("1e309".to_owned()),
        Just("9".repeat(40)),
        Just("Thu, 01 Jan 1970 00:00:09 GMT".to_owned()),
        ".{0,12}",
    ]
}

prop_compose! {
    fn any_outcome()(
        kind in 0u8..4,
        status in prop_oneof![Just(429u16), Just(500), Just(503), Just(408), 0u16..1000],
        reset in proptest::option::of(header_value()),
        x_retry in proptest::option::of(header_value()),
        retry_after in proptest::option::of(header_value()),
    ) -> Outcome {
        match kind {
            0 => Outcome::NetworkError,
            1 => Outcome::Timeout,
            _ => {
                let mut headers = Vec::new();
                if let Some(v) = &reset { headers.push(("X-Rate-Limit-Time-Reset-Ms", v.as_str())); }
                if let Some(v) = &x_retry { headers.push(("X-Retry-After", v.as_str())); }
                if let Some(v) = &retry_after { headers.push(("Retry-After", v.as_str())); }
                Outcome::Response { status, hints: RateLimitHint::from_headers(headers.as_slice(), 0) }
            }
        }
    }
}

fn any_method() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("GET"),
        Just("PUT"),
        Just("DELETE"),
        Just("POST"),
        Just("PATCH"),
        Just("post"),
        Just("WEIRD")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_retry_never_waits_past_the_caps_or_the_time_left(
        config in any_config(),
        outcome in any_outcome(),
        method in any_method(),
        idempotent in any::<bool>(),
        number in 1u32..20,
        elapsed_ms in 0u64..2_000_000,
        random in any::<f64>(),
    ) {
        let attempt = Attempt { number, method, idempotent, replayable: true, outcome, elapsed_ms, random };
        if let RetryDecision::Retry { delay_ms, source, .. } = decide(&attempt, &config) {
            if source == DelaySource::Backoff {
                prop_assert!(delay_ms <= config.backoff.max_ms);
            } else {
                prop_assert!(delay_ms <= config.max_retry_after_ms);
            }
            if let Some(total) = config.total_timeout_ms {
                prop_assert!(elapsed_ms.saturating_add(delay_ms) < total);
            }
        }
    }

    #[test]
    fn attempts_never_pass_the_limit(
        config in any_config(),
        outcome in any_outcome(),
        number in 1u32..40,
        random in 0.0f64..1.0,
    ) {
        let attempt = Attempt { number, method: "GET", idempotent: true, replayable: true, outcome, elapsed_ms: 0, random };
        if let RetryDecision::Retry { .. } = decide(&attempt, &config) {
            prop_assert!(number <= config.limit.max(config.rate_limit_limit));
        }
    }

    #[test]
    fn the_same_inputs_give_the_same_decision(
        config in any_config(),
        outcome in any_outcome(),
        method in any_method(),
        idempotent in any::<bool>(),
        number in 1u32..20,
        elapsed_ms in any::<u64>(),
        random in any::<f64>(),
    ) {
        let attempt = Attempt { number, method, idempotent, replayable: true, outcome, elapsed_ms, random };
        prop_assert_eq!(decide(&attempt, &config), decide(&attempt, &config.clone()));
    }

    #[test]
    fn unsafe_methods_are_only_retried_after_a_429_or_when_marked(
        config in any_config(),
        outcome in any_outcome(),
        number in 1u32..20,
        random in 0.0f64..1.0,
    ) {
        let attempt = Attempt { number, method: "POST", idempotent: false, replayable: true, outcome, elapsed_ms: 0, random };
        let config = RetryConfig { methods: MethodSet::IDEMPOTENT, ..config };
        if let RetryDecision::Retry { reason, .. } = decide(&attempt, &config) {
            prop_assert_eq!(reason, RetryReason::RateLimited);
        }
    }

    #[test]
    fn a_longer_hint_than_allowed_always_stops_with_that_hint(
        config in any_config(),
        extra_ms in 1u64..1_000_000,
        number in 1u32..5,
    ) {
        let hint_ms = config.max_retry_after_ms + extra_ms;
        let value = hint_ms.to_string();
        let hints = RateLimitHint::from_headers(&[("X-Rate-Limit-Time-Reset-Ms", value.as_str())][..], 0);
        let outcome = Outcome::Response { status: 429, hints };
        let attempt = Attempt { number, method: "GET", idempotent: false, replayable: true, outcome, elapsed_ms: 0, random: 0.5 };
        match decide(&attempt, &config) {
            RetryDecision::Stop(reason @ StopReason::HintExceedsMax { .. }) => {
                prop_assert_eq!(reason.hint(), Some((hint_ms, DelaySource::RateLimitReset)));
            }
            RetryDecision::Stop(StopReason::RetryLimit { .. }) => prop_assert!(number > config.rate_limit_limit),
            other => prop_assert!(false, "expected a stop with the hint, got {:?}", other),
        }
    }

    #[test]
    fn header_parsing_never_panics_on_any_text(value in any::<String>(), now in any::<i64>()) {
        let headers = [
            ("X-Rate-Limit-Time-Reset-Ms", value.as_str()),
            ("X-Retry-After", value.as_str()),
            ("Retry-After", value.as_str()),
            ("X-Rate-Limit-Requests-Left", value.as_str()),
        ];
        let hints = RateLimitHint::from_headers(&headers[..], now);
        for ms in [hints.reset_ms, hints.x_retry_after_ms, hints.retry_after_ms].into_iter().flatten() {
            prop_assert!(ms <= crate::hints::HINT_CEILING_MS);
        }
    }

    #[test]
    fn the_graphql_scanner_never_panics_and_never_passes_a_mutation(text in any::<String>(), prefix in "[ \t\n,]{0,8}") {
        let _ = crate::graphql::is_read_only(&text);
        let with_mutation = format!("{prefix}query {{ a }} mutation {{ {text} }}");
        prop_assert!(!crate::graphql::is_read_only(&with_mutation));
    }

    #[test]
    fn interpret_never_panics_and_classifies_by_hundreds(code in any::<i64>()) {
        let info = crate::status::interpret(code);
        prop_assert_eq!(info.code, code);
        prop_assert_eq!(info.category, crate::status::Category::of(code));
    }
}
