//! What protects one store (the `protect` option): its concurrency slots, its pacing, its retry budget
//! and its circuit breaker, combined in one order for both shells.
//!
//! A shell keeps one [`StoreGuard`] per store ([`crate::stores::store_key`]) and the requests waiting
//! (their promises or wakers, and one timer); the guard keeps their order and decides which may
//! start. Each attempt is [`enqueue`](StoreGuard::enqueue)d, started when [`next`](StoreGuard::next)
//! names its ticket, and ended with [`answered`](StoreGuard::answered) or
//! [`failed`](StoreGuard::failed). The order of the policies, outermost first, is the style guide's:
//! concurrency and pacing (waiting here, before the attempt's time limit starts), then the retry
//! decision with its budget ([`spend_retry`](StoreGuard::spend_retry)), then the breaker (asked as
//! the attempt starts), then the attempt's own time limit.
//!
//! With shared pacing (`commerce-fetch/cloudflare`), the store's pacer is kept by a Durable Object
//! that every isolate asks: the guard keeps no pacer, the shell asks the object once a request has
//! its turn here, and the guard counts that wait ([`paced_elsewhere`](StoreGuard::paced_elsewhere)).

use alloc::string::String;
use alloc::vec::Vec;

use crate::breaker::{Admission, Breaker, BreakerResult, BreakerState, CONSECUTIVE_DEFAULT, POLLY_DEFAULT};
use crate::budget::{Budget, AWS_STANDARD};
use crate::concurrency::{next_to_start, Slots};
use crate::hints::RateLimitHint;
use crate::message::Message;
use crate::pacing::{Pacer, PacingState, Permit};

/// Where a store's pacing is decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Pacing {
    /// Not paced.
    Off,
    /// By this guard, from the store's rate-limit headers.
    #[default]
    Here,
    /// By an object every isolate asks (Cloudflare's Durable Object); the guard keeps no pacer.
    Shared,
}

/// Which circuit breaker a guard keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BreakerKind {
    /// Polly v8's defaults: 10% of at least 100 calls over 30 s, a 5 s break.
    Sampling,
    /// cockatiel's: 5 failures in a row.
    Consecutive,
}

/// The parts of a store's protection (the `protect` option, read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GuardSettings {
    /// `protect.pacing`.
    pub pacing: Pacing,
    /// `protect.budget`: AWS standard mode's retry budget.
    pub budget: bool,
    /// `protect.breaker`.
    pub breaker: Option<BreakerKind>,
    /// `protect.concurrency`: requests in flight at most, overall; `None` for no cap.
    pub concurrency: Option<u32>,
    /// `protect.routeLimits`: BigCommerce's documented per-route limits.
    pub route_limits: bool,
}

/// `protect: true`: pacing here, the budget, the sampling breaker, the route limits, no overall cap.
impl Default for GuardSettings {
    fn default() -> GuardSettings {
        GuardSettings {
            pacing: Pacing::Here,
            budget: true,
            breaker: Some(BreakerKind::Sampling),
            concurrency: None,
            route_limits: true,
        }
    }
}

/// What may happen next ([`StoreGuard::next`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// The request of `ticket` starts now, after waiting `waited_ms`, held last by `reason`
    /// (`"concurrency"`, `"pacing"`, or `"queue"` behind others; empty when it did not wait).
    Start {
        /// Its ticket.
        ticket: u32,
        /// How long it waited in the queue.
        waited_ms: u64,
        /// What held it last.
        reason: &'static str,
    },
    /// Nothing waits.
    Idle,
    /// Every waiting request waits for one in flight to end.
    Full,
    /// Pacing: ask again after `ms` (an answer may come sooner).
    Wait {
        /// How long.
        ms: u64,
    },
    /// The request of `ticket` is refused by the open breaker, until `retry_at_ms`.
    Rejected {
        /// Its ticket.
        ticket: u32,
        /// When the breaker may let a request through again.
        retry_at_ms: u64,
    },
}

