//! Invariants of the budget over random configurations and sequences of retries and successes.

use proptest::prelude::*;

use super::*;

#[derive(Clone, Copy, Debug)]
enum Event {
    Retry { throttled: bool },
    Success { retry_cost: Option<u32> },
}

fn any_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        any::<bool>().prop_map(|throttled| Event::Retry { throttled }),
        proptest::option::of(prop_oneof![0u32..20, Just(u32::MAX)])
            .prop_map(|retry_cost| Event::Success { retry_cost }),
    ]
}

prop_compose! {
    /// Valid configurations, small enough that random sequences reach both ends of the bucket.
    fn any_config()(capacity in 1u32..200)(
        capacity in Just(capacity),
        throttled_cost in 0..=capacity,
        retry_cost in 0..=capacity,
        success_reward in 0u32..20,
    ) -> BudgetConfig {
        BudgetConfig { capacity, throttled_cost, retry_cost, success_reward }
    }
}

proptest! {
    #[test]
    fn tokens_stay_between_zero_and_capacity_and_follow_the_rules(
        config in prop_oneof![Just(AWS_STANDARD), any_config()],
        events in proptest::collection::vec(any_event(), 0..400),
    ) {
        prop_assert_eq!(config.validate(), Ok(()));
        let mut budget = Budget::new(config);
        // The bucket as a wide integer, so that a wrong subtraction shows as a negative number rather
        // than a wrap.
        let mut model = i64::from(config.capacity);
        for event in events {
            match event {
                Event::Retry { throttled } => {
                    let cost = if throttled { config.throttled_cost } else { config.retry_cost };
                    let granted = budget.try_retry(throttled);
                    if model >= i64::from(cost) {
                        prop_assert_eq!(granted, Some(cost));
                        model -= i64::from(cost);
                    } else {
                        prop_assert_eq!(granted, None);
                    }
                }
                Event::Success { retry_cost } => {
                    budget.on_success(retry_cost);
                    let back = retry_cost.unwrap_or(config.success_reward);
                    model = (model + i64::from(back)).min(i64::from(config.capacity));
                }
            }
            prop_assert!(model >= 0);
            prop_assert_eq!(i64::from(budget.tokens()), model);
            prop_assert!(budget.tokens() <= budget.capacity());
        }
    }

    #[test]
    fn retries_never_take_more_than_capacity_plus_what_came_back(
        config in any_config(),
        events in proptest::collection::vec(any_event(), 0..400),
    ) {
        let mut budget = Budget::new(config);
        let mut taken = 0u64;
        let mut given = 0u64;
        for event in events {
            match event {
                Event::Retry { throttled } => {
                    taken += u64::from(budget.try_retry(throttled).unwrap_or(0));
                }
                Event::Success { retry_cost } => {
                    given += u64::from(retry_cost.unwrap_or(config.success_reward));
                    budget.on_success(retry_cost);
                }
            }
            prop_assert!(taken <= u64::from(config.capacity) + given);
        }
    }

    /// A sustained outage, starting full: every attempt of every call fails, and each call wants up to
    /// two retries (a refused retry ends the call). Nothing comes back, so the retries granted cost at
    /// most the 500 tokens: `10·r₅ₓₓ + 5·r₄₂₉ ≤ 500`, hence at most 100 retries (50 when none is
    /// throttled), and for 1000 calls (calls + retries) / calls ≤ 1100 / 1000 = 1.1.
    #[test]
    fn an_outage_gets_at_most_the_retries_a_full_bucket_pays_for(
        calls in 500u32..=2000,
        wanted in proptest::collection::vec((0u32..=2, any::<bool>()), 2000),
    ) {
        let mut budget = Budget::new(AWS_STANDARD);
        let (mut server_errors, mut throttles) = (0u32, 0u32);
        for &(retries, throttled) in wanted.iter().take(calls as usize) {
            for _ in 0..retries {
                if budget.try_retry(throttled).is_none() {
                    break;
                }
                if throttled { throttles += 1 } else { server_errors += 1 }
            }
        }
        let retries = server_errors + throttles;
        prop_assert!(10 * server_errors + 5 * throttles <= 500);
        prop_assert!(retries <= 100);
        if throttles == 0 {
            prop_assert!(retries <= 50);
        }
        // (calls + retries) / calls ≤ 1 + 100 / calls: at most 1.2 for 500 calls, 1.1 from 1000 on.
        if calls >= 1000 {
            prop_assert!(10 * (calls + retries) <= 11 * calls);
        }
    }
}
