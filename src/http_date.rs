//! Parsing of HTTP-dates, the form `Retry-After` may take instead of a number of seconds.
//!
//! RFC 9110 (section 5.6.7) says a recipient must accept three formats: the preferred IMF-fixdate
//! (`Sun, 06 Nov 1994 08:49:37 GMT`) and two obsolete ones, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
//! and C's asctime (`Sun Nov  6 08:49:37 1994`). Anything else yields `None`.

use alloc::vec::Vec;

/// Milliseconds since the Unix epoch for an HTTP-date, or `None` when the text is not one.
///
/// Parsed as bytes: the formats are ASCII, and `str`'s pattern searchers would add kilobytes to the wasm.
pub fn parse_http_date(text: &str) -> Option<i64> {
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
            rfc850(&rest)
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
    epoch_ms(digits(year)?, month_number(month)?, digits(day)?, time)
}

/// `06-Nov-94 08:49:37 GMT`, after the weekday. A two-digit year that would lie more than 50 years in
/// the future is read as the past century (RFC 9110); we have no clock here, so 70–99 → 19xx, else 20xx.
fn rfc850(parts: &[&[u8]]) -> Option<i64> {
    let [date, time, b"GMT"] = parts else {
        return None;
    };
    let [day, month, year] = three(date, b'-')?;
    if day.len() != 2 || year.len() != 2 {
        return None;
    }
    let short_year = digits(year)?;
    let year = if short_year >= 70 {
        1900 + short_year
    } else {
        2000 + short_year
    };
    epoch_ms(year, month_number(month)?, digits(day)?, time)
}

/// `Nov  6 08:49:37 1994`, after the weekday.
fn asctime(parts: &[&[u8]]) -> Option<i64> {
    let [month, day, time, year] = parts else {
        return None;
    };
    if day.is_empty() || day.len() > 2 || year.len() != 4 {
        return None;
    }
    epoch_ms(digits(year)?, month_number(month)?, digits(day)?, time)
}

fn epoch_ms(year: i64, month: i64, day: i64, time: &[u8]) -> Option<i64> {
    let [h, m, s] = three(time, b':')?;
    if h.len() != 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (hour, minute, second) = (digits(h)?, digits(m)?, digits(s)?);
    // 60 is allowed for a leap second.
    if hour > 23 || minute > 59 || second > 60 || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
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

    #[test]
    fn reads_all_three_formats_of_the_rfc_example() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(RFC_EXAMPLE_MS));
    }

    #[test]
    fn reads_the_epoch_and_a_leap_day() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        // 2024-02-29T12:00:00Z
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"),
            Some(1_709_208_000_000)
        );
        // 2026-11-24T20:00:00Z
        assert_eq!(
            parse_http_date("Tue, 24 Nov 2026 20:00:00 GMT"),
            Some(1_795_550_400_000)
        );
    }

    #[test]
    fn reads_dates_before_the_epoch_as_negative() {
        assert_eq!(parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT"), Some(-1000));
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
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reads_two_digit_years_in_the_nearest_century() {
        assert_eq!(
            parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT"),
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT")
        );
        assert_eq!(
            parse_http_date("Tuesday, 24-Nov-26 20:00:00 GMT"),
            parse_http_date("Tue, 24 Nov 2026 20:00:00 GMT")
        );
    }
}
