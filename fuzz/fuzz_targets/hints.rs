//! `RateLimitHint::from_headers` over any headers and any clock.
//!
//! Invariants:
//! - it never panics;
//! - no field exceeds `HINT_CEILING_MS`;
//! - `longest_wait` returns one of the values present, no smaller than any other it considers, and
//!   the reset only when asked to consider it;
//! - a header sent once with a plain integer value reads as that integer (times 1000 for seconds),
//!   clamped to the ceiling; this is computed here in `u128`, without the code under test.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use commerce_fetch::hints::{DelaySource, RateLimitHint, HINT_CEILING_MS};
use libfuzzer_sys::fuzz_target;

/// The headers the core reads, and how many milliseconds one unit of each is worth.
const KNOWN: [(&str, u128); 6] = [
    ("x-rate-limit-time-reset-ms", 1),
    ("x-rate-limit-requests-left", 1),
    ("x-rate-limit-requests-quota", 1),
    ("x-rate-limit-time-window-ms", 1),
    ("x-retry-after", 1000),
    ("retry-after", 1000),
];

#[derive(Debug)]
struct Input {
    headers: Vec<(String, String)>,
    now_ms: i64,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let count = u.int_in_range(0..=8)?;
        let mut headers = Vec::with_capacity(count);
        for _ in 0..count {
            headers.push((header_name(u)?, header_value(u)?));
        }
        Ok(Input {
            headers,
            now_ms: u.arbitrary()?,
        })
    }
}

/// Mostly the names the core reads, in any case; sometimes any text.
fn header_name(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 8)? {
        return u.arbitrary();
    }
    let (name, _) = *u.choose(&KNOWN)?;
    name.chars()
        .map(|c| Ok(if u.arbitrary()? { c.to_ascii_uppercase() } else { c }))
        .collect()
}

/// Numbers of every size, HTTP-dates in the three formats, and any text.
fn header_value(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=4)? {
        0 => u.arbitrary::<u64>()?.to_string(),
        1 => format!(
            "{}.{}",
            u.int_in_range(0..=100_000u32)?,
            u.int_in_range(0..=9999u32)?
        ),
        2 => {
            let days: u8 = u.int_in_range(1..=28)?;
            let year: u16 = u.int_in_range(0..=9999)?;
            let time = format!(
                "{:02}:{:02}:{:02}",
                u.int_in_range(0..=23u8)?,
                u.int_in_range(0..=59u8)?,
                u.int_in_range(0..=60u8)?
            );
            match u.int_in_range(0..=2)? {
                0 => format!("Sun, {days:02} Nov {year:04} {time} GMT"),
                1 => format!("Sunday, {days:02}-Nov-{:02} {time} GMT", year % 100),
                _ => format!("Sun Nov {days:>2} {time} {year:04}"),
            }
        }
        _ => u.arbitrary()?,
    })
}

fuzz_target!(|input: Input| {
    let pairs: Vec<(&str, &str)> = input
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let hint = RateLimitHint::from_headers(pairs.as_slice(), input.now_ms);

    let fields = [
        hint.reset_ms,
        hint.requests_left,
        hint.requests_quota,
        hint.window_ms,
        hint.x_retry_after_ms,
        hint.retry_after_ms,
    ];
    for (value, (name, _)) in fields.iter().zip(KNOWN) {
        if let Some(ms) = value {
            assert!(*ms <= HINT_CEILING_MS, "{name}: {ms} is above the ceiling");
        }
    }

    for include_reset in [false, true] {
        let considered = [
            (
                include_reset.then_some(hint.reset_ms).flatten(),
                DelaySource::RateLimitReset,
            ),
            (hint.x_retry_after_ms, DelaySource::XRetryAfter),
            (hint.retry_after_ms, DelaySource::RetryAfter),
        ];
        let present: Vec<(u64, DelaySource)> = considered
            .iter()
            .filter_map(|&(ms, source)| ms.map(|ms| (ms, source)))
            .collect();
        match hint.longest_wait(include_reset) {
            None => assert!(present.is_empty(), "no wait, but {present:?} were present"),
            Some(wait) => {
                assert!(present.contains(&wait), "{wait:?} is not one of {present:?}");
                assert!(
                    present.iter().all(|&(ms, _)| ms <= wait.0),
                    "{wait:?} is not the longest of {present:?}"
                );
            }
        }
    }

    for (field, (name, scale)) in fields.iter().zip(KNOWN) {
        let mut sent = pairs.iter().filter(|(key, _)| key.eq_ignore_ascii_case(name));
        let (Some((_, value)), None) = (sent.next(), sent.next()) else {
            continue;
        };
        if let Some(number) = plain_integer(value) {
            let expected = (number.saturating_mul(scale)).min(u128::from(HINT_CEILING_MS));
            assert_eq!(field.map(u128::from), Some(expected), "{name}: {value:?}");
        }
    }
});

/// ASCII digits between optional ASCII white space, as a number (saturating), or `None`.
fn plain_integer(value: &str) -> Option<u128> {
    let digits = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.bytes().fold(0u128, |n, b| {
        n.saturating_mul(10).saturating_add(u128::from(b - b'0'))
    }))
}
