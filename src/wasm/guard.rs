//! What protects one store, for JavaScript: its concurrency slots, its pacing, its retry budget and its
//! circuit breaker, all decided in the core (`concurrency`, `pacing`, `budget`, `breaker`).
//!
//! JavaScript keeps one `Guard` per store (`storeKey`) and the promises of the requests waiting; the
//! guard keeps their order and decides which may start. Each attempt is enqueued, started when `next`
//! names its ticket, and ended with `answered` or `failed`. The order of the policies, outermost
//! first, is the one the style guide gives: concurrency and pacing (waiting here, before the attempt's
//! time limit starts), then the retry decision with its budget (`spendRetry`), then the breaker (asked
//! as the attempt starts), then the attempt's own time limit.
//!
//! With shared pacing (`commerce-fetch/cloudflare`), the store's pacer is kept by a Durable Object
//! that every isolate asks: the guard keeps no pacer, JavaScript asks the object once a request has
//! its turn here, and the guard counts that wait (`pacedElsewhere`).

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::attempts::HintValues;
use super::js::set;
use crate::breaker::{Admission, Breaker, BreakerResult, BreakerState, CONSECUTIVE_DEFAULT, POLLY_DEFAULT};
use crate::budget::{Budget, AWS_STANDARD};
use crate::concurrency::{next_to_start, route_of, Slots, WORKER_CONNECTIONS};
use crate::hints::RateLimitHint;
use crate::pacing::{Pacer, Permit};
use crate::stores::store_key;

/// The key of the store `url` is for (`api.bigcommerce.com/stores/{hash}`, or the origin), or
/// `undefined` for a URL without an origin.
#[wasm_bindgen(js_name = storeKey)]
pub fn store_key_js(url: &str) -> Option<String> {
    store_key(url)
}

/// The requests a Cloudflare Worker may have open at once: `protect`'s cap on requests in flight to a
/// store when the Workers entry runs and the caller set none.
#[wasm_bindgen(js_name = workerConnections)]
pub fn worker_connections() -> u32 {
    WORKER_CONNECTIONS
}

/// The index of the built-in concurrency limit a request matches, or -1.
#[wasm_bindgen(js_name = routeOf)]
pub fn route_of_js(method: &str, path: &str) -> i32 {
    route_of(method, path).map_or(-1, |route| route as i32)
}

/// A request waiting to start.
#[derive(Clone, Copy)]
struct Waiting {
    ticket: u32,
    route: Option<usize>,
    since_ms: u64,
    /// What held it last: `"concurrency"` or `"pacing"` (empty while nothing has).
    reason: &'static str,
}

/// A request started and not ended.
#[derive(Clone, Copy)]
struct Out {
    ticket: u32,
    route: Option<usize>,
    /// Its number for the pacer.
    number: u64,
    probe: bool,
}

/// Counters for `stats()`.
#[derive(Default)]
struct Counters {
    attempts: u32,
    retries: u32,
    retries_refused: u32,
    rate_limited: u32,
    rate_limited_bare: u32,
    waits: u32,
    waited_ms: f64,
    circuit_rejections: u32,
    /// Times the shared pacing could not be asked or told.
    shared_pacing_errors: u32,
}

/// The protection of one store.
#[wasm_bindgen]
pub struct Guard {
    pacer: Option<Pacer>,
    /// The store's pacing is asked of a shared object, not `pacer`.
    shared_pacing: bool,
    budget: Option<Budget>,
    breaker: Option<Breaker>,
    slots: Slots,
    waiting: Vec<Waiting>,
    out: Vec<Out>,
    next_ticket: u32,
    counters: Counters,
    // What the latest `next` decided, for its getters.
    last_wait_ms: f64,
    last_ticket: u32,
    last_retry_at: f64,
    last_waited_ms: f64,
    last_reason: &'static str,
}

/// A time from JavaScript (`Date.now()`), as the core's whole milliseconds.
fn ms(now: f64) -> u64 {
    if now.is_nan() || now <= 0.0 {
        0
    } else {
        now as u64
    }
}

#[wasm_bindgen]
impl Guard {
    /// A guard with the parts asked for: `pacing` 0 off, 1 here, 2 shared (asked of another object);
    /// `budget` (AWS standard mode's bucket); `breaker` 0 off, 1 Polly's sampling breaker, 2 the
    /// consecutive one; `overall` requests in flight at most (0 for no cap); `routes`: BigCommerce's
    /// per-route limits.
    #[wasm_bindgen(constructor)]
    pub fn new(pacing: u8, budget: bool, breaker: u8, overall: u32, routes: bool) -> Guard {
        Guard {
            pacer: (pacing == 1).then(Pacer::new),
            shared_pacing: pacing == 2,
            budget: budget.then(|| Budget::new(AWS_STANDARD)),
            breaker: match breaker {
                1 => Some(Breaker::new(POLLY_DEFAULT)),
                2 => Some(Breaker::new(CONSECUTIVE_DEFAULT)),
                _ => None,
            },
            slots: Slots::new((overall > 0).then_some(overall), routes),
            waiting: Vec::new(),
            out: Vec::new(),
            next_ticket: 0,
            counters: Counters::default(),
            last_wait_ms: 0.0,
            last_ticket: 0,
            last_retry_at: 0.0,
            last_waited_ms: 0.0,
            last_reason: "",
        }
    }

