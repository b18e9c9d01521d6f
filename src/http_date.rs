//! Parsing of HTTP-dates, the form `Retry-After` may take instead of a number of seconds.
//!
//! RFC 9110 (section 5.6.7) says a recipient must accept three formats: the preferred IMF-fixdate
//! (`Sun, 06 Nov 1994 08:49:37 GMT`) and two obsolete ones, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
//! and C's asctime (`Sun Nov  6 08:49:37 1994`). Anything else yields `None`.
//! An RFC 850 date has a two-digit year, so its century depends on the current time, which the caller
//! passes in.

use alloc::vec::Vec;

/// Milliseconds in a day of Unix time, which does not count leap seconds.
const MS_PER_DAY: i64 = 86_400_000;

/// How far ahead an RFC 850 two-digit year may point: RFC 9110, section 5.6.7, reads a year that
/// appears to be more than 50 years in the future as the most recent past year with the same digits.
const TWO_DIGIT_YEAR_HORIZON: i64 = 50;

/// Milliseconds since the Unix epoch for an HTTP-date, or `None` when the text is not one (or names a
/// moment too far from the epoch for an `i64` of milliseconds).
///
/// `now_ms`, the current time in milliseconds since the epoch, picks the century of an RFC 850 date's
/// two-digit year; the other formats do not depend on it.
///
/// Parsed as bytes: the formats are ASCII, and `str`'s pattern searchers would add kilobytes to the wasm.
pub fn parse_http_date(text: &str, now_ms: i64) -> Option<i64> {
    let text = text.as_bytes();
    if !text.is_ascii() {
        return None;
    }
    let mut words = text
        .split(u8::is_ascii_whitespace)
        .filter(|word| !word.is_empty());
    let first = words.next()?;
    let rest: Vec<&[u8]> = words.collect();
    if let Some(weekday) = first.strip_suffix(b",") {
        if is_short_weekday(weekday) {
            imf_fixdate(&rest)
        } else if is_long_weekday(weekday) {
            rfc850(&rest, now_ms)
        } else {
            None
        }
    } else if is_short_weekday(first) {
        asctime(&rest)
    } else {
        None
    }
}

/// `06 Nov 1994 08:49:37 GMT`, after the weekday.
fn imf_fixdate(parts: &[&[u8]]) -> Option<i64> {
    let [day, month, year, time, b"GMT"] = parts else {
        return None;
    };
    if day.len() != 2 || year.len() != 4 {
        return None;
    }
    epoch_ms(
        digits(year)?,
        month_number(month)?,
        digits(day)?,
        time_of_day_ms(time)?,
    )
}

/// `06-Nov-94 08:49:37 GMT`, after the weekday.
fn rfc850(parts: &[&[u8]], now_ms: i64) -> Option<i64> {
    let [date, time, b"GMT"] = parts else {
        return None;
    };
    let [day, month, year] = three(date, b'-')?;
    if day.len() != 2 || year.len() != 2 {
        return None;
    }
    let (day, month, time_ms) = (digits(day)?, month_number(month)?, time_of_day_ms(time)?);
    let year = full_year(digits(year)?, month, day, time_ms, now_ms);
    epoch_ms(year, month, day, time_ms)
}

/// The year that a two-digit `short_year` stands for at `now_ms`: the latest year ending in those
/// digits whose date is at most [`TWO_DIGIT_YEAR_HORIZON`] years after now. The hundred years that
/// qualify end fifty years from now, so in 2026 `76` is 2076 until the same moment of the year has
/// passed, and `77` is 1977.
fn full_year(short_year: i64, month: i64, day: i64, time_ms: i64, now_ms: i64) -> i64 {
    let now_day = now_ms.div_euclid(MS_PER_DAY);
    let now_year = year_of_day(now_day);
    let horizon = now_year + TWO_DIGIT_YEAR_HORIZON;
    let year = horizon - (horizon - short_year).rem_euclid(100);
    if year < horizon {
        return year;
    }
    // In the horizon year itself, exactly fifty years ahead still counts as the future and a moment
    // later does not: compare the date as if it fell in this year with now. Compared as (day, time)
    // pairs, not milliseconds, so that no clock value can overflow.
    let this_year = (days_from_civil(now_year, month, day), time_ms);
    if this_year > (now_day, now_ms.rem_euclid(MS_PER_DAY)) {
        year - 100
    } else {
        year
    }
}

