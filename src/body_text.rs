//! Text taken from a response body, as it may leave the core: decoded, bounded and redacted.
//!
//! An error body is written by the API, or by whatever stands between it and the caller, and its text
//! ends up in error messages and logs. So every string read from one is cleaned by [`redact`] (a
//! `detail` that quotes the request URL would carry its query, a token included) and cut to
//! [`MAX_TEXT_BYTES`], and every list is cut to [`MAX_ITEMS`] entries.

use alloc::string::String;

use crate::json::{Json, JsonStr, Kind};
use crate::redact::{cut, redact, MAX_MESSAGE_BYTES, MAX_SCANNED_BYTES};

/// The most bytes of any string taken from a body: as much as [`redact`] keeps of a message.
pub const MAX_TEXT_BYTES: usize = MAX_MESSAGE_BYTES;

/// The most entries of any list read from a body: field errors, messages, failures, GraphQL errors.
/// A batch of price records holds up to 1,000 records; BigCommerce's other batches are smaller.
pub const MAX_ITEMS: usize = 1_000;

/// Between the pieces of a text made of several values.
const SEPARATOR: &str = "; ";

/// `text` redacted and cut to [`MAX_TEXT_BYTES`] (at a character boundary). [`redact`] cuts before
/// it marks what it removes, and its `[redacted]` markers can make the text longer again (a message
/// of many short quoted parts about a header); cutting after it only removes more.
pub fn redacted(text: &str) -> String {
    let mut out = redact(text);
    out.truncate(cut(&out, MAX_TEXT_BYTES).len());
    out
}

/// A string from a body: decoded as far as [`redact`] reads, then [`redacted`].
pub fn clean(text: JsonStr<'_>) -> String {
    redacted(&text.decode(MAX_SCANNED_BYTES))
}

/// A value read as text, cleaned as [`clean`] does: a string; a number or `true`/`false` as written;
/// the strings, numbers and booleans of an array, joined by "; "; the members of an object whose
/// values are those, as "name: value", joined by "; ". Nested arrays and objects are left out: a
/// message is text, and a value that holds none is `None`, as are `null` and empty text.
pub fn text_of(value: Json<'_>) -> Option<String> {
    let mut text = Bounded(String::new());
    match value.kind() {
        Kind::Array => {
            for item in value.items() {
                text.scalar(item, SEPARATOR);
            }
        }
        Kind::Object => {
            for (name, member) in value.members() {
                if is_scalar(member) {
                    text.separate(SEPARATOR);
                    text.string(name);
                    text.scalar(member, ": ");
                }
            }
        }
        _ => text.scalar(value, ""),
    }
    (!text.0.is_empty()).then(|| redacted(&text.0))
}

/// The string of a value that should be one; `None` for anything else.
pub fn string_of(value: Json<'_>) -> Option<String> {
    value.as_str().map(clean).filter(|text| !text.is_empty())
}

fn is_scalar(value: Json<'_>) -> bool {
    matches!(value.kind(), Kind::String | Kind::Number | Kind::Bool)
}

/// Text built up to [`MAX_SCANNED_BYTES`], which is as far as [`redact`] reads.
struct Bounded(String);

impl Bounded {
    /// Appends a string, number or boolean after `separator` (when something came before);
    /// ignores anything else.
    fn scalar(&mut self, value: Json<'_>, separator: &str) {
        if !is_scalar(value) {
            return;
        }
        self.separate(separator);
        match value.as_str() {
            Some(text) => self.string(text),
            None => self.push(value.raw()),
        }
    }

    fn separate(&mut self, separator: &str) {
        if !self.0.is_empty() {
            self.push(separator);
        }
    }

    fn string(&mut self, text: JsonStr<'_>) {
        let room = MAX_SCANNED_BYTES.saturating_sub(self.0.len());
        self.0.push_str(&text.decode(room));
    }

    fn push(&mut self, text: &str) {
        let room = MAX_SCANNED_BYTES.saturating_sub(self.0.len());
        self.0.push_str(crate::redact::cut(text, room));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;
    use alloc::format;

    fn text(json: &str) -> Option<String> {
        text_of(parse(json).expect("valid JSON"))
    }

    #[test]
    fn scalars_read_as_written_and_null_as_nothing() {
        assert_eq!(
            text(r#""Please provide a name.""#).as_deref(),
            Some("Please provide a name.")
        );
        assert_eq!(text("422").as_deref(), Some("422"));
        assert_eq!(text("-1.5e3").as_deref(), Some("-1.5e3"));
        assert_eq!(text("false").as_deref(), Some("false"));
        assert_eq!(text("null"), None);
        assert_eq!(text(r#""""#), None);
    }

    #[test]
    fn lists_and_objects_read_as_their_scalars_joined() {
        assert_eq!(
            text(r#"["too long", 3, true, null, [1], {}]"#).as_deref(),
            Some("too long; 3; true")
        );
        assert_eq!(
            text(r#"{"conflict_reason":"name in use","id":7,"nested":{"x":1},"list":[1]}"#).as_deref(),
            Some("conflict_reason: name in use; id: 7")
        );
        assert_eq!(text("[]"), None);
        assert_eq!(text(r#"{"a":{"b":"c"}}"#), None);
    }

    #[test]
    fn text_is_redacted_and_bounded() {
        assert_eq!(
            text(r#""failed for https://api.example.com/v3/x?access_token=SECRET""#).as_deref(),
            Some("failed for https://api.example.com/v3/x?[redacted]")
        );
        let long = format!(r#"["{}", "{}"]"#, "é".repeat(20_000), "x".repeat(20_000));
        let cut = text(&long).expect("text");
        assert!(cut.len() <= MAX_TEXT_BYTES);
        assert!(cut.starts_with("éé"));
    }

    #[test]
    fn redacted_text_stays_within_the_bound_though_markers_lengthen_it() {
        // Each pair of quotes in a message about a header becomes a marker.
        let quotes = format!("header {}", "'x' ".repeat(250));
        assert!(redact(&quotes).len() > MAX_TEXT_BYTES);
        let out = redacted(&quotes);
        assert!(out.len() <= MAX_TEXT_BYTES && out.starts_with("header '[redacted]' '"));
        assert!(!out.contains('x'));
    }

    #[test]
    fn string_of_takes_only_strings() {
        let value = parse(r#"{"a":"x","b":5,"c":""}"#).expect("valid JSON");
        assert_eq!(value.get("a").and_then(string_of).as_deref(), Some("x"));
        assert_eq!(value.get("b").and_then(string_of), None);
        assert_eq!(value.get("c").and_then(string_of), None);
    }
}
