//! Telling "no response came" apart from a misused `fetch` and from a bug in the caller's code.
//!
//! Runtimes reject `fetch` with a `TypeError` in all three cases, so the message, the error's `code`
//! and its `cause` are what tell them apart. Only a failure recognised as "no response" is retried
//! (and reported as a `NetworkError`): an invalid request fails the same way every time and is passed
//! on at once, as fetch itself would; anything else (a `TypeError` from the caller's own `fetch`
//! wrapper, an error from a request body's stream) is passed on unchanged, since dressing it up as a
//! network failure would hide the bug.
//!
//! The messages below were recorded from each runtime against loopback servers (refused and reset
//! connections, a closed socket before the response, DNS and TLS failures, invalid requests and body
//! streams that fail); see the tests.

/// What a rejected `fetch` call means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchFailure {
    /// No response: the connection could not be made or broke before the response. Retry if safe.
    Network,
    /// The request itself is invalid (URL, method and body, headers, signal): never retry.
    Usage,
    /// Neither: thrown by a custom `fetch`, user code or a body's stream; pass it on unchanged.
    Other,
}

/// What JavaScript read from the rejection: the error's `name`, `message` and `code` (empty when not a
/// string), and the same of its `cause`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetchRejection<'a> {
    /// `error.name`, such as `"TypeError"`.
    pub name: &'a str,
    /// `error.message`.
    pub message: &'a str,
    /// `error.code` (Bun puts `ECONNREFUSED` there).
    pub code: &'a str,
    /// `error.cause.name` (Node's undici nests the socket error there).
    pub cause_name: &'a str,
    /// `error.cause.code`.
    pub cause_code: &'a str,
    /// `error.cause.message` (Deno describes the connection error there).
    pub cause_message: &'a str,
}

/// Fragments, in lower case, of the messages runtimes give when the request itself is invalid, in
/// the error or (Node) its cause.
const MISUSE_FRAGMENTS: &[&str] = &[
    "failed to parse url",                      // Node, Chromium
    "invalid url",                              // Node, Deno, workerd
    "url is invalid",                           // Bun
    "is not a valid url",                       // Firefox
    "url is not valid",                         // WebKit
    "fetch api cannot load",                    // workerd: a scheme it does not fetch
    "url scheme",                               // Deno: "Url scheme 'ftp' not supported"
    "protocol must be",                         // Bun: "protocol must be http:, https: or s3:"
    "unknown scheme",                           // Node's cause
    "bad port",                                 // Node's cause
    "are blocked",                              // Deno: "Requests to port 1 are blocked"
    "failed to execute 'fetch'",                // Chromium: every argument error has this prefix
    "cannot have body",                         // Node, Chromium, Deno, Bun: GET/HEAD with a body
    "cannot have a body",                       // Firefox, WebKit, workerd
    "includes credentials",                     // Node: a URL with user:password@
    "contains user credentials",                // WebKit
    "invalid header",                           // Node, Deno, Firefox, workerd
    "has invalid value",                        // WebKit, Bun
    "invalid name",                             // Chromium (after its prefix)
    "duplex option is required",                // Node: a stream body without duplex
    "already been read",                        // Node: a Request whose body was used
    "already been consumed",                    // Firefox
    "already been used",                        // Node, Chromium, WebKit
    "already used",                             // Bun
    "body is unusable",                         // Deno
    "used body",                                // workerd
    "disturbed or locked",                      // Node, Deno, Bun, WebKit: a used or locked stream
    "is locked",                                // Chromium, workerd, WebKit
    "is disturbed",                             // workerd
    "not of type 'abortsignal'",                // workerd
    "not of type abortsignal",                  // Node, Bun
    "is not of type abortsignal",               // Deno
    "does not implement interface abortsignal", // Firefox
    "method is unsupported",                    // Node: CONNECT, TRACE, TRACK
    "invalid redirect value",                   // workerd: redirect "error"
    "unexpected redirect",                      // Node's cause, Bun: redirect "error" met one
    "unexpectedredirect",                       // Bun
    "redirect mode is set to 'error'",          // Deno
];

