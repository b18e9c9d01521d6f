//! What the `errors` of a storefront GraphQL answer say: [`graphql_errors`] reads them into
//! [`GraphqlErrors`].
//!
//! The storefront API answers errors with HTTP 200 (`bigcommerce-api-behaviour.md`, "GraphQL
//! Storefront API"): `{"data": …, "errors": [{message, path?, extensions?: {code}}]}`. Two kinds ask
//! for something other than a retry: a query over the complexity limit ("The query is too complex as
//! it has a complexity score of 12230 out of 10000. …"), whose score and limit are read from the
//! message, and a customer token that is missing or no longer valid (`extensions.code`
//! `MISSING_CUSTOMER_ACCESS_TOKEN`, `INVALID_CUSTOMER_ACCESS_TOKEN`). `data` may still hold what
//! could be read: the answer is then partial.

use alloc::{string::String, vec::Vec};

use crate::body_text::{clean, string_of, text_of, MAX_ITEMS};
use crate::json::{self, Json, Kind, Unreadable};
use crate::redact::find_ignoring_case;

/// The most segments of a path that are kept: a storefront query nests at most 16 levels, each a
/// field and perhaps a list index.
pub const MAX_PATH: usize = 64;

/// What kind of error a GraphQL error is, for what to do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The query costs more than the complexity limit: ask for less (fewer items, fewer fields).
    Complexity,
    /// `INVALID_CUSTOMER_ACCESS_TOKEN`: the customer's token has expired or was revoked.
    InvalidCustomerToken,
    /// `MISSING_CUSTOMER_ACCESS_TOKEN`: the query needs a logged-in customer.
    MissingCustomerToken,
    /// A 401: the storefront token was refused (wrong, expired, or for another channel or origin).
    /// An answer's kind only, never an error's.
    Unauthorized,
    /// Any other error.
    Graphql,
}

impl ErrorKind {
    /// The name JavaScript sees: `"complexity"`, `"invalid_customer_token"`,
    /// `"missing_customer_token"`, `"unauthorized"` or `"graphql"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Complexity => "complexity",
            ErrorKind::InvalidCustomerToken => "invalid_customer_token",
            ErrorKind::MissingCustomerToken => "missing_customer_token",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Graphql => "graphql",
        }
    }
}

/// One step of an error's `path`: a field (or alias) name, or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A field or alias.
    Field(String),
    /// An index into a list.
    Index(i64),
}

/// A complexity error's score and the limit it went over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Complexity {
    /// The query's complexity score.
    pub cost: u64,
    /// The most the API allows (10,000 for the storefront; 4,500 for B2B Edition).
    pub limit: u64,
}

/// One error of the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphqlError {
    /// Its `message`; empty when it has none.
    pub message: String,
    /// Its `path`: strings and integers, other values left out.
    pub path: Vec<PathSegment>,
    /// Its `extensions.code`.
    pub code: Option<String>,
    /// What kind of error it is.
    pub kind: ErrorKind,
}

/// What the `errors` of a GraphQL answer say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphqlErrors {
    /// The errors, in order.
    pub errors: Vec<GraphqlError>,
    /// The kind of the first error that is not [`ErrorKind::Graphql`], else `Graphql` when there are
    /// errors; `None` when there are none.
    pub kind: Option<ErrorKind>,
    /// The score and limit of the first complexity error whose message gives them.
    pub complexity: Option<Complexity>,
    /// Whether the answer has `data` that is not `null`: with errors, a partial result.
    pub has_data: bool,
    /// Why the body could not be read as JSON; then nothing else is known.
    pub unreadable: Option<Unreadable>,
}

