//! Wait hints and rate-limit state read from response headers.
//!
//! BigCommerce sends `X-Rate-Limit-*` headers on every REST response and `X-Retry-After` (seconds) on
//! a 429; proxies in front of a store may add a standard `Retry-After` (seconds or an HTTP-date). Header
//! values come from outside, so every parser here accepts only plain non-negative numbers and ignores
//! anything else: signs, exponents, `NaN`, several comma-joined values, dates in the past.

use crate::http_date::parse_http_date;
use alloc::{string::String, vec::Vec};

/// The largest wait a header can ask for, in milliseconds (one year). Larger values, such as 40 digits,
/// are clamped to it so that they stay exact in a JavaScript number and still exceed any sane cap.
pub const HINT_CEILING_MS: u64 = 365 * 24 * 60 * 60 * 1000;

/// Where a wait came from. The names are those JavaScript sees in `onRetry` events and traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DelaySource {
    /// BigCommerce's `X-Rate-Limit-Time-Reset-Ms`: time until the rate-limit window resets.
    RateLimitReset,
    /// BigCommerce's `X-Retry-After`, in seconds.
    XRetryAfter,
    /// The standard `Retry-After`, in seconds or as an HTTP-date.
    RetryAfter,
    /// The library's own exponential backoff.
    Backoff,
}

impl DelaySource {
    /// The lower-case header name, or `"backoff"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DelaySource::RateLimitReset => "x-rate-limit-time-reset-ms",
            DelaySource::XRetryAfter => "x-retry-after",
            DelaySource::RetryAfter => "retry-after",
            DelaySource::Backoff => "backoff",
        }
    }
}

/// Every header [`RateLimitHint::from_headers`] reads, in lower case: the JavaScript shell reads these
/// from a response and passes their values in, so that the core never calls into a `Headers` object.
pub const HINT_HEADERS: [&str; 6] = [
    "x-rate-limit-time-reset-ms",
    "x-rate-limit-requests-left",
    "x-rate-limit-requests-quota",
    "x-rate-limit-time-window-ms",
    "x-retry-after",
    "retry-after",
];

/// Read access to response headers. Names are matched without regard to case; when a header occurs
/// several times the values come back joined by `", "`, as the fetch `Headers` object does.
pub trait HeaderSource {
    /// The value of the header `name`, if present.
    fn header(&self, name: &str) -> Option<String>;
}

impl HeaderSource for [(&str, &str)] {
    fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| *value)
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(", "))
        }
    }
}

/// What the headers of one response say about rate limits and waiting. Each field is `None` when its
/// header was absent or unusable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimitHint {
    /// `X-Rate-Limit-Time-Reset-Ms`: milliseconds until the window resets.
    pub reset_ms: Option<u64>,
    /// `X-Rate-Limit-Requests-Left`: requests left in this window.
    pub requests_left: Option<u64>,
    /// `X-Rate-Limit-Requests-Quota`: requests allowed per window.
    pub requests_quota: Option<u64>,
    /// `X-Rate-Limit-Time-Window-Ms`: the window's length.
    pub window_ms: Option<u64>,
    /// `X-Retry-After`, converted from seconds to milliseconds.
    pub x_retry_after_ms: Option<u64>,
    /// `Retry-After`, converted to milliseconds from now (seconds, or an HTTP-date in the future).
    pub retry_after_ms: Option<u64>,
    /// The response came from another origin and showed none of [`HINT_HEADERS`]. A browser hides
    /// every header of such a response that the server does not list in
    /// `Access-Control-Expose-Headers`, so the wait cannot follow the server and comes from backoff.
    /// (A server that sent none of them looks the same; BigCommerce sends the rate-limit headers on
    /// every response.)
    pub hidden: bool,
}

/// Why the waits of a call came from backoff after a response whose hints were
/// [hidden](RateLimitHint::hidden), as a clause of an error message.
pub const HIDDEN_HINTS_EXPLAINED: &str =
    "rate-limit headers hidden by CORS (expose them with Access-Control-Expose-Headers); waited by backoff";

impl RateLimitHint {
    /// Reads the hints from `headers`. `now_ms` is the current time in milliseconds since the Unix
    /// epoch, used only to turn a `Retry-After` date into a wait.
    pub fn from_headers<H: HeaderSource + ?Sized>(headers: &H, now_ms: i64) -> RateLimitHint {
        RateLimitHint::from_response(headers, now_ms, false)
    }

