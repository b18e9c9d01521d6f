//! Pacing: when the next request to a store may be sent, from what the rate-limit headers said, so
//! that a burst never meets a 429.
//!
//! Every REST answer carries `X-Rate-Limit-Requests-Left`, `-Requests-Quota`, `-Time-Reset-Ms` and
//! `-Time-Window-Ms` (`bigcommerce-api-behaviour.md`, "Rate limiting"). The quota belongs to the store,
//! shared by every app and client of it, so one [`Pacer`] serves every client of a store in a process
//! or isolate. It keeps an estimate of the requests left in the window:
//! - each answer gives what the server said, less the requests it may not have counted: those sent
//!   after the one it answers (numbered by [`Pacer::sent`]), and those sent before it that are not
//!   answered yet (a server with many connections does not take requests in the order they were
//!   sent); within a window the estimate is the fewest any answer allows;
//! - each send takes one;
//! - when the window's reset time passes, the whole quota is back.
//!
//! [`Pacer::permit`] then lets a request go at once while the requests left cover every request
//! waiting, and otherwise spreads the ones left over the rest of the window (the server then sees a
//! steady rate, and the store's other clients keep a share); with none left, the next request waits
//! for the reset. Before any answer has said anything, [`UNKNOWN_BURST`] requests may go, and the rest
//! wait for the first answer; an answer without the headers (an API that does not send them) lets
//! everything go.

use alloc::vec::Vec;

use crate::hints::RateLimitHint;

pub mod shared;

/// Requests that may be in flight before any answer has told the store's state. The smallest plan's
/// quota is 150 requests a window, so ten unknown requests cannot use it up on their own, and a cold
/// storefront page's first few calls do not wait a round trip.
pub const UNKNOWN_BURST: u32 = 10;

/// How long a request waits for the first answer before asking again, when [`UNKNOWN_BURST`] requests
/// are out; every answer wakes the waiting requests sooner.
pub const UNKNOWN_RECHECK_MS: u64 = 250;

/// BigCommerce's window, when an answer gives the time to reset but not the window's length.
pub const DEFAULT_WINDOW_MS: u64 = 30_000;

/// Whether a request may be sent now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permit {
    /// Send it now (then call [`Pacer::sent`]).
    Now,
    /// Ask again after `ms`, or sooner when an answer arrives (it may change the estimate).
    Wait {
        /// How long to wait at most.
        ms: u64,
        /// Why.
        reason: WaitReason,
    },
}

/// Why a request waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitReason {
    /// Spread over the rest of the window: more requests wait than are left in it.
    Spread,
    /// None left in the window: wait for its reset.
    WindowReset,
    /// No answer has told the store's state yet.
    Unknown,
}

impl WaitReason {
    /// The name JavaScript sees: `"spread"`, `"window_reset"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitReason::Spread => "spread",
            WaitReason::WindowReset => "window_reset",
            WaitReason::Unknown => "unknown",
        }
    }
}

/// What the pacer knows of the store's window, for stats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacingState {
    /// Requests left in the window, by the estimate.
    pub left: u32,
    /// Requests the window allows.
    pub quota: u32,
    /// Milliseconds until the window resets.
    pub reset_in_ms: u64,
}

/// The window as the pacer sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    /// When it resets, on the caller's clock.
    reset_at_ms: u64,
    window_ms: u64,
    quota: u32,
    /// Requests left, less the ones sent since the answer that said so.
    left: u32,
    /// The number of the request whose answer set `left`.
    seen: u64,
}

/// The pacing state of one store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pacer {
    /// Requests sent so far; each is numbered by this count.
    sent: u64,
    window: Option<Window>,
    /// The numbers of the requests sent and not answered yet, in order.
    out: Vec<u64>,
    /// An answer came without the window's headers before any came with them: the API does not send
    /// them, so there is nothing to pace by.
    silent: bool,
    last_send_ms: Option<u64>,
}

