//! Listings that come in pages, and jobs that finish later: whether a listing goes on after a page, what
//! a job's status means, and when to ask about a job again.
//!
//! BigCommerce's v3 listings say where the next page is in `meta.pagination.links.next` (offset pages:
//! `?page=2&limit=50`) or `meta.cursor_pagination.links.next` (cursor pages: `?after=…&limit=50`), and
//! leave it out on the last page. Jobs (a theme upload) are polled at `/v3/themes/jobs/{id}` until their
//! status is `COMPLETED` or `FAILED`; `QUEUED` and `WORKING` mean not yet.

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
