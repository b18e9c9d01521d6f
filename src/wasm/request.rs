//! What the loop needs to know about the caller's request, read once per call, and how to send it
//! again: body replay, the idempotency mark, and the caller's abort signal.

use js_sys::{Array, Object};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Headers, ReadableStream, Request};

use super::js::{
    abort_signal_any, get, get_cached, object_assign, object_keys, set_cached, BODY, METHOD, SIGNAL,
};
use super::timers::AbortListener;
use crate::graphql;

/// The header that marks a POST or PATCH as safe to repeat (IETF draft "The Idempotency-Key HTTP
/// Header Field"); the server deduplicates requests that carry the same key.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The caller's `(input, init)` and what was learnt from them.
pub struct PreparedRequest {
    input: JsValue,
    init: JsValue,
    /// The method, as given (the core compares without regard to case).
    pub method: String,
    /// `init.body`, kept for the GraphQL check of [`PreparedRequest::marked_idempotent`].
    body: JsValue,
    /// False when the body is a stream, which can be read only once.
    pub replayable: bool,
    /// The caller's signal: `init.signal`, else the `Request`'s own.
    pub signal: Option<AbortSignal>,
    /// A `Request` with a body is cloned for every attempt, since sending it uses the body up.
    clone_input: bool,
}

impl PreparedRequest {
    /// Reads what every attempt needs. Anything unreadable or invalid is left for `fetch` to reject.
    pub fn new(input: JsValue, init: JsValue) -> PreparedRequest {
        let request = input.dyn_ref::<Request>();
        let method = get_cached(&init, &METHOD)
            .as_string()
            .or_else(|| request.map(Request::method))
            .unwrap_or_else(|| "GET".to_owned());
        let body = get_cached(&init, &BODY);
        let replayable = !body.is_instance_of::<ReadableStream>();
        // Firefox has no `Request.body`, so any method that may carry a body counts as having one.
        let may_have_body = |r: &Request| {
            r.body().is_some() || !matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD")
        };
        let clone_input = body.is_undefined() && request.is_some_and(may_have_body);
        let signal = match get_cached(&init, &SIGNAL) {
            signal if signal.is_undefined() => request.map(Request::signal),
            signal => signal.dyn_into::<AbortSignal>().ok(),
        };
        PreparedRequest {
            input,
            init,
            method,
            body,
            replayable,
            signal,
            clone_input,
        }
    }

    /// Whether the caller marked the request safe to repeat: `init.idempotent === true`, an
    /// `Idempotency-Key` header, or a GraphQL request that only reads. Read only when a retry is being
    /// decided, so the success path never parses a body; fails only with what the caller's own objects
    /// threw (a throwing getter or Proxy).
    pub fn marked_idempotent(&self) -> Result<bool, JsValue> {
        let request = self.input.dyn_ref::<Request>();
        Ok(get(&self.init, "idempotent").as_bool() == Some(true)
            || has_idempotency_key(&self.init, request)?
            || is_graphql_read(&self.input, request, &self.body))
    }

    /// The `(input, init)` for one attempt, sending `signal` (when given) in place of the caller's.
    pub fn for_attempt(&self, signal: Option<&AbortSignal>) -> Result<(JsValue, JsValue), JsValue> {
        let input = match self.input.dyn_ref::<Request>() {
            Some(request) if self.clone_input => request.clone()?.into(),
            _ => self.input.clone(),
        };
        let Some(signal) = signal else {
            return Ok((input, self.init.clone()));
        };
        let init = Object::new();
        if self.init.is_object() {
            object_assign(&init, &self.init)?;
        }
        set_cached(&init, &SIGNAL, signal);
        Ok((input, init.into()))
    }
}

/// A signal that aborts when either the caller's signal or the attempt's own does. `AbortSignal.any`
/// keeps the link for as long as the response body is read; where it is missing, a listener forwards
/// the caller's abort until the attempt ends.
pub fn combine_signals(
    caller: Option<&AbortSignal>,
    attempt: &web_sys::AbortController,
) -> (AbortSignal, Option<AbortListener>) {
    let Some(caller) = caller else {
        return (attempt.signal(), None);
    };
    let both: Array = [caller.clone(), attempt.signal()].into_iter().collect();
    if let Ok(signal) = abort_signal_any(&both) {
        return (signal, None);
    }
    let (from, to) = (caller.clone(), attempt.clone());
    let listener = AbortListener::listen(caller, move || to.abort_with_reason(&from.reason()));
    (attempt.signal(), Some(listener))
}

fn has_idempotency_key(init: &JsValue, request: Option<&Request>) -> Result<bool, JsValue> {
    let headers = get(init, "headers");
    if headers.is_undefined() {
        return Ok(request.is_some_and(|r| r.headers().has(IDEMPOTENCY_KEY).unwrap_or(false)));
    }
    if let Some(headers) = headers.dyn_ref::<Headers>() {
        return Ok(headers.has(IDEMPOTENCY_KEY).unwrap_or(false));
    }
    if !headers.is_object() {
        return Ok(false);
    }
    if Array::is_array(&headers) {
        let length = get(&headers, "length").as_f64().unwrap_or(0.0) as u32;
        return Ok((0..length).any(|i| is_idempotency_key(&get(&get(&headers, &i.to_string()), "0"))));
    }
    Ok(object_keys(&headers)?.iter().any(|key| is_idempotency_key(&key)))
}

/// A POST to a `/graphql` endpoint whose JSON body holds only queries: BigCommerce's storefront API
/// takes reads as POSTs, and a read is safe to send again. A body that is not a string (a stream, a
/// `Request`'s own body) cannot be read here, and counts as not a read.
fn is_graphql_read(input: &JsValue, request: Option<&Request>, body: &JsValue) -> bool {
    let url = match request {
        Some(request) => request.url(),
        None => input
            .as_string()
            .or_else(|| get(input, "href").as_string())
            .unwrap_or_default(),
    };
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if !path.ends_with("/graphql") {
        return false;
    }
    let Some(text) = body.as_string() else {
        return false;
    };
    let query = js_sys::JSON::parse(&text).map(|parsed| get(&parsed, "query").as_string());
    matches!(query, Ok(Some(document)) if graphql::is_read_only(&document))
}

fn is_idempotency_key(name: &JsValue) -> bool {
    name.as_string()
        .is_some_and(|name| name.eq_ignore_ascii_case(IDEMPOTENCY_KEY))
}
