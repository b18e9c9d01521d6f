//! `problem`, `partial`, `graphql_errors`, `rest::read_answer` and `pages::read_job` on any body,
//! with the JSON reader under them checked against `serde_json`.
//!
//! Each input is one body, read by all of them, and by `problem` under each kind of `Content-Type`.
//! The seeds in `fuzz/seeds/bodies/` are the shapes BigCommerce documents.
//!
//! Invariants, for every UTF-8 input:
//! - nothing panics, and the work stays linear (the 10 s per-input limit of `scripts/fuzz.sh` would
//!   catch a blow-up: libFuzzer's inputs reach 4 KB here, and nesting is what makes a reader slow);
//! - every string that leaves is at most `MAX_TEXT_BYTES`, every list at most `MAX_ITEMS` entries,
//!   every GraphQL path at most `MAX_PATH` segments, and `problem` echoes the status it was given;
//! - `json::parse` accepts exactly what `serde_json` accepts (syntax only: `IgnoredAny` lets a lone
//!   surrogate escape pass, as the JSON grammar does), unless it stops at its nesting limit;
//! - a document both accept reads as the same value: every member and item walked by the reader,
//!   strings decoded in full, equals what `serde_json` builds (when it can build one: it refuses a
//!   lone surrogate in a string and a number beyond `f64`), numbers compared as `serde_json` reads
//!   their text, and a repeated name counting as its last value in both;
//! - a body that is not JSON is `unreadable` in `partial` and `graphql_errors`, and `problem` reads a
//!   body that starts with `{` or `[` and is not JSON as text that says why;
//! - a 422 is partial exactly when `serde_json` reads a `data` list with an item at its top, and a
//!   failed one names its items exactly when `batch_errors` is a list or `field_errors` is there;
//! - a job's state is that of its `status` string as `serde_json` reads it, and its messages bounded.
#![no_main]

use commerce_fetch::body_text::{MAX_ITEMS, MAX_TEXT_BYTES};
use commerce_fetch::graphql_errors::{graphql_errors, PathSegment, MAX_PATH};
use commerce_fetch::json::{parse, Json, Kind, Unreadable};
use commerce_fetch::pages::{read_job, JobState};
use commerce_fetch::partial::{partial, ItemId};
use commerce_fetch::problem::{problem, Code, Shape};
use commerce_fetch::rest::{read_answer, AnswerKind};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 5] = [
    "",
    "application/json",
    "application/problem+json",
    "text/html",
    "text/plain",
];

fn bounded(text: &str) {
    assert!(
        text.len() <= MAX_TEXT_BYTES,
        "{} bytes: {:?}…",
        text.len(),
        text.chars().take(40).collect::<String>()
    );
}

fn check_problem(body: &str, content_type: &str, json: &Result<Json<'_>, Unreadable>) {
    let problem = problem(418, content_type, body);
    assert_eq!(problem.status, 418);
    for text in [
        &problem.title,
        &problem.detail,
        &problem.error_type,
        &problem.instance,
    ]
    .into_iter()
    .flatten()
    {
        bounded(text);
    }
    if let Some(Code::Text(code)) = &problem.code {
        bounded(code);
    }
    assert!(problem.field_errors.len() <= MAX_ITEMS && problem.messages.len() <= MAX_ITEMS);
    for error in &problem.field_errors {
        bounded(&error.field);
        bounded(&error.message);
    }
    problem.messages.iter().for_each(|message| bounded(message));
    let starts_json = matches!(body.trim_ascii().as_bytes().first(), Some(b'{' | b'['));
    if starts_json {
        match json {
            Ok(_) => assert!(problem.unreadable.is_none()),
            Err(unreadable) => {
                assert_eq!(problem.shape, Shape::Text);
                assert_eq!(problem.unreadable, Some(*unreadable));
            }
        }
    }
}

fn check_partial(body: &str, json: &Result<Json<'_>, Unreadable>) {
    let partial = partial(body);
    assert_eq!(partial.unreadable, json.as_ref().err().copied());
    assert!(partial.failures.len() <= MAX_ITEMS);
    for failure in &partial.failures {
        bounded(&failure.key);
        bounded(&failure.message);
        failure.title.iter().for_each(|title| bounded(title));
        if let Some(ItemId::Text(id)) = &failure.item {
            bounded(id);
        }
    }
}

