//! One test a shape or rule, with the bodies of `bigcommerce-api-behaviour.md` ("Partial success")
//! and hostile ones.

use alloc::{format, string::String, vec::Vec};

use super::*;
use crate::body_text::MAX_TEXT_BYTES;

/// `(key, message)` of each failure.
fn keys(partial: &Partial) -> Vec<(&str, &str)> {
    partial
        .failures
        .iter()
        .map(|failure| (failure.key.as_str(), failure.message.as_str()))
        .collect()
}

#[test]
fn a_catalog_207_gives_each_key_of_its_errors_with_their_status_and_title() {
    let body = r#"{"data":[{"id":1,"name":"Shirt"},{"id":2,"name":"Hat"}],"errors":{"status":422,"title":"Partial failure","type":"/api-docs/getting-started/api-status-codes","errors":{"inventory_level":"Inventory failed to save","custom_url":"The URL is taken"}},"meta":{}}"#;
    let partial = partial(body);
    assert_eq!(
        keys(&partial),
        [
            ("inventory_level", "Inventory failed to save"),
            ("custom_url", "The URL is taken")
        ]
    );
    for failure in &partial.failures {
        assert_eq!(failure.status, Some(422));
        assert_eq!(failure.title.as_deref(), Some("Partial failure"));
        assert_eq!(failure.item, None);
    }
    assert_eq!(partial.counts, None);
    assert_eq!(partial.unreadable, None);
}

#[test]
fn a_single_product_207_names_the_product_its_failures_belong_to() {
    let body = r#"{"data":{"id":77,"name":"Shirt"},"errors":{"status":422,"title":"Partial failure","errors":{"custom_url":"The URL is taken"}},"meta":{}}"#;
    let partial = partial(body);
    assert_eq!(keys(&partial), [("custom_url", "The URL is taken")]);
    assert_eq!(partial.failures[0].item, Some(ItemId::Number(77)));
}

#[test]
fn a_category_tree_answer_gives_its_counts() {
    let body = r#"{"data":[{"id":1},{"id":2}],"meta":{"total":3,"success":2,"failed":1}}"#;
    let partial = partial(body);
    assert!(partial.failures.is_empty());
    assert_eq!(
        partial.counts,
        Some(Counts {
            total: 3,
            success: 2,
            failed: 1
        })
    );
}

#[test]
fn a_metafields_422_gives_the_failing_index_and_the_counts() {
    let body = r#"{"data":[{"id":900,"key":"a"}],"errors":[{"status":422,"title":"Partial failure","type":"/api-docs/getting-started/api-status-codes","errors":{"1":"Unauthorized to delete"}}],"meta":{"total":2,"success":1,"failed":1}}"#;
    let partial = partial(body);
    assert_eq!(keys(&partial), [("1", "Unauthorized to delete")]);
    assert_eq!(partial.failures[0].status, Some(422));
    assert_eq!(partial.failures[0].title.as_deref(), Some("Partial failure"));
    assert_eq!(partial.counts.map(|counts| counts.failed), Some(1));
}

#[test]
fn a_200_with_an_empty_errors_list_has_no_failures() {
    let body = r#"{"data":[{"id":900}],"errors":[],"meta":{"total":1,"success":1,"failed":0}}"#;
    let partial = partial(body);
    assert!(partial.failures.is_empty());
    assert_eq!(partial.counts.map(|counts| counts.success), Some(1));
}

#[test]
fn variant_batch_errors_give_each_error_and_the_item_it_names() {
    let body = r#"{"batch_errors":[{"status":422,"title":"Invalid variant","type":"/api-docs","errors":{"sku":"The SKU is in use"}},{"id":78,"message":"Variant not found"},{"status":404,"title":"Not found"}]}"#;
    let partial = partial(body);
    assert_eq!(
        keys(&partial),
        [
            ("sku", "The SKU is in use"),
            ("", "Variant not found"),
            ("", "Not found")
        ]
    );
    assert_eq!(partial.failures[0].title.as_deref(), Some("Invalid variant"));
    assert_eq!(partial.failures[1].item, Some(ItemId::Number(78)));
    assert_eq!(partial.failures[1].status, None);
    assert_eq!(partial.failures[2].status, Some(404));
}

