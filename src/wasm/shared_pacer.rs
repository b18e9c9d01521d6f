//! The pacing of one store shared by many isolates (`pacing::shared`), for the Durable Object that
//! keeps it (`commerce-fetch/cloudflare`'s `StoreQuota`). JavaScript passes the object's clock and
//! what the isolates sent it, checked and cut to size (`pkg/lib/core.js`).

use alloc::string::String;

use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::js::{set, whole_ms, HintValues};
use crate::hints::RateLimitHint;
use crate::pacing::shared::{SharedPacing, Take};

/// The pacing of one store, shared by every isolate that calls it.
#[wasm_bindgen]
pub struct SharedPacer {
    pacing: SharedPacing,
}

#[wasm_bindgen]
impl SharedPacer {
    /// Pacing that knows nothing yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> SharedPacer {
        SharedPacer {
            pacing: SharedPacing::new(),
        }
    }

    /// Grants the first of `waiting` requests at `now`: `{ first, count }` (send `count` now,
    /// numbered from `first`) or `{ waitMs, reason }` (ask again then).
    pub fn take(&mut self, now: f64, waiting: u32) -> Object {
        let answer = Object::new();
        match self.pacing.take(whole_ms(now), waiting) {
            Take::Send { first, count } => {
                set(&answer, "first", &(first as f64).into());
                set(&answer, "count", &count.into());
            }
            Take::Wait { ms, reason } => {
                set(&answer, "waitMs", &(ms as f64).into());
                set(&answer, "reason", &reason.as_str().into());
            }
        }
        answer
    }

    /// Request `number` was answered at `now`; `hints` are the values of `hintHeaders()` joined by
    /// line feeds, or `undefined` when no answer came.
    pub fn answered(&mut self, number: f64, hints: Option<String>, now: f64) {
        let now_ms = whole_ms(now);
        let hint = hints
            .as_deref()
            .map(|values| RateLimitHint::from_response(&HintValues(values), now_ms as i64, false));
        self.pacing.answered(whole_ms(number), hint.as_ref(), now_ms);
    }

    /// `{ left, quota, resetInMs }` at `now`, or `undefined` before any answer told it.
    pub fn state(&mut self, now: f64) -> Option<Object> {
        let state = self.pacing.state(whole_ms(now))?;
        let out = Object::new();
        set(&out, "left", &state.left.into());
        set(&out, "quota", &state.quota.into());
        set(&out, "resetInMs", &(state.reset_in_ms as f64).into());
        Some(out)
    }
}

impl Default for SharedPacer {
    fn default() -> SharedPacer {
        SharedPacer::new()
    }
}