/// A request waiting to start.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    ticket: u32,
    route: Option<usize>,
    since_ms: u64,
    /// What held it last: `"concurrency"` or `"pacing"` (empty while nothing has).
    reason: &'static str,
}

/// A request started and not ended.
#[derive(Clone, Copy, Debug)]
struct Out {
    ticket: u32,
    route: Option<usize>,
    /// Its number for the pacer.
    number: u64,
    probe: bool,
}

/// What a store's guard has seen and holds ([`StoreGuard::stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GuardStats {
    /// Attempts started.
    pub attempts: u32,
    /// Retries the budget paid for (all retries without a budget).
    pub retries: u32,
    /// Retries the budget refused.
    pub retries_refused: u32,
    /// 429s with rate-limit headers.
    pub rate_limited: u32,
    /// 429s without them (a concurrency limit).
    pub rate_limited_without_headers: u32,
    /// Attempts that waited for their turn.
    pub waits: u32,
    /// Milliseconds waited in all.
    pub waited_ms: f64,
    /// Requests waiting now.
    pub queued: u32,
    /// Requests in flight now.
    pub in_flight: u32,
    /// Calls the open breaker refused.
    pub circuit_rejections: u32,
    /// With shared pacing: times it could not be asked or told.
    pub shared_pacing_errors: Option<u32>,
    /// With pacing here: the window as estimated.
    pub pacing: Option<PacingState>,
    /// With a budget: `(tokens, capacity)`.
    pub budget: Option<(u32, u32)>,
    /// With a breaker: its state, and `(failures, calls)` it counts.
    pub breaker: Option<(BreakerState, u32, u32)>,
}

/// The protection of one store.
#[derive(Clone, Debug)]
pub struct StoreGuard {
    pacer: Option<Pacer>,
    /// The store's pacing is asked of a shared object, not `pacer`.
    shared_pacing: bool,
    budget: Option<Budget>,
    breaker: Option<Breaker>,
    slots: Slots,
    waiting: Vec<Waiting>,
    out: Vec<Out>,
    next_ticket: u32,
    stats: GuardStats,
}

impl StoreGuard {
    /// A guard with the parts `settings` asks for.
    pub fn new(settings: GuardSettings) -> StoreGuard {
        StoreGuard {
            pacer: (settings.pacing == Pacing::Here).then(Pacer::new),
            shared_pacing: settings.pacing == Pacing::Shared,
            budget: settings.budget.then(|| Budget::new(AWS_STANDARD)),
            breaker: settings.breaker.map(|kind| {
                Breaker::new(match kind {
                    BreakerKind::Sampling => POLLY_DEFAULT,
                    BreakerKind::Consecutive => CONSECUTIVE_DEFAULT,
                })
            }),
            slots: Slots::new(settings.concurrency.filter(|&cap| cap > 0), settings.route_limits),
            waiting: Vec::new(),
            out: Vec::new(),
            next_ticket: 0,
            stats: GuardStats::default(),
        }
    }

    /// Queues a request for `route` (the index of its built-in concurrency limit, from
    /// [`crate::concurrency::route_of`]) at `now_ms`; returns its ticket (1 to 2^31 − 1).
    pub fn enqueue(&mut self, route: Option<usize>, now_ms: u64) -> u32 {
        // Tickets stay positive as an `i32`, which JavaScript is given.
        self.next_ticket = if self.next_ticket >= i32::MAX as u32 {
            1
        } else {
            self.next_ticket + 1
        };
        self.waiting.push(Waiting {
            ticket: self.next_ticket,
            route,
            since_ms: now_ms,
            reason: "",
        });
        self.next_ticket
    }

    /// A queued request gave up (aborted, or past its deadline): it leaves the queue.
    pub fn cancel(&mut self, ticket: u32) {
        self.waiting.retain(|waiting| waiting.ticket != ticket);
    }

