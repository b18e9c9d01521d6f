//! One test a rule, and a simulated store (a server with BigCommerce's window and quota, answering
//! after a delay) that a burst of requests is paced against.

use alloc::{collections::BTreeMap, vec::Vec};

use super::*;

fn hints(left: u64, quota: u64, reset_ms: u64, window_ms: u64) -> RateLimitHint {
    RateLimitHint {
        reset_ms: Some(reset_ms),
        requests_left: Some(left),
        requests_quota: Some(quota),
        window_ms: Some(window_ms),
        ..RateLimitHint::default()
    }
}

#[test]
fn before_any_answer_a_few_requests_go_and_the_rest_wait_for_one() {
    let mut pacer = Pacer::new();
    for _ in 0..UNKNOWN_BURST {
        assert_eq!(pacer.permit(0, 500), Permit::Now);
        pacer.sent(0);
    }
    assert_eq!(
        pacer.permit(0, 490),
        Permit::Wait {
            ms: UNKNOWN_RECHECK_MS,
            reason: WaitReason::Unknown
        }
    );
    pacer.answered(1, Some(&hints(149, 150, 30_000, 30_000)), 40);
    // 149 left, less the 9 still out.
    assert_eq!(pacer.state(40).map(|s| s.left), Some(140));
    assert_eq!(pacer.permit(40, 10), Permit::Now);
}

#[test]
fn requests_go_at_once_while_the_ones_left_cover_every_waiting_request() {
    let mut pacer = Pacer::new();
    let first = pacer.sent(0);
    pacer.answered(first, Some(&hints(100, 150, 20_000, 30_000)), 10);
    for waiting in (1..=100).rev() {
        assert_eq!(pacer.permit(10, waiting), Permit::Now, "{waiting} waiting");
        pacer.sent(10);
    }
    assert_eq!(
        pacer.permit(10, 1),
        Permit::Wait {
            ms: 20_000,
            reason: WaitReason::WindowReset
        },
        "none left: wait for the reset"
    );
    assert_eq!(
        pacer.permit(20_010, 1),
        Permit::Now,
        "the whole quota is back after the reset"
    );
    // The 100 sent are not answered yet: the server may count them in the new window.
    assert_eq!(pacer.state(20_010).map(|s| s.left), Some(50));
}

#[test]
fn more_waiting_than_left_spreads_the_ones_left_over_the_window() {
    let mut pacer = Pacer::new();
    let first = pacer.sent(0);
    pacer.answered(first, Some(&hints(10, 150, 10_000, 30_000)), 0);
    // 10 left over 10 s, 50 waiting: 11 gaps of 909 ms, counted from the last send, so that the
    // last goes before the reset.
    let spread = |ms| Permit::Wait {
        ms,
        reason: WaitReason::Spread,
    };
    assert_eq!(pacer.permit(0, 50), spread(909));
    // At 400 ms, 9.6 s are left: gaps of 872 ms.
    assert_eq!(pacer.permit(400, 50), spread(472));
    assert_eq!(pacer.permit(909, 50), Permit::Now);
    pacer.sent(909);
    // 9 left over 9.091 s: gaps of 909 ms.
    assert_eq!(pacer.permit(909, 49), spread(909));
    assert_eq!(
        pacer.permit(909, 9),
        Permit::Now,
        "once the ones left cover the waiting, no spreading"
    );
}

#[test]
fn an_answer_to_an_older_request_is_not_fresher() {
    let mut pacer = Pacer::new();
    let a = pacer.sent(0);
    let b = pacer.sent(0);
    pacer.answered(b, Some(&hints(80, 150, 20_000, 30_000)), 5);
    // `a` is still out: the server may not have counted it yet.
    assert_eq!(pacer.state(5).map(|s| s.left), Some(79));
    pacer.answered(a, Some(&hints(81, 150, 20_000, 30_000)), 6);
    assert_eq!(pacer.state(6).map(|s| s.left), Some(79));
}

#[test]
fn requests_sent_after_the_answered_one_are_counted_as_used() {
    let mut pacer = Pacer::new();
    let a = pacer.sent(0);
    for _ in 0..5 {
        pacer.sent(0);
    }
    pacer.answered(a, Some(&hints(100, 150, 20_000, 30_000)), 5);
    assert_eq!(pacer.state(5).map(|s| s.left), Some(95));
}

#[test]
fn a_429_with_its_headers_waits_for_the_reset_and_one_without_tells_nothing() {
    let mut pacer = Pacer::new();
    let a = pacer.sent(0);
    pacer.answered(a, None, 3);
    assert_eq!(
        pacer.state(3),
        None,
        "a failure or a 429 without headers tells nothing"
    );
    let b = pacer.sent(3);
    pacer.answered(b, Some(&hints(0, 150, 7_000, 30_000)), 5);
    let reset = Permit::Wait {
        ms: 7_000,
        reason: WaitReason::WindowReset,
    };
    assert_eq!(pacer.permit(5, 1), reset);
    let c = pacer.sent(5);
    pacer.answered(c, Some(&RateLimitHint::default()), 5);
    assert_eq!(pacer.permit(5, 1), reset, "a 429 without headers tells nothing");
}

