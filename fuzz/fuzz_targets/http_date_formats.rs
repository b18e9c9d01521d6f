//! Any valid date and time, written in the three forms of RFC 9110 (section 5.6.7), reads back as the
//! same instant.
//!
//! The date is formatted here and its instant counted here, day by day, without the code under test.
//! The RFC 850 form has a two-digit year, so it is read against a clock less than fifty years (of 365
//! days) from the date, where its century is unambiguous; and, when the same day exists fifty years
//! earlier, against the clock at exactly fifty years before it (still the date) and one millisecond
//! earlier (now a hundred years before).
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use commerce_fetch::http_date::parse_http_date;
use libfuzzer_sys::fuzz_target;

const MS_PER_DAY: i64 = 86_400_000;
/// Fifty years of 365 days: always less than fifty calendar years.
const FIFTY_SHORT_YEARS_MS: i64 = 50 * 365 * MS_PER_DAY;
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[derive(Debug, Clone, Copy)]
struct Date {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    /// Up to 60, a leap second, which the parser reads as the next minute's first second.
    second: i64,
}

#[derive(Debug)]
struct Input {
    date: Date,
    /// Where the clock stands from the date, in (−50, +50) years of 365 days.
    clock_offset_ms: i64,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let year = u.int_in_range(0..=9999)?;
        let month = u.int_in_range(1..=12)?;
        let date = Date {
            year,
            month,
            day: u.int_in_range(1..=days_in_month(year, month))?,
            hour: u.int_in_range(0..=23)?,
            minute: u.int_in_range(0..=59)?,
            second: u.int_in_range(0..=60)?,
        };
        let reach = FIFTY_SHORT_YEARS_MS - 1;
        Ok(Input {
            date,
            clock_offset_ms: u.int_in_range(-reach..=reach)?,
        })
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01, counted four hundred years (146 097 days in the Gregorian calendar) at a
/// time, then a year and a month at a time.
fn days_since_epoch(year: i64, month: i64, day: i64) -> i64 {
    const FOUR_CENTURIES: i64 = 146_097;
    let year_length = |y| if is_leap(y) { 366 } else { 365 };
    let mut days = 0;
    let mut y = 1970;
    while year - y >= 400 {
        days += FOUR_CENTURIES;
        y += 400;
    }
    while y - year >= 400 {
        days -= FOUR_CENTURIES;
        y -= 400;
    }
    while y < year {
        days += year_length(y);
        y += 1;
    }
    while y > year {
        y -= 1;
        days -= year_length(y);
    }
    for m in 1..month {
        days += days_in_month(year, m);
    }
    days + day - 1
}

impl Date {
    fn epoch_ms(&self) -> i64 {
        let days = days_since_epoch(self.year, self.month, self.day);
        ((days * 24 + self.hour) * 60 + self.minute) * 60_000 + self.second * 1000
    }

    fn weekday(&self) -> &'static str {
        // 1970-01-01 was a Thursday, index 3.
        let days = days_since_epoch(self.year, self.month, self.day);
        WEEKDAYS[(days + 3).rem_euclid(7) as usize]
    }

    fn time(&self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }

    fn month_name(&self) -> &'static str {
        MONTHS[(self.month - 1) as usize]
    }

    fn imf_fixdate(&self) -> String {
        format!(
            "{}, {:02} {} {:04} {} GMT",
            &self.weekday()[..3],
            self.day,
            self.month_name(),
            self.year,
            self.time()
        )
    }

    fn rfc850(&self) -> String {
        format!(
            "{}, {:02}-{}-{:02} {} GMT",
            self.weekday(),
            self.day,
            self.month_name(),
            self.year % 100,
            self.time()
        )
    }

    fn asctime(&self) -> String {
        format!(
            "{} {} {:>2} {} {:04}",
            &self.weekday()[..3],
            self.month_name(),
            self.day,
            self.time(),
            self.year
        )
    }
}

fuzz_target!(|input: Input| {
    let date = input.date;
    let expected = Some(date.epoch_ms());
    let now_ms = date.epoch_ms() + input.clock_offset_ms;
    for text in [date.imf_fixdate(), date.asctime()] {
        assert_eq!(parse_http_date(&text, now_ms), expected, "{text:?}");
    }
    let rfc850 = date.rfc850();
    assert_eq!(
        parse_http_date(&rfc850, now_ms),
        expected,
        "{rfc850:?} at {now_ms}"
    );

    // Fifty calendar years before the date, to the millisecond, the date is still exactly at the
    // horizon; a millisecond earlier it lies beyond it and the same digits mean a century before.
    let half_century_earlier = Date {
        year: date.year - 50,
        ..date
    };
    if date.day > days_in_month(half_century_earlier.year, date.month) {
        return; // a 29 February with no twin fifty years earlier
    }
    let horizon_now = half_century_earlier.epoch_ms();
    assert_eq!(
        parse_http_date(&rfc850, horizon_now),
        expected,
        "{rfc850:?} exactly fifty years ahead of {horizon_now}"
    );
    let century_before = Date {
        year: date.year - 100,
        ..date
    };
    let expected_before =
        (date.day <= days_in_month(century_before.year, date.month)).then(|| century_before.epoch_ms());
    assert_eq!(
        parse_http_date(&rfc850, horizon_now - 1),
        expected_before,
        "{rfc850:?} at {}",
        horizon_now - 1
    );
});