    /// Reads the hints from a response's `headers`, as [`from_headers`](Self::from_headers) does.
    /// `cross_origin`: the response came from another origin (a browser's `cors` response), which
    /// shows only the headers the server exposes; when it shows none of [`HINT_HEADERS`], they are
    /// taken as [hidden](RateLimitHint::hidden).
    pub fn from_response<H: HeaderSource + ?Sized>(
        headers: &H,
        now_ms: i64,
        cross_origin: bool,
    ) -> RateLimitHint {
        // Shown means readable: a malformed value that was shown is ignored, not hidden.
        let mut shown = false;
        let mut value = |name: &str| {
            let value = headers.header(name);
            shown |= value.is_some();
            value
        };
        let number = |value: Option<String>| value.and_then(|v| parse_decimal(&v, 1));
        let reset_ms = number(value("x-rate-limit-time-reset-ms"));
        let requests_left = number(value("x-rate-limit-requests-left"));
        let requests_quota = number(value("x-rate-limit-requests-quota"));
        let window_ms = number(value("x-rate-limit-time-window-ms"));
        let x_retry_after_ms = value("x-retry-after").and_then(|v| parse_decimal(&v, 1000));
        let retry_after_ms = value("retry-after").and_then(|v| parse_retry_after(&v, now_ms));
        RateLimitHint {
            reset_ms,
            requests_left,
            requests_quota,
            window_ms,
            x_retry_after_ms,
            retry_after_ms,
            hidden: cross_origin && !shown,
        }
    }

    /// True when no header gave a usable value, whether or not they were hidden.
    pub fn is_empty(&self) -> bool {
        RateLimitHint {
            hidden: false,
            ..*self
        } == RateLimitHint::default()
    }

    /// The longest wait the headers ask for, and which header asked for it. The window reset counts
    /// only when `include_reset` is set: BigCommerce sends it on every response, so it is a wait hint
    /// only on a 429. On a tie the earlier source in the order reset, `X-Retry-After`, `Retry-After`
    /// is named.
    pub fn longest_wait(&self, include_reset: bool) -> Option<(u64, DelaySource)> {
        let reset = if include_reset { self.reset_ms } else { None };
        [
            (reset, DelaySource::RateLimitReset),
            (self.x_retry_after_ms, DelaySource::XRetryAfter),
            (self.retry_after_ms, DelaySource::RetryAfter),
        ]
        .into_iter()
        .filter_map(|(ms, source)| ms.map(|ms| (ms, source)))
        .fold(None, |best: Option<(u64, DelaySource)>, candidate| match best {
            Some(best) if best.0 >= candidate.0 => Some(best),
            _ => Some(candidate),
        })
    }
}

/// A non-negative decimal number (`"15000"`, `"1.5"`) times `scale`, in whole units, clamped to
/// [`HINT_CEILING_MS`]. Rejects empty text, signs, exponents, `NaN`, `Infinity` and lists.
fn parse_decimal(text: &str, scale: u64) -> Option<u64> {
    // Bytes, not `str` patterns: the same checks for a fraction of the wasm.
    let text = text.as_bytes().trim_ascii();
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => {
            let (whole, rest) = text.split_at_checked(dot)?;
            // "15." has an empty fraction: rejected, as is "1.2.3" by the digit check.
            (whole, rest.get(1..).filter(|fraction| !fraction.is_empty())?)
        }
        None => (text, &[][..]),
    };
    let all_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut value: u64 = 0;
    for &b in whole {
        value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    value = value.saturating_mul(scale);
    // The fraction counts down to one unit of the result; finer digits are dropped.
    let mut unit = scale;
    for &b in fraction {
        unit /= 10;
        if unit == 0 {
            break;
        }
        value = value.saturating_add(u64::from(b - b'0') * unit);
    }
    Some(value.min(HINT_CEILING_MS))
}