    /// Whether `ticket` waits in the queue.
    pub fn is_waiting(&self, ticket: u32) -> bool {
        self.waiting.iter().any(|waiting| waiting.ticket == ticket)
    }

    /// What may happen next at `now_ms`. A ticket that [`Next::Start`]s is in flight until it is
    /// answered or failed; one [`Next::Rejected`] has left the queue.
    pub fn next(&mut self, now_ms: u64) -> Next {
        if self.waiting.is_empty() {
            return Next::Idle;
        }
        let routes: Vec<Option<usize>> = self.waiting.iter().map(|w| w.route).collect();
        let Some(index) = next_to_start(&routes, &self.slots) else {
            for waiting in &mut self.waiting {
                waiting.reason = "concurrency";
            }
            return Next::Full;
        };
        if let Some(pacer) = self.pacer.as_mut() {
            let queued = u32::try_from(self.waiting.len()).unwrap_or(u32::MAX);
            if let Permit::Wait { ms, .. } = pacer.permit(now_ms, queued) {
                if let Some(waiting) = self.waiting.get_mut(index) {
                    waiting.reason = "pacing";
                }
                return Next::Wait { ms };
            }
        }
        let Some(waiting) = take(&mut self.waiting, index) else {
            return Next::Idle;
        };
        let probe = match self.breaker.as_mut().map(|breaker| breaker.admit(now_ms)) {
            Some(Admission::Reject { retry_at_ms }) => {
                self.stats.circuit_rejections += 1;
                return Next::Rejected {
                    ticket: waiting.ticket,
                    retry_at_ms,
                };
            }
            Some(Admission::Probe) => true,
            _ => false,
        };
        self.slots.try_acquire(waiting.route);
        let number = self.pacer.as_mut().map_or(0, |pacer| pacer.sent(now_ms));
        self.out.push(Out {
            ticket: waiting.ticket,
            route: waiting.route,
            number,
            probe,
        });
        let waited_ms = now_ms.saturating_sub(waiting.since_ms);
        self.stats.attempts += 1;
        if waited_ms > 0 {
            self.stats.waits += 1;
            self.stats.waited_ms += waited_ms as f64;
        }
        Next::Start {
            ticket: waiting.ticket,
            waited_ms,
            // Held by neither (it waited behind others in the queue): what the trace calls it too.
            reason: if waited_ms > 0 && waiting.reason.is_empty() {
                "queue"
            } else {
                waiting.reason
            },
        }
    }

    /// With shared pacing: a request that started after waiting `queued_ms` here then waited
    /// `paced_ms` for the shared pacing's grant; counted in the waits.
    pub fn paced_elsewhere(&mut self, queued_ms: f64, paced_ms: f64) {
        if paced_ms > 0.0 {
            if queued_ms <= 0.0 {
                self.stats.waits += 1;
            }
            self.stats.waited_ms += paced_ms;
        }
    }

    /// With shared pacing: it could not be asked or told (the request went without its grant).
    pub fn shared_pacing_failed(&mut self) {
        let errors = self.stats.shared_pacing_errors.get_or_insert(0);
        *errors = errors.saturating_add(1);
    }

    /// The attempt of `ticket` got a response with `status` and rate-limit `hint` at `now_ms`.
    pub fn answered(&mut self, ticket: u32, status: u16, hint: &RateLimitHint, now_ms: u64) {
        if status == 429 {
            if hint.reset_ms.is_some() {
                self.stats.rate_limited += 1;
            } else {
                self.stats.rate_limited_without_headers += 1;
            }
        }
        let wait = hint.retry_after_ms.max(hint.x_retry_after_ms);
        self.end(
            ticket,
            now_ms,
            Some(hint),
            BreakerResult::from_response(status, wait),
        );
    }