#[test]
fn price_record_batch_errors_give_each_field_and_the_record_it_belongs_to() {
    let body = r#"{"batch_errors":[{"data":{"price_list_id":2,"variant_id":325,"currency":"usd"},"field_errors":{"price":"The price must be positive","sale_price":"Too low"}},{"data":{"sku":"SHIRT-L","currency":"usd"},"field_errors":{"currency":"Unknown currency"}}]}"#;
    let partial = partial(body);
    assert_eq!(
        keys(&partial),
        [
            ("price", "The price must be positive"),
            ("sale_price", "Too low"),
            ("currency", "Unknown currency")
        ]
    );
    let items: Vec<_> = partial
        .failures
        .iter()
        .map(|failure| failure.item.clone())
        .collect();
    assert_eq!(
        items,
        [
            Some(ItemId::Number(325)),
            Some(ItemId::Number(325)),
            Some(ItemId::Text("SHIRT-L".into()))
        ]
    );
}

#[test]
fn a_price_record_error_alone_gives_its_fields_and_record() {
    let body = r#"{"data":{"variant_id":325,"currency":"usd"},"field_errors":{"price":"The price must be positive"}}"#;
    let partial = partial(body);
    assert_eq!(keys(&partial), [("price", "The price must be positive")]);
    assert_eq!(partial.failures[0].item, Some(ItemId::Number(325)));
}

#[test]
fn errors_that_are_a_plain_map_give_one_failure_a_key() {
    let body = r#"{"data":[],"errors":{"name":"Too long","0":"Duplicate"}}"#;
    assert_eq!(keys(&partial(body)), [("name", "Too long"), ("0", "Duplicate")]);
}

