//! Questions JavaScript's retry loop asks of the core about the caller's request and `fetch`'s errors.

use wasm_bindgen::prelude::*;

use alloc::string::String;

use crate::fetch_error::{classify_fetch_failure, FetchFailure, FetchRejection};
use crate::graphql;
use crate::policy::shares_first_attempt;
use crate::redact::redact as redact_text;

/// What a rejection of `fetch` means: 0 when no response came (a failed connection, worth
/// retrying), 1 when the request is invalid, 2 for anything else (an error thrown by the caller's
/// own code, passed on unchanged). JavaScript passes the error's `name`, `message` and `code` and
/// its cause's, each a string (empty when absent) cut to a bounded length.
#[wasm_bindgen(js_name = fetchFailure)]
pub fn fetch_failure(
    name: &str,
    message: &str,
    code: &str,
    cause_name: &str,
    cause_code: &str,
    cause_message: &str,
) -> u8 {
    let rejection = FetchRejection {
        name,
        message,
        code,
        cause_name,
        cause_code,
        cause_message,
    };
    match classify_fetch_failure(&rejection) {
        FetchFailure::Network => 0,
        FetchFailure::Usage => 1,
        FetchFailure::Other => 2,
    }
}

/// Whether `url` is a GraphQL endpoint, whose requests may be reads whatever their method: JavaScript
/// then asks the extras module's `isGraphqlRead` (the reader of GraphQL documents lives there, so
/// that a page that never posts to GraphQL does not download it).
#[wasm_bindgen(js_name = isGraphqlEndpoint)]
pub fn is_graphql_endpoint(url: &str) -> bool {
    graphql::is_endpoint(url)
}

/// `text` cut to a bounded length, with the userinfo, query and fragment of any URL in it (and a
/// quoted header value) replaced by `[redacted]`: for the messages of errors the package passes on.
#[wasm_bindgen]
pub fn redact(text: &str) -> String {
    redact_text(text)
}

/// Whether a call's first attempt goes out without its own signal, for a host that shares reads
/// (Next.js's server fetch) to share it; JavaScript asks only when the `fetch` it sends through is such
/// a host's. See [`shares_first_attempt`].
#[wasm_bindgen(js_name = sharesFirstAttempt)]
pub fn shares_first_attempt_js(method: &str, caller_signal: bool) -> bool {
    shares_first_attempt(method, caller_signal, true)
}
