//! Messages built from pieces without `core::fmt`: its machinery (formatters, padding, float printing)
//! would add about 10 KB to the wasm that every shopper downloads, for text that is read only when
//! something went wrong.

use alloc::{borrow::ToOwned, string::String};

/// A message built piece by piece: text, and whole numbers in decimal.
#[derive(Default)]
pub struct Message(String);

impl Message {
    /// An empty message.
    pub fn new() -> Message {
        Message::default()
    }

    /// Appends `text`.
    // Not inlined: messages are built from many pieces, and one call each is smaller than a copy each.
    #[inline(never)]
    pub fn text(mut self, text: &str) -> Message {
        self.0.push_str(text);
        self
    }

    /// Appends `number` in decimal.
    pub fn number(mut self, mut number: u64) -> Message {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (number % 10) as u8;
            number /= 10;
            if number == 0 {
                break;
            }
        }
        for &digit in &digits[start..] {
            self.0.push(char::from(digit));
        }
        self
    }

    /// The message.
    pub fn finish(self) -> String {
        self.0
    }
}

/// The most characters of a value quoted in an error message; a longer value is cut and marked with
/// "…", so that a 10 MB option string makes a short message.
pub const MAX_QUOTED_CHARS: usize = 40;

/// `text` in double quotes, for error messages, cut after [`MAX_QUOTED_CHARS`] characters.
pub fn quoted(text: &str) -> String {
    let end = text
        .char_indices()
        .nth(MAX_QUOTED_CHARS)
        .map_or(text.len(), |(at, _)| at);
    let mut out = String::with_capacity(end + 5);
    out.push('"');
    out.push_str(text.get(..end).unwrap_or(text));
    out.push('"');
    if end < text.len() {
        out.push('…');
    }
    out
}

/// A number as a user would write it, for error messages: `-1`, `1.5`, `NaN`, `Infinity`, `3e9`.
///
/// Written by hand because Rust's float formatting adds about 12 KB to the wasm that every shopper
/// downloads, for a message that is shown only when an option is wrong. Up to six decimals are kept.
pub fn describe_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let magnitude = value.abs();
    if magnitude >= 1e15 {
        // Beyond exact integers: the power of ten is what matters in an error message.
        let mut exponent = 0u64;
        let mut scaled = magnitude;
        while scaled >= 10.0 {
            scaled /= 10.0;
            exponent += 1;
        }
        return Message::new()
            .text(sign)
            .number(scaled as u64)
            .text("e")
            .number(exponent)
            .finish();
    }
    // `as` truncates; float `trunc` and `round` are not in `core`.
    let whole = magnitude as u64;
    let mut micro = ((magnitude - whole as f64) * 1e6 + 0.5) as u64;
    let whole = if micro >= 1_000_000 {
        micro = 0;
        whole + 1
    } else {
        whole
    };
    let message = Message::new().text(sign).number(whole);
    if micro == 0 {
        return message.finish();
    }
    // Six digits with leading zeros (1_000_000 + micro, less its leading 1), trailing zeros dropped.
    let digits = Message::new().number(1_000_000 + micro).finish();
    let fraction = digits.strip_prefix('1').unwrap_or(&digits).trim_end_matches('0');
    message.text(".").text(fraction).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_decimal() {
        for number in [0, 7, 10, 429, 1_000_000, u64::MAX] {
            assert_eq!(Message::new().number(number).finish(), number.to_string());
        }
        let message = Message::new().text("waited ").number(1500).text(" ms").finish();
        assert_eq!(message, "waited 1500 ms");
    }

    #[test]
    fn numbers_in_messages_read_as_written() {
        let cases: &[(f64, &str)] = &[
            (-1.0, "-1"),
            (0.0, "0"),
            (1.5, "1.5"),
            (429.5, "429.5"),
            (0.25, "0.25"),
            (1e-7, "0"),
            (2.9999999, "3"),
            (3e9, "3000000000"),
            (1e21, "1e21"),
            (-2e20, "-2e20"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for &(value, text) in cases {
            assert_eq!(describe_number(value), text, "{value}");
        }
    }

    #[test]
    fn a_long_quoted_value_is_cut_after_forty_characters() {
        assert_eq!(quoted("fast"), "\"fast\"");
        let long = "é".repeat(10_000_000 / 2);
        let shown = quoted(&long);
        assert_eq!(shown, alloc::format!("\"{}\"…", "é".repeat(MAX_QUOTED_CHARS)));
        assert_eq!(quoted(&"x".repeat(40)), alloc::format!("\"{}\"", "x".repeat(40)));
    }
}
