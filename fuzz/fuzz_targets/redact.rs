//! `redact` on any text, and on messages built here that quote a secret the way a runtime's error
//! can.
//!
//! An input whose first byte is ASCII is the text itself: the seeds in `fuzz/seeds/redact/` are
//! runtime messages, and mutations of them stay readable. Any other first byte builds a message from
//! the rest of the input, holding one secret token (`[A-Za-z0-9_-]{8,}`, found nowhere else in it):
//! - in the userinfo, query or fragment of a URL written as a URL parser serialises it (WHATWG URL:
//!   ASCII, with each component's percent-encode set escaped, so a path or userinfo may hold `'`,
//!   `(` and `)`, and a query a backtick), with any host, port and path, after and before any of the
//!   ways runtimes and people set a URL in a sentence (Deno's `for url (…): …`, quotes, angle
//!   brackets, backticks, punctuation, the end of the text), among other text and other URLs, and
//!   anywhere relative to the length limit;
//! - or in the value of one of the invalid-header-value messages of Node, Deno, WebKit and Firefox,
//!   a value that may hold spaces, line breaks, colons and non-ASCII text, with text around the
//!   message (not holding quotes, which would pair with the message's own).
//!
//! Invariants:
//! - it never panics, and the output is no longer than the cut input plus the markers that may be
//!   inserted (ten bytes for each URL's userinfo and query, each quote, and each header value);
//! - the cut is the longest prefix of at most `MAX_MESSAGE_BYTES` that ends at a character (worked
//!   out here char by char); text not about a header (no "header", in any case, in what is kept or,
//!   when it was cut, in what is read past the cut) is unchanged up to its first `://` or
//!   its first query outside a URL (`…word?name=…`, which goes as a relative URL's query does);
//! - a planted token never appears in the output, wherever the length limit cuts the message; a
//!   cut inside the token leaves only a prefix of it in the text at all, so the check is for the
//!   whole token. Firefox's message does not quote the value, and after "Window.fetch: " only its
//!   closing words (" is an invalid header value") say that it holds one; `redact` reads up to
//!   `MAX_SCANNED_BYTES` for them, so only a message whose closing words lie beyond that is not
//!   checked (its value is left in the clear);
//! - a URL kept whole keeps its scheme, host, port and path, in a text not about a header (where
//!   quoted parts go too), and not inside a relative URL's query, unless it runs into the cut (nothing that ends a URL
//!   whatever surrounds it, white space, `"`, `<` or `>`, comes between): its authority may then be
//!   userinfo that lost its '@', and goes whole.
#![no_main]

use arbitrary::{Result, Unstructured};
use commerce_fetch::redact::{redact, MAX_MESSAGE_BYTES, MAX_SCANNED_BYTES};
use libfuzzer_sys::fuzz_target;

const REDACTED: &str = "[redacted]";

/// How a URL may be introduced: nothing, white space, Deno's parenthesis, quotes, brackets.
const OPENERS: [&str; 11] = ["", " ", "\n", "\t", "(", "for url (", "'", "\"", "<", "`", ": "];
/// How a URL may be followed: the end, white space, closing marks, punctuation, Deno's sentence.
const CLOSERS: [&str; 15] = [
    "",
    " ",
    "\n",
    ")",
    "): client error (Connect)",
    "'",
    "\"",
    ">",
    "`",
    ".",
    ",",
    ";",
    ":",
    "]",
    "').",
];
const SCHEMES: [&str; 5] = ["http", "https", "ws", "wss", "HTTPS"];

