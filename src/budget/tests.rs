//! One test a rule, named for the behaviour it pins.

use super::*;

#[test]
fn a_new_budget_starts_full() {
    let budget = Budget::new(AWS_STANDARD);
    assert_eq!(budget.tokens(), 500);
    assert_eq!(budget.capacity(), 500);
}

#[test]
fn fifty_retries_empty_a_full_bucket() {
    let mut budget = Budget::new(AWS_STANDARD);
    for retry in 1..=50 {
        assert_eq!(budget.try_retry(false), Some(10), "retry {retry}");
    }
    assert_eq!(budget.tokens(), 0);
    assert_eq!(budget.try_retry(false), None, "the 51st retry is refused");
    assert_eq!(budget.try_retry(true), None, "so is a throttled one");
}

#[test]
fn a_retry_after_throttling_costs_half_as_much() {
    let mut budget = Budget::new(AWS_STANDARD);
    for retry in 1..=100 {
        assert_eq!(budget.try_retry(true), Some(5), "retry {retry}");
    }
    assert_eq!(budget.try_retry(true), None);
    assert_eq!(budget.tokens(), 0);
}

#[test]
fn a_refused_retry_takes_nothing() {
    let mut budget = Budget::new(AWS_STANDARD);
    while budget.tokens() >= 10 {
        budget.try_retry(false);
    }
    budget.on_success(Some(7));
    assert_eq!(budget.tokens(), 7);
    assert_eq!(budget.try_retry(false), None, "10 is more than 7");
    assert_eq!(budget.tokens(), 7, "nothing was taken");
    assert_eq!(
        budget.try_retry(true),
        Some(5),
        "a cheaper throttled retry still fits"
    );
    assert_eq!(budget.tokens(), 2);
}

#[test]
fn a_retry_is_granted_when_exactly_its_cost_is_left() {
    let mut budget = Budget::new(BudgetConfig {
        capacity: 10,
        ..AWS_STANDARD
    });
    assert_eq!(budget.try_retry(false), Some(10));
    assert_eq!(budget.tokens(), 0);
}

#[test]
fn a_first_try_success_adds_one_up_to_capacity() {
    let mut budget = Budget::new(AWS_STANDARD);
    budget.on_success(None);
    assert_eq!(budget.tokens(), 500, "a full bucket stays at its capacity");

    budget.try_retry(false);
    assert_eq!(budget.tokens(), 490);
    budget.on_success(None);
    assert_eq!(budget.tokens(), 491);
    for _ in 0..20 {
        budget.on_success(None);
    }
    assert_eq!(budget.tokens(), 500);
}

#[test]
fn a_success_after_retries_gives_back_its_last_retry_cost() {
    let mut budget = Budget::new(AWS_STANDARD);
    let first = budget.try_retry(true);
    let last = budget.try_retry(false);
    assert_eq!((first, last), (Some(5), Some(10)));
    assert_eq!(budget.tokens(), 485);
    budget.on_success(last);
    assert_eq!(
        budget.tokens(),
        495,
        "the last retry's 10 comes back, not the 1 of a first-try success"
    );
    budget.on_success(Some(u32::MAX));
    assert_eq!(budget.tokens(), 500, "never above capacity");
}

#[test]
fn sustained_failures_add_at_most_ten_percent_load() {
    // 1000 calls whose every attempt fails, each wanting two retries.
    for (throttled, granted) in [(false, 50), (true, 100)] {
        let mut budget = Budget::new(AWS_STANDARD);
        let calls = 1000u32;
        let mut retries = 0u32;
        for _ in 0..calls {
            for _ in 0..2 {
                if budget.try_retry(throttled).is_none() {
                    break;
                }
                retries += 1;
            }
        }
        assert_eq!(retries, granted, "throttled: {throttled}");
        assert!((calls + retries) * 10 <= calls * 11, "throttled: {throttled}");
    }
}

#[test]
fn costs_of_zero_never_refuse_a_retry() {
    let mut budget = Budget::new(BudgetConfig {
        throttled_cost: 0,
        retry_cost: 0,
        ..AWS_STANDARD
    });
    for _ in 0..10_000 {
        assert_eq!(budget.try_retry(false), Some(0));
    }
    assert_eq!(budget.tokens(), 500);
}

#[test]
fn the_aws_numbers_are_a_valid_configuration() {
    assert_eq!(AWS_STANDARD.validate(), Ok(()));
    assert_eq!(
        (
            AWS_STANDARD.capacity,
            AWS_STANDARD.throttled_cost,
            AWS_STANDARD.retry_cost,
            AWS_STANDARD.success_reward
        ),
        (500, 5, 10, 1)
    );
}

#[test]
fn validation_names_the_field_at_fault() {
    let with = |capacity, throttled_cost, retry_cost| BudgetConfig {
        capacity,
        throttled_cost,
        retry_cost,
        success_reward: 1,
    };
    assert_eq!(with(0, 0, 0).validate(), Err(BudgetError::Capacity));
    assert_eq!(with(1_000_001, 5, 10).validate(), Err(BudgetError::Capacity));
    assert_eq!(with(1_000_000, 5, 10).validate(), Ok(()));
    assert_eq!(with(1, 1, 1).validate(), Ok(()));
    assert_eq!(with(9, 10, 5).validate(), Err(BudgetError::ThrottledCost));
    assert_eq!(with(9, 5, 10).validate(), Err(BudgetError::RetryCost));
    assert_eq!(with(10, 10, 10).validate(), Ok(()), "a cost may equal capacity");
}

#[test]
fn each_error_describes_its_own_field() {
    for (error, field) in [
        (BudgetError::Capacity, "capacity"),
        (BudgetError::ThrottledCost, "throttled_cost"),
        (BudgetError::RetryCost, "retry_cost"),
    ] {
        assert!(error.as_str().starts_with(field), "{error:?}");
    }
}

#[test]
fn an_invalid_configuration_never_panics() {
    let mut budget = Budget::new(BudgetConfig {
        capacity: 0,
        throttled_cost: u32::MAX,
        retry_cost: u32::MAX,
        success_reward: u32::MAX,
    });
    assert_eq!(budget.try_retry(false), None);
    budget.on_success(None);
    budget.on_success(Some(u32::MAX));
    assert_eq!(budget.tokens(), 0);
}
