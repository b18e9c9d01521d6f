use super::*;

use crate::concurrency::route_of;

fn settings() -> GuardSettings {
    GuardSettings::default()
}

fn hint(left: u64, reset_ms: u64) -> RateLimitHint {
    RateLimitHint {
        reset_ms: Some(reset_ms),
        requests_left: Some(left),
        requests_quota: Some(150),
        window_ms: Some(30_000),
        ..RateLimitHint::default()
    }
}

fn started(next: Next) -> u32 {
    match next {
        Next::Start { ticket, .. } => ticket,
        other => panic!("expected a start, got {other:?}"),
    }
}

#[test]
fn a_request_nobody_waits_ahead_of_starts_at_once() {
    let mut guard = StoreGuard::new(settings());
    assert_eq!(guard.next(0), Next::Idle);
    let ticket = guard.enqueue(None, 100);
    assert_eq!(
        guard.next(100),
        Next::Start {
            ticket,
            waited_ms: 0,
            reason: ""
        }
    );
    assert_eq!(guard.stats(100).in_flight, 1);
    guard.answered(ticket, 200, &hint(149, 30_000), 150);
    let stats = guard.stats(150);
    assert_eq!((stats.attempts, stats.in_flight, stats.waits), (1, 0, 0));
}

#[test]
fn the_overall_cap_holds_requests_in_order_until_one_ends() {
    let mut guard = StoreGuard::new(GuardSettings {
        concurrency: Some(1),
        ..settings()
    });
    let first = guard.enqueue(None, 0);
    let second = guard.enqueue(None, 0);
    assert_eq!(started(guard.next(0)), first);
    assert_eq!(guard.next(0), Next::Full);
    assert!(guard.is_waiting(second));
    guard.answered(first, 200, &RateLimitHint::default(), 40);
    assert_eq!(
        guard.next(40),
        Next::Start {
            ticket: second,
            waited_ms: 40,
            reason: "concurrency"
        }
    );
    assert_eq!(guard.stats(40).waits, 1);
}

#[test]
fn a_full_route_does_not_hold_another_route() {
    let mut guard = StoreGuard::new(GuardSettings {
        pacing: Pacing::Off,
        ..settings()
    });
    // Any documented route limit, filled to its cap, holds only its own requests.
    let route = route_of("GET", "/stores/abc123/v3/catalog/trees/5/categories");
    assert!(route.is_some(), "the route has a documented limit");
    let mut tickets = Vec::new();
    for _ in 0..100 {
        let ticket = guard.enqueue(route, 0);
        match guard.next(0) {
            Next::Start { .. } => tickets.push(ticket),
            next => {
                assert_eq!(next, Next::Full);
                let other = guard.enqueue(None, 0);
                assert_eq!(started(guard.next(0)), other, "another route went ahead");
                return;
            }
        }
    }
    panic!("the route took 100 requests at once: no limit");
}

#[test]
fn pacing_holds_a_burst_past_what_the_window_has_left() {
    let mut guard = StoreGuard::new(settings());
    let first = guard.enqueue(None, 0);
    started(guard.next(0));
    guard.answered(first, 200, &hint(0, 1_000), 10);
    let second = guard.enqueue(None, 10);
    match guard.next(10) {
        Next::Wait { ms } => assert!(ms > 0 && ms <= 1_000, "{ms}"),
        other => panic!("expected a wait, got {other:?}"),
    }
    // After the reset it goes, and says pacing held it.
    assert_eq!(
        guard.next(1_011),
        Next::Start {
            ticket: second,
            waited_ms: 1_001,
            reason: "pacing"
        }
    );
}

#[test]
fn the_open_breaker_refuses_and_the_budget_runs_dry() {
    let mut guard = StoreGuard::new(GuardSettings {
        breaker: Some(BreakerKind::Consecutive),
        ..settings()
    });
    for at in 0..5 {
        let ticket = guard.enqueue(None, at);
        started(guard.next(at));
        guard.answered(ticket, 503, &RateLimitHint::default(), at);
    }
    let refused = guard.enqueue(None, 10);
    match guard.next(10) {
        Next::Rejected { ticket, retry_at_ms } => {
            assert_eq!(ticket, refused);
            assert!(retry_at_ms > 10);
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(!guard.is_waiting(refused));
    assert_eq!(guard.stats(10).circuit_rejections, 1);

    let mut spent = 0;
    while guard.spend_retry(false).is_some() {
        spent += 1;
    }
    assert_eq!(spent, 50, "500 tokens at 10 a retry");
    let stats = guard.stats(10);
    assert_eq!((stats.retries, stats.retries_refused), (50, 1));
    assert_eq!(stats.budget, Some((0, 500)));
}

#[test]
fn a_cancelled_request_leaves_the_queue_and_an_unknown_ticket_ends_nothing() {
    let mut guard = StoreGuard::new(GuardSettings {
        concurrency: Some(1),
        ..settings()
    });
    let first = guard.enqueue(None, 0);
    let second = guard.enqueue(None, 0);
    started(guard.next(0));
    guard.cancel(second);
    guard.failed(first + 100, false, 5);
    assert_eq!(guard.stats(5).in_flight, 1);
    guard.failed(first, true, 5);
    assert_eq!(guard.next(5), Next::Idle);
}

#[test]
fn a_request_that_waited_behind_others_says_queue() {
    let mut guard = StoreGuard::new(GuardSettings {
        concurrency: Some(1),
        ..settings()
    });
    let first = guard.enqueue(None, 0);
    started(guard.next(0));
    guard.answered(first, 200, &RateLimitHint::default(), 5);
    // Queued while the first was out, but asked about only after it ended: nothing held it itself.
    let second = guard.enqueue(None, 2);
    assert_eq!(
        guard.next(7),
        Next::Start {
            ticket: second,
            waited_ms: 5,
            reason: "queue"
        }
    );
}
