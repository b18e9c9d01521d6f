//! The `protect` option in the Rust shell: each store's [`StoreGuard`] (the core decides who goes,
//! when, and whether a retry is within the budget), and here only the requests waiting for their turn
//! (their wakers) and one timer per store, as `pkg/lib/guard.js` keeps promises for JavaScript.
//!
//! One guard per store and settings, shared by every client on this thread (a wasm instance): a
//! store's quota is shared by every client of it, so they must meet the same state.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsValue;

use crate::concurrency::{route_of, WORKER_CONNECTIONS};
use crate::guard::{GuardSettings, GuardStats, Next, StoreGuard};
use crate::hints::RateLimitHint;
use crate::policy::MAX_OPTION_MS;
use crate::stores::store_key;

thread_local! {
    /// The stores' guards by settings and store key.
    static STORES: RefCell<HashMap<(GuardSettings, String), Rc<Store>>> = RefCell::new(HashMap::new());
}

/// `protect`'s settings as they apply here: in Cloudflare Workers, a store's requests in flight are
/// capped at a Worker's simultaneous connections unless `concurrency` is set, as the JavaScript
/// package's Workers entry does.
pub(super) fn settings_here(mut settings: GuardSettings) -> GuardSettings {
    if settings.concurrency.is_none() && in_workers() {
        settings.concurrency = Some(WORKER_CONNECTIONS);
    }
    settings
}

/// Whether this is Cloudflare Workers (workerd), whose `navigator.userAgent` says so.
fn in_workers() -> bool {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("navigator"))
        .and_then(|navigator| js_sys::Reflect::get(&navigator, &JsValue::from_str("userAgent")))
        .ok()
        .and_then(|agent| agent.as_string())
        .is_some_and(|agent| agent == "Cloudflare-Workers")
}

/// The store `url` is for, under `settings`.
pub(super) fn store_for(settings: GuardSettings, url: &str) -> Rc<Store> {
    let key = store_key(url).unwrap_or_else(|| "unknown".into());
    STORES.with(|stores| {
        Rc::clone(
            stores
                .borrow_mut()
                .entry((settings, key.clone()))
                .or_insert_with(|| {
                    Rc::new_cyclic(|me| Store {
                        key,
                        guard: RefCell::new(StoreGuard::new(settings)),
                        waiters: RefCell::new(Vec::new()),
                        timer: RefCell::new(None),
                        me: me.clone(),
                    })
                }),
        )
    })
}

