//! One test a shape or rule, with the answers of `bigcommerce-api-behaviour.md` ("GraphQL Storefront
//! API") and hostile ones.

use alloc::{format, string::String, vec::Vec};

use super::*;
use crate::body_text::MAX_TEXT_BYTES;

fn field(name: &str) -> PathSegment {
    PathSegment::Field(name.into())
}

#[test]
fn a_complexity_error_gives_its_score_and_limit() {
    let body = r#"{"errors":[{"message":"The query is too complex as it has a complexity score of 12230 out of 10000. Please reduce the number of items."}]}"#;
    let answer = graphql_errors(body);
    assert_eq!(answer.kind, Some(ErrorKind::Complexity));
    assert_eq!(
        answer.complexity,
        Some(Complexity {
            cost: 12_230,
            limit: 10_000
        })
    );
    assert_eq!(answer.errors.len(), 1);
    assert_eq!(answer.errors[0].kind, ErrorKind::Complexity);
    assert!(answer.errors[0].message.starts_with("The query is too complex"));
    assert!(!answer.has_data);
}

#[test]
fn complexity_numbers_may_be_grouped_and_the_words_in_any_case() {
    let answer =
        graphql_errors(r#"{"errors":[{"message":"Query Complexity Score of 12,230 out of 4,500."}]}"#);
    assert_eq!(
        answer.complexity,
        Some(Complexity {
            cost: 12_230,
            limit: 4_500
        })
    );
    // Too complex, but without the numbers: the kind is known, the numbers are not.
    let answer = graphql_errors(r#"{"errors":[{"message":"The query is too complex."}]}"#);
    assert_eq!(
        (answer.kind, answer.complexity),
        (Some(ErrorKind::Complexity), None)
    );
    for message in [
        "complexity score of 99999999999999999999999 out of 10000",
        "complexity score of out of 10000",
        "complexity score of 5",
        "complexity score of 5 out of ",
        "complexity score of ,5 out of 1,",
    ] {
        let body = format!(r#"{{"errors":[{{"message":"{message}"}}]}}"#);
        assert_eq!(graphql_errors(&body).complexity, None, "{message}");
    }
    let trailing = graphql_errors(r#"{"errors":[{"message":"complexity score of 5, out of 7,"}]}"#);
    assert_eq!(trailing.complexity, Some(Complexity { cost: 5, limit: 7 }));
}

#[test]
fn an_access_scope_error_gives_its_path_code_and_no_data() {
    let body = r#"{"data":null,"errors":[{"message":"Insufficient access scope","path":["company"],"extensions":{"code":"INSUFFICIENT_ACCESS_SCOPE","requiredScopes":["B2B"]}}]}"#;
    let answer = graphql_errors(body);
    assert_eq!(answer.kind, Some(ErrorKind::Graphql));
    let error = &answer.errors[0];
    assert_eq!(error.message, "Insufficient access scope");
    assert_eq!(error.path, [field("company")]);
    assert_eq!(error.code.as_deref(), Some("INSUFFICIENT_ACCESS_SCOPE"));
    assert!(!answer.has_data);
    assert_eq!(answer.complexity, None);
}

#[test]
fn customer_token_codes_have_kinds_of_their_own() {
    for (code, kind) in [
        ("INVALID_CUSTOMER_ACCESS_TOKEN", ErrorKind::InvalidCustomerToken),
        ("MISSING_CUSTOMER_ACCESS_TOKEN", ErrorKind::MissingCustomerToken),
    ] {
        let body = format!(
            r#"{{"data":{{"customer":null}},"errors":[{{"message":"m","path":["customer"],"extensions":{{"code":"{code}"}}}}]}}"#
        );
        let answer = graphql_errors(&body);
        assert_eq!(answer.kind, Some(kind));
        assert_eq!(answer.errors[0].kind, kind);
        assert!(answer.has_data);
    }
}

#[test]
fn the_answers_kind_is_its_first_error_that_asks_for_something_particular() {
    let body = r#"{"errors":[{"message":"a"},{"message":"b","extensions":{"code":"MISSING_CUSTOMER_ACCESS_TOKEN"}},{"message":"complexity score of 2 out of 1"}]}"#;
    let answer = graphql_errors(body);
    assert_eq!(answer.kind, Some(ErrorKind::MissingCustomerToken));
    assert_eq!(answer.complexity, Some(Complexity { cost: 2, limit: 1 }));
    let kinds: Vec<ErrorKind> = answer.errors.iter().map(|error| error.kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::Graphql,
            ErrorKind::MissingCustomerToken,
            ErrorKind::Complexity
        ]
    );
}

#[test]
fn partial_data_beside_errors_is_noticed_and_paths_keep_indexes() {
    let body = r#"{"data":{"site":{"products":{"edges":[{"node":{"name":"a"}},null]}}},"errors":[{"message":"Price unavailable","path":["site","products","edges",1,"node","prices"],"locations":[{"line":1,"column":2}]}]}"#;
    let answer = graphql_errors(body);
    assert!(answer.has_data);
    assert_eq!(
        answer.errors[0].path,
        [
            field("site"),
            field("products"),
            field("edges"),
            PathSegment::Index(1),
            field("node"),
            field("prices")
        ]
    );
}

#[test]
fn an_answer_without_errors_has_none() {
    let answer = graphql_errors(r#"{"data":{"site":{}}}"#);
    assert!(answer.errors.is_empty());
    assert_eq!(
        (answer.kind, answer.has_data, answer.unreadable),
        (None, true, None)
    );
    assert!(graphql_errors(r#"{"data":{},"errors":[]}"#).errors.is_empty());
    assert!(graphql_errors(r#"{"errors":null}"#).errors.is_empty());
}

#[test]
fn a_body_that_cannot_be_read_says_why() {
    let cut = r#"{"errors":[{"message":"The query is too comp"#;
    assert_eq!(graphql_errors(cut).unreadable, Some(Unreadable::Truncated));
    let html = graphql_errors("<html><title>502 Bad Gateway</title></html>");
    assert_eq!(html.unreadable, Some(Unreadable::Invalid));
    assert!(html.errors.is_empty() && html.kind.is_none());
    assert_eq!(graphql_errors("").unreadable, Some(Unreadable::Empty));
    let deep = format!(r#"{{"data":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(graphql_errors(&deep).unreadable, Some(Unreadable::TooDeep));
    for body in ["[]", "\"errors\"", "null"] {
        let answer = graphql_errors(body);
        assert!(
            answer.errors.is_empty() && !answer.has_data && answer.unreadable.is_none(),
            "{body}"
        );
    }
}

#[test]
fn wrong_types_in_every_field_are_ignored_or_read_as_text() {
    let body = r#"{"data":false,"errors":[{"message":5,"path":"site","extensions":{"code":7}},{"message":null,"path":[1.5,{},null,"a",-2,true],"extensions":"x"},"bare",3,null,[]]}"#;
    let answer = graphql_errors(body);
    assert!(answer.has_data);
    let messages: Vec<&str> = answer.errors.iter().map(|error| error.message.as_str()).collect();
    assert_eq!(messages, ["5", "", "bare", "3", "", ""]);
    assert!(answer.errors[0].path.is_empty());
    assert_eq!(answer.errors[0].code, None);
    assert_eq!(answer.errors[1].path, [field("a"), PathSegment::Index(-2)]);
    // One error written alone, not in a list.
    let alone = graphql_errors(
        r#"{"errors":{"message":"alone","extensions":{"code":"INVALID_CUSTOMER_ACCESS_TOKEN"}}}"#,
    );
    assert_eq!(alone.errors.len(), 1);
    assert_eq!(alone.kind, Some(ErrorKind::InvalidCustomerToken));
    assert_eq!(graphql_errors(r#"{"errors":"oops"}"#).errors[0].message, "oops");
}

#[test]
fn errors_paths_and_strings_are_bounded_and_redacted() {
    let many: Vec<String> = (0..5_000).map(|_| r#"{"message":"m"}"#.into()).collect();
    assert_eq!(
        graphql_errors(&format!(r#"{{"errors":[{}]}}"#, many.join(",")))
            .errors
            .len(),
        MAX_ITEMS
    );
    let path: Vec<String> = (0..500).map(|i| i.to_string()).collect();
    let body = format!(r#"{{"errors":[{{"message":"m","path":[{}]}}]}}"#, path.join(","));
    assert_eq!(graphql_errors(&body).errors[0].path.len(), MAX_PATH);

    let long = "é".repeat(20_000);
    let body = format!(
        r#"{{"errors":[{{"message":"{long} https://h/?token=SECRET","path":["{long}"],"extensions":{{"code":"{long}"}}}}]}}"#
    );
    let error = &graphql_errors(&body).errors[0];
    let PathSegment::Field(segment) = &error.path[0] else {
        panic!("a field")
    };
    for text in [&error.message, segment, error.code.as_ref().expect("a code")] {
        assert!(text.len() <= MAX_TEXT_BYTES && !text.contains("SECRET"));
    }
    let leak = graphql_errors(r#"{"errors":[{"message":"bad url https://u:SECRET@h/graphql?t=SECRET"}]}"#);
    assert_eq!(
        leak.errors[0].message,
        "bad url https://[redacted]@h/graphql?[redacted]"
    );
}

#[test]
fn odd_escapes_are_decoded_without_panicking() {
    let body = r#"{"errors":[{"message":"\u0000\ud800\udfff \udfff\ud800","path":["\ud800"],"extensions":{"code":"\u0000"}}]}"#;
    let error = &graphql_errors(body).errors[0];
    // A pair is one character; halves in the wrong order are two lone ones.
    assert_eq!(error.message, "\0\u{103FF} \u{FFFD}\u{FFFD}");
    assert_eq!(error.path, [field("\u{FFFD}")]);
    assert_eq!(error.code.as_deref(), Some("\0"));
}

#[test]
fn a_large_data_object_is_skipped_to_reach_the_errors_after_it() {
    let edges = r#"{"node":{"entityId":1,"name":"A shirt","prices":{"price":{"value":1}}}},"#.repeat(10_000);
    let body = format!(
        r#"{{"data":{{"site":{{"products":{{"edges":[{edges}{{}}]}}}}}},"errors":[{{"message":"late"}}]}}"#
    );
    let answer = graphql_errors(&body);
    assert!(answer.has_data);
    assert_eq!(answer.errors[0].message, "late");
}

/// Whether the answer fails, the body's being an object read as `JSON.parse` would.
fn fails(status: u16, body: &str) -> Option<ErrorKind> {
    let is_object = json::parse(body).is_ok_and(|root| root.kind() == Kind::Object);
    failure(status, &graphql_errors(body), is_object)
}

#[test]
fn a_401_fails_as_unauthorized_whatever_its_body() {
    for body in ["", "Unauthorized", r#"{"data":{"site":{}}}"#] {
        assert_eq!(fails(401, body), Some(ErrorKind::Unauthorized), "{body}");
    }
}

#[test]
fn data_without_errors_is_the_answer_and_anything_else_fails() {
    let ok = r#"{"data":{"site":{"products":{"edges":[]}}}}"#;
    assert_eq!(fails(200, ok), None);
    assert_eq!(fails(200, r#"{"data":null}"#), None);
    assert_eq!(fails(503, ok), Some(ErrorKind::Graphql), "an HTTP error");
    for body in ["", "null", "[1]", "<html>", r#"{"data":"#] {
        assert_eq!(
            fails(200, body),
            Some(ErrorKind::Graphql),
            "not an answer: {body:?}"
        );
    }
    let token = r#"{"data":{"customer":null},"errors":[{"message":"log in","extensions":{"code":"MISSING_CUSTOMER_ACCESS_TOKEN"}}]}"#;
    assert_eq!(
        fails(200, token),
        Some(ErrorKind::MissingCustomerToken),
        "errors beside data fail"
    );
    let complex = r#"{"errors":[{"message":"The query is too complex as it has a complexity score of 12230 out of 10000."}]}"#;
    assert_eq!(
        fails(400, complex),
        Some(ErrorKind::Complexity),
        "an HTTP error keeps the kind its errors name"
    );
}

#[test]
fn an_answer_too_long_for_the_core_is_the_callers_to_judge() {
    let mut long = String::from(r#"{"data":{"text":""#);
    long.push_str(&"x".repeat(json::MAX_BODY_BYTES));
    long.push_str(r#""}}"#);
    let answer = graphql_errors(&long);
    assert_eq!(answer.unreadable, Some(Unreadable::Truncated));
    assert_eq!(failure(200, &answer, true), None, "parsed whole, it is data");
    assert_eq!(failure(200, &answer, false), Some(ErrorKind::Graphql));
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn never_panics_and_keeps_every_string_bounded(body in any::<String>()) {
            let answer = graphql_errors(&body);
            for error in &answer.errors {
                prop_assert!(error.message.len() <= MAX_TEXT_BYTES);
                prop_assert!(error.path.len() <= MAX_PATH);
            }
        }

        #[test]
        fn reads_any_complexity_score_and_limit(cost in any::<u64>(), limit in any::<u64>(), tail in ".{0,40}") {
            let message = format!("The query is too complex as it has a complexity score of {cost} out of {limit}. {tail}");
            let body = serde_json::json!({ "errors": [{ "message": message }] }).to_string();
            prop_assert_eq!(graphql_errors(&body).complexity, Some(Complexity { cost, limit }));
        }

        #[test]
        fn never_panics_on_json_like_bodies(
            body in r#"[\[\]{}",:0-9\\ ]{0,20}(errors|data|message|path|extensions|code|null)?[\[\]{}",:0-9a-z\\ ]{0,40}"#,
        ) {
            let _ = graphql_errors(&body);
        }
    }
}