/// Reads the errors of a GraphQL answer (of any status; the storefront sends most with 200).
pub fn graphql_errors(body: &str) -> GraphqlErrors {
    let mut answer = GraphqlErrors {
        errors: Vec::new(),
        kind: None,
        complexity: None,
        has_data: false,
        unreadable: None,
    };
    let root = match json::parse(body) {
        Ok(root) => root,
        Err(unreadable) => {
            answer.unreadable = Some(unreadable);
            return answer;
        }
    };
    // One pass, so that a large `data` is skipped once; the last of a repeated name counts.
    let mut errors = None;
    for (name, value) in root.members() {
        if name.is("data") {
            answer.has_data = !value.is_null();
        } else if name.is("errors") {
            errors = Some(value);
        }
    }
    let list = errors.filter(|errors| errors.kind() == Kind::Array);
    // One error written alone, not in a list, is read as a list of one.
    let alone = errors.filter(|errors| !matches!(errors.kind(), Kind::Array | Kind::Null));
    let listed = list.into_iter().flat_map(Json::items).chain(alone);
    for error in listed.take(MAX_ITEMS) {
        let (read, complexity) = read_error(error);
        answer.complexity = answer.complexity.or(complexity);
        answer.errors.push(read);
    }
    answer.kind = answer
        .errors
        .iter()
        .map(|error| error.kind)
        .find(|&kind| kind != ErrorKind::Graphql)
        .or(answer.errors.first().map(|_| ErrorKind::Graphql));
    answer
}

/// Whether a storefront answer with `status`, whose body `answer` read, fails the call, and as what
/// kind; `None` when it gives its data. A 401 is [`ErrorKind::Unauthorized`]; any other status that is
/// not 2xx, an answer with errors, and a body that is not a JSON object (`is_object`, from the caller,
/// who parses the whole body for its data: the core reads at most [`json::MAX_BODY_BYTES`]) fail with
/// the answer's kind ([`ErrorKind::Graphql`] when it names none). Errors beside data fail too: the
/// data that came is kept on the error.
pub fn failure(status: u16, answer: &GraphqlErrors, is_object: bool) -> Option<ErrorKind> {
    if status == 401 {
        return Some(ErrorKind::Unauthorized);
    }
    let fails = !(200..=299).contains(&status) || !answer.errors.is_empty() || !is_object;
    fails.then(|| answer.kind.unwrap_or(ErrorKind::Graphql))
}

/// One error: `{message, path?, extensions?: {code}}`, or a bare message.
fn read_error(error: Json<'_>) -> (GraphqlError, Option<Complexity>) {
    let mut message = None;
    let mut path = Vec::new();
    let mut code = None;
    if error.kind() == Kind::Object {
        for (name, value) in error.members() {
            if name.is("message") {
                message = text_of(value);
            } else if name.is("path") {
                path = value.items().filter_map(segment).take(MAX_PATH).collect();
            } else if name.is("extensions") {
                code = value.get("code").and_then(string_of);
            }
        }
    } else {
        message = text_of(error);
    }
    let message = message.unwrap_or_default();
    let complexity = complexity(&message);
    let kind = match code.as_deref() {
        Some("INVALID_CUSTOMER_ACCESS_TOKEN") => ErrorKind::InvalidCustomerToken,
        Some("MISSING_CUSTOMER_ACCESS_TOKEN") => ErrorKind::MissingCustomerToken,
        _ if complexity.is_some() || find_ignoring_case(message.as_bytes(), 0, b"too complex").is_some() => {
            ErrorKind::Complexity
        }
        _ => ErrorKind::Graphql,
    };
    let error = GraphqlError {
        message,
        path,
        code,
        kind,
    };
    (error, complexity)
}

fn segment(value: Json<'_>) -> Option<PathSegment> {
    match value.as_str() {
        Some(field) => Some(PathSegment::Field(clean(field))),
        None => value.as_integer().map(PathSegment::Index),
    }
}

/// The score and limit in "… has a complexity score of 12230 out of 10000 …" (any case; digits may be
/// grouped with commas).
fn complexity(message: &str) -> Option<Complexity> {
    let bytes = message.as_bytes();
    let score_at = find_ignoring_case(bytes, 0, b"complexity score of ")? + "complexity score of ".len();
    let (cost, after) = integer(bytes, score_at)?;
    let limit_at = find_ignoring_case(bytes.get(after..)?, 0, b" out of ")? + after + " out of ".len();
    let (limit, _) = integer(bytes, limit_at)?;
    Some(Complexity { cost, limit })
}

/// The integer written at `at` (digits, perhaps grouped by commas), and where it ends.
fn integer(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    let mut end = at;
    let mut digits = 0;
    while let Some(&b) = bytes.get(end) {
        match b {
            b'0'..=b'9' => {
                value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                digits += 1;
            }
            // A comma between digits groups them; any other ends the number.
            b',' if digits > 0 && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) => {}
            _ => break,
        }
        end += 1;
    }
    (digits > 0).then_some((value, end))
}

#[cfg(test)]
mod tests;
