//! What an answer says, for JavaScript: whether a REST answer is data, a batch that partly succeeded
//! or a failure, with the failures and the problem its body gives; the errors of a GraphQL answer and
//! whether they fail the call; each as a plain object.
//!
//! JavaScript reads the body as text, cuts it to `maxBodyBytes()` UTF-16 code units and passes the
//! string; nothing here can fail on any string (the core bounds what it reads and returns).

use alloc::string::String;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::js::set;
use crate::graphql_errors::{failure, graphql_errors as read_graphql_errors, PathSegment};
use crate::json::{Unreadable, MAX_BODY_BYTES};
use crate::partial::{ItemId, Partial};
use crate::problem::{problem as read_problem, Code, Problem};
use crate::rest::{keeps_for_revalidation, kind_by_status, read_answer, AnswerKind};

/// How much of a body the core reads: JavaScript cuts the text to this many UTF-16 code units before
/// passing it; a body longer than this many bytes of UTF-8 reads as cut off.
#[wasm_bindgen(js_name = maxBodyBytes)]
pub fn max_body_bytes() -> u32 {
    MAX_BODY_BYTES as u32
}

/// What the body of a failed REST answer with `status` says: `{ status, shape, title?, detail?,
/// type?, instance?, code?, fieldErrors: [{ field, message }], messages: [string], retryAfterMs?,
/// unreadable? }`. `shape` is `"v3"`, `"v2"`, `"envelope"`, `"text"`, `"html"`, `"json"` or
/// `"empty"`; `code` a number or a string; `unreadable` (`"truncated"`, `"invalid"`, `"too_deep"`)
/// says why a body that looked like JSON was read as text. `content_type` is the answer's
/// `Content-Type`, or an empty string.
#[wasm_bindgen]
pub fn problem(status: u16, content_type: &str, body: &str) -> Object {
    problem_object(read_problem(status, content_type, body))
}

/// What a REST answer with `status` is when the status alone says: 0 nothing to read (204, 304), 1 the
/// body is the data (any other 2xx but 207), 2 the body must be read by `restAnswer` (a 207, a 422,
/// an error status).
#[wasm_bindgen(js_name = restKind)]
pub fn rest_kind(status: u16) -> u8 {
    match kind_by_status(status) {
        Some(AnswerKind::Empty) => 0,
        Some(AnswerKind::Data) => 1,
        _ => 2,
    }
}

/// What a REST answer that is not plain data says: `{ partial, failures?, counts?, problem?,
/// unreadable? }`. `partial`: the batch partly succeeded (a 207, or a 422 that carries saved items),
/// with `failures` and `counts`; otherwise the call failed: `problem` (as `problem()` gives it), and
/// `failures` when a 422 names the items of a batch it refused. `unreadable` says why the failures
/// could not be read.
#[wasm_bindgen(js_name = restAnswer)]
pub fn rest_answer(status: u16, content_type: &str, body: &str) -> Object {
    let answer = read_answer(status, content_type, body);
    let object = Object::new();
    set(&object, "partial", &(answer.kind == AnswerKind::Partial).into());
    if let Some(partial) = answer.partial {
        set_partial(&object, partial);
    }
    if let Some(problem) = answer.problem {
        set(&object, "problem", &problem_object(problem));
    }
    object
}

/// Whether a revalidating client keeps an answer with `status`, `last_modified` (its `Last-Modified`,
/// empty when absent) and a body `length` long, to ask about it with `If-Modified-Since`.
#[wasm_bindgen(js_name = keepsForRevalidation)]
pub fn keeps_for_revalidation_js(status: u16, last_modified: &str, length: u32) -> bool {
    keeps_for_revalidation(status, last_modified, length as usize)
}

/// `failures: [{ key, message, status?, title?, item? }]`, `counts?: { total, success, failed }` and
/// `unreadable?` on `object`. `key` names an item's index or id, or an attribute (empty when the body
/// names nothing); `item` (a number or a string) is the item the body names beside the key, such as a
/// price record's `variant_id` or `sku`.
fn set_partial(object: &Object, partial: Partial) {
    let failures: Array = partial
        .failures
        .into_iter()
        .map(|failure| {
            let entry = Object::new();
            set(&entry, "key", &failure.key.into());
            set(&entry, "message", &failure.message.into());
            if let Some(status) = failure.status {
                set(&entry, "status", &status.into());
            }
            set_text(&entry, "title", failure.title);
            if let Some(item) = failure.item {
                let item = match item {
                    ItemId::Number(id) => JsValue::from_f64(id as f64),
                    ItemId::Text(id) => JsValue::from(id),
                };
                set(&entry, "item", &item);
            }
            JsValue::from(entry)
        })
        .collect();
    set(object, "failures", &failures);
    if let Some(counts) = partial.counts {
        let entry = Object::new();
        set(&entry, "total", &(counts.total as f64).into());
        set(&entry, "success", &(counts.success as f64).into());
        set(&entry, "failed", &(counts.failed as f64).into());
        set(object, "counts", &entry);
    }
    set_unreadable(object, partial.unreadable);
}