/// Printable ASCII that the WHATWG URL serialiser leaves unescaped in each component of a URL with a
/// special scheme (the percent-encode sets of the URL standard, section 1.3).
fn allowed_in(component: Component, b: u8) -> bool {
    if !(0x21..0x7f).contains(&b) || b == b'%' {
        // '%' only starts an escape, written as one below.
        return false;
    }
    let query = !matches!(b, b'"' | b'#' | b'<' | b'>');
    let path = query && !matches!(b, b'?' | b'`' | b'{' | b'}');
    let userinfo = path
        && !matches!(
            b,
            b'/' | b':' | b';' | b'=' | b'@' | b'[' | b'\\' | b']' | b'^' | b'|'
        );
    match component {
        Component::Userinfo => userinfo,
        // A parser reads '\' as '/' in a special URL's path, so it is never written there.
        Component::Path => path && b != b'\\',
        Component::Query => query && b != b'\'',
        Component::Fragment => query && b != b'`' || b == b'#',
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Component {
    Userinfo,
    Path,
    Query,
    Fragment,
}

/// A string of up to `max` characters of `component`, some of them percent-escapes.
fn component_text(u: &mut Unstructured<'_>, component: Component, max: usize) -> Result<String> {
    let len = u.int_in_range(0..=max)?;
    let mut text = String::new();
    for _ in 0..len {
        let b: u8 = u.int_in_range(0x21..=0x7e)?;
        if allowed_in(component, b) {
            text.push(char::from(b));
        } else if u.ratio(1, 4)? {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(text)
}

/// A secret: 8 to 40 characters of `[A-Za-z0-9_-]`.
fn token(u: &mut Unstructured<'_>) -> Result<String> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let len = u.int_in_range(8..=40)?;
    (0..len).map(|_| Ok(char::from(*u.choose(CHARS)?))).collect()
}

/// A host: a domain name, an IPv4 address or a bracketed IPv6 address.
fn host(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => format!(
            "{}.{}.{}.{}",
            u.arbitrary::<u8>()?,
            u.arbitrary::<u8>()?,
            u.arbitrary::<u8>()?,
            u.arbitrary::<u8>()?
        ),
        1 => (*u.choose(&["[::1]", "[2001:db8::7]", "[fe80::1:2]"])?).to_string(),
        _ => {
            const LABEL: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-";
            let labels = u.int_in_range(1..=4)?;
            let mut name = String::new();
            for i in 0..labels {
                if i > 0 {
                    name.push('.');
                }
                for _ in 0..u.int_in_range(1..=12)? {
                    name.push(char::from(*u.choose(LABEL)?));
                }
            }
            name
        }
    })
}

/// Where in a URL the secret goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SecretIn {
    User,
    Password,
    Query,
    Fragment,
}

/// A URL and what stands before and after it.
#[derive(Debug)]
struct Url {
    opener: &'static str,
    /// Scheme, "://", host, port and path: what must be kept.
    kept: String,
    /// The whole URL as written.
    written: String,
    /// Where it ends in the message.
    end: usize,
    closer: &'static str,
}

/// A URL with its components drawn here, and `secret`, if any, planted in one of them.
fn url(u: &mut Unstructured<'_>, secret: Option<(&str, SecretIn)>) -> Result<Url> {
    let plant = |u: &mut Unstructured<'_>, text: String, here: bool| -> Result<String> {
        let Some((token, _)) = secret.filter(|_| here) else {
            return Ok(text);
        };
        let mut at = u.int_in_range(0..=text.len())?;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        Ok(format!("{}{token}{}", &text[..at], &text[at..]))
    };
    let is = |place: SecretIn| secret.is_some_and(|(_, at)| at == place);

    let scheme = *u.choose(&SCHEMES)?;
    let mut userinfo = String::new();
    if is(SecretIn::User) || is(SecretIn::Password) || u.ratio(1, 4)? {
        let user = component_text(u, Component::Userinfo, 12)?;
        userinfo = plant(u, user, is(SecretIn::User))?;
        if is(SecretIn::Password) || u.arbitrary()? {
            let password = component_text(u, Component::Userinfo, 12)?;
            userinfo.push(':');
            userinfo.push_str(&plant(u, password, is(SecretIn::Password))?);
        }
        userinfo.push('@');
    }
    let mut place = host(u)?;
    if u.ratio(1, 3)? {
        place.push_str(&format!(":{}", u.arbitrary::<u16>()?));
    }
    // An empty path is how people write a URL, a parser would write "/".
    for _ in 0..u.int_in_range(0..=4)? {
        place.push('/');
        place.push_str(&component_text(u, Component::Path, 10)?);
    }
    let mut tail = String::new();
    if is(SecretIn::Query) || u.ratio(1, 3)? {
        let query = component_text(u, Component::Query, 16)?;
        tail.push('?');
        tail.push_str(&plant(u, query, is(SecretIn::Query))?);
    }
    if is(SecretIn::Fragment) || u.ratio(1, 4)? {
        let fragment = component_text(u, Component::Fragment, 16)?;
        tail.push('#');
        tail.push_str(&plant(u, fragment, is(SecretIn::Fragment))?);
    }
    let written = format!("{scheme}://{userinfo}{place}{tail}");
    let kept = if userinfo.is_empty() {
        format!("{scheme}://{place}")
    } else {
        format!("{scheme}://{REDACTED}@{place}")
    };
    Ok(Url {
        opener: u.choose(&OPENERS)?,
        kept,
        written,
        end: 0,
        closer: u.choose(&CLOSERS)?,
    })
}

/// Any text, without the quotes a header message pairs with its own and without `://` (a URL in
/// it is drawn here, as a piece of its own).
fn plain_text(u: &mut Unstructured<'_>) -> Result<String> {
    let mut text: String = u.arbitrary::<String>()?.replace(['"', '\''], "");
    while text.contains("://") {
        text = text.replace("://", ":/");
    }
    Ok(text)
}

