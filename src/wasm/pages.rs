//! Pages and jobs, for the JavaScript client's `paginate` and `waitForJob`.

use alloc::string::String;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::js::{set, whole_ms};
use crate::pages::{next_page, poll_delay_ms, read_job, JobState};

/// The query of the next page (without its `?`), or `undefined` when the listing is over.
#[wasm_bindgen(js_name = nextPage)]
pub fn next_page_js(next: &str, current: &str, items: u32) -> Option<String> {
    next_page(next, current, items).map(String::from)
}

/// What a poll of a job answered (the job object as JSON text): `{ state, status, percent?, messages }`.
/// `state`: 0 not yet, 1 completed, 2 failed; `status` as written (empty when none); `percent` a whole
/// number from 0 to 100; `messages` the text of each of a failed job's errors.
#[wasm_bindgen]
pub fn job(body: &str) -> Object {
    let job = read_job(body);
    let object = Object::new();
    let state: u8 = match job.state {
        JobState::Pending => 0,
        JobState::Completed => 1,
        JobState::Failed => 2,
    };
    set(&object, "state", &state.into());
    set(&object, "status", &job.status.into());
    if let Some(percent) = job.percent {
        set(&object, "percent", &percent.into());
    }
    let messages: Array = job.messages.into_iter().map(JsValue::from).collect();
    set(&object, "messages", &messages);
    object
}

/// The wait before the next poll of a job, or `undefined` past the deadline.
#[wasm_bindgen(js_name = pollDelayMs)]
pub fn poll_delay(poll: u32, elapsed_ms: f64, deadline_ms: f64, random: f64) -> Option<f64> {
    poll_delay_ms(poll, whole_ms(elapsed_ms), whole_ms(deadline_ms), random).map(|ms| ms as f64)
}