    /// Queues a request for `route` (from `routeOf`, -1 for none) at `now`; returns its ticket.
    pub fn enqueue(&mut self, route: i32, now: f64) -> u32 {
        // Tickets stay positive as an `i32`, which `next` returns.
        self.next_ticket = if self.next_ticket >= i32::MAX as u32 {
            1
        } else {
            self.next_ticket + 1
        };
        self.waiting.push(Waiting {
            ticket: self.next_ticket,
            route: usize::try_from(route).ok(),
            since_ms: ms(now),
            reason: "",
        });
        self.next_ticket
    }

    /// A queued request gave up (aborted, or past its deadline): it leaves the queue.
    pub fn cancel(&mut self, ticket: u32) {
        self.waiting.retain(|waiting| waiting.ticket != ticket);
    }

    /// What may happen next at `now`: a ticket (1 or more) that starts now (`waitedMs()` and
    /// `waitReason()` say how long it waited and why); 0 when nothing waits; -1 when every waiting
    /// request waits for one in flight to end; -2 to ask again after `waitMs()` (pacing); -3 when
    /// the ticket `lastTicket()` is refused by the open breaker, until `retryAt()`.
    pub fn next(&mut self, now: f64) -> i32 {
        let now_ms = ms(now);
        if self.waiting.is_empty() {
            return 0;
        }
        let routes: Vec<Option<usize>> = self.waiting.iter().map(|w| w.route).collect();
        let Some(index) = next_to_start(&routes, &self.slots) else {
            for waiting in &mut self.waiting {
                waiting.reason = "concurrency";
            }
            return -1;
        };
        if let Some(pacer) = self.pacer.as_mut() {
            let queued = u32::try_from(self.waiting.len()).unwrap_or(u32::MAX);
            if let Permit::Wait { ms, .. } = pacer.permit(now_ms, queued) {
                if let Some(waiting) = self.waiting.get_mut(index) {
                    waiting.reason = "pacing";
                }
                self.last_wait_ms = ms as f64;
                return -2;
            }
        }
        let Some(waiting) = take(&mut self.waiting, index) else {
            return 0;
        };
        let probe = match self.breaker.as_mut().map(|breaker| breaker.admit(now_ms)) {
            Some(Admission::Reject { retry_at_ms }) => {
                self.counters.circuit_rejections += 1;
                self.last_ticket = waiting.ticket;
                self.last_retry_at = retry_at_ms as f64;
                return -3;
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
        let waited = now_ms.saturating_sub(waiting.since_ms) as f64;
        self.counters.attempts += 1;
        if waited > 0.0 {
            self.counters.waits += 1;
            self.counters.waited_ms += waited;
        }
        self.last_waited_ms = waited;
        self.last_reason = waiting.reason;
        waiting.ticket as i32
    }

    /// After `next` gave -2: how long to wait before asking again (an answer may come sooner).
    #[wasm_bindgen(js_name = waitMs)]
    pub fn wait_ms(&self) -> f64 {
        self.last_wait_ms
    }

    /// After `next` gave -3: the ticket refused.
    #[wasm_bindgen(js_name = lastTicket)]
    pub fn last_ticket(&self) -> u32 {
        self.last_ticket
    }

    /// After `next` gave -3: when the breaker may let a request through again (`Date.now()` time).
    #[wasm_bindgen(js_name = retryAt)]
    pub fn retry_at(&self) -> f64 {
        self.last_retry_at
    }

    /// After `next` started a ticket: how long it waited in the queue, in milliseconds.
    #[wasm_bindgen(js_name = waitedMs)]
    pub fn waited_ms(&self) -> f64 {
        self.last_waited_ms
    }

    /// After `next` started a ticket: what held it last, `"concurrency"` or `"pacing"`; empty when it
    /// did not wait.
    #[wasm_bindgen(js_name = waitReason)]
    pub fn wait_reason(&self) -> String {
        String::from(self.last_reason)
    }

    /// With shared pacing: a request that started after waiting `queued_ms` here then waited
    /// `paced_ms` for the shared pacing's grant; counted in the waits.
    #[wasm_bindgen(js_name = pacedElsewhere)]
    pub fn paced_elsewhere(&mut self, queued_ms: f64, paced_ms: f64) {
        if paced_ms > 0.0 {
            if queued_ms <= 0.0 {
                self.counters.waits += 1;
            }
            self.counters.waited_ms += paced_ms;
        }
    }

    /// With shared pacing: it could not be asked or told (the request went without its grant).
    #[wasm_bindgen(js_name = sharedPacingFailed)]
    pub fn shared_pacing_failed(&mut self) {
        self.counters.shared_pacing_errors = self.counters.shared_pacing_errors.saturating_add(1);
    }

    /// The attempt of `ticket` got a response with `status` at `now`; `hints` are the values of
    /// `hintHeaders()`, joined by line feeds.
    pub fn answered(&mut self, ticket: u32, status: u16, hints: &str, now: f64) {
        let now_ms = ms(now);
        let hint = RateLimitHint::from_response(&HintValues(hints), now_ms as i64, false);
        if status == 429 {
            if hint.reset_ms.is_some() {
                self.counters.rate_limited += 1;
            } else {
                self.counters.rate_limited_bare += 1;
            }
        }
        let wait = hint.retry_after_ms.max(hint.x_retry_after_ms);
        self.end(
            ticket,
            now_ms,
            Some(&hint),
            BreakerResult::from_response(status, wait),
        );
    }

    /// The attempt of `ticket` got no response at `now`: it timed out or its connection failed, or it
    /// was `aborted` by the caller (which tells the breaker nothing).
    pub fn failed(&mut self, ticket: u32, aborted: bool, now: f64) {
        let result = if aborted {
            BreakerResult::Ignored
        } else {
            BreakerResult::Failure {
                retry_after_ms: None,
                service_unavailable: false,
            }
        };
        self.end(ticket, ms(now), None, result);
    }

    /// Asks the retry budget for one retry (`throttled`: after a 429, which costs less): the cost
    /// taken, or -1 when the budget cannot pay (the retry does not happen). Without a budget, 0.
    #[wasm_bindgen(js_name = spendRetry)]
    pub fn spend_retry(&mut self, throttled: bool) -> i32 {
        let Some(budget) = self.budget.as_mut() else {
            self.counters.retries += 1;
            return 0;
        };
        match budget.try_retry(throttled) {
            Some(cost) => {
                self.counters.retries += 1;
                i32::try_from(cost).unwrap_or(i32::MAX)
            }
            None => {
                self.counters.retries_refused += 1;
                -1
            }
        }
    }

    /// A call ended in success; `cost` is what its last retry took, or -1 when it took none.
    pub fn succeeded(&mut self, cost: i32) {
        if let Some(budget) = self.budget.as_mut() {
            budget.on_success(u32::try_from(cost).ok());
        }
    }

    /// `{ attempts, retries, retriesRefused, rateLimited, rateLimitedWithoutHeaders, waits, waitedMs,
    /// queued, inFlight, circuitRejections, sharedPacingErrors?, pacing?: { left, quota, resetInMs },
    /// budget?: { tokens, capacity }, breaker?: { state, until?, failures, calls } }` at `now`
    /// (`sharedPacingErrors` with shared pacing, `pacing` with pacing here).
    pub fn stats(&mut self, now: f64) -> Object {
        let now_ms = ms(now);
        let c = &self.counters;
        let stats = Object::new();
        set(&stats, "attempts", &c.attempts.into());
        set(&stats, "retries", &c.retries.into());
        set(&stats, "retriesRefused", &c.retries_refused.into());
        set(&stats, "rateLimited", &c.rate_limited.into());
        set(&stats, "rateLimitedWithoutHeaders", &c.rate_limited_bare.into());
        set(&stats, "waits", &c.waits.into());
        set(&stats, "waitedMs", &c.waited_ms.into());
        set(&stats, "queued", &(self.waiting.len() as u32).into());
        set(&stats, "inFlight", &(self.out.len() as u32).into());
        set(&stats, "circuitRejections", &c.circuit_rejections.into());
        if self.shared_pacing {
            set(&stats, "sharedPacingErrors", &c.shared_pacing_errors.into());
        }
        if let Some(state) = self.pacer.as_mut().and_then(|pacer| pacer.state(now_ms)) {
            let pacing = Object::new();
            set(&pacing, "left", &state.left.into());
            set(&pacing, "quota", &state.quota.into());
            set(&pacing, "resetInMs", &(state.reset_in_ms as f64).into());
            set(&stats, "pacing", &pacing);
        }
        if let Some(budget) = &self.budget {
            let entry = Object::new();
            set(&entry, "tokens", &budget.tokens().into());
            set(&entry, "capacity", &budget.capacity().into());
            set(&stats, "budget", &entry);
        }
        if let Some(breaker) = &self.breaker {
            let entry = Object::new();
            let state = match breaker.state(now_ms) {
                BreakerState::Closed => "closed",
                BreakerState::Open { until_ms } => {
                    set(&entry, "until", &(until_ms as f64).into());
                    "open"
                }
                BreakerState::HalfOpen => "half_open",
            };
            set(&entry, "state", &state.into());
            let (failures, calls) = breaker.counts(now_ms);
            set(&entry, "failures", &failures.into());
            set(&entry, "calls", &calls.into());
            set(&stats, "breaker", &entry);
        }
        stats
    }
}

impl Guard {
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
