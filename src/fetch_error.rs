//! Telling a failed connection from a misused `fetch`.
//!
//! Runtimes reject with a `TypeError` in both cases, and only the message differs; Cloudflare's
//! workerd rejects a lost or refused connection with a plain `Error` instead. A network
//! failure is worth retrying; a bad URL or a GET with a body fails the same way every time, so it is
//! passed to the caller at once, unchanged, as `fetch` itself would. Messages not recognised as misuse
//! count as network failures: retrying a misuse costs only a few waits, while not retrying a real
//! network failure loses the resilience this library is for.

/// What a rejected `fetch` call means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchFailure {
    /// The request could not reach the server or the connection broke: retry if safe.
    Network,
    /// The request itself is invalid (URL, method and body, headers): never retry.
    Usage,
    /// Not a `TypeError`: thrown by a custom `fetch` or by user code; pass it on unchanged.
    Other,
}

/// Fragments, in lower case, of the messages runtimes give when the request itself is invalid.
/// Sources: Node (undici), Chromium, Firefox, WebKit, Deno and workerd, as each words them.
const MISUSE_FRAGMENTS: &[&str] = &[
    "failed to parse url",       // Node, Chromium
    "invalid url",               // Node, Deno
    "is not a valid url",        // Firefox
    "url is not valid",          // WebKit
    "fetch api cannot load",     // workerd
    "failed to execute 'fetch'", // Chromium: every argument error carries this prefix
    "cannot have body",          // Node, Chromium, Deno: GET/HEAD with a body
    "cannot have a body",        // Firefox, WebKit
    "includes credentials",      // URLs with user:password@
    "invalid header",            // Node, Deno: a header name or value that is not allowed
    "duplex option is required", // Node: a stream body without duplex
    "already been read",         // Node: a Request whose body was used
    "already been consumed",     // Firefox
    "already been used",         // Chromium, WebKit
];

/// Fragments, in lower case, of network failures that a runtime reports with a plain `Error` rather
/// than a `TypeError`: workerd's "Network connection lost." for a dropped or refused connection.
const PLAIN_ERROR_NETWORK_FRAGMENTS: &[&str] = &["network connection lost"];

/// Classifies a rejection of `fetch` from the error's `name` and `message`.
pub fn classify_fetch_failure(name: &str, message: &str) -> FetchFailure {
    let mentions = |fragments: &[&str]| fragments.iter().any(|f| contains_ignoring_case(message, f));
    if name == "Error" && mentions(PLAIN_ERROR_NETWORK_FRAGMENTS) {
        return FetchFailure::Network;
    }
    if name != "TypeError" {
        return FetchFailure::Other;
    }
    if mentions(MISUSE_FRAGMENTS) {
        FetchFailure::Usage
    } else {
        FetchFailure::Network
    }
}

/// Whether `text` contains `fragment` (lower case), ignoring ASCII case. A plain scan: messages are
/// short, and `str::contains` with its two-way searcher costs the wasm about 3 KB.
fn contains_ignoring_case(text: &str, fragment: &str) -> bool {
    let fragment = fragment.as_bytes();
    text.as_bytes()
        .windows(fragment.len())
        .any(|window| window.eq_ignore_ascii_case(fragment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_from_every_runtime_are_network_failures() {
        for message in [
            "fetch failed",                                    // Node (cause: ECONNREFUSED, UND_ERR_SOCKET…)
            "Failed to fetch",                                 // Chromium
            "NetworkError when attempting to fetch resource.", // Firefox
            "Load failed",                                     // WebKit
            "The network connection was lost.",                // WebKit
            "Network connection lost.",                        // Cloudflare Workers
            "error sending request for url (http://invalid.example/): client error (Connect)", // Deno
            "terminated",                                      // Node: body cut mid-way
            "",
        ] {
            assert_eq!(
                classify_fetch_failure("TypeError", message),
                FetchFailure::Network,
                "{message:?}"
            );
        }
    }

    #[test]
    fn invalid_requests_are_misuse() {
        for message in [
            "Failed to parse URL from /relative",
            "Invalid URL",
            "Failed to execute 'fetch' on 'Window': Failed to parse URL from http://[",
            "Failed to execute 'fetch' on 'Window': Request with GET/HEAD method cannot have body.",
            "Window.fetch: foo is not a valid URL.",
            "Window.fetch: HEAD or GET Request cannot have a body.",
            "URL is not valid or contains user credentials.",
            "Fetch API cannot load: not-a-url",
            "Request with GET/HEAD method cannot have body.",
            "Request cannot be constructed from a URL that includes credentials: http://a:b@x/",
            "RequestInit: duplex option is required when sending a body.",
            "Headers.append: \"a b\" is an invalid header name.",
            "Body is unusable: Body has already been read",
            "Request.text: Body has already been consumed.",
            "Failed to execute 'fetch' on 'Window': Cannot construct a Request with a Request object that has already been used.",
        ] {
            assert_eq!(
                classify_fetch_failure("TypeError", message),
                FetchFailure::Usage,
                "{message:?}"
            );
        }
    }

    #[test]
    fn workerds_plain_error_for_a_lost_connection_is_a_network_failure() {
        assert_eq!(
            classify_fetch_failure("Error", "Network connection lost."),
            FetchFailure::Network
        );
        assert_eq!(
            classify_fetch_failure("Error", "Something else broke"),
            FetchFailure::Other
        );
    }

    #[test]
    fn errors_that_are_not_type_errors_are_passed_on() {
        assert_eq!(
            classify_fetch_failure("Error", "fetch failed"),
            FetchFailure::Other
        );
        assert_eq!(
            classify_fetch_failure("AbortError", "The operation was aborted."),
            FetchFailure::Other
        );
        assert_eq!(classify_fetch_failure("", ""), FetchFailure::Other);
    }
}