#[test]
fn an_error_answer_without_data_is_a_failure_of_its_own() {
    let body =
        r#"{"status":422,"title":"Missing Required Fields","errors":{"name":"Please provide a name."}}"#;
    let whole = partial(body);
    assert_eq!(keys(&whole), [("name", "Please provide a name.")]);
    assert_eq!(whole.failures[0].status, Some(422));
    assert_eq!(keys(&partial(r#"{"status":500,"title":"Oops"}"#)), [("", "Oops")]);
    // Data with nothing wrong beside it is no failure, whatever its fields are called.
    assert!(partial(r#"{"data":{"id":1},"title":"A page title"}"#)
        .failures
        .is_empty());
}

#[test]
fn a_body_that_is_not_a_json_object_has_no_failures_and_says_why_when_unreadable() {
    let cut = r#"{"data":[{"id":1}],"errors":{"status":422,"errors":{"name":"Too"#;
    assert_eq!(partial(cut).unreadable, Some(Unreadable::Truncated));
    assert_eq!(partial("Multi-Status").unreadable, Some(Unreadable::Invalid));
    assert_eq!(partial("").unreadable, Some(Unreadable::Empty));
    let deep = format!("{{\"errors\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(partial(&deep).unreadable, Some(Unreadable::TooDeep));
    for body in [
        r#"[{"status":404,"message":"Not found"}]"#,
        "\"text\"",
        "7",
        "null",
    ] {
        let partial = partial(body);
        assert!(partial.failures.is_empty() && partial.counts.is_none(), "{body}");
        assert_eq!(partial.unreadable, None);
    }
}

#[test]
fn wrong_types_in_every_field_are_ignored_or_read_as_text() {
    let body = r#"{"errors":"oops","field_errors":[1],"batch_errors":{"a":"b"},"meta":{"total":"3","success":1,"failed":0}}"#;
    let partial = partial(body);
    assert_eq!(keys(&partial), [("", "oops")]);
    assert_eq!(partial.counts, None);

    let body = r#"{"errors":[{"status":"422","title":7,"id":1.5,"errors":{"a":5,"b":null,"c":["x",{"y":1}],"d":{"e":"f"}}},3,null],"meta":{"total":-1,"success":0,"failed":0}}"#;
    let partial = super::partial(body);
    assert_eq!(
        keys(&partial),
        [("a", "5"), ("b", ""), ("c", "x"), ("d", "e: f"), ("", "3")]
    );
    assert_eq!(partial.failures[0].status, None);
    assert_eq!(partial.failures[0].title.as_deref(), Some("7"));
    assert_eq!(partial.failures[0].item, None);
    assert_eq!(partial.counts, None);

    let status = super::partial(r#"{"errors":{"status":70000,"title":"t","errors":{"a":"b"}}}"#);
    assert_eq!(status.failures[0].status, None);
    let ids = super::partial(r#"{"batch_errors":[{"id":{},"variant_id":[],"sku":"S","message":"m"}]}"#);
    assert_eq!(ids.failures[0].item, Some(ItemId::Text("S".into())));
}

#[test]
fn errors_nested_past_the_levels_read_are_left_out_without_recursing_further() {
    let nested = format!(
        r#"{}{{"deep":"x"}}{}"#,
        r#"{"status":422,"title":"t","errors":"#.repeat(30),
        "}".repeat(30)
    );
    let body = format!(r#"{{"errors":{nested}}}"#);
    let partial = partial(&body);
    assert_eq!(partial.unreadable, None);
    // The deepest error read has no key of its own within reach: its title stands for it.
    assert_eq!(keys(&partial), [("", "t")]);
}

#[test]
fn a_large_data_array_is_skipped_to_reach_the_errors_after_it() {
    let items =
        r#"{"id":1,"name":"A shirt","description":"<p>text</p>","variants":[{"sku":"S"}]},"#.repeat(10_000);
    let body = format!(
        r#"{{"data":[{items}{{}}],"errors":{{"status":422,"title":"t","errors":{{"7":"late"}}}},"meta":{{"total":10001,"success":10000,"failed":1}}}}"#
    );
    let partial = partial(&body);
    assert_eq!(keys(&partial), [("7", "late")]);
    assert_eq!(partial.counts.map(|counts| counts.total), Some(10_001));
}

#[test]
fn failures_and_their_strings_are_bounded_and_redacted() {
    let many: Vec<String> = (0..5_000).map(|i| format!(r#""{i}":"m""#)).collect();
    let body = format!(r#"{{"errors":{{{}}}}}"#, many.join(","));
    assert_eq!(partial(&body).failures.len(), MAX_ITEMS);

    let long = "é".repeat(20_000);
    let body = format!(
        r#"{{"errors":{{"status":422,"title":"{long}","errors":{{"{long}":"{long} https://h/?token=SECRET","https://u:SECRET@h/":"x"}}}}}}"#
    );
    let partial = partial(&body);
    assert_eq!(partial.failures.len(), 2);
    for failure in &partial.failures {
        for text in [&failure.key, &failure.message].into_iter().chain(&failure.title) {
            assert!(text.len() <= MAX_TEXT_BYTES && !text.contains("SECRET"), "{text}");
        }
    }
    assert_eq!(partial.failures[1].key, "https://[redacted]@h/");
}

#[test]
fn odd_escapes_are_decoded_without_panicking() {
    let body = r#"{"errors":{"\ud800":"\u0000 \udfff","\u00e9":"\ud83d\ude00"}}"#;
    assert_eq!(keys(&partial(body)), [("\u{FFFD}", "\0 \u{FFFD}"), ("é", "😀")]);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn never_panics_and_keeps_every_string_bounded(body in any::<String>()) {
            let partial = partial(&body);
            prop_assert!(partial.failures.len() <= MAX_ITEMS);
            for failure in &partial.failures {
                prop_assert!(failure.key.len() <= MAX_TEXT_BYTES);
                prop_assert!(failure.message.len() <= MAX_TEXT_BYTES);
            }
        }

        #[test]
        fn never_panics_on_json_like_bodies(
            body in r#"[\[\]{}",:0-9\\ ]{0,20}(errors|field_errors|batch_errors|status|title|data|meta|id|sku|total)?[\[\]{}",:0-9a-z\\ ]{0,40}"#,
        ) {
            let _ = partial(&body);
        }
    }
}