/// What every store a client with `settings` used says, by store key.
pub(super) fn stats_of(settings: GuardSettings) -> Vec<(String, GuardStats)> {
    let now = now_ms();
    let mut out: Vec<(String, GuardStats)> = STORES.with(|stores| {
        stores
            .borrow()
            .iter()
            .filter(|((own, _), _)| *own == settings)
            .map(|((_, key), store)| (key.clone(), store.guard.borrow_mut().stats(now)))
            .collect()
    });
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The clock in whole milliseconds; `as` saturates, so a NaN or negative time reads as 0.
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Where a waiting request stands.
enum Stand {
    Waiting,
    Started { waited_ms: u64, reason: &'static str },
    Rejected { retry_at_ms: u64 },
}

struct Waiter {
    ticket: u32,
    stand: Stand,
    waker: Option<Waker>,
}

/// One store's guard, the requests waiting for their turn there and the timer that wakes them.
pub(super) struct Store {
    key: String,
    guard: RefCell<StoreGuard>,
    waiters: RefCell<Vec<Waiter>>,
    timer: RefCell<Option<Timeout>>,
    me: Weak<Store>,
}

/// An attempt's turn at the store: it is in flight until told how it ended; dropped untold (the
/// caller aborted, the future was dropped, the request could not be sent), it ends as aborted, which
/// tells the breaker nothing.
pub(super) struct Turn {
    store: Rc<Store>,
    ticket: u32,
    ended: bool,
    /// How long it waited for its turn, and what held it last.
    pub(super) waited: (u64, &'static str),
}

impl Turn {
    /// The attempt got a response with `status` and these rate-limit hints.
    pub(super) fn answered(mut self, status: u16, hint: &RateLimitHint) {
        self.ended = true;
        self.store
            .guard
            .borrow_mut()
            .answered(self.ticket, status, hint, now_ms());
        self.store.pump();
    }

    /// The attempt got no response (it timed out, or its connection failed).
    pub(super) fn failed(mut self) {
        self.ended = true;
        self.store.guard.borrow_mut().failed(self.ticket, false, now_ms());
        self.store.pump();
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if !self.ended {
            self.store.guard.borrow_mut().failed(self.ticket, true, now_ms());
            self.store.pump();
        }
    }
}

/// Waits for a turn at a store ([`Store::enter`]). Dropping it leaves the queue.
pub(super) struct Entering {
    store: Rc<Store>,
    ticket: u32,
    done: bool,
}

impl Future for Entering {
    /// The turn, or the time the open breaker refuses calls until.
    type Output = Result<Turn, u64>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let ticket = self.ticket;
        let mut waiters = self.store.waiters.borrow_mut();
        let Some(waiter) = waiters.iter_mut().find(|waiter| waiter.ticket == ticket) else {
            // Not reached: a waiter leaves only through this future.
            drop(waiters);
            self.done = true;
            return Poll::Ready(Err(0));
        };
        let ready = match waiter.stand {
            Stand::Waiting => {
                waiter.waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            Stand::Started { waited_ms, reason } => Ok((waited_ms, reason)),
            Stand::Rejected { retry_at_ms } => Err(retry_at_ms),
        };
        waiters.retain(|waiter| waiter.ticket != ticket);
        drop(waiters);
        self.done = true;
        Poll::Ready(ready.map(|waited| Turn {
            store: Rc::clone(&self.store),
            ticket,
            ended: false,
            waited,
        }))
    }
}

impl Drop for Entering {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let ticket = self.ticket;
        let stand = {
            let mut waiters = self.store.waiters.borrow_mut();
            let stand = waiters
                .iter_mut()
                .find(|waiter| waiter.ticket == ticket)
                .map(|waiter| std::mem::replace(&mut waiter.stand, Stand::Waiting));
            waiters.retain(|waiter| waiter.ticket != ticket);
            stand
        };
        {
            let mut guard = self.store.guard.borrow_mut();
            match stand {
                // Given a turn it will not take: the slot goes back.
                Some(Stand::Started { .. }) => guard.failed(ticket, true, now_ms()),
                Some(Stand::Waiting) => guard.cancel(ticket),
                _ => {}
            }
        }
        self.store.pump();
    }
}

impl Store {
    /// The store's key (`api.bigcommerce.com/stores/{hash}`, or the origin).
    pub(super) fn key(&self) -> &str {
        &self.key
    }

    /// Queues an attempt of `method` to `url` for its turn.
    pub(super) fn enter(self: &Rc<Self>, method: &str, url: &str) -> Entering {
        let ticket = self.guard.borrow_mut().enqueue(route_of(method, url), now_ms());
        self.waiters.borrow_mut().push(Waiter {
            ticket,
            stand: Stand::Waiting,
            waker: None,
        });
        self.pump();
        Entering {
            store: Rc::clone(self),
            ticket,
            done: false,
        }
    }

    /// Asks the store's retry budget for a retry (`throttled`: after a 429): its cost, or `None`.
    pub(super) fn spend_retry(&self, throttled: bool) -> Option<u32> {
        self.guard.borrow_mut().spend_retry(throttled)
    }

    /// A call ended in success; `cost` is what its last retry took.
    pub(super) fn succeeded(&self, cost: Option<u32>) {
        self.guard.borrow_mut().succeeded(cost);
    }

    /// Starts every waiting request the guard lets start, and sets the timer for the next look.
    fn pump(&self) {
        self.timer.borrow_mut().take();
        loop {
            let next = self.guard.borrow_mut().next(now_ms());
            let (ticket, stand) = match next {
                Next::Start {
                    ticket,
                    waited_ms,
                    reason,
                } => (ticket, Stand::Started { waited_ms, reason }),
                Next::Rejected { ticket, retry_at_ms } => (ticket, Stand::Rejected { retry_at_ms }),
                Next::Wait { ms } => {
                    let me = self.me.clone();
                    let ms = ms.clamp(1, MAX_OPTION_MS) as u32;
                    *self.timer.borrow_mut() = Some(Timeout::new(ms, move || {
                        if let Some(store) = me.upgrade() {
                            store.pump();
                        }
                    }));
                    return;
                }
                Next::Idle | Next::Full => return,
            };
            let mut waiters = self.waiters.borrow_mut();
            match waiters.iter_mut().find(|waiter| waiter.ticket == ticket) {
                Some(waiter) => {
                    waiter.stand = stand;
                    if let Some(waker) = waiter.waker.take() {
                        waker.wake();
                    }
                }
                None => {
                    drop(waiters);
                    if let Stand::Started { .. } = stand {
                        self.guard.borrow_mut().failed(ticket, true, now_ms());
                    }
                }
            }
        }
    }
}