impl Pacer {
    /// A pacer that knows nothing yet.
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Whether the first of `waiting` requests (the one asking, and those queued behind it; at least
    /// 1) may be sent at `now_ms`.
    pub fn permit(&mut self, now_ms: u64, waiting: u32) -> Permit {
        self.roll(now_ms);
        let Some(window) = self.window else {
            return if self.silent || self.out.len() < UNKNOWN_BURST as usize {
                Permit::Now
            } else {
                Permit::Wait {
                    ms: UNKNOWN_RECHECK_MS,
                    reason: WaitReason::Unknown,
                }
            };
        };
        let to_reset = window.reset_at_ms.saturating_sub(now_ms);
        if window.left == 0 {
            return Permit::Wait {
                ms: to_reset.max(1),
                reason: WaitReason::WindowReset,
            };
        }
        if waiting.max(1) <= window.left {
            return Permit::Now;
        }
        // `left + 1` gaps, so that the last of them goes before the reset rather than at it (where
        // the window it was kept for is over).
        let interval = to_reset / (u64::from(window.left) + 1);
        let next = self
            .last_send_ms
            .map_or(now_ms, |last| last.saturating_add(interval));
        if next <= now_ms {
            Permit::Now
        } else {
            Permit::Wait {
                ms: next - now_ms,
                reason: WaitReason::Spread,
            }
        }
    }

    /// A request was sent at `now_ms`; returns its number, to give back with its answer.
    pub fn sent(&mut self, now_ms: u64) -> u64 {
        self.roll(now_ms);
        self.sent = self.sent.saturating_add(1);
        self.out.push(self.sent);
        if let Some(window) = self.window.as_mut() {
            window.left = window.left.saturating_sub(1);
        }
        self.last_send_ms = Some(now_ms);
        self.sent
    }

    /// Request number `request` was answered at `now_ms` with `hints` (its rate-limit headers), or
    /// failed without an answer (`None`). An answer without the window's headers tells nothing of the
    /// window; when no answer has had them, it says the API does not send them, and requests are no
    /// longer held back for the first answer.
    pub fn answered(&mut self, request: u64, hints: Option<&RateLimitHint>, now_ms: u64) {
        // Numbers only grow, so `out` stays sorted; the ones before this answer's it may not count.
        let earlier_out = self.out.partition_point(|&number| number < request);
        self.out.retain(|&number| number != request);
        let Some(hints) = hints else {
            return;
        };
        let (Some(left), Some(reset_ms)) = (hints.requests_left, hints.reset_ms) else {
            // An answer without them, before any with them: this API does not pace its clients (a 429
            // without headers under load comes after some with them, on BigCommerce).
            self.silent |= self.window.is_none();
            return;
        };
        let window_ms = hints.window_ms.filter(|&ms| ms > 0).unwrap_or(DEFAULT_WINDOW_MS);
        let reset_at_ms = now_ms.saturating_add(reset_ms.min(window_ms));
        let uncounted = self
            .sent
            .saturating_sub(request)
            .saturating_add(earlier_out as u64);
        let left = u32::try_from(left.saturating_sub(uncounted)).unwrap_or(u32::MAX);
        let quota = hints
            .requests_quota
            .map_or(left, |quota| u32::try_from(quota).unwrap_or(u32::MAX));
        let fresh = Window {
            reset_at_ms,
            window_ms,
            quota,
            left,
            seen: request,
        };
        let half = |window: &Window| window.window_ms / 2;
        self.window = Some(match self.window {
            None => fresh,
            // A later window than the one known: what it says replaces everything.
            Some(known) if reset_at_ms > known.reset_at_ms.saturating_add(half(&known)) => fresh,
            // An earlier window's answer, come late: it tells nothing of this one.
            Some(known) if reset_at_ms.saturating_add(half(&known)) < known.reset_at_ms => known,
            // The same window: the fewest any answer allows. An answer can say more than are left: a
            // request sent before it, processed after it, may have been answered first, and neither
            // the answer nor `out` counts it.
            Some(known) if request <= known.seen => Window {
                left: known.left.min(left),
                ..known
            },
            Some(known) => Window {
                left: known.left.min(left),
                ..fresh
            },
        });
    }

    /// What the pacer knows at `now_ms`, or `None` before any answer told it.
    pub fn state(&mut self, now_ms: u64) -> Option<PacingState> {
        self.roll(now_ms);
        self.window.map(|window| PacingState {
            left: window.left,
            quota: window.quota,
            reset_in_ms: window.reset_at_ms.saturating_sub(now_ms),
        })
    }

    /// Past the reset time, a new window begins (and lasts the window's length) with the whole quota,
    /// less the requests still out: the server may count them in the new window.
    fn roll(&mut self, now_ms: u64) {
        let Some(window) = self.window.as_mut() else {
            return;
        };
        if now_ms < window.reset_at_ms {
            return;
        }
        let length = window.window_ms.max(1);
        let windows_past = (now_ms - window.reset_at_ms) / length + 1;
        window.reset_at_ms = window
            .reset_at_ms
            .saturating_add(windows_past.saturating_mul(length));
        let out = u32::try_from(self.out.len()).unwrap_or(u32::MAX);
        window.left = window.quota.saturating_sub(out);
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