/// Filler that moves what follows towards or past the length limit, in one- or two-byte characters.
fn padding(u: &mut Unstructured<'_>) -> Result<String> {
    let len = u.int_in_range(0..=MAX_MESSAGE_BYTES + 20)?;
    Ok(if u.arbitrary()? {
        "x".repeat(len)
    } else {
        "é".repeat(len / 2)
    })
}

/// A message of text, padding and URLs, one of them holding `secret`. Returns the message and the
/// URLs in it that end where they are meant to (a URL followed by text that a parser would read as
/// more of the URL, such as `(http://h)@x`, is left out: its host is rightly not kept).
fn url_message(u: &mut Unstructured<'_>, secret: &str) -> Result<(String, Vec<Url>)> {
    let place = *u.choose(&[
        SecretIn::User,
        SecretIn::Password,
        SecretIn::Query,
        SecretIn::Fragment,
    ])?;
    let pieces = u.int_in_range(0..=5)?;
    let planted_at = u.int_in_range(0..=pieces)?;
    let mut message = String::new();
    // Each URL, with the offset where its closer ends.
    let mut urls: Vec<(Url, usize)> = Vec::new();
    // Whether the last URL written would, to a parser, run on into what comes next.
    let mut open_url = false;
    for piece in 0..=pieces {
        let kind = if piece == planted_at {
            3
        } else {
            u.int_in_range(0..=3)?
        };
        let text = match kind {
            0 => plain_text(u)?,
            1 => padding(u)?,
            _ => {
                let secret = (piece == planted_at).then_some((secret, place));
                let mut url = url(u, secret)?;
                // Two URLs with nothing between them that ends a URL are one URL to a parser.
                if open_url && !url.opener.bytes().any(ends_url) {
                    message.push(' ');
                }
                message.push_str(url.opener);
                message.push_str(&url.written);
                url.end = message.len();
                message.push_str(url.closer);
                open_url = !url.closer.bytes().any(ends_url);
                urls.push((url, message.len()));
                continue;
            }
        };
        message.push_str(&text);
        open_url = open_url && !text.bytes().any(ends_url);
    }
    // Pieces of text may still make a "://" where they meet: a URL not drawn here.
    if message.matches("://").count() != urls.len() {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    let closed = |url: &Url, end: usize| {
        url.closer.bytes().any(ends_url) || message.as_bytes().get(end).is_none_or(|&b| ends_url(b))
    };
    let urls = urls
        .into_iter()
        .filter(|(url, end)| closed(url, *end))
        .map(|(url, _)| url)
        .collect();
    Ok((message, urls))
}

/// Bytes that a URL parser leaves in no part of a serialised URL, which therefore end one. (A
/// backtick ends a path or fragment, not a query.)
fn ends_url(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'<' | b'>')
}

/// The invalid-header-value message of one runtime, quoting a value that holds `secret`, and
/// whether it is Firefox's, which says only after the value what the value is.
fn header_message(u: &mut Unstructured<'_>, secret: &str) -> Result<(String, bool)> {
    const PIECES: [&str; 16] = [
        "Bearer ", " ", "\n", "\r\n", "\t", "=", ";", ",", ":", ": ", "é", "€", "\0", "abc", "\"", "'",
    ];
    let mut value = String::new();
    let len = u.int_in_range(0..=6)?;
    let at = u.int_in_range(0..=len)?;
    for i in 0..=len {
        if i == at {
            value.push_str(secret);
        } else {
            value.push_str(u.choose(&PIECES)?);
        }
    }
    let form = u.int_in_range(0..=3)?;
    let message = match form {
        0 => {
            let prefix = *u.choose(&["Headers.append", "Headers.set"])?;
            format!("{prefix}: \"{value}\" is an invalid header value.")
        }
        1 => format!("Invalid header value: \"{value}\""),
        2 => {
            let name = *u.choose(&["authorization", "x-auth-token", "Cookie"])?;
            format!("Header '{name}' has invalid value: '{value}'")
        }
        _ => {
            let prefix = *u.choose(&["Window.fetch", "Headers.append", "Request constructor"])?;
            format!("{prefix}: {value} is an invalid header value.")
        }
    };
    let before = match u.int_in_range(0..=2)? {
        0 => String::new(),
        1 => plain_text(u)?,
        _ => padding(u)?,
    };
    let after = if u.arbitrary()? {
        plain_text(u)?
    } else {
        String::new()
    };
    Ok((format!("{before}{message}{after}"), form == 3))
}

