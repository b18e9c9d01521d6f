//! Pacing shared by every isolate that calls one store: one [`Pacer`] in one place (a Cloudflare
//! Durable Object per store), asked by each isolate before it sends and told of each answer.
//!
//! An isolate sees only its own answers, so a pacer per isolate believes it has the whole quota; kept
//! in one place, the pacer counts every request of every isolate. Two things differ from a pacer kept
//! beside its requests:
//! - an isolate asks once for every request it has waiting, and is granted as many as may go now
//!   ([`SharedPacing::take`]), so a burst costs one round trip, not one a request;
//! - an answer may never come back (the isolate that sent the request was evicted, or the message was
//!   lost), and a request the pacer still counts as out would keep a place in every later window: a
//!   request out for [`ANSWER_LOST_MS`] is taken as failed without an answer.

use alloc::vec::Vec;

use super::{Pacer, PacingState, Permit, WaitReason};
use crate::hints::RateLimitHint;

/// How long a request may be out before its answer is taken as lost: the longest attempt a preset
/// allows is 60 s (`background`, src/policy.rs), and an attempt that runs out of time is reported
/// as failed; half a minute more covers the report's way back.
pub const ANSWER_LOST_MS: u64 = 90_000;

/// The most requests one [`SharedPacing::take`] grants: a larger batch is granted over several asks,
/// so one ask does bounded work whatever number it is given.
pub const MAX_GRANT: u32 = 1_000;

/// What [`SharedPacing::take`] grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// Send `count` requests now (the first of those waiting), numbered `first` to
    /// `first + count - 1`; give each number back with its answer.
    Send {
        /// The number of the first.
        first: u64,
        /// How many may go (at least 1).
        count: u32,
    },
    /// Ask again after `ms`.
    Wait {
        /// How long to wait.
        ms: u64,
        /// Why.
        reason: WaitReason,
    },
}

/// A request granted and not answered yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Out {
    number: u64,
    sent_ms: u64,
}

/// The pacing of one store, shared by every isolate that calls it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SharedPacing {
    pacer: Pacer,
    /// The requests granted and not answered, in the order granted.
    out: Vec<Out>,
    /// The number of the latest request granted.
    last: u64,
}

impl SharedPacing {
    /// Pacing that knows nothing yet.
    pub fn new() -> SharedPacing {
        SharedPacing::default()
    }

    /// Grants the first of `waiting` requests (at least 1, at most [`MAX_GRANT`] counted) at
    /// `now_ms`: as many as the pacer lets go now, or how long to wait before asking again.
    pub fn take(&mut self, now_ms: u64, waiting: u32) -> Take {
        self.forget_lost(now_ms);
        let waiting = waiting.clamp(1, MAX_GRANT);
        let mut first = 0;
        let mut count = 0;
        while count < waiting {
            match self.pacer.permit(now_ms, waiting - count) {
                Permit::Now => {
                    let number = self.pacer.sent(now_ms);
                    self.out.push(Out {
                        number,
                        sent_ms: now_ms,
                    });
                    self.last = number;
                    if count == 0 {
                        first = number;
                    }
                    count += 1;
                }
                Permit::Wait { ms, reason } if count == 0 => return Take::Wait { ms, reason },
                Permit::Wait { .. } => break,
            }
        }
        Take::Send { first, count }
    }

    /// Request `number` was answered at `now_ms` with `hints` (its rate-limit headers), or failed
    /// without an answer (`None`). A number never granted is ignored.
    pub fn answered(&mut self, number: u64, hints: Option<&RateLimitHint>, now_ms: u64) {
        if number == 0 || number > self.last {
            return;
        }
        self.out.retain(|out| out.number != number);
        self.pacer.answered(number, hints, now_ms);
        self.forget_lost(now_ms);
    }

    /// What the pacer knows at `now_ms`, or `None` before any answer told it.
    pub fn state(&mut self, now_ms: u64) -> Option<PacingState> {
        self.forget_lost(now_ms);
        self.pacer.state(now_ms)
    }

