//! Listings that come in pages, and jobs that finish later: whether a listing goes on after a page, what
//! a job's status means, and when to ask about a job again.
//!
//! BigCommerce's v3 listings say where the next page is in `meta.pagination.links.next` (offset pages:
//! `?page=2&limit=50`) or `meta.cursor_pagination.links.next` (cursor pages: `?after=…&limit=50`), and
//! leave it out on the last page. Jobs (a theme upload) are polled at `/v3/themes/jobs/{id}` until their
//! status is `COMPLETED` or `FAILED`; `QUEUED` and `WORKING` mean not yet.

use alloc::{string::String, vec::Vec};

use crate::body_text::{string_of, text_of, MAX_ITEMS};
use crate::json::{self, Kind};

/// The query of the page after this one, or `None` when the listing is over: after a page with no
/// items, when there is no next link, and when the next link is the current one (a listing that does not
/// move on would be asked for forever). `next` and `current` are the links as the answer gave them, a
/// query string with its `?` or a URL; what is returned is the query without the `?`.
pub fn next_page<'a>(next: &'a str, current: &str, items: u32) -> Option<&'a str> {
    if items == 0 {
        return None;
    }
    let query = query_of(next)?;
    if query.is_empty() || query_of(current) == Some(query) {
        return None;
    }
    Some(query)
}

/// The part of a link after its `?` (up to a `#`); `None` when it has none.
fn query_of(link: &str) -> Option<&str> {
    // `get` rather than indexing: `?` and `#` are ASCII, so the cuts fall between characters, and an
    // index would bring the panic's message formatting into the wasm.
    let start = link.bytes().position(|b| b == b'?')? + 1;
    let rest = link.get(start..)?;
    let end = rest.bytes().position(|b| b == b'#').unwrap_or(rest.len());
    rest.get(..end)
}

/// What a job's status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// `QUEUED`, `WORKING`, or a status not documented yet: ask again later.
    Pending,
    /// `COMPLETED`.
    Completed,
    /// `FAILED`: the job's errors say why.
    Failed,
}

impl JobState {
    /// The state a job's `status` names (the case as BigCommerce writes it, upper).
    pub fn from_status(status: &str) -> JobState {
        match status {
            "COMPLETED" => JobState::Completed,
            "FAILED" => JobState::Failed,
            _ => JobState::Pending,
        }
    }
}

/// What a poll of a job says: its state, its status as written, how far along it is, and, for a failed
/// job, what its errors say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// What the status means.
    pub state: JobState,
    /// `status` as the job gave it (cleaned and bounded); empty when it gave none.
    pub status: String,
    /// `percent_complete` as a whole percent from 0 to 100 (a fraction is cut), when it is a number.
    pub percent: Option<u8>,
    /// The text of each of its `errors`: a string, or an error's `message`, `title` or `error`.
    pub messages: Vec<String>,
}

/// Reads a job as a poll answered it (the job object, unwrapped from `data`). A body that is not a
/// JSON object is a job with no status: pending.
pub fn read_job(body: &str) -> Job {
    let mut job = Job {
        state: JobState::Pending,
        status: String::new(),
        percent: None,
        messages: Vec::new(),
    };
    let Ok(root) = json::parse(body) else {
        return job;
    };
    if root.kind() != Kind::Object {
        return job;
    }
    for (name, value) in root.members() {
        if name.is("status") {
            job.status = string_of(value).unwrap_or_default();
        } else if name.is("percent_complete") {
            job.percent = whole_percent(value.raw());
        } else if name.is("errors") {
            job.messages.clear();
            let listed = value
                .items()
                .chain((value.kind() != Kind::Array).then_some(value));
            for error in listed.take(MAX_ITEMS) {
                let text = match error.kind() {
                    Kind::Object => ["message", "title", "error"]
                        .into_iter()
                        .find_map(|name| error.get(name).and_then(text_of)),
                    _ => text_of(error),
                };
                job.messages.extend(text);
            }
        }
    }
    job.state = JobState::from_status(&job.status);
    job
}

/// The whole part of a JSON number from 0 to 100 (`33.7` is 33); `None` for anything else (a sign, an
/// exponent, text).
fn whole_percent(number: &str) -> Option<u8> {
    // `get` rather than `split_once`, whose slicing would bring panic messages into the wasm.
    let dot = number.bytes().position(|b| b == b'.');
    let whole = number.get(..dot.unwrap_or(number.len()))?;
    let fraction = dot.map_or(Some("0"), |dot| number.get(dot + 1..))?;
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || whole.len() > 3 {
        return None;
    }
    let value = whole
        .bytes()
        .fold(0u16, |value, b| value * 10 + u16::from(b - b'0'));
    u8::try_from(value).ok().filter(|&percent| percent <= 100)
}

/// The first wait between two polls of a job, in milliseconds; each next one doubles.
pub const FIRST_POLL_MS: u64 = 500;
/// The longest wait between two polls: a job's progress is worth seeing every few seconds.
pub const MAX_POLL_MS: u64 = 8_000;

