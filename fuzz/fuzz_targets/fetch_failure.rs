//! `classify_fetch_failure` on any rejection: any name, message, code and cause, mostly made of
//! what runtimes really write (messages recorded from them, known error codes, in any case, with
//! text before and after) so that each branch is reached.
//!
//! The module's fragment lists are private and are not copied here; the invariants are what its
//! documentation promises, checked as relations between calls where the answer depends on them:
//! - it never panics;
//! - a rejection named neither `TypeError` nor `Error` (exactly) is `Other`;
//! - a plain `Error` is `Network` exactly when its message holds "network connection lost" in any
//!   ASCII case (workerd), and otherwise `Other`: never `Usage`;
//! - the answer does not depend on the cause's name, nor on the ASCII case of the message or of the
//!   cause's message (the fragments are matched in any case; codes are not, and are left alone);
//! - misuse wins: a `TypeError` whose message alone, without code or cause, reads as `Usage` is
//!   `Usage` whatever text is put around it and whatever code and cause come with it, so an invalid
//!   request is never retried;
//! - a network message must start the message: one that alone reads as `Network` still does, or at
//!   worst as `Usage`, with text after it (Safari ends its own with a period), and no longer reads as
//!   `Network` behind a wrapper's words;
//! - a `TypeError` with a connection error's code (a system or undici code known here) is `Network`,
//!   on the error (Bun) or, under "fetch failed" in any case, on its cause (Node), unless its message
//!   alone reads as `Usage`; "fetch failed" with no code and no cause is not `Network`.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use commerce_fetch::fetch_error::{classify_fetch_failure, FetchFailure, FetchRejection};
use libfuzzer_sys::fuzz_target;

/// Messages recorded from runtimes, of every kind: connection failures, invalid requests, errors
/// from a body's stream or from user code.
const MESSAGES: [&str; 24] = [
    "fetch failed",
    "Failed to fetch",
    "NetworkError when attempting to fetch resource.",
    "Load failed",
    "The network connection was lost.",
    "Network request failed",
    "Network connection lost.",
    "internal error; reference = 78hh4j0v4g2rtcr5tdd9tlit",
    "error sending request for url (http://127.0.0.1:9/x): client error (Connect)",
    "Failed to parse URL from /relative",
    "Invalid URL: 'http://127.0.0.1:99999/x'",
    "Window.fetch: foo is not a valid URL.",
    "Request with GET/HEAD method cannot have body.",
    "Headers.append: \"a b\" is an invalid header name.",
    "Header 'authorization' has invalid value: 'x'",
    "Response body object should not be disturbed or locked",
    "Failed to execute 'fetch' on 'Window': Invalid value",
    "RequestInit: duplex option is required when sending a body.",
    "Fetch failed: Encountered redirect while redirect mode is set to 'error'",
    "Cannot read properties of undefined (reading 'headers')",
    "body iteration failed",
    "undefined is not a function",
    "ECONNREFUSED: Unable to connect. Is the computer able to access the url?",
    "",
];

/// Messages of the causes Node and Deno put under "fetch failed".
const CAUSE_MESSAGES: [&str; 9] = [
    "connect ECONNREFUSED 127.0.0.1:9",
    "other side closed",
    "client error (Connect): tcp connect error: Connection refused (os error 111)",
    "connection closed before message completed",
    "dns error: failed to lookup address information",
    "unknown scheme",
    "bad port",
    "readable failed",
    "",
];

/// Codes of failed connections: the system's (POSIX errno names, as Node and Bun report them),
/// undici's socket and timeout errors, and OpenSSL's certificate failures as Node names them.
const NETWORK_CODES: [&str; 12] = [
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "EPIPE",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
];

/// Codes that do not mean a failed connection.
const OTHER_CODES: [&str; 4] = [
    "ERR_INVALID_ARG_TYPE",
    "ABORT_ERR",
    "ERR_MY_SOURCE",
    "econnrefused",
];

const NAMES: [&str; 7] = [
    "TypeError",
    "Error",
    "AbortError",
    "DOMException",
    "typeerror",
    "TypeError ",
    "RangeError",
];

/// Words a wrapper puts before a message it quotes: none of them starts a runtime's message.
const WRAPPER: &str = "wrapper: ";

#[derive(Debug)]
struct Input {
    name: String,
    message: String,
    code: String,
    cause_name: String,
    cause_code: String,
    cause_message: String,
    /// Text put before and after the message in the relations below.
    before: String,
    after: String,
    /// Which letters to turn to the other case, as a repeating pattern.
    case_flips: Vec<bool>,
}