    /// Takes every request out for [`ANSWER_LOST_MS`] as failed without an answer. (An answer that
    /// still comes counts all the same.)
    fn forget_lost(&mut self, now_ms: u64) {
        let lost = |out: &Out| now_ms.saturating_sub(out.sent_ms) >= ANSWER_LOST_MS;
        if !self.out.iter().any(lost) {
            return;
        }
        for out in self.out.iter().filter(|out| lost(out)) {
            self.pacer.answered(out.number, None, now_ms);
        }
        self.out.retain(|out| !lost(out));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pacing::UNKNOWN_BURST;

    fn hints(left: u64, quota: u64, reset_ms: u64) -> RateLimitHint {
        RateLimitHint {
            reset_ms: Some(reset_ms),
            requests_left: Some(left),
            requests_quota: Some(quota),
            window_ms: Some(30_000),
            ..RateLimitHint::default()
        }
    }

    /// Grants `waiting` at `now_ms` and returns how many went.
    fn granted(pacing: &mut SharedPacing, now_ms: u64, waiting: u32) -> u32 {
        match pacing.take(now_ms, waiting) {
            Take::Send { count, .. } => count,
            Take::Wait { .. } => 0,
        }
    }

    #[test]
    fn grants_the_unknown_burst_in_one_ask_and_numbers_it_in_order() {
        let mut pacing = SharedPacing::new();
        assert_eq!(
            pacing.take(0, 40),
            Take::Send {
                first: 1,
                count: UNKNOWN_BURST
            }
        );
        assert!(matches!(
            pacing.take(0, 30),
            Take::Wait {
                reason: WaitReason::Unknown,
                ..
            }
        ));
    }

    #[test]
    fn isolates_asking_in_turn_never_get_more_than_the_window_has_left() {
        let mut pacing = SharedPacing::new();
        granted(&mut pacing, 0, 1);
        pacing.answered(1, Some(&hints(40, 40, 1_500)), 5);
        // Four isolates with 30 waiting each ask in turn every 5 ms until the reset: the 40 left go,
        // the first 30 at once, and no more.
        let mut total = 0;
        for now_ms in (10..1_505).step_by(5) {
            for _ in 0..4 {
                total += granted(&mut pacing, now_ms, 30);
            }
        }
        assert_eq!(total, 40);
        assert!(matches!(
            pacing.take(1_504, 30),
            Take::Wait {
                ms: 1,
                reason: WaitReason::WindowReset
            }
        ));
    }

    #[test]
    fn more_waiting_than_left_are_spread_one_an_ask() {
        let mut pacing = SharedPacing::new();
        granted(&mut pacing, 0, 1);
        pacing.answered(1, Some(&hints(9, 150, 10_000)), 0);
        assert_eq!(pacing.take(1_000, 20), Take::Send { first: 2, count: 1 });
        assert_eq!(
            pacing.take(1_000, 19),
            Take::Wait {
                ms: 1_000,
                reason: WaitReason::Spread
            }
        );
    }

    #[test]
    fn a_huge_number_waiting_is_granted_in_bounded_batches() {
        let mut pacing = SharedPacing::new();
        granted(&mut pacing, 0, 1);
        // An API without the headers is not paced: everything waiting may go.
        pacing.answered(1, Some(&RateLimitHint::default()), 0);
        assert_eq!(granted(&mut pacing, 0, u32::MAX), MAX_GRANT);
        assert_eq!(granted(&mut pacing, 0, 0), 1, "nobody waiting counts as one");
    }

    #[test]
    fn an_answer_that_never_comes_stops_counting_after_a_while() {
        let mut pacing = SharedPacing::new();
        assert_eq!(granted(&mut pacing, 0, 50), UNKNOWN_BURST);
        // None of the ten is answered: the rest wait for the first answer...
        assert_eq!(granted(&mut pacing, ANSWER_LOST_MS - 1, 1), 0);
        // ...until they are taken as lost.
        assert_eq!(granted(&mut pacing, ANSWER_LOST_MS, 50), UNKNOWN_BURST);
    }

    #[test]
    fn a_lost_request_no_longer_takes_a_place_in_each_new_window() {
        let mut pacing = SharedPacing::new();
        granted(&mut pacing, 0, 2);
        pacing.answered(1, Some(&hints(100, 100, 30_000)), 10);
        // Request 2 never comes back; each new window leaves it out of the quota until it is lost.
        assert_eq!(pacing.state(30_010).map(|s| s.left), Some(99));
        assert_eq!(pacing.state(ANSWER_LOST_MS + 10).map(|s| s.left), Some(100));
        // A late answer to it is still read.
        pacing.answered(2, Some(&hints(7, 100, 20_000)), ANSWER_LOST_MS + 20);
        assert_eq!(pacing.state(ANSWER_LOST_MS + 20).map(|s| s.left), Some(7));
    }

    #[test]
    fn numbers_never_granted_are_ignored() {
        let mut pacing = SharedPacing::new();
        granted(&mut pacing, 0, 1);
        let before = pacing.clone();
        pacing.answered(0, Some(&hints(0, 100, 30_000)), 5);
        pacing.answered(2, Some(&hints(0, 100, 30_000)), 5);
        pacing.answered(u64::MAX, None, 5);
        assert_eq!(pacing, before);
    }

    #[test]
    fn a_failed_request_frees_its_place_before_any_answer() {
        let mut pacing = SharedPacing::new();
        assert_eq!(granted(&mut pacing, 0, 20), UNKNOWN_BURST);
        pacing.answered(3, None, 1);
        assert_eq!(pacing.take(2, 10), Take::Send { first: 11, count: 1 });
    }
}
