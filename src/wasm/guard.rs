//! What protects one store, for JavaScript: the core's [`StoreGuard`] (concurrency, pacing, retry
//! budget, circuit breaker, combined in `src/guard.rs`), with numbers for its answers.
//!
//! JavaScript keeps one `Guard` per store (`storeKey`) and the promises of the requests waiting; the
//! guard keeps their order and decides which may start. Each attempt is enqueued, started when `next`
//! names its ticket, and ended with `answered` or `failed`.

use alloc::string::String;

use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::js::{set, whole_ms, HintValues};
use crate::breaker::BreakerState;
use crate::concurrency::{route_of, WORKER_CONNECTIONS};
use crate::guard::{
    circuit_open_message, out_of_time_message, BreakerKind, GuardSettings, Next, Pacing, StoreGuard,
};
use crate::hints::RateLimitHint;
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

/// The message of a request whose `method` waited `waited_ms` for its turn at `store` and ran out of
/// its total timeout (the core's [`out_of_time_message`], shared with the Rust shell).
#[wasm_bindgen(js_name = outOfTimeMessage)]
pub fn out_of_time_message_js(method: &str, waited_ms: f64, store: &str) -> String {
    // Rounded (`f64::round` is not in `core`).
    out_of_time_message(method, whole_ms(waited_ms + 0.5), store)
}

/// The message of a call refused by the open breaker of `store`, `in_ms` before it may let one through.
#[wasm_bindgen(js_name = circuitOpenMessage)]
pub fn circuit_open_message_js(store: &str, in_ms: f64) -> String {
    circuit_open_message(store, whole_ms(in_ms + 0.5))
}