/// One of `known` (maybe in another case, with text around it), or any text.
fn text(u: &mut Unstructured<'_>, known: &[&str]) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 => u.arbitrary()?,
        1 => format!(
            "{}{}{}",
            u.arbitrary::<&str>()?,
            u.choose(known)?,
            u.arbitrary::<&str>()?
        ),
        _ => u.choose(known)?.to_string(),
    })
}

fn code(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 => u.arbitrary()?,
        1 | 2 => u.choose(&OTHER_CODES)?.to_string(),
        3 => String::new(),
        _ => u.choose(&NETWORK_CODES)?.to_string(),
    })
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Input {
            name: if u.ratio(7, 8)? {
                u.choose(&NAMES)?.to_string()
            } else {
                u.arbitrary()?
            },
            message: text(u, &MESSAGES)?,
            code: code(u)?,
            cause_name: text(u, &["Error", "", "BodyBug", "SocketError"])?,
            cause_code: code(u)?,
            cause_message: text(u, &CAUSE_MESSAGES)?,
            before: u.arbitrary()?,
            after: u.arbitrary()?,
            case_flips: u.arbitrary()?,
        })
    }
}

fn classify(name: &str, message: &str, code: &str, cause_code: &str, cause_message: &str) -> FetchFailure {
    classify_fetch_failure(&FetchRejection {
        name,
        message,
        code,
        cause_name: "",
        cause_code,
        cause_message,
    })
}

/// `text` with the ASCII letters at the positions `flips` marks (repeating) in the other case.
fn flip_case(text: &str, flips: &[bool]) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            let flip = !flips.is_empty() && flips[i % flips.len()];
            match c {
                'a'..='z' if flip => c.to_ascii_uppercase(),
                'A'..='Z' if flip => c.to_ascii_lowercase(),
                _ => c,
            }
        })
        .collect()
}

fuzz_target!(|input: Input| {
    let rejection = FetchRejection {
        name: &input.name,
        message: &input.message,
        code: &input.code,
        cause_name: &input.cause_name,
        cause_code: &input.cause_code,
        cause_message: &input.cause_message,
    };
    let failure = classify_fetch_failure(&rejection);
    let Input {
        name,
        message,
        code,
        cause_code,
        cause_message,
        ..
    } = &input;

    if name != "TypeError" && name != "Error" {
        assert_eq!(failure, FetchFailure::Other, "{rejection:?}");
        return;
    }
    if name == "Error" {
        let lost = message.to_ascii_lowercase().contains("network connection lost");
        let expected = if lost {
            FetchFailure::Network
        } else {
            FetchFailure::Other
        };
        assert_eq!(failure, expected, "{rejection:?}");
    }

    assert_eq!(
        failure,
        classify(name, message, code, cause_code, cause_message),
        "the cause's name changed it: {rejection:?}"
    );
    let flipped_message = flip_case(message, &input.case_flips);
    let flipped_cause = flip_case(cause_message, &input.case_flips);
    assert_eq!(
        failure,
        classify(name, &flipped_message, code, cause_code, &flipped_cause),
        "the case of {flipped_message:?} and {flipped_cause:?} changed it: {rejection:?}"
    );

    if name != "TypeError" {
        return;
    }
    let alone = classify(name, message, "", "", "");
    let wrapped = format!("{}{message}{}", input.before, input.after);
    match alone {
        FetchFailure::Usage => {
            assert_eq!(failure, FetchFailure::Usage, "{rejection:?}");
            assert_eq!(
                classify(name, &wrapped, code, cause_code, cause_message),
                FetchFailure::Usage,
                "misuse {message:?} is not misuse in {wrapped:?}"
            );
        }
        FetchFailure::Network => {
            let followed = format!("{message}{}", input.after);
            assert_ne!(
                classify(name, &followed, "", "", ""),
                FetchFailure::Other,
                "{followed:?} lost the meaning of {message:?}"
            );
            let quoted = format!("{WRAPPER}{message}");
            assert_ne!(
                classify(name, &quoted, "", "", ""),
                FetchFailure::Network,
                "{quoted:?} is a wrapper's message"
            );
        }
        FetchFailure::Other => {
            if NETWORK_CODES.contains(&code.as_str()) {
                assert_eq!(failure, FetchFailure::Network, "{rejection:?}");
            }
            if message.eq_ignore_ascii_case("fetch failed") {
                if NETWORK_CODES.contains(&cause_code.as_str()) {
                    assert_eq!(failure, FetchFailure::Network, "{rejection:?}");
                }
                if code.is_empty() && cause_code.is_empty() && cause_message.is_empty() {
                    assert_ne!(failure, FetchFailure::Network, "{rejection:?}");
                }
            }
        }
    }
});
