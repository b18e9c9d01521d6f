//! Keeping credentials out of the text the package passes on from outside.
//!
//! A runtime's connection error can quote the request URL (Deno's does, query and all), and a URL can
//! carry a token (`?access_token=…`) or a password (`https://user:password@…`), also a relative URL
//! that fetch could not parse ("Failed to parse URL from /path?access_token=…"); an error about an
//! invalid header can quote the header's value, which may be the token itself. The errors the package
//! makes keep the runtime's message as their cause, so the message is cut to a length that is cheap
//! to scan and then cleaned by [`redact`].

use alloc::string::String;

/// The most bytes of a message from outside that are kept: every runtime's network error fits, and
/// a 50 MB message costs no more to handle than a short one.
pub const MAX_MESSAGE_BYTES: usize = 1_000;

/// What replaces a removed part.
const REDACTED: &str = "[redacted]";

/// `text`, cut to [`MAX_MESSAGE_BYTES`] (at a character boundary), with the userinfo, query and
/// fragment of every URL in it replaced by `[redacted]`, and, in a message about a header, every
/// double-quoted value too. Scheme, host, port and path are kept: they say where a request went
/// without carrying a secret.
pub fn redact(text: &str) -> String {
    let text = cut(text, MAX_MESSAGE_BYTES);
    let urls_redacted = redact_bare_queries(&redact_urls(text));
    if !mentions_header(&urls_redacted) {
        return urls_redacted;
    }
    let quoted = redact_quoted(&redact_quoted(&urls_redacted, b'"'), b'\'');
    redact_unquoted_value(&quoted)
}

/// The longest prefix of `text` of at most `max` bytes that ends at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// Ends a URL's authority and path: white space, quotes, angle brackets, backticks and a closing
/// parenthesis (Deno writes "for url (http://…)").
fn ends_path(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b')')
}

/// Ends a query or fragment. Fewer bytes than [`ends_path`]: a URL parser percent-encodes these in a
/// query, so a query runs on past a quote or parenthesis rather than leaving its tail in the clear.
fn ends_query(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'<' | b'>' | b'`')
}

