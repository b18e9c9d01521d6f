//! Keeping credentials out of the text the package passes on from outside.
//!
//! A runtime's connection error can quote the request URL (Deno's does, query and all), and a URL can
//! carry a token (`?access_token=…`) or a password (`https://user:password@…`), also a relative URL
//! that fetch could not parse ("Failed to parse URL from /path?access_token=…"); an error about an
//! invalid header can quote the header's value, which may be the token itself. The errors the package
//! makes keep the runtime's message as their cause, so the message is cut to a length that is cheap
//! to scan and then cleaned by [`redact`].

use alloc::{string::String, vec::Vec};

/// The most bytes of a message from outside that are kept: every runtime's network error fits, and
/// a 50 MB message costs no more to handle than a short one.
pub const MAX_MESSAGE_BYTES: usize = 1_000;

/// How far past the kept part a message is read to learn whether it is about a header: Firefox does
/// not quote an invalid header's value, and only the words after it ("… is an invalid header
/// value") say what it is, so a long value (a bearer token of a kilobyte or two) would push them past
/// the cut. 16 KiB is twice the largest header most servers accept.
pub const MAX_SCANNED_BYTES: usize = 16 * 1024;

/// What replaces a removed part.
const REDACTED: &str = "[redacted]";

/// `text`, cut to [`MAX_MESSAGE_BYTES`] (at a character boundary), with the userinfo, query and
/// fragment of every URL in it replaced by `[redacted]`, and, in a message about a header, the
/// header's value and every part in double or single quotes too. Scheme, host, port and path are
/// kept: they say where a request went without carrying a secret.
pub fn redact(text: &str) -> String {
    let kept = cut(text, MAX_MESSAGE_BYTES);
    let cut_short = kept.len() < text.len();
    let bytes = kept.as_bytes();
    // Every pass marks what to remove in the same text, so that none can hide from another what it
    // looks for (a query running on over the words around a header's value, a quoted header value
    // holding a URL's '@'); what is marked is then removed at once.
    let mut marked = Vec::new();
    mark_urls(bytes, cut_short, &mut marked);
    mark_bare_queries(bytes, &mut marked);
    let scanned = cut(text, MAX_SCANNED_BYTES).as_bytes();
    if mentions_header(bytes) || (cut_short && mentions_header(scanned)) {
        // A value may hold quotes of its own, which must not pair with the message's.
        let mut values = Vec::new();
        mark_header_values(bytes, cut_short, &mut values);
        mark_quoted(bytes, b'"', &values, &mut marked);
        mark_quoted(bytes, b'\'', &values, &mut marked);
        marked.extend(values);
    }
    remove(kept, marked)
}