/// The wait before poll number `poll + 1` (0 after the first poll), with equal jitter (half the
/// ceiling, plus up to the other half at random) so that many clients polling do not ask in step; or
/// `None` when that poll would come after `deadline_ms` (`elapsed_ms` is the time since the job began
/// to be polled).
pub fn poll_delay_ms(poll: u32, elapsed_ms: u64, deadline_ms: u64, random: f64) -> Option<u64> {
    let ceiling = FIRST_POLL_MS
        .saturating_mul(1u64 << poll.min(20))
        .min(MAX_POLL_MS);
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let wait = ceiling / 2 + ((ceiling / 2) as f64 * random) as u64;
    if wait > deadline_ms.saturating_sub(elapsed_ms) {
        None
    } else {
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;

    use super::*;

    #[test]
    fn a_listing_follows_its_next_link_until_there_is_none() {
        assert_eq!(
            next_page("?page=2&limit=50", "?page=1&limit=50", 50),
            Some("page=2&limit=50")
        );
        assert_eq!(
            next_page("https://api.example/v3/x?after=abc&limit=5#top", "", 5),
            Some("after=abc&limit=5")
        );
        assert_eq!(
            next_page("", "?page=3&limit=50", 10),
            None,
            "the last page has no next link"
        );
        assert_eq!(
            next_page("?page=2", "?page=1", 0),
            None,
            "an empty page ends the listing"
        );
        assert_eq!(
            next_page("?page=2", "?page=2", 50),
            None,
            "a next link that does not move on"
        );
        assert_eq!(next_page("/no/query", "?page=1", 5), None);
        assert_eq!(next_page("?", "?page=1", 5), None);
    }

    #[test]
    fn a_job_is_pending_until_it_completes_or_fails() {
        assert_eq!(JobState::from_status("QUEUED"), JobState::Pending);
        assert_eq!(JobState::from_status("WORKING"), JobState::Pending);
        assert_eq!(
            JobState::from_status("PAUSED"),
            JobState::Pending,
            "a status not documented yet"
        );
        assert_eq!(JobState::from_status("COMPLETED"), JobState::Completed);
        assert_eq!(JobState::from_status("FAILED"), JobState::Failed);
    }

    #[test]
    fn a_poll_gives_the_state_status_percent_and_a_failed_jobs_messages() {
        let working = read_job(r#"{"id":"j1","status":"WORKING","percent_complete":30,"errors":[]}"#);
        assert_eq!(working.state, JobState::Pending);
        assert_eq!(working.status, "WORKING");
        assert_eq!(working.percent, Some(30));
        assert!(working.messages.is_empty());

        let failed = read_job(
            r#"{"status":"FAILED","percent_complete":100,"errors":["bad zip",{"message":"config.json is missing"},{"title":"Too large"},{"error":"quota"},{"code":7},null]}"#,
        );
        assert_eq!(failed.state, JobState::Failed);
        assert_eq!(
            failed.messages,
            ["bad zip", "config.json is missing", "Too large", "quota"]
        );
        let alone = read_job(r#"{"status":"FAILED","errors":{"message":"one"}}"#);
        assert_eq!(alone.messages, ["one"]);
        assert_eq!(read_job(r#"{"status":"COMPLETED"}"#).state, JobState::Completed);
    }

    #[test]
    fn a_poll_that_is_not_a_job_is_pending_and_odd_percents_are_left_out() {
        for body in [
            "",
            "null",
            "[]",
            r#""COMPLETED""#,
            r#"{"status":7}"#,
            "{\"status\":",
        ] {
            let job = read_job(body);
            assert_eq!(
                (job.state, job.status.as_str()),
                (JobState::Pending, ""),
                "{body}"
            );
        }
        let percent = |raw: &str| read_job(&format!(r#"{{"percent_complete":{raw}}}"#)).percent;
        assert_eq!(percent("33.7"), Some(33));
        assert_eq!(percent("100"), Some(100));
        assert_eq!(percent("0"), Some(0));
        for raw in [
            "101",
            "-1",
            "1e2",
            "\"50\"",
            "null",
            "9999",
            "5.",
            "18446744073709551616",
        ] {
            assert_eq!(percent(raw), None, "{raw}");
        }
        let token = read_job(
            r#"{"status":"FAILED","errors":["denied for https://x.example/?access_token=abc123secret"]}"#,
        );
        assert!(
            !token.messages[0].contains("abc123secret"),
            "{:?}",
            token.messages
        );
    }

    #[test]
    fn polls_back_off_to_a_ceiling_and_stop_at_the_deadline() {
        assert_eq!(poll_delay_ms(0, 0, 60_000, 0.0), Some(250));
        assert_eq!(poll_delay_ms(0, 0, 60_000, 1.0), Some(500));
        assert_eq!(poll_delay_ms(1, 0, 60_000, 0.0), Some(500));
        assert_eq!(poll_delay_ms(10, 0, 60_000, 1.0), Some(MAX_POLL_MS));
        assert_eq!(poll_delay_ms(u32::MAX, 0, u64::MAX, 0.5), Some(6_000));
        assert_eq!(poll_delay_ms(3, 59_000, 60_000, 0.0), None, "past the deadline");
        assert_eq!(
            poll_delay_ms(0, 0, 1_000, f64::NAN),
            Some(250),
            "a random that is no number is 0"
        );
        assert_eq!(poll_delay_ms(0, u64::MAX - 100, u64::MAX, 0.0), None);
        assert_eq!(poll_delay_ms(0, 0, 0, f64::INFINITY), None);
    }
}