/// The proleptic Gregorian year that contains the day `day` (days since 1970-01-01). Estimated from
/// the 400-year cycle's 146 097 days, then corrected against [`days_from_civil`], which it inverts.
fn year_of_day(day: i64) -> i64 {
    let mut year = 1970 + (day * 400).div_euclid(146_097);
    while days_from_civil(year, 1, 1) > day {
        year -= 1;
    }
    while days_from_civil(year + 1, 1, 1) <= day {
        year += 1;
    }
    year
}

/// `Nov  6 08:49:37 1994`, after the weekday.
fn asctime(parts: &[&[u8]]) -> Option<i64> {
    let [month, day, time, year] = parts else {
        return None;
    };
    if day.is_empty() || day.len() > 2 || year.len() != 4 {
        return None;
    }
    epoch_ms(
        digits(year)?,
        month_number(month)?,
        digits(day)?,
        time_of_day_ms(time)?,
    )
}

/// `08:49:37` as milliseconds since midnight.
fn time_of_day_ms(time: &[u8]) -> Option<i64> {
    let [h, m, s] = three(time, b':')?;
    if h.len() != 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (hour, minute, second) = (digits(h)?, digits(m)?, digits(s)?);
    // 60 is allowed for a leap second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(((hour * 60 + minute) * 60 + second) * 1000)
}

/// The moment `time_ms` into a calendar day, or `None` for a day the month does not have. Checked:
/// a two-digit year read against an extreme clock can name a year past what `i64` milliseconds hold.
fn epoch_ms(year: i64, month: i64, day: i64, time_ms: i64) -> Option<i64> {
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    days_from_civil(year, month, day)
        .checked_mul(MS_PER_DAY)?
        .checked_add(time_ms)
}

/// `text` split at `separator` into exactly three parts.
fn three(text: &[u8], separator: u8) -> Option<[&[u8]; 3]> {
    let mut parts = text.split(|&b| b == separator);
    let three = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(three)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A short run of ASCII digits as a number; `None` for anything else (signs, spaces, empty).
fn digits(text: &[u8]) -> Option<i64> {
    if text.is_empty() || text.len() > 4 {
        return None;
    }
    text.iter().try_fold(0, |value, &b| {
        b.is_ascii_digit().then(|| value * 10 + i64::from(b - b'0'))
    })
}

fn month_number(name: &[u8]) -> Option<i64> {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
    ];
    MONTHS.iter().position(|m| *m == name).map(|i| i as i64 + 1)
}

fn is_short_weekday(name: &[u8]) -> bool {
    matches!(name, b"Mon" | b"Tue" | b"Wed" | b"Thu" | b"Fri" | b"Sat" | b"Sun")
}

