//! One test a rule, with the bodies of `bigcommerce-api-behaviour.md` and hostile ones.

use alloc::{format, string::String};

use super::*;

#[test]
fn the_status_alone_decides_every_answer_but_a_422() {
    assert_eq!(kind_by_status(200), Some(AnswerKind::Data));
    assert_eq!(kind_by_status(201), Some(AnswerKind::Data));
    assert_eq!(kind_by_status(202), Some(AnswerKind::Data));
    assert_eq!(kind_by_status(204), Some(AnswerKind::Empty));
    assert_eq!(kind_by_status(304), Some(AnswerKind::Empty));
    assert_eq!(kind_by_status(207), Some(AnswerKind::Partial));
    for status in [301, 400, 401, 404, 409, 429, 500, 503, 0, 999] {
        assert_eq!(kind_by_status(status), Some(AnswerKind::Failed), "{status}");
    }
    assert_eq!(kind_by_status(422), None);
}

#[test]
fn a_success_is_not_read() {
    let answer = read_answer(200, "application/json", r#"{"data":[1],"errors":{"a":"b"}}"#);
    assert_eq!(answer.kind, AnswerKind::Data);
    assert_eq!((answer.partial, answer.problem), (None, None));
}

#[test]
fn a_207_is_partial_with_its_failures() {
    let body = r#"{"data":[{"id":1}],"errors":{"status":422,"title":"Partial failure","errors":{"price":"must be positive"}},"meta":{}}"#;
    let answer = read_answer(207, "application/json", body);
    assert_eq!(answer.kind, AnswerKind::Partial);
    let partial = answer.partial.expect("read");
    assert_eq!(partial.failures.len(), 1);
    assert_eq!(partial.failures[0].key, "price");
    assert_eq!(answer.problem, None);
}

#[test]
fn a_422_with_saved_items_is_partial() {
    let body = r#"{"data":[{"id":7,"key":"a"}],"errors":[{"status":422,"title":"Invalid","errors":{"1":"key is required"}}],"meta":{"total":2,"success":1,"failed":1}}"#;
    let answer = read_answer(422, "application/json", body);
    assert_eq!(answer.kind, AnswerKind::Partial);
    let partial = answer.partial.expect("read");
    assert_eq!(partial.failures[0].key, "1");
    assert_eq!(partial.counts.map(|c| c.failed), Some(1));
}

#[test]
fn a_422_that_saved_nothing_is_a_failure() {
    for body in [
        r#"{"data":[],"errors":[{"status":422,"title":"Invalid","errors":{"1":"key is required"}}]}"#,
        r#"{"status":422,"title":"Missing Required Fields","type":"https://x","errors":{"price":"is required"}}"#,
        r#"{"data":{"id":1},"title":"one item, not a list"}"#,
        "",
        "<html>Unprocessable</html>",
        r#"[{"status":422,"message":"v2 error"}]"#,
    ] {
        let answer = read_answer(422, "application/json", body);
        assert_eq!(answer.kind, AnswerKind::Failed, "{body}");
        assert!(answer.problem.is_some(), "{body}");
        assert_eq!(answer.partial, None, "{body}");
    }
}

#[test]
fn a_batch_refused_whole_names_its_failed_items() {
    let variants =
        r#"{"batch_errors":[{"status":422,"title":"Invalid","errors":{"2":"price must be positive"}}]}"#;
    let answer = read_answer(422, "application/json", variants);
    assert_eq!(answer.kind, AnswerKind::Failed);
    assert_eq!(answer.partial.expect("named").failures[0].key, "2");
    let problem = answer.problem.expect("read");
    assert_eq!(problem.status, 422);

    let price_record = r#"{"data":{"variant_id":5,"sku":"S-1"},"field_errors":{"price":"must be positive"}}"#;
    let answer = read_answer(422, "application/json", price_record);
    assert_eq!(answer.kind, AnswerKind::Failed);
    assert_eq!(answer.partial.expect("named").failures[0].key, "price");

    // A 409 is not a batch answer, whatever its body holds.
    let answer = read_answer(409, "application/json", variants);
    assert_eq!(answer.partial, None);
    assert!(answer.problem.is_some());
}

#[test]
fn the_last_of_a_repeated_name_counts_as_json_parse_reads_it() {
    let answer = read_answer(422, "application/json", r#"{"data":[{"id":1}],"data":[]}"#);
    assert_eq!(answer.kind, AnswerKind::Failed);
    let answer = read_answer(422, "application/json", r#"{"data":[],"data":[{"id":1}]}"#);
    assert_eq!(answer.kind, AnswerKind::Partial);
}

#[test]
fn hostile_bodies_are_failures_read_as_text() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut huge = String::from(r#"{"data":[{"id":1}],"pad":""#);
    huge.push_str(&"x".repeat(2 << 20));
    huge.push_str("\"}");
    for body in [
        deep.as_str(),
        huge.as_str(),
        r#"{"data":[{"id":1}"#,
        r#"{"data":"#,
        "\u{0}\u{ffff}",
    ] {
        let answer = read_answer(422, "application/json", body);
        assert_eq!(answer.kind, AnswerKind::Failed);
        assert!(answer.problem.expect("read").unreadable.is_some());
    }
}

#[test]
fn revalidation_keeps_a_dated_200_that_is_not_too_long() {
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    assert!(keeps_for_revalidation(200, date, 10));
    assert!(keeps_for_revalidation(200, date, MAX_KEPT_BODY));
    assert!(!keeps_for_revalidation(200, date, MAX_KEPT_BODY + 1));
    assert!(!keeps_for_revalidation(200, "", 10));
    assert!(!keeps_for_revalidation(200, "  ", 10));
    assert!(!keeps_for_revalidation(203, date, 10));
    assert!(!keeps_for_revalidation(207, date, 10));
}
