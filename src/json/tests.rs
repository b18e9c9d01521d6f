use alloc::{format, string::String, vec::Vec};

use super::*;

fn read(text: &str) -> Json<'_> {
    parse(text).expect("valid JSON")
}

fn names(value: Json<'_>) -> Vec<String> {
    value.members().map(|(key, _)| key.decode(100)).collect()
}

#[test]
fn reads_a_problem_body_member_by_member() {
    let body = r#"{"status":422,"title":"Missing Required Fields","type":"/api-docs/x","errors":{"name":"Please provide a name.","price":"Please provide a price."}}"#;
    let problem = read(body);
    assert_eq!(problem.kind(), Kind::Object);
    assert_eq!(names(problem), ["status", "title", "type", "errors"]);
    assert_eq!(problem.get("status").and_then(Json::as_integer), Some(422));
    let title = problem.get("title").and_then(Json::as_str).expect("a title");
    assert_eq!(title.decode(1000), "Missing Required Fields");
    let errors = problem.get("errors").expect("errors");
    let pairs: Vec<(String, String)> = errors
        .members()
        .map(|(key, value)| {
            (
                key.decode(100),
                value.as_str().map_or(String::new(), |s| s.decode(100)),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("name".into(), "Please provide a name.".into()),
            ("price".into(), "Please provide a price.".into())
        ]
    );
    assert_eq!(problem.get("detail"), None);
}

#[test]
fn reads_arrays_item_by_item_and_skips_what_is_not_asked_for() {
    let value = read(r#" [ {"a": [1, [2, {"b": "]}"}]]}, "x\"]", -1.5e+3, true, null, [] ] "#);
    let kinds: Vec<Kind> = value.items().map(Json::kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Object,
            Kind::String,
            Kind::Number,
            Kind::Bool,
            Kind::Null,
            Kind::Array
        ]
    );
    let raw: Vec<&str> = value.items().map(Json::raw).collect();
    assert_eq!(raw[0], r#"{"a": [1, [2, {"b": "]}"}]]}"#);
    assert_eq!(raw[1], r#""x\"]""#);
    assert_eq!(raw[2], "-1.5e+3");
    assert_eq!(value.items().nth(5).map(|empty| empty.items().count()), Some(0));
    // Members of what is not an object, items of what is not an array: none.
    assert_eq!(value.members().count(), 0);
    assert_eq!(read("{}").items().count(), 0);
    assert_eq!(read(r#""text""#).members().count(), 0);
}

#[test]
fn a_repeated_name_reads_as_its_last_value_as_json_parse_reads_it() {
    let value = read(r#"{"title":"first","title":"last"}"#);
    assert_eq!(
        value.get("title").and_then(Json::as_str).map(|s| s.decode(10)),
        Some("last".into())
    );
    assert_eq!(value.members().count(), 2);
}

#[test]
fn escapes_in_names_and_strings_are_decoded() {
    let value = read(r#"{"\u0074itle":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"}"#);
    let title = value
        .get("title")
        .and_then(Json::as_str)
        .expect("found through the escape");
    assert_eq!(title.decode(100), "a\"b\\c/d\u{8}\u{c}\n\r\té😀");
    assert!(!JsonStr("titles").is("title"));
    assert!(!JsonStr("\\u0074itl").is("title"));
}

#[test]
fn lone_surrogates_and_nul_decode_without_panicking() {
    for (escaped, decoded) in [
        (r#""\ud800""#, "\u{FFFD}"),
        (r#""\udc00""#, "\u{FFFD}"),
        (r#""\ud800\u0041""#, "\u{FFFD}A"),
        (r#""\ud800\ud800\udc00""#, "\u{FFFD}𐀀"),
        (r#""\ud800\"""#, "\u{FFFD}\""),
        (r#""\u0000x""#, "\0x"),
        (r#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
    ] {
        let value = read(escaped);
        assert_eq!(
            value.as_str().map(|s| s.decode(100)).as_deref(),
            Some(decoded),
            "{escaped}"
        );
    }
}

#[test]
fn decoding_stops_at_the_byte_limit_on_a_character_boundary() {
    let value = read(r#""aé€😀z""#);
    let text = value.as_str().expect("a string");
    assert_eq!(text.decode(0), "");
    assert_eq!(text.decode(2), "a");
    assert_eq!(text.decode(3), "aé");
    assert_eq!(text.decode(5), "aé");
    assert_eq!(text.decode(6), "aé€");
    assert_eq!(text.decode(1000), "aé€😀z");
}

#[test]
fn integers_are_read_only_when_written_as_integers() {
    for (text, expected) in [
        ("30", Some(30)),
        ("-0", Some(0)),
        ("-42", Some(-42)),
        ("9223372036854775807", Some(i64::MAX)),
        ("-9223372036854775808", Some(i64::MIN)),
        ("9223372036854775808", None),
        ("30.0", None),
        ("1e3", None),
        ("\"30\"", None),
        ("true", None),
        ("null", None),
    ] {
        assert_eq!(read(text).as_integer(), expected, "{text}");
    }
}

#[test]
fn every_cut_of_a_document_reads_as_truncated() {
    let body = r#"{"data":[{"id":1,"name":"x\"y\u00e9"}],"errors":{"status":207,"t":[true,false,null,-1.5e-3]},"meta":{}}"#;
    for end in 1..body.len() {
        assert_eq!(
            parse(&body[..end]),
            Err(Unreadable::Truncated),
            "{}",
            &body[..end]
        );
    }
    assert!(parse(body).is_ok());
}

#[test]
fn what_is_not_json_reads_as_invalid() {
    for text in [
        "Unauthorized",
        "<html>",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{,}",
        "{1:2}",
        "01",
        "-a",
        "1.e3",
        "1.5e+x",
        "+1",
        "tru e",
        "nul",
        "\"\\x\"",
        "\"\\u12G4\"",
        "\"tab\there\"",
        "{\"a\":1}}",
        "]",
        "[}",
        "{]",
        "{\"a\":1]",
        "[1}",
        "1 2",
        "\u{feff}{}",
        "NaN",
    ] {
        let expected = if text == "nul" {
            Unreadable::Truncated
        } else {
            Unreadable::Invalid
        };
        assert_eq!(parse(text), Err(expected), "{text:?}");
    }
    assert_eq!(parse(""), Err(Unreadable::Empty));
    assert_eq!(parse(" \r\n\t"), Err(Unreadable::Empty));
}

#[test]
fn nesting_is_capped_without_recursion() {
    let at_limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&at_limit).is_ok());
    let past_limit = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(parse(&past_limit), Err(Unreadable::TooDeep));
    // 100,000 levels would overflow a recursive reader's stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(parse(&deep), Err(Unreadable::TooDeep));
    let objects = "{\"a\":".repeat(100_000);
    assert_eq!(parse(&objects), Err(Unreadable::TooDeep));
    // Containers at every depth are told apart after the deepest closes.
    let mixed = format!("{}1{}", "{\"a\":[".repeat(32), "]}".repeat(32));
    assert!(parse(&mixed).is_ok());
    let crossed = format!("{}1{}", "{\"a\":[".repeat(32), "}]".repeat(32));
    assert_eq!(parse(&crossed), Err(Unreadable::Invalid));
}

#[test]
fn a_body_past_the_limit_reads_as_cut_off() {
    let filler = "x".repeat(MAX_BODY_BYTES);
    let body = format!(r#"{{"title":"t","data":"{filler}"}}"#);
    assert_eq!(parse(&body), Err(Unreadable::Truncated));
    let fits = format!(r#"{{"title":"t","data":"{}"}}"#, "x".repeat(MAX_BODY_BYTES - 30));
    assert!(parse(&fits).is_ok());
}

#[test]
fn a_large_array_is_skipped_to_reach_the_members_after_it() {
    let items = "{\"id\":1,\"name\":\"a product\",\"variants\":[{\"sku\":\"]\"}]},".repeat(10_000);
    let body = format!(r#"{{"data":[{items}{{}}],"errors":{{"title":"late"}}}}"#);
    let value = read(&body);
    let errors = value.get("errors").expect("errors after data");
    assert_eq!(
        errors.get("title").and_then(Json::as_str).map(|s| s.decode(10)),
        Some("late".into())
    );
    assert_eq!(value.get("data").map(|data| data.items().count()), Some(10_001));
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Every value of a checked document, walked without recursion, as a `serde_json::Value`.
    fn to_serde(value: Json<'_>) -> serde_json::Value {
        match value.kind() {
            Kind::Null => serde_json::Value::Null,
            Kind::Bool => serde_json::Value::Bool(value.raw() == "true"),
            Kind::Number => serde_json::from_str(value.raw()).expect("a number serde reads"),
            Kind::String => serde_json::Value::String(value.as_str().expect("a string").decode(usize::MAX)),
            Kind::Array => serde_json::Value::Array(value.items().map(to_serde).collect()),
            Kind::Object => {
                let mut object = serde_json::Map::new();
                for (key, member) in value.members() {
                    object.insert(key.decode(usize::MAX), to_serde(member));
                }
                serde_json::Value::Object(object)
            }
        }
    }

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            (-1e300f64..1e300).prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(8, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
            ]
        })
    }

    /// Text made mostly of JSON's own characters, so that many inputs are nearly JSON.
    fn json_like() -> impl Strategy<Value = String> {
        proptest::string::string_regex(r#"[ \[\]{}",:0-9eE.+\-tfrunlsa\\/u\x00\u{e9}\u{d7ff}]{0,64}"#)
            .expect("a valid regex")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn reads_what_serde_json_writes_as_serde_json_reads_it(value in any_json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            }
            .expect("serialisable");
            let read = parse(&text).expect("serde_json's output is JSON");
            // Numbers are compared as serde_json reads them back: its float parsing is not exact.
            let expected: serde_json::Value = serde_json::from_str(&text).expect("reads its own output");
            prop_assert_eq!(to_serde(read), expected);
        }

        #[test]
        fn accepts_exactly_what_serde_json_accepts(text in json_like()) {
            // `IgnoredAny` checks the syntax and lets a lone surrogate escape pass, as the grammar does.
            let serde = serde_json::from_str::<serde::de::IgnoredAny>(&text);
            match parse(&text) {
                Ok(value) => {
                    prop_assert!(serde.is_ok(), "accepted {:?}: {:?}", text, serde);
                    // Walking what was accepted never panics.
                    let _ = to_serde_lossy(value);
                }
                Err(Unreadable::TooDeep) => {}
                Err(error) => prop_assert!(serde.is_err(), "{:?} rejected as {:?}", text, error),
            }
        }

        #[test]
        fn accepts_a_changed_document_exactly_when_serde_json_does(
            value in any_json(),
            at in any::<prop::sample::Index>(),
            byte in prop::sample::select(&b" \"\\,:[]{}0-.eE+tfnu"[..]),
            delete in any::<bool>(),
        ) {
            let mut text = serde_json::to_string(&value).expect("serialisable").into_bytes();
            let at = at.index(text.len());
            if delete {
                text.remove(at);
            } else {
                text.insert(at, byte);
            }
            // Only changes that leave UTF-8 are of interest: the boundary hands over a `str`.
            if let Ok(text) = String::from_utf8(text) {
                let serde = serde_json::from_str::<serde::de::IgnoredAny>(&text);
                match parse(&text) {
                    Ok(_) => prop_assert!(serde.is_ok(), "accepted {:?}: {:?}", text, serde),
                    Err(Unreadable::TooDeep) => {}
                    Err(error) => prop_assert!(serde.is_err(), "{:?} rejected as {:?}", text, error),
                }
            }
        }

        #[test]
        fn never_panics_on_any_text(text in any::<String>()) {
            if let Ok(value) = parse(&text) {
                let _ = to_serde_lossy(value);
            }
        }
    }

    /// Every value, walked, with anything serde would refuse (a huge number) left out.
    fn to_serde_lossy(value: Json<'_>) -> usize {
        let mut seen = 1;
        seen += value.items().map(to_serde_lossy).sum::<usize>();
        for (key, member) in value.members() {
            let _ = key.decode(usize::MAX);
            seen += to_serde_lossy(member);
        }
        let _ = value.as_str().map(|s| s.decode(usize::MAX));
        let _ = value.as_integer();
        seen
    }
}
