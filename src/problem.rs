//! What the body of a failed REST answer says: [`problem`] reads each shape BigCommerce (or a proxy
//! in front of it) sends into one [`Problem`].
//!
//! The shapes, from `bigcommerce-api-behaviour.md` ("Error bodies"):
//! - REST v3, problem-like: `{status, title, type, instance?, detail?, code?, errors: {field: message}}`,
//!   `type` perhaps relative, an integer `code` on some 409s and 422s;
//! - REST v2: an array of `{status, message, details?}`, whose inner `status` may disagree with the
//!   answer's (the answer's is the one to trust);
//! - the price-list 503 envelope: `{"error": {code, message, details, retry_after_seconds, timestamp}}`;
//! - plain text (some 401s are just `Unauthorized`), an HTML page from a proxy or CDN, an empty body,
//!   or JSON of another shape.
//!
//! Everything taken from the body is bounded and redacted (see [`crate::body_text`]). A body that
//! looks like JSON but cannot be read as JSON (cut off, too deep, malformed) is read as text, and
//! says why.

use alloc::{string::String, vec::Vec};

use crate::body_text::{clean, redacted, string_of, text_of, MAX_ITEMS};
use crate::hints::HINT_CEILING_MS;
use crate::json::{self, Json, Kind, Unreadable, MAX_BODY_BYTES};
use crate::redact::{cut, find_ignoring_case, MAX_SCANNED_BYTES};

/// Which shape a body had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A REST v3 problem: `{status, title, type, …}`.
    V3,
    /// A REST v2 array: `[{status, message, details?}]`.
    V2,
    /// The `{"error": {code, message, …}}` envelope of the price-list API.
    Envelope,
    /// Plain text, or JSON that could not be read (then [`Problem::unreadable`] says why).
    Text,
    /// An HTML page.
    Html,
    /// JSON of no known shape.
    Json,
    /// Nothing, or only white space.
    Empty,
}

impl Shape {
    /// The name JavaScript sees: `"v3"`, `"v2"`, `"envelope"`, `"text"`, `"html"`, `"json"` or
    /// `"empty"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::V3 => "v3",
            Shape::V2 => "v2",
            Shape::Envelope => "envelope",
            Shape::Text => "text",
            Shape::Html => "html",
            Shape::Json => "json",
            Shape::Empty => "empty",
        }
    }
}

/// An error code from a body: v3's integer `code`, or the envelope's `"SERVICE_DEGRADED"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    /// An integer code.
    Number(i64),
    /// A code written as text.
    Text(String),
}

/// One field a v3 problem names in `errors`, with what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as the API names it (`"price"`, `"variants.0.sku"`).
    pub field: String,
    /// What is wrong; empty when the body gave no text for it.
    pub message: String,
}

/// What the body of a failed answer says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The answer's HTTP status, which is trusted over any status written in the body.
    pub status: u16,
    /// The shape the body had.
    pub shape: Shape,
    /// The one-line summary: v3's `title`; v2's first `message`; the envelope's `message`; the text;
    /// an HTML page's `<title>` or first heading; another JSON body's `message`, `title` or `error`.
    pub title: Option<String>,
    /// More about it: v3's `detail`, v2's first `details`, the envelope's `details`.
    pub detail: Option<String>,
    /// v3's `type`, a URL that may be relative.
    pub error_type: Option<String>,
    /// v3's `instance`.
    pub instance: Option<String>,
    /// v3's `code` or the envelope's.
    pub code: Option<Code>,
    /// v3's `errors`, in the order written.
    pub field_errors: Vec<FieldError>,
    /// v2's messages, in order, or the messages of an `errors` array.
    pub messages: Vec<String>,
    /// The envelope's `retry_after_seconds`, in milliseconds (clamped to
    /// [`HINT_CEILING_MS`]).
    pub retry_after_ms: Option<u64>,
    /// Why a body that looked like JSON was read as text instead.
    pub unreadable: Option<Unreadable>,
}