/// The longest prefix of `text` of at most `max` bytes that ends at a character boundary.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// `text` with each marked range of bytes replaced by `[redacted]`, ranges that overlap or touch by
/// one. Every range starts and ends next to an ASCII byte or at an end of `text`, so at a character
/// boundary.
fn remove(text: &str, mut marked: Vec<(usize, usize)>) -> String {
    // An insertion sort: a message has a handful of ranges, and the standard library's sort would
    // add about 2.6 KB to the wasm.
    for i in 1..marked.len() {
        let mut j = i;
        while j > 0 && marked.get(j - 1) > marked.get(j) {
            marked.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut open: Option<(usize, usize)> = None;
    for (start, end) in marked {
        match open {
            Some((_, open_end)) if start <= open_end => {
                open = open.map(|(open_start, _)| (open_start, open_end.max(end)));
            }
            _ => {
                if let Some((open_start, open_end)) = open {
                    out.push_str(text.get(copied..open_start).unwrap_or_default());
                    out.push_str(REDACTED);
                    copied = open_end;
                }
                open = Some((start, end));
            }
        }
    }
    if let Some((open_start, open_end)) = open {
        out.push_str(text.get(copied..open_start).unwrap_or_default());
        out.push_str(REDACTED);
        copied = open_end;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Ends a URL wherever it stands: bytes a URL parser always escapes. Quotes and parentheses do not:
/// a parser leaves `'`, `(` and `)` in a userinfo, path and query, so a URL that holds one runs on
/// past it rather than leaving its tail in the clear ("for url (http://…): …" costs only the
/// closing parenthesis, which is put back as punctuation or kept with the path).
fn ends_url(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'<' | b'>')
}

/// Ends a URL's authority and path, where a parser escapes a backtick too (it leaves one in a query,
/// so a query runs on past it).
fn ends_path(b: u8) -> bool {
    ends_url(b) || b == b'`'
}

/// Punctuation that closes the sentence or the quotes around a URL, left out of what is redacted.
fn closes_sentence(b: u8) -> bool {
    matches!(b, b')' | b':' | b'.' | b',' | b';' | b'\'' | b']' | b'`')
}

/// Where a query or fragment that starts at `start` ends: at the end of the URL, past any URL written
/// inside it ("?next=https://…"), short of the punctuation that closes the sentence around it.
fn query_end(bytes: &[u8], start: usize) -> usize {
    let mut stop = start;
    while bytes.get(stop).is_some_and(|&b| !ends_url(b)) {
        stop += 1;
    }
    while stop > start && bytes.get(stop - 1).is_some_and(|&b| closes_sentence(b)) {
        stop -= 1;
    }
    stop
}

/// Marks the userinfo, query and fragment of every URL. `cut_short`: whether the text was cut, so
/// that the last URL may have lost the end of its userinfo.
fn mark_urls(bytes: &[u8], cut_short: bool, marked: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(separator) = find(bytes, from, b"://") {
        let authority = separator + 3;
        // The authority and path stop short of the scheme of a URL written right after this one
        // ("'http://a/','http://u:p@b/'"), so that the next one is read as a URL of its own.
        let limit = find(bytes, authority, b"://").map_or(bytes.len(), |next| {
            let scheme = bytes.get(authority..next).unwrap_or_default();
            next - scheme.iter().rev().take_while(|&&b| is_scheme_byte(b)).count()
        });
        let mut path_end = authority;
        while path_end < limit
            && bytes
                .get(path_end)
                .is_some_and(|&b| !ends_path(b) && !matches!(b, b'?' | b'#'))
        {
            path_end += 1;
        }
        let authority_end = bytes
            .get(authority..path_end)
            .and_then(|part| part.iter().position(|&b| b == b'/'))
            .map_or(path_end, |slash| authority + slash);
        if cut_short && authority_end == bytes.len() {
            // An authority that the length limit cut may have lost its '@': it goes whole.
            marked.push((authority, authority_end));
        } else if let Some(at) = bytes
            .get(authority..authority_end)
            .and_then(|part| part.iter().rposition(|&b| b == b'@'))
        {
            // Userinfo ends at the last '@' of the authority.
            marked.push((authority, authority + at));
        }
        from = path_end.max(authority);
        if let Some(b'?' | b'#') = bytes.get(path_end) {
            let stop = query_end(bytes, path_end + 1);
            marked.push((path_end + 1, stop));
            from = stop.max(from);
        }
    }
}

/// A byte of a URL scheme (RFC 3986, section 3.1).
fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

/// Marks queries outside a `scheme://` URL (a relative URL quoted in an error): a `?` that follows a
/// character of a word and starts `name=value` text, to the end of the URL as in [`mark_urls`].
fn mark_bare_queries(bytes: &[u8], marked: &mut Vec<(usize, usize)>) {
    for (mark, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'?') {
        let follows_word = mark > 0 && bytes.get(mark - 1).is_some_and(|b| !b.is_ascii_whitespace());
        let mut end = mark + 1;
        while bytes.get(end).is_some_and(|&b| !ends_url(b)) {
            end += 1;
        }
        let names_a_value = bytes
            .get(mark + 1..end)
            .is_some_and(|query| query.contains(&b'='));
        if follows_word && names_a_value {
            marked.push((mark + 1, query_end(bytes, mark + 1)));
        }
    }
}

/// Whether the message is about a header ("… is an invalid header value"), whose quoted parts may be
/// the header's value.
fn mentions_header(bytes: &[u8]) -> bool {
    bytes
        .windows(6)
        .any(|window| window.eq_ignore_ascii_case(b"header"))
}

/// Marks the inside of every pair of `quote`s, leaving out those within the `values` already
/// marked; an unclosed quote runs to the end.
fn mark_quoted(bytes: &[u8], quote: u8, values: &[(usize, usize)], marked: &mut Vec<(usize, usize)>) {
    let is_quote = |at: &usize| {
        bytes.get(*at) == Some(&quote) && !values.iter().any(|&(start, end)| start <= *at && *at < end)
    };
    let mut open = None;
    for at in (0..bytes.len()).filter(is_quote) {
        match open.take() {
            None => open = Some(at + 1),
            Some(start) => marked.push((start, at)),
        }
    }
    if let Some(start) = open {
        marked.push((start, bytes.len()));
    }
}

/// Marks the value of every invalid header the text quotes (inside its quotes, when the runtime
/// quoted it). Runtimes write the value as it is, quotes, colons and line breaks included, so it is
/// found by the fixed words around it rather than by its quotes:
/// - Node and Firefox: "Headers.append: <value> is an invalid header value", where Node quotes the
///   value; it starts after the first ": " (since the previous such phrase);
/// - Deno and WebKit: "Invalid header value: <value>", "Header 'x' has invalid value: <value>",
///   both quoted; it runs to the end.
///
/// `cut_short`: whether the text was cut, so that the words after the last value may be gone; then
/// what follows the first ": " after the last value found runs to the end.
fn mark_header_values(bytes: &[u8], cut_short: bool, marked: &mut Vec<(usize, usize)>) {
    const PHRASE: &[u8] = b" is an invalid header value";
    const LAST: &[u8] = b"value: ";
    // `from`: where the current message starts.
    let mut from = 0;
    loop {
        let phrase = find_ignoring_case(bytes, from, PHRASE);
        let last = find_ignoring_case(bytes, from, LAST);
        let (start, end) = match (phrase, last) {
            // "… is an invalid header value: <value>" is Deno's form, not Firefox's.
            (Some(phrase), last) if last.map_or(true, |last| last >= phrase + PHRASE.len()) => {
                let start = bytes
                    .get(..phrase)
                    .and_then(|before| find(before, from, b": "))
                    .map_or(from, |colon| colon + 2);
                (start, phrase)
            }
            (_, Some(last)) => (last + LAST.len(), bytes.len()),
            _ => match find(bytes, from, b": ") {
                Some(colon) if cut_short => (colon + 2, bytes.len()),
                _ => break,
            },
        };
        let quoted = match bytes.get(start..end) {
            Some([open @ (b'"' | b'\''), .., close]) => open == close,
            _ => false,
        };
        marked.push(if quoted {
            (start + 1, end - 1)
        } else {
            (start, end)
        });
        from = end + PHRASE.len();
        if end == bytes.len() {
            break;
        }
    }
}

/// The first index at or after `from` where `needle` (lower case) starts, ignoring ASCII case.
pub(crate) fn find_ignoring_case(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
        .map(|at| from + at)
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
    fn a_quote_or_parenthesis_in_a_path_does_not_end_the_url_before_its_query() {
        // A URL parser leaves `'`, `(` and `)` in a path as they are.
        assert_eq!(
            redact("for url (https://h/shirt-(blue)/it's?access_token=SECRET): client error"),
            "for url (https://h/shirt-(blue)/it's?[redacted]): client error"
        );
    }

    #[test]
    fn userinfo_holding_a_quote_or_parenthesis_is_removed() {
        // So it does in userinfo.
        assert_eq!(
            redact("'wss://o'neil:pa)SECRET@h:444/x'"),
            "'wss://[redacted]@h:444/x'"
        );
    }

    #[test]
    fn a_backtick_in_a_query_does_not_end_it() {
        // A URL parser leaves a backtick in a query (it escapes one everywhere else).
        assert_eq!(
            redact("see `http://h/p?q=`x`&access_token=SECRET`."),
            "see `http://h/p?[redacted]`."
        );
    }

    #[test]
    fn a_url_in_a_query_is_removed_with_the_query() {
        assert_eq!(
            redact("http://a/?next=https://b/&token=SECRET"),
            "http://a/?[redacted]"
        );
    }

    #[test]
    fn urls_written_next_to_each_other_are_each_cleaned() {
        assert_eq!(
            redact("'http://a/p','http://u:SECRET@b/'"),
            "'http://a/p','http://[redacted]@b/'"
        );
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
    fn an_unquoted_header_value_holding_a_colon_is_removed_whole() {
        assert_eq!(
            redact("Window.fetch: SECRET\r\n: x is an invalid header value."),
            "Window.fetch: [redacted] is an invalid header value."
        );
    }

    #[test]
    fn a_header_value_holding_quotes_is_removed_whole() {
        // Runtimes quote the value without escaping the quotes inside it.
        for (message, redacted) in [
            (
                "Headers.append: \"a=\"SECRET\n\" is an invalid header value.",
                "Headers.append: \"[redacted]\" is an invalid header value.",
            ),
            (
                "Invalid header value: \"a\"SECRET\n\"",
                "Invalid header value: \"[redacted]\"",
            ),
            (
                "Header 'cookie' has invalid value: 'it's SECRET\n'",
                "Header '[redacted]' has invalid value: '[redacted]'",
            ),
            (
                "Window.fetch: \"a\" SECRET\n is an invalid header value.",
                "Window.fetch: [redacted] is an invalid header value.",
            ),
        ] {
            assert_eq!(redact(message), redacted);
        }
    }

    #[test]
    fn every_header_value_in_a_message_is_removed() {
        assert_eq!(
            redact(
                "Window.fetch: A is an invalid header value. Headers.append: \"\"SECRET \" is an invalid header value."
            ),
            "Window.fetch: [redacted] is an invalid header value. Headers.append: \"[redacted]\" is an invalid header value."
        );
    }

    #[test]
    fn a_header_value_cut_off_by_the_length_limit_is_removed() {
        // The words after the value are past the limit; the value's own quotes pair up.
        let value = alloc::format!("a\"SECRET\"b {}", "x".repeat(MAX_MESSAGE_BYTES));
        for message in [
            alloc::format!("Headers.append: \"{value}\" is an invalid header value."),
            alloc::format!("Headers.append: {value} is an invalid header value."),
        ] {
            assert_eq!(redact(&message), "Headers.append: [redacted]");
        }
    }

    #[test]
    fn invalid_header_value_followed_by_a_colon_is_read_as_denos_form() {
        // Firefox's closing words, but the value comes after them, as in Deno's message.
        assert_eq!(
            redact("it is an Invalid header value: \"a\"SECRET\""),
            "it is an Invalid header value: \"[redacted]\""
        );
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
    fn a_long_unquoted_header_value_is_removed_though_the_cut_hides_what_it_is() {
        let token = "eyJ".repeat(600);
        let out = redact(&alloc::format!(
            "Window.fetch: Bearer {token}\nX is an invalid header value."
        ));
        assert_eq!(out, "Window.fetch: [redacted]");
    }

    #[test]
    fn no_pass_hides_from_another_what_it_looks_for() {
        // A relative URL's query running on into the words around a header's value.
        let out = redact("GET /c/?k=1Header 'authorization' has invalid value: 'SECRET-1'");
        assert!(!out.contains("SECRET-1"), "{out}");
        // A quoted part of a header message holding a URL's '@'.
        let out = redact("Invalid header value: \"v\" from https://SECRET-2:pw'@'@h.example/x");
        assert!(!out.contains("SECRET-2"), "{out}");
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
    fn a_url_cut_off_inside_its_userinfo_loses_all_of_it() {
        // The '@' that marks the userinfo is past the limit, so all that is left may be userinfo.
        let text = alloc::format!("{}ws://SECRET:password@h/", "x".repeat(MAX_MESSAGE_BYTES - 20));
        let redacted = redact(&text);
        assert!(!redacted.contains("SECR"), "{redacted}");
        assert!(redacted.ends_with("xws://[redacted]"), "{redacted}");
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