fn check_graphql(body: &str, json: &Result<Json<'_>, Unreadable>) {
    let answer = graphql_errors(body);
    assert_eq!(answer.unreadable, json.as_ref().err().copied());
    assert!(answer.errors.len() <= MAX_ITEMS);
    assert_eq!(answer.kind.is_some(), !answer.errors.is_empty());
    for error in &answer.errors {
        bounded(&error.message);
        error.code.iter().for_each(|code| bounded(code));
        assert!(error.path.len() <= MAX_PATH);
        for segment in &error.path {
            if let PathSegment::Field(name) = segment {
                bounded(name);
            }
        }
    }
}

fn check_answer(body: &str) {
    let top = serde_json::from_str::<serde_json::Value>(body).ok();
    let object = top.as_ref().and_then(serde_json::Value::as_object);
    let saved = object
        .and_then(|o| o.get("data"))
        .and_then(serde_json::Value::as_array)
        .is_some_and(|items| !items.is_empty());
    let names = object.is_some_and(|o| {
        o.get("batch_errors").is_some_and(serde_json::Value::is_array) || o.contains_key("field_errors")
    });
    let answer = read_answer(422, "application/json", body);
    // serde_json cannot build a few documents the reader reads (a lone surrogate, a huge number).
    if top.is_some() || parse(body).is_err() {
        let expected = if saved {
            AnswerKind::Partial
        } else {
            AnswerKind::Failed
        };
        assert_eq!(answer.kind, expected, "{body:?}");
        assert_eq!(answer.partial.is_some(), saved || names, "{body:?}");
    }
    assert_eq!(answer.problem.is_some(), answer.kind == AnswerKind::Failed);
    assert_eq!(read_answer(207, "", body).kind, AnswerKind::Partial);
    assert_eq!(read_answer(200, "", body).partial, None);
}

fn check_job(body: &str) {
    let job = read_job(body);
    bounded(&job.status);
    assert!(job.messages.len() <= MAX_ITEMS);
    job.messages.iter().for_each(|message| bounded(message));
    assert!(job.percent.is_none_or(|percent| percent <= 100));
    if let Ok(top) = serde_json::from_str::<serde_json::Value>(body) {
        let status = top.get("status").and_then(serde_json::Value::as_str);
        let expected = match status {
            Some("COMPLETED") => JobState::Completed,
            Some("FAILED") => JobState::Failed,
            _ => JobState::Pending,
        };
        assert_eq!(job.state, expected, "{body:?}");
    }
}

/// The value the reader sees, walked in full, as `serde_json` would build it; `None` where
/// `serde_json` cannot build one (a number beyond `f64`).
fn to_serde(value: Json<'_>) -> Option<serde_json::Value> {
    Some(match value.kind() {
        Kind::Null => serde_json::Value::Null,
        Kind::Bool => serde_json::Value::Bool(value.raw() == "true"),
        Kind::Number => serde_json::from_str(value.raw()).ok()?,
        Kind::String => serde_json::Value::String(value.as_str()?.decode(usize::MAX)),
        Kind::Array => serde_json::Value::Array(value.items().map(to_serde).collect::<Option<_>>()?),
        Kind::Object => {
            let mut object = serde_json::Map::new();
            for (key, member) in value.members() {
                object.insert(key.decode(usize::MAX), to_serde(member)?);
            }
            serde_json::Value::Object(object)
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let json = parse(body);
    let syntax = serde_json::from_str::<serde::de::IgnoredAny>(body);
    match &json {
        Ok(value) => {
            assert!(
                syntax.is_ok(),
                "accepted what serde_json refuses: {body:?}: {syntax:?}"
            );
            if let Ok(expected) = serde_json::from_str::<serde_json::Value>(body) {
                // The walk recurses; serde_json's own limit (128) is above the reader's (64).
                assert_eq!(to_serde(*value), Some(expected), "read differently: {body:?}");
            }
        }
        Err(Unreadable::TooDeep) => {}
        Err(unreadable) => assert!(
            syntax.is_err(),
            "refused ({unreadable:?}) what serde_json accepts: {body:?}"
        ),
    }
    for content_type in CONTENT_TYPES {
        check_problem(body, content_type, &json);
    }
    check_partial(body, &json);
    check_graphql(body, &json);
    check_answer(body);
    check_job(body);
});