/// Messages, in lower case, of a `TypeError` that means no response came: the browsers' and the
/// polyfills' (which say nothing more), and Deno's older top-level message.
const NETWORK_MESSAGES: &[&str] = &[
    "failed to fetch",                                         // Chromium
    "networkerror when attempting to fetch resource",          // Firefox
    "load failed",                                             // WebKit, Safari
    "the network connection was lost",                         // Safari
    "could not connect to the server",                         // Safari
    "the internet connection appears to be offline",           // Safari
    "a server with the specified hostname could not be found", // Safari
    "the request timed out",                                   // Safari
    "network request failed",                                  // React Native, whatwg-fetch
    "network error",                                           // older Chromium and Safari
    "error sending request",                                   // Deno before "fetch failed"
];

/// Fragments, in lower case, of Deno's connection errors, which it keeps in the cause of its
/// "fetch failed" `TypeError` without a code.
const DENO_NETWORK_FRAGMENTS: &[&str] = &[
    "error sending request",
    "(os error",
    "connection closed before message completed",
    "connection reset",
    "tcp connect error",
    "dns error",
    "tls handshake",
    "invalid peer certificate",
];

/// Error codes of failed connections: the system's (Node, Bun), undici's socket and timeout errors,
/// and TLS failures (no response came, whatever the reason).
const NETWORK_CODES: &[&str] = &[
    "ECONNREFUSED",
    "ECONNRESET",
    "ECONNABORTED",
    "EPIPE",
    "ETIMEDOUT",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EAI_FAIL",
    "ENETUNREACH",
    "ENETDOWN",
    "EHOSTUNREACH",
    "EHOSTDOWN",
    "EADDRNOTAVAIL",
    "EPROTO",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
    "UND_ERR_CLOSED",
    "UND_ERR_DESTROYED",
];

/// Classifies a rejection of `fetch`.
pub fn classify_fetch_failure(rejection: &FetchRejection<'_>) -> FetchFailure {
    let FetchRejection {
        name,
        message,
        code,
        cause_name: _,
        cause_code,
        cause_message,
    } = *rejection;
    // workerd rejects a lost or refused connection with a plain `Error`.
    if name == "Error" && contains_ignoring_case(message, "network connection lost") {
        return FetchFailure::Network;
    }
    if name != "TypeError" {
        return FetchFailure::Other;
    }
    let mentions = |text: &str, fragments: &[&str]| {
        fragments
            .iter()
            .any(|fragment| contains_ignoring_case(text, fragment))
    };
    if mentions(message, MISUSE_FRAGMENTS) {
        return FetchFailure::Usage;
    }
    // Bun: the code is on the error itself.
    if is_network_code(code) {
        return FetchFailure::Network;
    }
    // Node (and Deno): "fetch failed", with what happened in the cause. A cause without a network
    // code or message is an invalid request or an error from the body's stream.
    if message.eq_ignore_ascii_case("fetch failed") {
        if is_network_code(cause_code) || mentions(cause_message, DENO_NETWORK_FRAGMENTS) {
            return FetchFailure::Network;
        }
        if cause_code.is_empty() && mentions(cause_message, MISUSE_FRAGMENTS) {
            return FetchFailure::Usage;
        }
        return FetchFailure::Other;
    }
    if NETWORK_MESSAGES
        .iter()
        .any(|known| starts_with_ignoring_case(message, known))
    {
        return FetchFailure::Network;
    }
    FetchFailure::Other
}

/// Whether `code` names a failed connection: a known code, or a certificate or TLS failure.
fn is_network_code(code: &str) -> bool {
    NETWORK_CODES.contains(&code)
        || contains_ignoring_case(code, "CERT")
        || code.starts_with("ERR_TLS_")
        || code.starts_with("ERR_SSL_")
}