fn is_long_weekday(name: &[u8]) -> bool {
    matches!(
        name,
        b"Monday" | b"Tuesday" | b"Wednesday" | b"Thursday" | b"Friday" | b"Saturday" | b"Sunday"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06T08:49:37Z, the example date of RFC 9110.
    const RFC_EXAMPLE_MS: i64 = 784_111_777_000;

    /// 2026-11-29T00:00:00Z and 12:00:00Z: "now" for the two-digit-year tests.
    const NOV_29_2026: i64 = 1_795_910_400_000;
    const NOV_29_2026_NOON: i64 = 1_795_953_600_000;

    #[test]
    fn reads_all_three_formats_of_the_rfc_example() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", NOV_29_2026),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", NOV_29_2026),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(
            parse_http_date("Sun Nov  6 08:49:37 1994", NOV_29_2026),
            Some(RFC_EXAMPLE_MS)
        );
    }

    #[test]
    fn reads_the_epoch_and_a_leap_day() {
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT", NOV_29_2026),
            Some(0)
        );
        // 2024-02-29T12:00:00Z
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT", NOV_29_2026),
            Some(1_709_208_000_000)
        );
        // 2026-11-24T20:00:00Z
        assert_eq!(
            parse_http_date("Tue, 24 Nov 2026 20:00:00 GMT", NOV_29_2026),
            Some(1_795_550_400_000)
        );
    }

    #[test]
    fn reads_dates_before_the_epoch_as_negative() {
        assert_eq!(
            parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT", NOV_29_2026),
            Some(-1000)
        );
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "",
            "GMT",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Feb 2024 08:49:37 GMT",
            "Sun, 29 Feb 2023 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Fun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun Nov 6 08:49:37",
            "120",
            "Sün, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad, NOV_29_2026), None, "{bad:?}");
        }
    }

    /// The instant of an IMF-fixdate, which has a four-digit year and needs no clock.
    fn at(imf_fixdate: &str) -> Option<i64> {
        parse_http_date(imf_fixdate, 0)
    }

    #[test]
    fn a_two_digit_year_up_to_fifty_years_ahead_is_read_in_the_future() {
        assert_eq!(
            parse_http_date("Friday, 29-Nov-75 08:49:37 GMT", NOV_29_2026),
            at("Fri, 29 Nov 2075 08:49:37 GMT")
        );
        assert_eq!(
            parse_http_date("Wednesday, 01-Jan-70 00:00:00 GMT", NOV_29_2026),
            at("Wed, 01 Jan 2070 00:00:00 GMT")
        );
    }

    #[test]
    fn a_two_digit_year_more_than_fifty_years_ahead_is_read_in_the_past_century() {
        assert_eq!(
            parse_http_date("Tuesday, 29-Nov-77 08:49:37 GMT", NOV_29_2026),
            at("Tue, 29 Nov 1977 08:49:37 GMT")
        );
        assert_eq!(
            parse_http_date("Wednesday, 29-Dec-99 23:59:59 GMT", NOV_29_2026),
            at("Wed, 29 Dec 1999 23:59:59 GMT")
        );
        // On the first day of 2000, `51` is 51 years ahead as 2051, so it is 1951.
        let jan_2000 = 946_684_800_000;
        assert_eq!(
            parse_http_date("Monday, 01-Jan-51 00:00:00 GMT", jan_2000),
            at("Mon, 01 Jan 1951 00:00:00 GMT")
        );
    }

    #[test]
    fn exactly_fifty_years_ahead_is_still_the_future_and_a_second_more_is_not() {
        assert_eq!(
            parse_http_date("Sunday, 29-Nov-76 12:00:00 GMT", NOV_29_2026_NOON),
            at("Sun, 29 Nov 2076 12:00:00 GMT")
        );
        assert_eq!(
            parse_http_date("Monday, 29-Nov-76 12:00:01 GMT", NOV_29_2026_NOON),
            at("Mon, 29 Nov 1976 12:00:01 GMT")
        );
        // A day later in the calendar, an hour earlier in the day: still more than fifty years.
        assert_eq!(
            parse_http_date("Tuesday, 30-Nov-76 11:00:00 GMT", NOV_29_2026_NOON),
            at("Tue, 30 Nov 1976 11:00:00 GMT")
        );
    }

    #[test]
    fn in_1994_the_rfc_example_is_1994_and_45_is_1945() {
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", RFC_EXAMPLE_MS),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-44 08:49:37 GMT", RFC_EXAMPLE_MS),
            at("Sun, 06 Nov 2044 08:49:37 GMT")
        );
        assert_eq!(
            parse_http_date("Tuesday, 06-Nov-45 08:49:37 GMT", RFC_EXAMPLE_MS),
            at("Tue, 06 Nov 1945 08:49:37 GMT")
        );
    }

    #[test]
    fn late_in_the_century_a_small_two_digit_year_is_read_in_the_next_one() {
        // 2080-06-01: the hundred years that qualify run to 2130.
        let june_2080 = 3_484_425_600_000;
        assert_eq!(
            parse_http_date("Wednesday, 01-Jan-10 00:00:00 GMT", june_2080),
            at("Wed, 01 Jan 2110 00:00:00 GMT")
        );
        assert_eq!(
            parse_http_date("Wednesday, 01-Jan-31 00:00:00 GMT", june_2080),
            at("Wed, 01 Jan 2031 00:00:00 GMT")
        );
    }

    #[test]
    fn a_29_february_is_checked_in_the_century_chosen() {
        // 2000 was a leap year; 2100, the reading of `00` from 2060, is not.
        assert_eq!(
            parse_http_date("Tuesday, 29-Feb-00 12:00:00 GMT", NOV_29_2026),
            at("Tue, 29 Feb 2000 12:00:00 GMT")
        );
        let jan_2060 = at("Thu, 01 Jan 2060 00:00:00 GMT").unwrap();
        assert_eq!(parse_http_date("Monday, 29-Feb-00 12:00:00 GMT", jan_2060), None);
    }

    #[test]
    fn any_clock_value_gives_a_date_or_none_without_overflowing() {
        for now in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            for text in [
                "Sunday, 06-Nov-94 08:49:37 GMT",
                "Thursday, 31-Dec-99 23:59:60 GMT",
                "Saturday, 01-Jan-00 00:00:00 GMT",
            ] {
                if let Some(ms) = parse_http_date(text, now) {
                    // Never more than fifty years (of at most 366 days) ahead of the clock.
                    let horizon = 50 * 366 * MS_PER_DAY;
                    assert!(ms <= now.saturating_add(horizon), "{text:?} at {now}: {ms}");
                }
            }
        }
    }
}