/// The protection of one store.
#[wasm_bindgen]
pub struct Guard {
    inner: StoreGuard,
    // What the latest `next` decided, for its getters.
    last_wait_ms: f64,
    last_ticket: u32,
    last_retry_at: f64,
    last_waited_ms: f64,
    last_reason: &'static str,
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
            inner: StoreGuard::new(GuardSettings {
                pacing: match pacing {
                    1 => Pacing::Here,
                    2 => Pacing::Shared,
                    _ => Pacing::Off,
                },
                budget,
                breaker: match breaker {
                    1 => Some(BreakerKind::Sampling),
                    2 => Some(BreakerKind::Consecutive),
                    _ => None,
                },
                concurrency: (overall > 0).then_some(overall),
                route_limits: routes,
            }),
            last_wait_ms: 0.0,
            last_ticket: 0,
            last_retry_at: 0.0,
            last_waited_ms: 0.0,
            last_reason: "",
        }
    }

    /// Queues a request for `route` (from `routeOf`, -1 for none) at `now`; returns its ticket.
    pub fn enqueue(&mut self, route: i32, now: f64) -> u32 {
        self.inner.enqueue(usize::try_from(route).ok(), whole_ms(now))
    }

    /// A queued request gave up (aborted, or past its deadline): it leaves the queue.
    pub fn cancel(&mut self, ticket: u32) {
        self.inner.cancel(ticket);
    }

    /// What may happen next at `now`: a ticket (1 or more) that starts now (`waitedMs()` and
    /// `waitReason()` say how long it waited and why); 0 when nothing waits; -1 when every waiting
    /// request waits for one in flight to end; -2 to ask again after `waitMs()` (pacing); -3 when
    /// the ticket `lastTicket()` is refused by the open breaker, until `retryAt()`.
    pub fn next(&mut self, now: f64) -> i32 {
        match self.inner.next(whole_ms(now)) {
            Next::Start {
                ticket,
                waited_ms,
                reason,
            } => {
                self.last_waited_ms = waited_ms as f64;
                self.last_reason = reason;
                ticket as i32
            }
            Next::Idle => 0,
            Next::Full => -1,
            Next::Wait { ms } => {
                self.last_wait_ms = ms as f64;
                -2
            }
            Next::Rejected { ticket, retry_at_ms } => {
                self.last_ticket = ticket;
                self.last_retry_at = retry_at_ms as f64;
                -3
            }
        }
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

    /// After `next` started a ticket: what held it last, `"concurrency"`, `"pacing"` or `"queue"`;
    /// empty when it did not wait.
    #[wasm_bindgen(js_name = waitReason)]
    pub fn wait_reason(&self) -> String {
        String::from(self.last_reason)
    }

    /// With shared pacing: a request that started after waiting `queued_ms` here then waited
    /// `paced_ms` for the shared pacing's grant; counted in the waits.
    #[wasm_bindgen(js_name = pacedElsewhere)]
    pub fn paced_elsewhere(&mut self, queued_ms: f64, paced_ms: f64) {
        self.inner.paced_elsewhere(queued_ms, paced_ms);
    }

    /// With shared pacing: it could not be asked or told (the request went without its grant).
    #[wasm_bindgen(js_name = sharedPacingFailed)]
    pub fn shared_pacing_failed(&mut self) {
        self.inner.shared_pacing_failed();
    }

    /// The attempt of `ticket` got a response with `status` at `now`; `hints` are the values of
    /// `hintHeaders()`, joined by line feeds.
    pub fn answered(&mut self, ticket: u32, status: u16, hints: &str, now: f64) {
        let now_ms = whole_ms(now);
        let hint = RateLimitHint::from_response(&HintValues(hints), now_ms as i64, false);
        self.inner.answered(ticket, status, &hint, now_ms);
    }

    /// The attempt of `ticket` got no response at `now`: it timed out or its connection failed, or it
    /// was `aborted` by the caller (which tells the breaker nothing).
    pub fn failed(&mut self, ticket: u32, aborted: bool, now: f64) {
        self.inner.failed(ticket, aborted, whole_ms(now));
    }

    /// Asks the retry budget for one retry (`throttled`: after a 429, which costs less): the cost
    /// taken, or -1 when the budget cannot pay (the retry does not happen). Without a budget, 0.
    #[wasm_bindgen(js_name = spendRetry)]
    pub fn spend_retry(&mut self, throttled: bool) -> i32 {
        match self.inner.spend_retry(throttled) {
            Some(cost) => i32::try_from(cost).unwrap_or(i32::MAX),
            None => -1,
        }
    }

    /// A call ended in success; `cost` is what its last retry took, or -1 when it took none.
    pub fn succeeded(&mut self, cost: i32) {
        self.inner.succeeded(u32::try_from(cost).ok());
    }

    /// `{ attempts, retries, retriesRefused, rateLimited, rateLimitedWithoutHeaders, waits, waitedMs,
    /// queued, inFlight, circuitRejections, sharedPacingErrors?, pacing?: { left, quota, resetInMs },
    /// budget?: { tokens, capacity }, breaker?: { state, until?, failures, calls } }` at `now`
    /// (`sharedPacingErrors` with shared pacing, `pacing` with pacing here).
    pub fn stats(&mut self, now: f64) -> Object {
        let s = self.inner.stats(whole_ms(now));
        let stats = Object::new();
        set(&stats, "attempts", &s.attempts.into());
        set(&stats, "retries", &s.retries.into());
        set(&stats, "retriesRefused", &s.retries_refused.into());
        set(&stats, "rateLimited", &s.rate_limited.into());
        set(
            &stats,
            "rateLimitedWithoutHeaders",
            &s.rate_limited_without_headers.into(),
        );
        set(&stats, "waits", &s.waits.into());
        set(&stats, "waitedMs", &s.waited_ms.into());
        set(&stats, "queued", &s.queued.into());
        set(&stats, "inFlight", &s.in_flight.into());
        set(&stats, "circuitRejections", &s.circuit_rejections.into());
        if let Some(errors) = s.shared_pacing_errors {
            set(&stats, "sharedPacingErrors", &errors.into());
        }
        if let Some(state) = s.pacing {
            let pacing = Object::new();
            set(&pacing, "left", &state.left.into());
            set(&pacing, "quota", &state.quota.into());
            set(&pacing, "resetInMs", &(state.reset_in_ms as f64).into());
            set(&stats, "pacing", &pacing);
        }
        if let Some((tokens, capacity)) = s.budget {
            let entry = Object::new();
            set(&entry, "tokens", &tokens.into());
            set(&entry, "capacity", &capacity.into());
            set(&stats, "budget", &entry);
        }
        if let Some((state, failures, calls)) = s.breaker {
            let entry = Object::new();
            let state = match state {
                BreakerState::Closed => "closed",
                BreakerState::Open { until_ms } => {
                    set(&entry, "until", &(until_ms as f64).into());
                    "open"
                }
                BreakerState::HalfOpen => "half_open",
            };
            set(&entry, "state", &state.into());
            set(&entry, "failures", &failures.into());
            set(&entry, "calls", &calls.into());
            set(&stats, "breaker", &entry);
        }
        stats
    }
}