fn redact_urls(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // `copied`: bytes before it are in `out`. Every index used to slice `text` below sits next to an
    // ASCII byte, so it is a character boundary.
    let mut copied = 0;
    let mut from = 0;
    while let Some(separator) = find(bytes, from, b"://") {
        let authority = separator + 3;
        let mut path = authority;
        while bytes
            .get(path)
            .is_some_and(|&b| !ends_path(b) && !matches!(b, b'/' | b'?' | b'#'))
        {
            path += 1;
        }
        // Userinfo ends at the last '@' of the authority.
        let host = bytes
            .get(authority..path)
            .and_then(|part| part.iter().rposition(|&b| b == b'@'))
            .map_or(authority, |at| authority + at + 1);
        out.push_str(text.get(copied..authority).unwrap_or_default());
        if host != authority {
            out.push_str(REDACTED);
            out.push('@');
        }
        let mut end = path;
        while bytes
            .get(end)
            .is_some_and(|&b| !ends_path(b) && !matches!(b, b'?' | b'#'))
        {
            end += 1;
        }
        out.push_str(text.get(host..end).unwrap_or_default());
        if let Some(&mark @ (b'?' | b'#')) = bytes.get(end) {
            let start = end + 1;
            let mut stop = start;
            while bytes.get(stop).is_some_and(|&b| !ends_query(b)) {
                stop += 1;
            }
            // Punctuation that closes the sentence around the URL stays.
            while stop > start
                && bytes
                    .get(stop - 1)
                    .is_some_and(|b| matches!(b, b')' | b':' | b'.' | b',' | b';' | b'\'' | b']'))
            {
                stop -= 1;
            }
            out.push(char::from(mark));
            out.push_str(REDACTED);
            end = stop;
        }
        copied = end;
        from = end.max(authority);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Queries outside a `scheme://` URL (a relative URL quoted in an error): a `?` that follows a
/// character of a word and starts `name=value` text loses that text, as in [`redact_urls`].
fn redact_bare_queries(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(mark) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'?'))
    {
        let mark = at + mark;
        let start = mark + 1;
        let mut stop = start;
        while bytes.get(stop).is_some_and(|&b| !ends_query(b)) {
            stop += 1;
        }
        let query = bytes.get(start..stop).unwrap_or_default();
        let follows_word = mark > 0 && bytes.get(mark - 1).is_some_and(|b| !b.is_ascii_whitespace());
        if follows_word && query.contains(&b'=') && !query.starts_with(REDACTED.as_bytes()) {
            while stop > start
                && bytes
                    .get(stop - 1)
                    .is_some_and(|b| matches!(b, b')' | b':' | b'.' | b',' | b';' | b'\'' | b']'))
            {
                stop -= 1;
            }
            out.push_str(text.get(copied..start).unwrap_or_default());
            out.push_str(REDACTED);
            copied = stop;
        }
        at = stop.max(start);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Whether the message is about a header ("… is an invalid header value"), whose quoted parts may be
/// the header's value.
fn mentions_header(text: &str) -> bool {
    text.as_bytes()
        .windows(6)
        .any(|window| window.eq_ignore_ascii_case(b"header"))
}

/// `text` with the inside of every pair of `quote`s replaced by `[redacted]`; an unclosed quote runs
/// to the end.
fn redact_quoted(text: &str, quote: u8) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.bytes().position(|b| b == quote) {
        out.push_str(rest.get(..=open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        out.push_str(REDACTED);
        match after.bytes().position(|b| b == quote) {
            Some(close) => {
                out.push(char::from(quote));
                rest = after.get(close + 1..).unwrap_or_default();
            }
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Firefox quotes nothing: "Window.fetch: <value> is an invalid header value." The value is what
/// lies between the last ": " before that phrase and the phrase.
fn redact_unquoted_value(text: &str) -> String {
    const PHRASE: &[u8] = b" is an invalid header value";
    let bytes = text.as_bytes();
    let Some(phrase) = bytes
        .windows(PHRASE.len())
        .position(|window| window.eq_ignore_ascii_case(PHRASE))
    else {
        return String::from(text);
    };
    let start = bytes
        .get(..phrase)
        .and_then(|before| before.windows(2).rposition(|pair| pair == b": "))
        .map_or(0, |colon| colon + 2);
    if matches!(bytes.get(start), Some(b'"' | b'\'')) {
        return String::from(text); // quoted, and so already redacted
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(text.get(..start).unwrap_or_default());
    out.push_str(REDACTED);
    out.push_str(text.get(phrase..).unwrap_or_default());
    out
}

/// The first index at or after `from` where `needle` starts.
fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_in_denos_connection_error_is_removed() {
        assert_eq!(
            redact(
                "error sending request for url (http://127.0.0.1:9/v3/catalog?access_token=SECRET&x=1): client error (Connect)"
            ),
            "error sending request for url (http://127.0.0.1:9/v3/catalog?[redacted]): client error (Connect)"
        );
    }

    #[test]
    fn userinfo_and_fragments_are_removed_and_the_host_and_path_kept() {
        assert_eq!(
            redact("failed: https://user:p%40ss@api.example.com:8443/stores/abc#token=x"),
            "failed: https://[redacted]@api.example.com:8443/stores/abc#[redacted]"
        );
    }

    #[test]
    fn every_url_in_a_message_is_cleaned() {
        assert_eq!(
            redact("from http://a/?k=1 to 'https://b/c?t=2', then ws://u:p@c"),
            "from http://a/?[redacted] to 'https://b/c?[redacted]', then ws://[redacted]@c"
        );
    }

    #[test]
    fn a_query_is_not_cut_short_by_a_quote_or_parenthesis_inside_it() {
        let redacted = redact("GET http://x/?q=it's)&access_token=SECRET now");
        assert!(!redacted.contains("SECRET"), "{redacted}");
        assert_eq!(redacted, "GET http://x/?[redacted] now");
    }

    #[test]
    fn a_header_value_quoted_in_any_runtimes_message_is_removed() {
        for (message, redacted) in [
            (
                "Headers.append: \"Bearer SECRET\nX\" is an invalid header value.",
                "Headers.append: \"[redacted]\" is an invalid header value.",
            ),
            (
                "Invalid header value: \"Bearer SECRET\nX\"",
                "Invalid header value: \"[redacted]\"",
            ),
            (
                "Header 'authorization' has invalid value: 'Bearer SECRET\nX'",
                "Header '[redacted]' has invalid value: '[redacted]'",
            ),
            (
                "Window.fetch: Bearer SECRET\nX is an invalid header value.",
                "Window.fetch: [redacted] is an invalid header value.",
            ),
        ] {
            assert_eq!(redact(message), redacted);
        }
        // Quotes in messages about something else are left alone.
        assert_eq!(redact("Unexpected \"x\""), "Unexpected \"x\"");
    }

    #[test]
    fn the_query_of_a_relative_url_is_removed_too() {
        for (message, redacted) in [
            (
                "Failed to parse URL from /relative?access_token=SECRET",
                "Failed to parse URL from /relative?[redacted]",
            ),
            (
                "Invalid URL: '/relative?access_token=SECRET'",
                "Invalid URL: '/relative?[redacted]'",
            ),
            (
                "Invalid URL: /v3/orders?a=1&token=SECRET.",
                "Invalid URL: /v3/orders?[redacted].",
            ),
        ] {
            assert_eq!(redact(message), redacted);
        }
        // A question that is not a query is left alone.
        assert_eq!(
            redact("Unable to connect. Is the computer able to access the url?"),
            "Unable to connect. Is the computer able to access the url?"
        );
        assert_eq!(redact("why? because"), "why? because");
    }

    #[test]
    fn text_without_urls_is_unchanged() {
        for text in [
            "fetch failed",
            "connect ECONNREFUSED 127.0.0.1:9",
            "",
            "a :// b",
            "://",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn a_huge_message_is_cut_at_a_character_boundary() {
        let text = "é".repeat(MAX_MESSAGE_BYTES);
        let redacted = redact(&text);
        assert!(redacted.len() <= MAX_MESSAGE_BYTES);
        assert_eq!(redacted.len(), MAX_MESSAGE_BYTES);
        let text = alloc::format!("x{}", "é".repeat(MAX_MESSAGE_BYTES));
        assert_eq!(redact(&text).len(), MAX_MESSAGE_BYTES - 1);
    }

    #[test]
    fn a_url_cut_off_by_the_length_limit_still_loses_its_query() {
        let text = alloc::format!(
            "{}http://h/?access_token=SECRET",
            "x".repeat(MAX_MESSAGE_BYTES - 24)
        );
        assert!(!redact(&text).contains("SECR"));
    }
}
