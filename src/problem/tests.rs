//! One test a shape or rule, with the bodies as BigCommerce documents them
//! (`bigcommerce-api-behaviour.md`, "Error bodies") and as an attacker or a broken proxy might send them.

use alloc::{format, string::String, vec::Vec};

use super::*;
use crate::body_text::MAX_TEXT_BYTES;

const JSON: &str = "application/json";

fn fields(problem: &Problem) -> Vec<(&str, &str)> {
    problem
        .field_errors
        .iter()
        .map(|error| (error.field.as_str(), error.message.as_str()))
        .collect()
}

/// Every string a problem carries.
fn strings(problem: &Problem) -> Vec<&str> {
    let mut all: Vec<&str> = [
        &problem.title,
        &problem.detail,
        &problem.error_type,
        &problem.instance,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    if let Some(Code::Text(code)) = &problem.code {
        all.push(code);
    }
    all.extend(problem.messages.iter().map(String::as_str));
    for error in &problem.field_errors {
        all.push(&error.field);
        all.push(&error.message);
    }
    all
}

#[test]
fn a_v3_problem_gives_its_title_type_and_field_errors_in_order() {
    let body = r#"{"status":422,"title":"Missing Required Fields","type":"https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes","errors":{"name":"Please provide a name.","price":"Please provide a price."}}"#;
    let problem = problem(422, "application/json; charset=utf-8", body);
    assert_eq!(problem.shape, Shape::V3);
    assert_eq!(problem.status, 422);
    assert_eq!(problem.title.as_deref(), Some("Missing Required Fields"));
    assert_eq!(
        problem.error_type.as_deref(),
        Some("https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes")
    );
    assert_eq!(
        fields(&problem),
        [
            ("name", "Please provide a name."),
            ("price", "Please provide a price.")
        ]
    );
    assert_eq!(
        (problem.detail, problem.instance, problem.code),
        (None, None, None)
    );
    assert!(problem.messages.is_empty());
    assert_eq!((problem.retry_after_ms, problem.unreadable), (None, None));
}

#[test]
fn a_v3_conflict_gives_its_relative_type_detail_instance_and_integer_code() {
    let body = r#"{"status":409,"title":"Conflict","type":"/api-docs/getting-started/api-status-codes","instance":"/v3/catalog/products/7","detail":"A product named Shirt exists","code":10001,"errors":{}}"#;
    let problem = problem(409, JSON, body);
    assert_eq!(problem.shape, Shape::V3);
    assert_eq!(
        problem.error_type.as_deref(),
        Some("/api-docs/getting-started/api-status-codes")
    );
    assert_eq!(problem.instance.as_deref(), Some("/v3/catalog/products/7"));
    assert_eq!(problem.detail.as_deref(), Some("A product named Shirt exists"));
    assert_eq!(problem.code, Some(Code::Number(10001)));
    assert!(problem.field_errors.is_empty());
}

#[test]
fn the_429_body_is_a_v3_problem_without_field_errors() {
    let body = r#"{"status":429,"title":"Too many requests","type":"/api-docs/getting-started/api-status-codes","errors":{}}"#;
    let problem = problem(429, JSON, body);
    assert_eq!(problem.shape, Shape::V3);
    assert_eq!(problem.title.as_deref(), Some("Too many requests"));
    assert!(problem.field_errors.is_empty());
}

#[test]
fn a_v2_array_gives_its_messages_and_the_answers_status_not_its_own() {
    let body = r#"[{"status":400,"message":"The requested resource was not found."},{"status":404,"message":"Second."}]"#;
    let problem = problem(404, JSON, body);
    assert_eq!(problem.shape, Shape::V2);
    assert_eq!(problem.status, 404);
    assert_eq!(
        problem.title.as_deref(),
        Some("The requested resource was not found.")
    );
    assert_eq!(
        problem.messages,
        ["The requested resource was not found.", "Second."]
    );
}

#[test]
fn a_v2_conflict_gives_its_details_as_text() {
    let object = r#"[{"status":409,"message":"The name is in use.","details":{"conflict_reason":"Wholesale exists","id":3}}]"#;
    assert_eq!(
        problem(409, JSON, object).detail.as_deref(),
        Some("conflict_reason: Wholesale exists; id: 3")
    );
    let text = r#"[{"status":409,"message":"The name is in use.","details":"Pick another."}]"#;
    assert_eq!(problem(409, JSON, text).detail.as_deref(), Some("Pick another."));
}

#[test]
fn the_price_list_envelope_gives_its_code_message_details_and_wait() {
    let body = r#"{"error":{"code":"SERVICE_DEGRADED","message":"Service temporarily unavailable","details":"We're unable to process your request right now, please retry later","retry_after_seconds":30,"timestamp":"2024-01-01T00:00:00.000Z"}}"#;
    let problem = problem(503, JSON, body);
    assert_eq!(problem.shape, Shape::Envelope);
    assert_eq!(problem.code, Some(Code::Text("SERVICE_DEGRADED".into())));
    assert_eq!(problem.title.as_deref(), Some("Service temporarily unavailable"));
    assert_eq!(
        problem.detail.as_deref(),
        Some("We're unable to process your request right now, please retry later")
    );
    assert_eq!(problem.retry_after_ms, Some(30_000));
}

#[test]
fn an_envelope_wait_is_read_only_from_a_non_negative_integer_and_clamped() {
    let wait = |value: &str| {
        let body = format!(r#"{{"error":{{"code":"SERVICE_DEGRADED","retry_after_seconds":{value}}}}}"#);
        problem(503, JSON, &body).retry_after_ms
    };
    assert_eq!(wait("0"), Some(0));
    assert_eq!(wait("99999999999999999"), Some(HINT_CEILING_MS));
    for ignored in [
        "-1",
        "30.5",
        "\"30\"",
        "null",
        "[]",
        "1e3",
        "99999999999999999999999",
    ] {
        assert_eq!(wait(ignored), None, "{ignored}");
    }
}

#[test]
fn a_plain_text_401_is_its_text() {
    for content_type in ["text/plain", ""] {
        let problem = problem(401, content_type, "Unauthorized\n");
        assert_eq!(problem.shape, Shape::Text);
        assert_eq!(problem.title.as_deref(), Some("Unauthorized"));
        assert_eq!(problem.unreadable, None);
    }
}

#[test]
fn an_html_page_gives_its_title_without_markup() {
    let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let problem = problem(502, "text/html", nginx);
    assert_eq!(problem.shape, Shape::Html);
    assert_eq!(problem.title.as_deref(), Some("502 Bad Gateway"));
    assert!(problem.field_errors.is_empty() && problem.messages.is_empty());
}

#[test]
fn an_html_page_without_a_title_gives_its_first_heading() {
    let page = "<!DOCTYPE html><HTML><body><header class=x><H2 id=\"e\">Error&nbsp;<b>1015</b> &amp;\n  more &#8212; &#x41;&unknown;</H2><h1>later</h1>";
    let problem = problem(429, "", page);
    assert_eq!(problem.shape, Shape::Html);
    assert_eq!(problem.title.as_deref(), Some("Error 1015 & more — A&unknown;"));
}

#[test]
fn an_html_title_that_is_not_closed_runs_to_the_end_and_empty_ones_give_nothing() {
    assert_eq!(
        problem(500, "", "<title>Oops <b>x").title.as_deref(),
        Some("Oops x")
    );
    assert_eq!(
        problem(500, "", "<html><titles>no</titles><h7>no</h7>").title,
        None
    );
    assert_eq!(problem(500, "", "<title> </title>").title, None);
    assert_eq!(problem(500, "text/html", "<p>no heading</p>").title, None);
    assert_eq!(problem(500, "", "<").title, None);
    assert_eq!(problem(500, "", "<title").title, None);
    assert_eq!(
        problem(500, "", "<h1>&#xFFFFFFFFF; &#; &#1114112;</h1>")
            .title
            .as_deref(),
        Some("&#xFFFFFFFFF; &#; &#1114112;")
    );
}

#[test]
fn an_html_title_is_redacted() {
    let page = "<title>Error for https://h/p?access_token=SECRET</title>";
    assert_eq!(
        problem(500, "text/html", page).title.as_deref(),
        Some("Error for https://h/p?[redacted]")
    );
}

#[test]
fn an_empty_body_is_empty() {
    for body in ["", " \r\n\t "] {
        let problem = problem(500, JSON, body);
        assert_eq!(problem.shape, Shape::Empty);
        assert_eq!((problem.title, problem.unreadable), (None, None));
    }
}

#[test]
fn json_of_another_shape_gives_its_message() {
    let cases = [
        (r#"{"message":"Not allowed"}"#, Some("Not allowed")),
        (
            r#"{"error":"invalid_token","error_description":"expired"}"#,
            Some("expired"),
        ),
        (r#"{"error":"invalid_token"}"#, Some("invalid_token")),
        (
            r#"{"errors":[{"message":"GraphQL invalid credentials. JWT is expired"}]}"#,
            Some("GraphQL invalid credentials. JWT is expired"),
        ),
        (r#""Unauthorized""#, Some("Unauthorized")),
        ("42", Some("42")),
        ("{}", None),
        ("null", None),
    ];
    for (body, title) in cases {
        let problem = problem(401, JSON, body);
        assert_eq!(problem.shape, Shape::Json, "{body}");
        assert_eq!(problem.title.as_deref(), title, "{body}");
    }
}

#[test]
fn json_that_cannot_be_read_is_read_as_text_and_says_why() {
    let cut = r#"{"status":422,"title":"Missing Requ"#;
    let problem_of_cut = problem(422, JSON, cut);
    assert_eq!(problem_of_cut.shape, Shape::Text);
    assert_eq!(problem_of_cut.unreadable, Some(Unreadable::Truncated));
    assert_eq!(problem_of_cut.title.as_deref(), Some(cut));

    let invalid = problem(500, JSON, "Internal Server Error");
    assert_eq!(
        (invalid.shape, invalid.unreadable),
        (Shape::Text, Some(Unreadable::Invalid))
    );
    assert_eq!(invalid.title.as_deref(), Some("Internal Server Error"));

    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let too_deep = problem(500, "", &deep);
    assert_eq!(
        (too_deep.shape, too_deep.unreadable),
        (Shape::Text, Some(Unreadable::TooDeep))
    );
    assert!(too_deep.title.is_some_and(|title| title.len() <= MAX_TEXT_BYTES));
}

#[test]
fn a_body_past_the_length_limit_reads_as_cut_off_text() {
    let body = format!(r#"{{"title":"{}"}}"#, "x".repeat(MAX_BODY_BYTES));
    let problem = problem(500, JSON, &body);
    assert_eq!(
        (problem.shape, problem.unreadable),
        (Shape::Text, Some(Unreadable::Truncated))
    );
    assert!(problem.title.is_some_and(|title| title.len() <= MAX_TEXT_BYTES));
    let text = "é".repeat(MAX_BODY_BYTES);
    let long = super::problem(500, "text/plain", &text);
    assert_eq!(long.shape, Shape::Text);
    assert!(long.title.is_some_and(|title| title.len() <= MAX_TEXT_BYTES));
}

#[test]
fn wrong_types_in_every_field_are_ignored_or_read_as_text() {
    let body = r#"{"status":"x","title":5,"type":7,"instance":[],"detail":{},"code":1.5,"errors":"oops"}"#;
    let problem = problem(400, JSON, body);
    assert_eq!(problem.shape, Shape::V3);
    assert_eq!(problem.title.as_deref(), Some("5"));
    assert_eq!(
        (problem.error_type, problem.instance, problem.detail, problem.code),
        (None, None, None, None)
    );
    assert!(problem.field_errors.is_empty() && problem.messages.is_empty());

    let body = r#"{"title":null,"type":"/t","code":"E1","errors":{"a":1,"b":null,"c":["x","y"],"d":{"e":"f"},"g":[[1]]}}"#;
    let problem = super::problem(400, JSON, body);
    assert_eq!(problem.title, None);
    assert_eq!(problem.code, Some(Code::Text("E1".into())));
    assert_eq!(
        fields(&problem),
        [("a", "1"), ("b", ""), ("c", "x; y"), ("d", "e: f"), ("g", "")]
    );

    let body = r#"{"status":400,"errors":[1,"text",{"title":"t"},{"message":"m","title":"t"},null,{}]}"#;
    let problem = super::problem(400, JSON, body);
    assert_eq!(problem.shape, Shape::V3);
    assert_eq!(problem.messages, ["1", "text", "t", "m"]);
    assert_eq!(problem.title.as_deref(), Some("1"));

    let v2 = super::problem(
        404,
        JSON,
        r#"[null, 3, "plain", {"message": 5, "details": []}, {"status": 404}]"#,
    );
    assert_eq!(v2.shape, Shape::V2);
    assert_eq!(v2.messages, ["3", "plain", "5"]);
    assert_eq!(v2.detail, None);

    let envelope = super::problem(
        503,
        JSON,
        r#"{"error":{"code":7,"message":["a","b"],"details":null}}"#,
    );
    assert_eq!(envelope.shape, Shape::Envelope);
    assert_eq!(envelope.code, Some(Code::Number(7)));
    assert_eq!(envelope.title.as_deref(), Some("a; b"));
}

#[test]
fn a_name_written_twice_counts_as_its_last_value() {
    let body = r#"{"title":"first","errors":{"a":"1"},"title":"last","errors":{"b":"2"}}"#;
    let problem = problem(422, JSON, body);
    assert_eq!(problem.title.as_deref(), Some("last"));
    assert_eq!(fields(&problem), [("b", "2")]);
}

#[test]
fn urls_in_any_field_lose_their_query_and_userinfo() {
    let body = r#"{"title":"Bad https://u:pw@h/x?token=SECRET","type":"https://h/t?k=SECRET","instance":"/v3/x?access_token=SECRET","detail":"see http://h/?a=SECRET","errors":{"https://h/?f=SECRET":"at http://u:SECRET@h/"}}"#;
    let problem = problem(422, JSON, body);
    for text in strings(&problem) {
        assert!(!text.contains("SECRET"), "{text}");
    }
    assert_eq!(
        problem.title.as_deref(),
        Some("Bad https://[redacted]@h/x?[redacted]")
    );
    assert_eq!(problem.instance.as_deref(), Some("/v3/x?[redacted]"));
}

#[test]
fn every_string_and_list_is_bounded() {
    let long = "é".repeat(50_000);
    let errors: Vec<String> = (0..4).map(|i| format!(r#""{long}{i}":"{long}""#)).collect();
    let body = format!(
        r#"{{"title":"{long}","detail":"{long}","errors":{{{}}}}}"#,
        errors.join(",")
    );
    let problem = problem(422, JSON, &body);
    assert_eq!(problem.shape, Shape::V3);
    assert_eq!(problem.field_errors.len(), 4);
    assert!(strings(&problem).iter().all(|text| text.len() <= MAX_TEXT_BYTES));

    let many: Vec<String> = (0..5_000).map(|i| format!(r#""f{i}":"m""#)).collect();
    let body = format!(r#"{{"title":"t","errors":{{{}}}}}"#, many.join(","));
    assert_eq!(super::problem(422, JSON, &body).field_errors.len(), MAX_ITEMS);
    let many: Vec<String> = (0..5_000).map(|_| r#"{"message":"m"}"#.into()).collect();
    assert_eq!(
        super::problem(404, JSON, &format!("[{}]", many.join(",")))
            .messages
            .len(),
        MAX_ITEMS
    );
}

#[test]
fn odd_escapes_are_decoded_without_panicking() {
    let body =
        r#"{"title":"nul \u0000 lone \ud800 low \udfff pair \ud83d\ude00","errors":{"\ud800":"\u0000"}}"#;
    let problem = problem(422, JSON, body);
    assert_eq!(
        problem.title.as_deref(),
        Some("nul \0 lone \u{FFFD} low \u{FFFD} pair 😀")
    );
    assert_eq!(fields(&problem), [("\u{FFFD}", "\0")]);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn content_type() -> impl Strategy<Value = &'static str> {
        prop::sample::select(&["", JSON, "text/html", "text/plain", "application/problem+json"][..])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn never_panics_and_keeps_every_string_bounded(
            status in any::<u16>(),
            content_type in content_type(),
            body in any::<String>(),
        ) {
            let problem = problem(status, content_type, &body);
            prop_assert_eq!(problem.status, status);
            prop_assert!(strings(&problem).iter().all(|text| text.len() <= MAX_TEXT_BYTES));
        }

        #[test]
        fn never_panics_on_json_like_bodies(
            content_type in content_type(),
            body in r#"[\[\]{}",:0-9a-z\\<>/ ]{0,80}"#,
        ) {
            let _ = problem(500, content_type, &body);
        }
    }
}