/// `Retry-After` as a wait in milliseconds: delta-seconds, or an HTTP-date that lies in the future.
fn parse_retry_after(text: &str, now_ms: i64) -> Option<u64> {
    if let Some(ms) = parse_decimal(text, 1000) {
        return Some(ms);
    }
    let at = parse_http_date(text, now_ms)?;
    let wait = at.checked_sub(now_ms)?;
    if wait <= 0 {
        return None;
    }
    Some((wait as u64).min(HINT_CEILING_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-24T20:00:00Z.
    const NOW: i64 = 1_795_550_400_000;

    fn hints(headers: &[(&str, &str)]) -> RateLimitHint {
        RateLimitHint::from_headers(headers, NOW)
    }

    #[test]
    fn reads_every_bigcommerce_header() {
        let h = hints(&[
            ("X-Rate-Limit-Time-Window-Ms", "30000"),
            ("X-Rate-Limit-Time-Reset-Ms", "15000"),
            ("X-Rate-Limit-Requests-Quota", "150"),
            ("X-Rate-Limit-Requests-Left", "35"),
            ("X-Retry-After", "15"),
        ]);
        assert_eq!(
            h,
            RateLimitHint {
                reset_ms: Some(15_000),
                requests_left: Some(35),
                requests_quota: Some(150),
                window_ms: Some(30_000),
                x_retry_after_ms: Some(15_000),
                retry_after_ms: None,
                hidden: false,
            }
        );
    }

    #[test]
    fn hint_headers_lists_every_header_that_is_read() {
        struct Recorder(core::cell::RefCell<Vec<String>>);
        impl HeaderSource for Recorder {
            fn header(&self, name: &str) -> Option<String> {
                self.0.borrow_mut().push(name.into());
                None
            }
        }
        let recorder = Recorder(Default::default());
        RateLimitHint::from_headers(&recorder, NOW);
        let mut read = recorder.0.into_inner();
        read.sort();
        let mut listed = HINT_HEADERS.map(String::from).to_vec();
        listed.sort();
        assert_eq!(read, listed);
    }

    #[test]
    fn a_cross_origin_response_that_shows_no_hint_header_hid_them() {
        let shown = [("Content-Type", "text/plain"), ("Cache-Control", "no-store")];
        let h = RateLimitHint::from_response(&shown[..], NOW, true);
        assert!(h.hidden);
        assert!(h.is_empty(), "hidden hints give no wait");
        assert_eq!(h.longest_wait(true), None);
    }

    #[test]
    fn a_cross_origin_response_that_shows_any_hint_header_hid_none() {
        for name in HINT_HEADERS {
            // A malformed value was still readable: the server exposes the header.
            for value in ["2", "soon"] {
                let h = RateLimitHint::from_response(&[(name, value)][..], NOW, true);
                assert!(!h.hidden, "{name}: {value}");
            }
        }
        let shown = [("X-Retry-After", "2")];
        let h = RateLimitHint::from_response(&shown[..], NOW, true);
        assert_eq!(h, RateLimitHint::from_headers(&shown[..], NOW));
    }

    #[test]
    fn a_same_origin_response_never_hides_its_hints() {
        assert!(!hints(&[]).hidden);
        assert!(!hints(&[("Content-Type", "text/plain")]).hidden);
    }

    #[test]
    fn header_names_match_in_any_case() {
        for name in [
            "x-rate-limit-time-reset-ms",
            "X-RATE-LIMIT-TIME-RESET-MS",
            "x-Rate-limit-Time-Reset-Ms",
        ] {
            assert_eq!(hints(&[(name, "250")]).reset_ms, Some(250), "{name}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_future_dates() {
        assert_eq!(hints(&[("Retry-After", "120")]).retry_after_ms, Some(120_000));
        assert_eq!(hints(&[("Retry-After", "0")]).retry_after_ms, Some(0));
        assert_eq!(hints(&[("Retry-After", "1.5")]).retry_after_ms, Some(1_500));
        assert_eq!(
            hints(&[("Retry-After", "Tue, 24 Nov 2026 20:00:30 GMT")]).retry_after_ms,
            Some(30_000)
        );
    }

    #[test]
    fn retry_after_reads_an_rfc850_year_against_the_clock() {
        // In 2026, `26` is this year and `75` is 2075, not 1975.
        assert_eq!(
            hints(&[("Retry-After", "Tuesday, 24-Nov-26 20:00:30 GMT")]).retry_after_ms,
            Some(30_000)
        );
        assert_eq!(
            hints(&[("Retry-After", "Sunday, 24-Nov-75 20:00:00 GMT")]).retry_after_ms,
            Some(HINT_CEILING_MS)
        );
    }

    #[test]
    fn retry_after_ignores_dates_now_or_in_the_past() {
        for past in [
            "Tue, 24 Nov 2026 20:00:00 GMT",
            "Tue, 24 Nov 2026 19:59:59 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(hints(&[("Retry-After", past)]).retry_after_ms, None, "{past}");
        }
    }

    #[test]
    fn garbage_values_are_ignored() {
        for bad in [
            "",
            " ",
            "-1",
            "+5",
            "NaN",
            "nan",
            "Infinity",
            "-Infinity",
            "1e309",
            "1e3",
            "0x10",
            "12abc",
            "1,000",
            "5, 10",
            "15000, 15000",
            ".5",
            "5.",
            "1.2.3",
            "١٢٣",
            "\u{0}",
            "null",
        ] {
            let h = hints(&[
                ("X-Rate-Limit-Time-Reset-Ms", bad),
                ("X-Retry-After", bad),
                ("Retry-After", bad),
                ("X-Rate-Limit-Requests-Left", bad),
            ]);
            assert!(h.is_empty(), "{bad:?} gave {h:?}");
        }
    }

    #[test]
    fn huge_values_are_clamped_to_the_ceiling() {
        let forty_digits = "9999999999999999999999999999999999999999";
        let h = hints(&[
            ("X-Rate-Limit-Time-Reset-Ms", forty_digits),
            ("X-Retry-After", forty_digits),
            ("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ]);
        assert_eq!(h.reset_ms, Some(HINT_CEILING_MS));
        assert_eq!(h.x_retry_after_ms, Some(HINT_CEILING_MS));
        assert_eq!(h.retry_after_ms, Some(HINT_CEILING_MS));
    }

    #[test]
    fn surrounding_whitespace_is_allowed() {
        assert_eq!(
            hints(&[("X-Retry-After", "  3 \t")]).x_retry_after_ms,
            Some(3_000)
        );
    }

    #[test]
    fn a_header_sent_twice_is_ignored_as_ambiguous() {
        let h = hints(&[("X-Retry-After", "3"), ("x-retry-after", "4")]);
        assert_eq!(h.x_retry_after_ms, None);
    }

    #[test]
    fn longest_wait_picks_the_longer_of_reset_and_x_retry_after() {
        let h = hints(&[("X-Rate-Limit-Time-Reset-Ms", "1500"), ("X-Retry-After", "2")]);
        assert_eq!(h.longest_wait(true), Some((2_000, DelaySource::XRetryAfter)));
        let h = hints(&[("X-Rate-Limit-Time-Reset-Ms", "2500"), ("X-Retry-After", "2")]);
        assert_eq!(h.longest_wait(true), Some((2_500, DelaySource::RateLimitReset)));
    }

    #[test]
    fn longest_wait_names_the_reset_header_on_a_tie() {
        let h = hints(&[
            ("X-Rate-Limit-Time-Reset-Ms", "2000"),
            ("X-Retry-After", "2"),
            ("Retry-After", "2"),
        ]);
        assert_eq!(h.longest_wait(true), Some((2_000, DelaySource::RateLimitReset)));
    }

    #[test]
    fn longest_wait_leaves_out_the_reset_when_asked() {
        let h = hints(&[("X-Rate-Limit-Time-Reset-Ms", "9000"), ("Retry-After", "1")]);
        assert_eq!(h.longest_wait(false), Some((1_000, DelaySource::RetryAfter)));
        assert_eq!(
            hints(&[("X-Rate-Limit-Time-Reset-Ms", "9000")]).longest_wait(false),
            None
        );
    }

    #[test]
    fn delay_source_names_are_the_ones_javascript_sees() {
        let names: Vec<&str> = [
            DelaySource::RateLimitReset,
            DelaySource::XRetryAfter,
            DelaySource::RetryAfter,
            DelaySource::Backoff,
        ]
        .iter()
        .map(|s| s.as_str())
        .collect();
        assert_eq!(
            names,
            [
                "x-rate-limit-time-reset-ms",
                "x-retry-after",
                "retry-after",
                "backoff"
            ]
        );
    }
}
