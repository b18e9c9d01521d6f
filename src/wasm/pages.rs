//! Pages and jobs, for the JavaScript client's `paginate` and `waitForJob`.

use alloc::string::String;

use wasm_bindgen::prelude::*;

use crate::pages::{next_page, poll_delay_ms, JobState};

/// The query of the next page (without its `?`), or `undefined` when the listing is over.
#[wasm_bindgen(js_name = nextPage)]
pub fn next_page_js(next: &str, current: &str, items: u32) -> Option<String> {
    next_page(next, current, items).map(String::from)
}

/// What a job's `status` says: 0 not yet, 1 completed, 2 failed.
#[wasm_bindgen(js_name = jobState)]
pub fn job_state(status: &str) -> u8 {
    match JobState::from_status(status) {
        JobState::Pending => 0,
        JobState::Completed => 1,
        JobState::Failed => 2,
    }
}

/// The wait before the next poll of a job, or `undefined` past the deadline.
#[wasm_bindgen(js_name = pollDelayMs)]
pub fn poll_delay(poll: u32, elapsed_ms: f64, deadline_ms: f64, random: f64) -> Option<f64> {
    poll_delay_ms(poll, whole_ms(elapsed_ms), whole_ms(deadline_ms), random).map(|ms| ms as f64)
}

/// A count of milliseconds from JavaScript: negative or not a number is 0, too large is the most.
fn whole_ms(value: f64) -> u64 {
    if value.is_nan() || value <= 0.0 {
        0
    } else if value >= u64::MAX as f64 {
        u64::MAX
    } else {
        value as u64
    }
}