#[test]
fn a_late_answer_from_the_last_window_does_not_undo_the_reset() {
    let mut pacer = Pacer::new();
    let a = pacer.sent(0);
    let b = pacer.sent(0);
    pacer.answered(b, Some(&hints(0, 150, 1_000, 30_000)), 10);
    // The reset passes with `a` still out: the new window's quota, less `a`.
    assert_eq!(pacer.permit(1_020, 1), Permit::Now);
    assert_eq!(pacer.state(1_020).map(|s| s.left), Some(149));
    // The answer to `a`, from the old window, arrives late: it changes nothing.
    pacer.answered(a, Some(&hints(1, 150, 990, 30_000)), 1_020);
    assert_eq!(pacer.state(1_020).map(|s| s.left), Some(149));
}

#[test]
fn odd_headers_and_clocks_never_panic() {
    let mut pacer = Pacer::new();
    let a = pacer.sent(u64::MAX);
    pacer.answered(a, Some(&hints(u64::MAX, u64::MAX, u64::MAX, 0)), u64::MAX);
    let _ = pacer.permit(0, u32::MAX);
    let _ = pacer.permit(u64::MAX, 0);
    pacer.answered(u64::MAX, Some(&hints(0, 0, 0, u64::MAX)), 0);
    let _ = pacer.state(0);
    let _ = pacer.permit(5, 1);
}

/// A store as BigCommerce runs it: windows of `window_ms` from the first request, `quota` requests
/// each, and a 429 with its headers past that.
pub(super) struct Store {
    pub quota: u64,
    pub window_ms: u64,
    used: BTreeMap<u64, u64>,
    pub rejected: u32,
}

impl Store {
    pub fn new(quota: u64, window_ms: u64) -> Store {
        Store {
            quota,
            window_ms,
            used: BTreeMap::new(),
            rejected: 0,
        }
    }

    /// Handles a request arriving at `at`; the headers of the answer.
    pub fn handle(&mut self, at: u64) -> RateLimitHint {
        let index = at / self.window_ms;
        let reset = (index + 1) * self.window_ms - at;
        let used = self.used.entry(index).or_insert(0);
        if *used >= self.quota {
            self.rejected += 1;
            return hints(0, self.quota, reset, self.window_ms);
        }
        *used += 1;
        hints(self.quota - *used, self.quota, reset, self.window_ms)
    }
}

/// Paces `requests` against `store` with at most `in_flight` out at once, each request reaching the
/// server `latency(number)` ms after it is sent and its answer coming back `latency(!number)` ms after
/// that (so a later request may overtake an earlier one either way). Returns when the last answer
/// arrived and how many came.
pub(super) fn run(
    store: &mut Store,
    requests: u32,
    in_flight: u32,
    latency: impl Fn(u64) -> u64,
) -> (u64, u32) {
    let mut pacer = Pacer::new();
    let mut now = 0;
    let mut waiting = requests;
    // (arrival at the server, request number), and (answer time, request number, headers).
    let mut arriving: Vec<(u64, u64)> = Vec::new();
    let mut answering: Vec<(u64, u64, RateLimitHint)> = Vec::new();
    let mut finished = 0;
    let mut answers = 0;
    let mut wake = u64::MAX;
    loop {
        // The server takes requests in the order they arrive.
        arriving.sort_by_key(|&(at, number)| (at, number));
        while arriving.first().is_some_and(|&(at, _)| at <= now) {
            let (at, number) = arriving.remove(0);
            answering.push((at + latency(!number), number, store.handle(at)));
        }
        answering.sort_by_key(|&(at, number, _)| (at, number));
        while answering.first().is_some_and(|&(at, _, _)| at <= now) {
            let (at, number, hints) = answering.remove(0);
            pacer.answered(number, Some(&hints), at);
            finished = finished.max(at);
            answers += 1;
        }
        let out = (arriving.len() + answering.len()) as u32;
        let mut sent = 0;
        while waiting > 0 && out + sent < in_flight {
            match pacer.permit(now, waiting) {
                Permit::Now => {
                    let number = pacer.sent(now);
                    arriving.push((now + latency(number), number));
                    waiting -= 1;
                    sent += 1;
                }
                Permit::Wait { ms, .. } => {
                    wake = now + ms.max(1);
                    break;
                }
            }
        }
        let next_event = arriving
            .iter()
            .map(|&(at, _)| at)
            .chain(answering.iter().map(|&(at, _, _)| at))
            .min()
            .unwrap_or(u64::MAX);
        let next = if waiting > 0 && out + sent < in_flight {
            next_event.min(wake)
        } else {
            next_event
        };
        if next == u64::MAX {
            break;
        }
        now = next.max(now);
        wake = u64::MAX;
    }
    (finished, answers)
}

#[test]
fn a_burst_of_500_on_a_quota_of_150_meets_no_429_and_ends_near_the_ideal() {
    for in_flight in [50, 200] {
        let mut store = Store::new(150, 30_000);
        let (finished, answers) = run(&mut store, 500, in_flight, |_| 20);
        assert_eq!((store.rejected, answers), (0, 500), "{in_flight} in flight");
        // The quota lets the last 50 go when the fourth window opens, at 90 s.
        let ideal = 3 * 30_000;
        assert!(
            finished <= ideal + ideal / 10,
            "{in_flight} in flight: ended at {finished} ms, ideal {ideal} ms"
        );
    }
}

#[test]
fn without_pacing_the_same_burst_meets_429s() {
    // The simulated store can fail: a client that sends whenever it has a slot is refused.
    let mut store = Store::new(150, 30_000);
    for request in 0..500 {
        store.handle(request / 50 * 40);
    }
    assert_eq!(store.rejected, 350);
}