/// Whether `text` contains `fragment` (lower case), ignoring ASCII case. A plain scan: messages are
/// cut short before they get here, and `str::contains` with its two-way searcher costs the wasm
/// about 3 KB.
fn contains_ignoring_case(text: &str, fragment: &str) -> bool {
    let fragment = fragment.as_bytes();
    text.as_bytes()
        .windows(fragment.len())
        .any(|window| window.eq_ignore_ascii_case(fragment))
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_error(message: &str) -> FetchRejection<'_> {
        FetchRejection {
            name: "TypeError",
            message,
            ..FetchRejection::default()
        }
    }

    /// Node and Deno: `TypeError("fetch failed")` with the cause's code and message.
    fn fetch_failed<'a>(cause_code: &'a str, cause_message: &'a str) -> FetchRejection<'a> {
        FetchRejection {
            name: "TypeError",
            message: "fetch failed",
            cause_name: "Error",
            cause_code,
            cause_message,
            ..FetchRejection::default()
        }
    }

    fn classify(rejection: FetchRejection<'_>) -> FetchFailure {
        classify_fetch_failure(&rejection)
    }

    #[test]
    fn browsers_connection_failures_are_network_failures() {
        for message in [
            "Failed to fetch",
            "NetworkError when attempting to fetch resource.",
            "Load failed",
            "The network connection was lost.",
            "Could not connect to the server.",
            "Network request failed",
        ] {
            assert_eq!(
                classify(type_error(message)),
                FetchFailure::Network,
                "{message:?}"
            );
        }
    }

    #[test]
    fn nodes_connection_failures_are_network_failures() {
        for (code, message) in [
            ("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"),
            ("UND_ERR_SOCKET", "other side closed"),
            ("ECONNRESET", "read ECONNRESET"),
            ("ENOTFOUND", "getaddrinfo ENOTFOUND nonexistent.invalid"),
            (
                "ECONNRESET",
                "Client network socket disconnected before secure TLS connection was established",
            ),
            ("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
            ("UND_ERR_HEADERS_TIMEOUT", "Headers Timeout Error"),
        ] {
            assert_eq!(
                classify(fetch_failed(code, message)),
                FetchFailure::Network,
                "{code}"
            );
        }
    }

    #[test]
    fn denos_connection_failures_are_network_failures() {
        for message in [
            "error sending request for url (http://127.0.0.1:9/x): client error (Connect): tcp connect error: Connection refused (os error 111)",
            "error sending request from 127.0.0.1:48000 for http://127.0.0.1:9/x (127.0.0.1:9): client error (SendRequest): connection closed before message completed",
            "Connection reset by peer (os error 104)",
            "error sending request for url (http://nonexistent.invalid/x): client error (Connect): dns error: failed to lookup address information: Name or service not known",
            "error sending request for url (https://127.0.0.1:9/ok): client error (Connect): tls handshake eof",
        ] {
            assert_eq!(classify(fetch_failed("", message)), FetchFailure::Network, "{message:?}");
        }
        // Deno before 2.x said it at the top level.
        assert_eq!(
            classify(type_error(
                "error sending request for url (http://invalid.example/): client error (Connect)"
            )),
            FetchFailure::Network
        );
    }

    #[test]
    fn buns_connection_failures_carry_their_code_on_the_error() {
        for (code, message) in [
            (
                "ECONNREFUSED",
                "ECONNREFUSED: Unable to connect. Is the computer able to access the url?",
            ),
            (
                "ECONNRESET",
                "ECONNRESET: The socket connection was closed unexpectedly.",
            ),
            ("ENOTFOUND", "getaddrinfo ENOTFOUND nonexistent.invalid"),
            ("DEPTH_ZERO_SELF_SIGNED_CERT", "self signed certificate"),
        ] {
            let rejection = FetchRejection {
                code,
                ..type_error(message)
            };
            assert_eq!(classify(rejection), FetchFailure::Network, "{code}");
        }
    }

    #[test]
    fn workerds_plain_error_for_a_lost_connection_is_a_network_failure() {
        let lost = FetchRejection {
            name: "Error",
            message: "Network connection lost.",
            ..FetchRejection::default()
        };
        assert_eq!(classify(lost), FetchFailure::Network);
        // Its DNS and TLS failures are an opaque "internal error": not known to mean no response.
        let internal = FetchRejection {
            name: "Error",
            message: "internal error; reference = 78hh4j0v4g2rtcr5tdd9tlit",
            ..FetchRejection::default()
        };
        assert_eq!(classify(internal), FetchFailure::Other);
    }

    #[test]
    fn invalid_requests_are_misuse() {
        for message in [
            "Failed to parse URL from /relative",
            "Invalid URL: 'http://127.0.0.1:99999/x'",
            "fetch() URL is invalid",
            "Failed to execute 'fetch' on 'Window': Failed to parse URL from http://[",
            "Failed to execute 'fetch' on 'Window': Invalid value",
            "Window.fetch: foo is not a valid URL.",
            "Window.fetch: HEAD or GET Request cannot have a body.",
            "URL is not valid or contains user credentials.",
            "Fetch API cannot load: ftp://127.0.0.1/x",
            "Url scheme 'ftp' not supported",
            "protocol must be http:, https: or s3:",
            "Request with GET/HEAD method cannot have body.",
            "Request has method 'GET' and cannot have a body",
            "Request cannot be constructed from a URL that includes credentials: http://a:b@x/",
            "RequestInit: duplex option is required when sending a body.",
            "Headers.append: \"a b\" is an invalid header name.",
            "Header 'authorization' has invalid value: 'x'",
            "Invalid header value.",
            "Cannot construct a Request with a Request object that has already been used.",
            "Request.text: Body has already been consumed.",
            "Request body already used",
            "Input request's body is unusable",
            "Cannot reconstruct a Request with a used body.",
            "Response body object should not be disturbed or locked",
            "This ReadableStream is locked to a reader, and cannot be used as a body.",
            "Fetch failed: Requests to port 1 are blocked",
            "Failed to construct 'Request': member signal is not of type AbortSignal.",
            "Window.fetch: 'signal' member of RequestInit does not implement interface AbortSignal.",
            "'CONNECT' HTTP method is unsupported.",
            "Fetch failed: Encountered redirect while redirect mode is set to 'error'",
        ] {
            assert_eq!(classify(type_error(message)), FetchFailure::Usage, "{message:?}");
        }
        for cause in ["unknown scheme", "bad port", "unexpected redirect"] {
            assert_eq!(classify(fetch_failed("", cause)), FetchFailure::Usage, "{cause}");
        }
    }

    #[test]
    fn a_bug_in_the_callers_fetch_wrapper_is_passed_on() {
        for message in [
            "Cannot read properties of undefined (reading 'headers')",
            "undefined is not a function",
            "",
        ] {
            assert_eq!(classify(type_error(message)), FetchFailure::Other, "{message:?}");
        }
        let custom = FetchRejection {
            name: "MyFetchError",
            message: "fetch failed",
            ..FetchRejection::default()
        };
        assert_eq!(classify(custom), FetchFailure::Other);
    }

    #[test]
    fn a_body_stream_that_fails_is_not_a_network_failure() {
        // Node keeps the stream's own error as the cause; Deno copies its message.
        assert_eq!(
            classify(fetch_failed("", "body iteration failed")),
            FetchFailure::Other
        );
        let node = FetchRejection {
            cause_name: "BodyBug",
            ..fetch_failed("", "readable failed")
        };
        assert_eq!(classify(node), FetchFailure::Other);
        // An error thrown by the stream with an unrelated code is not one either.
        assert_eq!(
            classify(fetch_failed("ERR_MY_SOURCE", "disk read failed")),
            FetchFailure::Other
        );
    }

    #[test]
    fn network_messages_must_start_the_message() {
        // A wrapper's own message that merely mentions a network failure is still the wrapper's.
        assert_eq!(
            classify(type_error("Cannot read 'x' after Failed to fetch")),
            FetchFailure::Other
        );
    }
}
