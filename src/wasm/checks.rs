//! Questions JavaScript's retry loop asks of the core about the caller's request and `fetch`'s errors.

use wasm_bindgen::prelude::*;

use crate::fetch_error::{classify_fetch_failure, FetchFailure};
use crate::graphql;

/// Whether a rejection of `fetch` with this error `name` and `message` is a failed connection (worth
/// retrying) rather than an invalid request or an error thrown by the caller's own code.
#[wasm_bindgen(js_name = isNetworkFailure)]
pub fn is_network_failure(name: &str, message: &str) -> bool {
    classify_fetch_failure(name, message) == FetchFailure::Network
}

/// Whether a GraphQL document holds only queries, so that sending it again changes nothing.
#[wasm_bindgen(js_name = isReadOnlyGraphql)]
pub fn is_read_only_graphql(document: &str) -> bool {
    graphql::is_read_only(document)
}
