//! `parse_http_date` on any text and any clock: it never panics, and an RFC 850 date, the only
//! format read against the clock, is never more than fifty years (of at most 366 days) ahead of it.
//! An input is the clock, eight bytes little-endian, then the text; the seeds in `fuzz/seeds/http_date/`
//! are written that way.
#![no_main]

use commerce_fetch::http_date::parse_http_date;
use libfuzzer_sys::fuzz_target;

/// Fifty years of 366 days: no reading of a two-digit year may lie further ahead of the clock.
const FIFTY_LONG_YEARS_MS: i64 = 50 * 366 * 86_400_000;

fuzz_target!(|input: (i64, &str)| {
    let (now_ms, text) = input;
    let Some(ms) = parse_http_date(text, now_ms) else {
        return;
    };
    let first = text.split_ascii_whitespace().next().unwrap_or_default();
    let two_digit_year = first.ends_with("day,");
    if two_digit_year {
        assert!(
            ms <= now_ms.saturating_add(FIFTY_LONG_YEARS_MS),
            "{text:?} at {now_ms} is {ms}, more than fifty years ahead"
        );
    }
});