/// The longest prefix of `text` of at most `MAX_MESSAGE_BYTES` bytes made of whole characters.
fn kept_part(text: &str) -> &str {
    prefix(text, MAX_MESSAGE_BYTES)
}

/// The longest prefix of `text` of at most `max` bytes made of whole characters.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = 0;
    for c in text.chars() {
        if end + c.len_utf8() > max {
            break;
        }
        end += c.len_utf8();
    }
    &text[..end]
}

/// Whether a query outside a URL starts at `at`: a `?` right after a byte that is not white space,
/// followed by `=` before anything that ends a URL (white space, `"`, `<`, `>`).
fn bare_query_at(bytes: &[u8], at: usize) -> bool {
    at > 0
        && bytes[at] == b'?'
        && !bytes[at - 1].is_ascii_whitespace()
        && bytes[at + 1..]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'<' | b'>'))
            .any(|&b| b == b'=')
}

/// Where the first query outside a URL starts.
fn first_bare_query(text: &str) -> Option<usize> {
    (0..text.len()).find(|&at| bare_query_at(text.as_bytes(), at))
}

/// Whether `redact` treats `text` as a message about a header: what it keeps mentions one, or, when
/// it was cut, what it reads past the cut does.
fn about_header(text: &str) -> bool {
    let kept = kept_part(text);
    mentions_header(kept) || (kept.len() < text.len() && mentions_header(prefix(text, MAX_SCANNED_BYTES)))
}

fn mentions_header(text: &str) -> bool {
    text.to_ascii_lowercase().contains("header")
}

/// The checks that hold for any text.
fn check_any_text(text: &str) -> String {
    let out = redact(text);
    let kept = kept_part(text);
    let urls = kept.matches("://").count();
    let quotes = kept.bytes().filter(|&b| b == b'"' || b == b'\'').count();
    let values = kept
        .to_ascii_lowercase()
        .matches(" is an invalid header value")
        .count();
    let marks = kept.bytes().filter(|&b| b == b'?').count();
    let bound = kept.len() + REDACTED.len() * (2 * urls + quotes + values + marks + 1);
    assert!(
        out.len() <= bound,
        "{} bytes out of {} kept, more than {bound}",
        out.len(),
        kept.len()
    );
    if !about_header(text) {
        let unchanged = kept
            .find("://")
            .map_or(kept.len(), |at| at + 3)
            .min(first_bare_query(kept).map_or(kept.len(), |at| at + 1));
        assert!(
            out.as_bytes().get(..unchanged) == Some(&kept.as_bytes()[..unchanged]),
            "changed before the first URL: {kept:?} became {out:?}"
        );
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    if first.is_ascii() {
        if let Ok(text) = std::str::from_utf8(data) {
            check_any_text(text);
        }
        return;
    }
    let mut u = Unstructured::new(rest);
    let Ok(secret) = token(&mut u) else {
        return;
    };
    let built = if u.ratio(2, 3).unwrap_or(true) {
        url_message(&mut u, &secret).map(|(message, urls)| (message, urls, false))
    } else {
        header_message(&mut u, &secret).map(|(message, firefox)| (message, Vec::new(), firefox))
    };
    let Ok((message, urls, firefox)) = built else {
        return;
    };
    // The token must be the one planted, and not a part of the marker.
    if message.matches(secret.as_str()).count() != 1 || REDACTED.contains(secret.as_str()) {
        return;
    }
    let out = check_any_text(&message);
    let kept = kept_part(&message);
    if firefox && !mentions_header(prefix(&message, MAX_SCANNED_BYTES)) {
        return;
    }
    assert!(
        !out.contains(secret.as_str()),
        "the secret {secret:?} is left in\n  {out:?}\nfrom\n  {kept:?}"
    );
    if !about_header(&message) {
        for url in &urls {
            // A URL that runs into the cut may have lost its userinfo's '@' to it.
            let whole = if kept.len() == message.len() {
                url.end <= kept.len()
            } else {
                kept.as_bytes()
                    .get(url.end..)
                    .is_some_and(|after| after.iter().any(|&b| ends_url(b)))
            };
            // A URL written inside the query of a relative URL before it goes with that query.
            let start = url.end - url.written.len();
            let in_query = || {
                let bytes = kept.as_bytes();
                let word = bytes[..start]
                    .iter()
                    .rposition(|&b| ends_url(b))
                    .map_or(0, |at| at + 1);
                (word..start).any(|at| bare_query_at(bytes, at))
            };
            if whole && !in_query() {
                assert!(
                    out.contains(url.kept.as_str()),
                    "lost {:?} from {kept:?}: {out:?}",
                    url.kept
                );
            }
        }
    }
});