/// Reads the body of a non-2xx REST answer with `status`. `content_type` is the answer's
/// `Content-Type` (empty when absent); the body is read as JSON when it starts with `{` or `[` or the
/// type names JSON, as HTML when it starts with `<` or the type names HTML, and as text otherwise.
pub fn problem(status: u16, content_type: &str, body: &str) -> Problem {
    let mut problem = Problem {
        status,
        shape: Shape::Empty,
        title: None,
        detail: None,
        error_type: None,
        instance: None,
        code: None,
        field_errors: Vec::new(),
        messages: Vec::new(),
        retry_after_ms: None,
        unreadable: None,
    };
    let text = cut(body, MAX_BODY_BYTES).trim_ascii();
    let Some(&first) = text.as_bytes().first() else {
        return problem;
    };
    let says = |word: &[u8]| find_ignoring_case(content_type.as_bytes(), 0, word).is_some();
    if first == b'<' || (says(b"html") && !matches!(first, b'{' | b'[')) {
        problem.shape = Shape::Html;
        problem.title = html_title(text);
    } else if matches!(first, b'{' | b'[') || says(b"json") {
        match json::parse(body) {
            Ok(value) => read_json(value, &mut problem),
            Err(unreadable) => {
                problem.shape = Shape::Text;
                problem.title = Some(redacted(text));
                problem.unreadable = Some(unreadable);
            }
        }
    } else {
        problem.shape = Shape::Text;
        problem.title = Some(redacted(text));
    }
    problem
}

fn read_json(value: Json<'_>, problem: &mut Problem) {
    match value.kind() {
        Kind::Object => read_object(value, problem),
        Kind::Array => {
            problem.shape = Shape::V2;
            for item in value.items().take(MAX_ITEMS) {
                if problem.detail.is_none() && problem.messages.is_empty() {
                    problem.detail = item.get("details").and_then(text_of);
                }
                let message = match item.kind() {
                    Kind::Object => item.get("message").and_then(text_of),
                    _ => text_of(item),
                };
                problem.messages.extend(message);
            }
            problem.title = problem.messages.first().cloned();
        }
        _ => {
            problem.shape = Shape::Json;
            problem.title = text_of(value);
        }
    }
}

/// A v3 problem, the envelope, or another object, read in one pass over its members; a name that is
/// written twice counts as its last value, as `JSON.parse` reads it.
fn read_object(object: Json<'_>, problem: &mut Problem) {
    let (mut title, mut kind_of_problem, mut status, mut errors) = (None, false, false, false);
    let mut envelope = None;
    // Another object's summary: its `message`, `error` (as text) or `error_description`.
    let mut summary = None;
    for (name, value) in object.members() {
        if name.is("title") {
            title = text_of(value);
            kind_of_problem = true;
        } else if name.is("type") {
            problem.error_type = string_of(value);
            kind_of_problem = true;
        } else if name.is("status") {
            status = true;
        } else if name.is("detail") {
            problem.detail = text_of(value);
        } else if name.is("instance") {
            problem.instance = string_of(value);
        } else if name.is("code") {
            problem.code = code_of(value);
        } else if name.is("errors") {
            errors = true;
            read_errors(value, problem);
        } else if name.is("error") {
            envelope = (value.kind() == Kind::Object).then_some(value);
            summary = text_of(value).or(summary);
        } else if name.is("message") || name.is("error_description") {
            summary = text_of(value).or(summary);
        }
    }
    problem.shape = if kind_of_problem || (status && errors) {
        Shape::V3
    } else {
        Shape::Json
    };
    if let Some(envelope) = envelope {
        problem.shape = Shape::Envelope;
        read_envelope(envelope, problem);
    } else {
        problem.title = title.or(summary);
    }
    if problem.title.is_none() {
        problem.title = problem.messages.first().cloned();
    }
}

/// `{"code": "SERVICE_DEGRADED", "message": …, "details": …, "retry_after_seconds": 30, …}`.
fn read_envelope(error: Json<'_>, problem: &mut Problem) {
    for (name, value) in error.members() {
        if name.is("code") {
            problem.code = code_of(value);
        } else if name.is("message") {
            problem.title = text_of(value);
        } else if name.is("details") {
            problem.detail = text_of(value);
        } else if name.is("retry_after_seconds") {
            problem.retry_after_ms = value
                .as_integer()
                .and_then(|seconds| u64::try_from(seconds).ok())
                .map(|seconds| seconds.saturating_mul(1000).min(HINT_CEILING_MS));
        }
    }
}