    /// The attempt of `ticket` got no response at `now_ms`: it timed out or its connection failed, or
    /// it was `aborted` by the caller (which tells the breaker nothing).
    pub fn failed(&mut self, ticket: u32, aborted: bool, now_ms: u64) {
        let result = if aborted {
            BreakerResult::Ignored
        } else {
            BreakerResult::Failure {
                retry_after_ms: None,
                service_unavailable: false,
            }
        };
        self.end(ticket, now_ms, None, result);
    }

    /// Asks the retry budget for one retry (`throttled`: after a 429, which costs less): the cost
    /// taken (0 without a budget), or `None` when the budget cannot pay and the retry does not happen.
    pub fn spend_retry(&mut self, throttled: bool) -> Option<u32> {
        let Some(budget) = self.budget.as_mut() else {
            self.stats.retries += 1;
            return Some(0);
        };
        match budget.try_retry(throttled) {
            Some(cost) => {
                self.stats.retries += 1;
                Some(cost)
            }
            None => {
                self.stats.retries_refused += 1;
                None
            }
        }
    }

    /// A call ended in success; `cost` is what its last retry took, if it took any.
    pub fn succeeded(&mut self, cost: Option<u32>) {
        if let Some(budget) = self.budget.as_mut() {
            budget.on_success(cost);
        }
    }

    /// What the guard has seen and holds at `now_ms`.
    pub fn stats(&mut self, now_ms: u64) -> GuardStats {
        let mut stats = self.stats;
        stats.queued = u32::try_from(self.waiting.len()).unwrap_or(u32::MAX);
        stats.in_flight = u32::try_from(self.out.len()).unwrap_or(u32::MAX);
        if self.shared_pacing && stats.shared_pacing_errors.is_none() {
            stats.shared_pacing_errors = Some(0);
        }
        stats.pacing = self.pacer.as_mut().and_then(|pacer| pacer.state(now_ms));
        stats.budget = self
            .budget
            .as_ref()
            .map(|budget| (budget.tokens(), budget.capacity()));
        stats.breaker = self.breaker.as_ref().map(|breaker| {
            let (failures, calls) = breaker.counts(now_ms);
            (breaker.state(now_ms), failures, calls)
        });
        stats
    }

    /// Ends the attempt of `ticket`: frees its slot and tells the pacer and the breaker.
    fn end(&mut self, ticket: u32, now_ms: u64, hint: Option<&RateLimitHint>, result: BreakerResult) {
        let Some(index) = self.out.iter().position(|out| out.ticket == ticket) else {
            return;
        };
        let Some(out) = take(&mut self.out, index) else {
            return;
        };
        self.slots.release(out.route);
        if let Some(pacer) = self.pacer.as_mut() {
            pacer.answered(out.number, hint, now_ms);
        }
        if let Some(breaker) = self.breaker.as_mut() {
            breaker.record(now_ms, result, out.probe);
        }
    }
}

/// The message of a call that waited `waited_ms` for its turn at `store` and ran out of its total
/// timeout.
pub fn out_of_time_message(method: &str, waited_ms: u64, store: &str) -> String {
    Message::new()
        .text(method)
        .text(" waited ")
        .number(waited_ms)
        .text(" ms for its turn at ")
        .text(store)
        .text(" (pacing or a concurrency slot) and ran out of totalTimeout")
        .finish()
}

/// The message of a call the open breaker of `store` refused, `in_ms` before it may let one through.
pub fn circuit_open_message(store: &str, in_ms: u64) -> String {
    Message::new()
        .text("the circuit breaker of ")
        .text(store)
        .text(" is open after server errors; try again in ")
        .number(in_ms)
        .text(" ms")
        .finish()
}

/// Takes the item at `index` out of `items`, keeping the others in order; `None` past the end.
/// (`Vec::remove` would bring its panic message into the wasm.)
fn take<T: Copy>(items: &mut Vec<T>, index: usize) -> Option<T> {
    let item = *items.get(index)?;
    let mut position = 0;
    items.retain(|_| {
        let keep = position != index;
        position += 1;
        keep
    });
    Some(item)
}

#[cfg(test)]
mod tests;