/// What a storefront GraphQL answer with `status` says: `{ errors: [{ message, path, code?, kind }],
/// kind?, failure?, complexity?: { cost, limit }, hasData, unreadable? }`. `path` holds strings and
/// numbers; `kind` is `"complexity"`, `"invalid_customer_token"`, `"missing_customer_token"` or
/// `"graphql"` (the answer's is that of its first error that is not `"graphql"`); `failure`, when the
/// call fails, is the kind it fails as (`"unauthorized"` for a 401); `hasData`: `data` is there and not
/// `null`. `is_object`: JavaScript's `JSON.parse` of the whole body gave an object (the core reads only
/// `maxBodyBytes()` of it).
#[wasm_bindgen(js_name = graphqlErrors)]
pub fn graphql_errors(status: u16, body: &str, is_object: bool) -> Object {
    let answer = read_graphql_errors(body);
    let object = Object::new();
    if let Some(kind) = failure(status, &answer, is_object) {
        set(&object, "failure", &kind.as_str().into());
    }
    let errors: Array = answer
        .errors
        .into_iter()
        .map(|error| {
            let entry = Object::new();
            set(&entry, "message", &error.message.into());
            let path: Array = error
                .path
                .into_iter()
                .map(|segment| match segment {
                    PathSegment::Field(name) => JsValue::from(name),
                    PathSegment::Index(index) => JsValue::from_f64(index as f64),
                })
                .collect();
            set(&entry, "path", &path);
            set_text(&entry, "code", error.code);
            set(&entry, "kind", &error.kind.as_str().into());
            JsValue::from(entry)
        })
        .collect();
    set(&object, "errors", &errors);
    if let Some(kind) = answer.kind {
        set(&object, "kind", &kind.as_str().into());
    }
    if let Some(complexity) = answer.complexity {
        let entry = Object::new();
        set(&entry, "cost", &(complexity.cost as f64).into());
        set(&entry, "limit", &(complexity.limit as f64).into());
        set(&object, "complexity", &entry);
    }
    set(&object, "hasData", &answer.has_data.into());
    set_unreadable(&object, answer.unreadable);
    object
}

/// The problem of a failed REST answer: `{ status, shape, title?, detail?, type?, instance?, code?,
/// fieldErrors, messages, retryAfterMs?, unreadable? }`.
fn problem_object(problem: Problem) -> Object {
    let object = Object::new();
    set(&object, "status", &problem.status.into());
    set(&object, "shape", &problem.shape.as_str().into());
    set_text(&object, "title", problem.title);
    set_text(&object, "detail", problem.detail);
    set_text(&object, "type", problem.error_type);
    set_text(&object, "instance", problem.instance);
    if let Some(code) = problem.code {
        set(&object, "code", &code_value(code));
    }
    let fields: Array = problem
        .field_errors
        .into_iter()
        .map(|error| {
            let entry = Object::new();
            set(&entry, "field", &error.field.into());
            set(&entry, "message", &error.message.into());
            JsValue::from(entry)
        })
        .collect();
    set(&object, "fieldErrors", &fields);
    let messages: Array = problem.messages.into_iter().map(JsValue::from).collect();
    set(&object, "messages", &messages);
    if let Some(ms) = problem.retry_after_ms {
        set(&object, "retryAfterMs", &(ms as f64).into());
    }
    set_unreadable(&object, problem.unreadable);
    object
}

fn set_text(object: &Object, key: &str, text: Option<String>) {
    if let Some(text) = text {
        set(object, key, &text.into());
    }
}

fn set_unreadable(object: &Object, unreadable: Option<Unreadable>) {
    if let Some(unreadable) = unreadable {
        set(object, "unreadable", &unreadable.as_str().into());
    }
}

fn code_value(code: Code) -> JsValue {
    match code {
        Code::Number(number) => JsValue::from_f64(number as f64),
        Code::Text(text) => JsValue::from(text),
    }
}

/// Whether a request to `url` with the text `body` is a GraphQL read (a JSON body whose `query` holds
/// only queries, to a `/graphql` URL), so that sending it again changes nothing.
#[wasm_bindgen(js_name = isGraphqlRead)]
pub fn is_graphql_read(url: &str, body: &str) -> bool {
    crate::graphql::is_read_request(url, body)
}