/// v3's `errors`: an object of field → message, or (elsewhere) an array of messages.
fn read_errors(errors: Json<'_>, problem: &mut Problem) {
    problem.field_errors.clear();
    problem.messages.clear();
    problem.field_errors.extend(
        errors
            .members()
            .take(MAX_ITEMS)
            .map(|(field, message)| FieldError {
                field: clean(field),
                message: text_of(message).unwrap_or_default(),
            }),
    );
    problem
        .messages
        .extend(errors.items().take(MAX_ITEMS).filter_map(|item| {
            match item.kind() {
                Kind::Object => ["message", "title", "detail"]
                    .into_iter()
                    .find_map(|name| item.get(name).and_then(text_of)),
                _ => text_of(item),
            }
        }));
}

fn code_of(value: Json<'_>) -> Option<Code> {
    match value.as_integer() {
        Some(number) => Some(Code::Number(number)),
        None => string_of(value).map(Code::Text),
    }
}

/// The text of an HTML page's `<title>`, or else of its first heading (`<h1>` to `<h6>`), without
/// its markup, its character references decoded and its white space collapsed.
fn html_title(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let start = tag_at(bytes, b"<title", false).or_else(|| tag_at(bytes, b"<h", true))?;
    let name_len = 1 + bytes
        .get(start + 1..)?
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = bytes.get(start + 1..start + name_len)?;
    let content = start + bytes.get(start..)?.iter().position(|&b| b == b'>')? + 1;
    let end = (content..bytes.len())
        .find(|&at| {
            bytes.get(at..at + 2) == Some(b"</")
                && bytes
                    .get(at + 2..at + 2 + name.len())
                    .is_some_and(|close| close.eq_ignore_ascii_case(name))
        })
        .unwrap_or(bytes.len());
    let text = visible_text(html.get(content..end)?);
    (!text.is_empty()).then(|| redacted(&text))
}

/// Where the first tag `open` (lower case; any case in `bytes`) starts, followed by a level `1` to `6`
/// when `leveled` (a heading), then by `>`, `/` or white space, so that `<titles>` is not `<title>`.
fn tag_at(bytes: &[u8], open: &[u8], leveled: bool) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = find_ignoring_case(bytes, from, open)?;
        let mut after = at + open.len();
        let level = !leveled || matches!(bytes.get(after), Some(b'1'..=b'6'));
        after += usize::from(leveled);
        if level
            && matches!(
                bytes.get(after),
                Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
            )
        {
            return Some(at);
        }
        from = at + 1;
    }
}

/// The text of an HTML fragment: tags dropped, character references decoded, runs of white space made
/// one space, and cut where [`redact`](crate::redact::redact) stops reading.
fn visible_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut space = false;
    let mut at = 0;
    while out.len() < MAX_SCANNED_BYTES {
        let Some(&b) = bytes.get(at) else { break };
        if b == b'<' {
            at += bytes
                .get(at..)
                .and_then(|rest| rest.iter().position(|&b| b == b'>'))
                .map_or(bytes.len(), |end| end + 1);
            continue;
        }
        let (c, len) = match b {
            b'&' => reference(bytes.get(at..).unwrap_or_default()).unwrap_or(('&', 1)),
            _ => match html.get(at..).and_then(|rest| rest.chars().next()) {
                Some(c) => (c, c.len_utf8()),
                None => break,
            },
        };
        at += len;
        // ASCII white space and the no-break space of `&nbsp;`: Unicode's table is not worth its size.
        if c.is_ascii_whitespace() || c == '\u{a0}' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// The character a reference at the start of `bytes` stands for (`&amp;`, `&#39;`, `&#x2014;`, a few
/// more names), and its length; `None` for anything else, which is then kept as written.
fn reference(bytes: &[u8]) -> Option<(char, usize)> {
    let end = bytes.iter().take(12).position(|&b| b == b';')?;
    let name = bytes.get(1..end)?;
    let c = match name {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        b"nbsp" => '\u{a0}',
        [b'#', b'x' | b'X', hex @ ..] => number(hex, 16)?,
        [b'#', decimal @ ..] => number(decimal, 10)?,
        _ => return None,
    };
    Some((c, end + 1))
}

fn number(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() {
        return None;
    }
    let mut value: u32 = 0;
    for &digit in digits {
        value = value
            .checked_mul(radix)?
            .checked_add(char::from(digit).to_digit(radix)?)?;
    }
    char::from_u32(value)
}

#[cfg(test)]
mod tests;
