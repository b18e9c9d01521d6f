//! The wasm boundary in each engine: the same file runs in Node and in Chromium, Firefox and WebKit
//! (scripts/wasm-test.sh), so the bindings meet each engine's own strings, errors and objects. The
//! retry loop itself is JavaScript and runs against the emulator in every runtime (tests/faults).
//!
//! No `wasm_bindgen_test_configure!(run_in_browser)` here on purpose: that macro pins the file to
//! browsers, while the runner picks Node by default and a browser when `WASM_BINDGEN_USE_BROWSER`
//! is set.
#![cfg(all(target_arch = "wasm32", not(feature = "web")))]

use commerce_fetch::hints::HINT_HEADERS;
use commerce_fetch::wasm::{
    fetch_failure, graphql_errors, hint_headers, interpret, is_graphql_read, job, keeps_for_revalidation_js,
    max_body_bytes, problem, redact, redirect_step, rest_answer, rest_kind, Attempts, Policy,
};
use commerce_fetch::RetryOptions;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_default()
}

/// Whether `object` has its own property `key` (an optional field that is absent has none).
fn has(value: &JsValue, key: &str) -> bool {
    Reflect::has(value, &JsValue::from_str(key)).unwrap_or(false)
}

/// `value[key][index]`.
fn at(value: &JsValue, key: &str, index: u32) -> JsValue {
    Array::from(&get(value, key)).get(index)
}

/// `call.afterResponse(status, hints, false, now, random)` for a same-origin response, with the values
/// of the hint headers among `pairs` joined in `hintHeaders()` order, as pkg/lib/core.js reads them.
fn after(call: &mut Attempts, status: u16, pairs: &[(&str, &str)], now: f64, random: f64) -> Option<f64> {
    let values = HINT_HEADERS.map(|name| {
        pairs
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map_or("", |(_, value)| *value)
    });
    call.after_response(status, &values.join("\n"), false, now, random)
}

/// A policy from `options`, passed field by field as pkg/lib/options.js passes them.
fn policy(options: RetryOptions) -> Result<Policy, JsValue> {
    Policy::new(
        options.preset,
        options.limit,
        options.methods.map(|methods| methods.join("\n")),
        options.status_codes,
        options.base_ms,
        options.max_ms,
        options.jitter,
        options.max_retry_after_ms,
        options.timeout,
        options.total_timeout,
        None,
        None,
        options.network_errors,
        options.timeouts,
    )
}

/// A call to a client with the storefront preset (or `limit` retries), as JavaScript starts one at time 0.
fn attempts(limit: Option<f64>, method: &str) -> Attempts {
    let policy = policy(RetryOptions {
        limit,
        ..RetryOptions::default()
    })
    .expect("valid options");
    Attempts::new(&policy, method.into(), false, true, 0.0)
}

#[wasm_bindgen_test]
fn interpret_describes_a_status_as_a_plain_object() {
    let info: JsValue = interpret(429.0).into();
    assert_eq!(text(&info, "text"), "Too Many Requests");
    assert_eq!(get(&info, "status").as_f64(), Some(429.0));
    assert_eq!(get(&info, "retryable").as_bool(), Some(true));
    assert_eq!(text(&info, "category"), "client_error");
    assert!(Array::is_array(&get(&info, "remedies")));
    // JavaScript passes any integer; those far outside i64 saturate and stay `unknown`.
    for code in [65_535.0, 2f64.powi(70), -2f64.powi(70)] {
        let unknown: JsValue = interpret(code).into();
        assert_eq!(text(&unknown, "category"), "unknown", "{code}");
    }
}

#[wasm_bindgen_test]
fn options_out_of_range_throw_a_type_error_naming_the_option() {
    let cases = [
        (
            RetryOptions {
                limit: Some(-1.0),
                ..RetryOptions::default()
            },
            "retry.limit",
        ),
        (
            RetryOptions {
                preset: Some("fast".into()),
                ..RetryOptions::default()
            },
            "preset",
        ),
        (
            RetryOptions {
                methods: Some(vec!["FETCH".into()]),
                ..RetryOptions::default()
            },
            "retry.methods",
        ),
        (
            RetryOptions {
                status_codes: Some(vec![99.0]),
                ..RetryOptions::default()
            },
            "retry.statusCodes",
        ),
        (
            RetryOptions {
                timeout: Some(0.0),
                ..RetryOptions::default()
            },
            "timeout",
        ),
    ];
    for (options, name) in cases {
        let error = policy(options).err().expect("an error");
        assert!(error.is_instance_of::<js_sys::TypeError>());
        let message = text(&error, "message");
        assert!(message.contains(&format!("`{name}`")), "{message}");
    }
    let defaults = policy(RetryOptions::default()).expect("still usable after the errors");
    assert_eq!(defaults.attempt_budget_ms(0.0), Some(3_000.0));
    assert_eq!(defaults.attempt_budget_ms(5_000.0), Some(1_000.0));
    assert_eq!(
        defaults.attempt_budget_ms(f64::NAN),
        Some(3_000.0),
        "a NaN clock counts as 0"
    );
    assert!(defaults.decides_after(503, false) && !defaults.decides_after(200, false));
    assert!(!defaults.decides_after(404, false) && defaults.decides_after(404, true));
    assert!(
        !defaults.decides_after(200, true),
        "a success is the result even when asking"
    );
    assert!(defaults.retries_method("get") && !defaults.retries_method("POST"));
    let off = policy(RetryOptions {
        timeout: Some(f64::INFINITY),
        total_timeout: Some(f64::INFINITY),
        ..RetryOptions::default()
    });
    assert_eq!(off.unwrap().attempt_budget_ms(0.0), None);
}

#[wasm_bindgen_test]
fn waits_for_the_rate_limit_reset_passed_in_from_the_headers() {
    assert_eq!(
        hint_headers().to_vec().len(),
        HINT_HEADERS.len(),
        "JavaScript reads the headers the core names"
    );
    let mut call = attempts(None, "GET");
    let wait = after(
        &mut call,
        429,
        &[("X-Rate-Limit-Time-Reset-Ms", "1200")],
        5.0,
        0.5,
    );
    assert_eq!(wait, Some(1_200.0));
    let event = call.retry_event();
    assert_eq!(get(&event, "attempt").as_f64(), Some(1.0));
    assert_eq!(get(&event, "status").as_f64(), Some(429.0));
    assert_eq!(text(&event, "reason"), "rate_limited");
    assert_eq!(text(&event, "source"), "x-rate-limit-time-reset-ms");
    assert_eq!(after(&mut call, 200, &[], 1_300.0, 0.5), None);
    let details = call.details();
    assert_eq!(get(&details, "attempts").as_f64(), Some(2.0));
    assert_eq!(text(&details, "reason"), "final");
    let trace = Array::from(&get(&details, "trace"));
    assert_eq!(trace.length(), 2);
    assert_eq!(text(&trace.get(0), "decision"), "retry");
    assert_eq!(get(&trace.get(0), "elapsedMs").as_f64(), Some(5.0));
    assert_eq!(get(&trace.get(1), "status").as_f64(), Some(200.0));
}

#[wasm_bindgen_test]
fn a_hint_beyond_the_maximum_stops_with_the_hint_in_the_details() {
    let mut call = attempts(None, "GET");
    let wait = after(&mut call, 503, &[("retry-after", "30")], 0.0, 0.5);
    assert_eq!(wait, None, "30 s is over the storefront's 2 s maximum");
    let details = call.details();
    assert_eq!(text(&details, "reason"), "hint_exceeds_max");
    assert_eq!(get(&details, "hintMs").as_f64(), Some(30_000.0));
    assert_eq!(text(&details, "source"), "retry-after");
}

#[wasm_bindgen_test]
fn a_post_is_not_repeated_after_a_server_error() {
    let mut call = attempts(None, "POST");
    assert_eq!(after(&mut call, 500, &[], 0.0, 0.5), None);
    assert_eq!(text(&call.details(), "reason"), "unsafe_method");
}

#[wasm_bindgen_test]
fn failures_end_in_a_message_that_names_the_method_attempts_and_reason() {
    let mut call = attempts(Some(1.0), "GET");
    assert!(call.after_failure(true, 3_000.0, 0.0).is_some());
    assert_eq!(call.after_failure(false, 3_100.0, 0.0), None);
    assert_eq!(
        call.message(),
        "GET failed: no response (network error) after 2 attempts; stopped because the retry limit (1) is used up"
    );
    let trace = Array::from(&get(&call.details(), "trace"));
    assert_eq!(text(&trace.get(0), "error"), "timeout");
    assert_eq!(text(&trace.get(1), "error"), "network_error");
}

#[wasm_bindgen_test]
fn a_cross_origin_response_that_shows_no_hint_header_is_said_to_hide_them() {
    let empty = vec![""; HINT_HEADERS.len()].join("\n");
    let mut call = attempts(Some(1.0), "GET");
    assert!(call.after_response(503, &empty, true, 0.0, 0.0).is_some());
    let event = call.retry_event();
    assert_eq!(text(&event, "hints"), "hidden");
    assert_eq!(text(&event, "source"), "backoff");
    assert!(call.after_failure(false, 10.0, 0.0).is_none());
    assert!(call.message().contains("hidden by CORS"), "{}", call.message());
    let trace = Array::from(&get(&call.details(), "trace"));
    assert_eq!(text(&trace.get(0), "hints"), "hidden");
    assert!(get(&trace.get(1), "hints").is_undefined());

    let mut same_origin = attempts(None, "GET");
    same_origin.after_response(503, &empty, false, 0.0, 0.0);
    assert!(get(&same_origin.retry_event(), "hints").is_undefined());
}

#[wasm_bindgen_test]
fn malformed_hint_values_fall_back_to_backoff() {
    for value in ["", "-5", "1e3", "soon", "NaN"] {
        let mut call = attempts(None, "GET");
        let wait = after(&mut call, 429, &[("x-rate-limit-time-reset-ms", value)], 0.0, 0.0);
        assert_eq!(
            text(&call.retry_event(), "source"),
            "backoff",
            "{value:?}: {wait:?}"
        );
    }
}

#[wasm_bindgen_test]
fn fetch_failures_and_graphql_documents_are_told_apart() {
    let failure = |name, message, code, cause_code, cause_message| {
        fetch_failure(name, message, code, "", cause_code, cause_message)
    };
    assert_eq!(failure("TypeError", "Failed to fetch", "", "", ""), 0);
    assert_eq!(
        failure("TypeError", "fetch failed", "", "ECONNREFUSED", "connect"),
        0
    );
    assert_eq!(failure("TypeError", "Failed to parse URL from ::", "", "", ""), 1);
    assert_eq!(
        failure("TypeError", "Cannot read properties of undefined", "", "", ""),
        2
    );
    assert_eq!(failure("AbortError", "The operation was aborted.", "", "", ""), 2);
    let graphql = "https://store.example/graphql";
    assert!(is_graphql_read(
        graphql,
        r#"{"query":"query { site { settings { storeName } } }"}"#
    ));
    assert!(!is_graphql_read(
        graphql,
        r#"{"query":"mutation { logout { result } }"}"#
    ));
    assert!(!is_graphql_read(
        "https://store.example/cart",
        r#"{"query":"{ a }"}"#
    ));
}

#[wasm_bindgen_test]
fn messages_lose_url_queries_and_redirects_are_decided_by_the_core() {
    assert_eq!(
        redact("error sending request for url (http://h/?access_token=SECRET): x"),
        "error sending request for url (http://h/?[redacted]): x"
    );
    let follow = redirect_step(302, "POST", 0, "https:", Some("https:".into()), false, 1);
    assert_eq!(get(&follow, "toGet").as_bool(), Some(true));
    assert_eq!(get(&follow, "crossOrigin").as_bool(), Some(true));
    let refused = redirect_step(302, "GET", 0, "https:", Some("http:".into()), false, 0);
    assert_eq!(text(&refused, "reason"), "insecure_redirect");
    assert!(text(&refused, "message").starts_with("GET was redirected (302)"));
}

#[wasm_bindgen_test]
fn problem_describes_a_v3_body_as_a_plain_object() {
    let body = r#"{"status":422,"title":"Missing Required Fields","type":"/api-docs/getting-started/api-status-codes","code":10001,"errors":{"name":"Please provide a name.","price":"Please provide a price."}}"#;
    let problem: JsValue = problem(422, "application/json", body).into();
    assert_eq!(get(&problem, "status").as_f64(), Some(422.0));
    assert_eq!(text(&problem, "shape"), "v3");
    assert_eq!(text(&problem, "title"), "Missing Required Fields");
    assert_eq!(
        text(&problem, "type"),
        "/api-docs/getting-started/api-status-codes"
    );
    assert_eq!(get(&problem, "code").as_f64(), Some(10001.0));
    let first = at(&problem, "fieldErrors", 0);
    assert_eq!(
        (text(&first, "field"), text(&first, "message")),
        ("name".into(), "Please provide a name.".into())
    );
    assert_eq!(Array::from(&get(&problem, "fieldErrors")).length(), 2);
    assert_eq!(Array::from(&get(&problem, "messages")).length(), 0);
    for absent in ["detail", "instance", "retryAfterMs", "unreadable"] {
        assert!(!has(&problem, absent), "{absent}");
    }
}

#[wasm_bindgen_test]
fn problem_gives_the_envelopes_code_as_text_and_its_wait() {
    let body = r#"{"error":{"code":"SERVICE_DEGRADED","message":"Service temporarily unavailable","details":"retry later","retry_after_seconds":30}}"#;
    let envelope: JsValue = problem(503, "application/json", body).into();
    assert_eq!(text(&envelope, "shape"), "envelope");
    assert_eq!(text(&envelope, "code"), "SERVICE_DEGRADED");
    assert_eq!(text(&envelope, "detail"), "retry later");
    assert_eq!(get(&envelope, "retryAfterMs").as_f64(), Some(30_000.0));
    let v2: JsValue = problem(404, "", r#"[{"status":400,"message":"Not found."}]"#).into();
    assert_eq!(text(&v2, "shape"), "v2");
    assert_eq!(get(&v2, "status").as_f64(), Some(404.0));
    assert_eq!(at(&v2, "messages", 0).as_string().as_deref(), Some("Not found."));
}

#[wasm_bindgen_test]
fn rest_answer_lists_a_partial_batchs_failures_and_counts() {
    let body = r#"{"data":[{"id":900}],"errors":[{"status":422,"title":"Partial failure","errors":{"1":"Unauthorized to delete"}}],"meta":{"total":2,"success":1,"failed":1}}"#;
    let partial: JsValue = rest_answer(422, "application/json", body).into();
    assert_eq!(get(&partial, "partial").as_bool(), Some(true));
    assert!(!has(&partial, "problem"));
    let failure = at(&partial, "failures", 0);
    assert_eq!(text(&failure, "key"), "1");
    assert_eq!(text(&failure, "message"), "Unauthorized to delete");
    assert_eq!(get(&failure, "status").as_f64(), Some(422.0));
    assert_eq!(text(&failure, "title"), "Partial failure");
    assert!(!has(&failure, "item"));
    let counts = get(&partial, "counts");
    assert_eq!(get(&counts, "total").as_f64(), Some(2.0));
    assert_eq!(get(&counts, "failed").as_f64(), Some(1.0));
    assert!(!has(&partial, "unreadable"));

    let records = r#"{"batch_errors":[{"data":{"variant_id":325},"field_errors":{"price":"bad"}},{"data":{"sku":"S-1"},"field_errors":{"currency":"bad"}}]}"#;
    let records: JsValue = rest_answer(422, "application/json", records).into();
    assert_eq!(get(&records, "partial").as_bool(), Some(false));
    assert_eq!(text(&get(&records, "problem"), "shape"), "json");
    assert_eq!(get(&at(&records, "failures", 0), "item").as_f64(), Some(325.0));
    assert_eq!(text(&at(&records, "failures", 1), "item"), "S-1");
    assert!(!has(&records, "counts"));

    let plain: JsValue = rest_answer(404, "text/plain", "Not Found").into();
    assert_eq!(get(&plain, "partial").as_bool(), Some(false));
    assert!(!has(&plain, "failures"));
    assert_eq!(text(&get(&plain, "problem"), "shape"), "text");
    assert_eq!(
        [204, 304, 200, 201, 207, 422, 503].map(rest_kind),
        [0, 0, 1, 1, 2, 2, 2]
    );
    assert!(keeps_for_revalidation_js(
        200,
        "Wed, 21 Oct 2026 07:28:00 GMT",
        10
    ));
    assert!(!keeps_for_revalidation_js(200, "", 10));
}

#[wasm_bindgen_test]
fn job_reads_a_polls_state_percent_and_errors() {
    let failed: JsValue =
        job(r#"{"status":"FAILED","percent_complete":42.5,"errors":[{"message":"bad zip"}]}"#).into();
    assert_eq!(get(&failed, "state").as_f64(), Some(2.0));
    assert_eq!(text(&failed, "status"), "FAILED");
    assert_eq!(get(&failed, "percent").as_f64(), Some(42.0));
    assert_eq!(at(&failed, "messages", 0).as_string().as_deref(), Some("bad zip"));
    let odd: JsValue = job("[").into();
    assert_eq!(get(&odd, "state").as_f64(), Some(0.0));
    assert!(!has(&odd, "percent"));
}

#[wasm_bindgen_test]
fn graphql_errors_gives_kinds_paths_and_the_complexity() {
    let body = r#"{"data":{"site":null},"errors":[{"message":"The query is too complex as it has a complexity score of 12230 out of 10000.","path":["site","products",0],"extensions":{"code":"X"}}]}"#;
    let answer: JsValue = graphql_errors(200, body, true).into();
    assert_eq!(text(&answer, "kind"), "complexity");
    assert_eq!(text(&answer, "failure"), "complexity");
    let complexity = get(&answer, "complexity");
    assert_eq!(get(&complexity, "cost").as_f64(), Some(12_230.0));
    assert_eq!(get(&complexity, "limit").as_f64(), Some(10_000.0));
    assert_eq!(get(&answer, "hasData").as_bool(), Some(true));
    let error = at(&answer, "errors", 0);
    assert_eq!(text(&error, "kind"), "complexity");
    assert_eq!(text(&error, "code"), "X");
    let path = Array::from(&get(&error, "path"));
    assert_eq!(path.get(1).as_string().as_deref(), Some("products"));
    assert_eq!(path.get(2).as_f64(), Some(0.0));

    let none: JsValue = graphql_errors(200, r#"{"data":{}}"#, true).into();
    assert_eq!(Array::from(&get(&none, "errors")).length(), 0);
    assert!(!has(&none, "kind") && !has(&none, "complexity") && !has(&none, "failure"));
    let refused: JsValue = graphql_errors(401, "Unauthorized", false).into();
    assert_eq!(text(&refused, "failure"), "unauthorized");
}

#[wasm_bindgen_test]
fn hostile_bodies_give_objects_and_never_trap() {
    assert_eq!(max_body_bytes(), 1 << 20);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge = format!(r#"{{"title":"{}"}}"#, "x".repeat(max_body_bytes() as usize));
    let odd = r#"{"title":"\u0000\ud800","errors":{"\udfff":1}}"#;
    for body in [deep.as_str(), huge.as_str(), odd, "", "{", "<title>", "\u{0}"] {
        let problem: JsValue = problem(500, "application/json", body).into();
        assert!(
            get(&problem, "shape").is_string(),
            "{}",
            &body[..body.len().min(20)]
        );
        let partial: JsValue = rest_answer(207, "application/json", body).into();
        assert!(Array::is_array(&get(&partial, "failures")));
        let answer: JsValue = graphql_errors(200, body, false).into();
        assert!(Array::is_array(&get(&answer, "errors")));
        assert_eq!(text(&answer, "failure"), "graphql");
        let job: JsValue = job(body).into();
        assert_eq!(get(&job, "state").as_f64(), Some(0.0));
    }
    let cut: JsValue = problem(500, "", &huge).into();
    assert_eq!(text(&cut, "unreadable"), "truncated");
    let deep: JsValue = rest_answer(207, "", &deep).into();
    assert_eq!(text(&deep, "unreadable"), "too_deep");
    let odd: JsValue = problem(422, "", odd).into();
    assert_eq!(text(&odd, "title"), "\0\u{FFFD}");
}

/// Reads `globalThis.a.b…`, or `None` when any step is missing or not a string at the end.
fn global_string(path: &[&str]) -> Option<String> {
    let mut value: JsValue = js_sys::global().into();
    for key in path {
        if !value.is_object() {
            return None;
        }
        value = Reflect::get(&value, &JsValue::from_str(key)).ok()?;
    }
    value.as_string()
}

/// Which engine runs this wasm: "node", "chromium", "firefox", "webkit" or "unknown: <userAgent>".
fn engine() -> String {
    if global_string(&["process", "versions", "node"]).is_some() {
        return "node".into();
    }
    let agent = global_string(&["navigator", "userAgent"]).unwrap_or_default();
    // Order matters: Chromium's agent also names AppleWebKit and Safari.
    if agent.contains("Firefox/") {
        "firefox".into()
    } else if agent.contains("Chrome/") || agent.contains("Chromium/") {
        "chromium".into()
    } else if agent.contains("AppleWebKit/") {
        "webkit".into()
    } else {
        format!("unknown: {agent}")
    }
}

/// Proves the suite ran where the script meant it to: scripts/wasm-test.sh sets the expected engine
/// at compile time, since the runner cannot pass environment variables into a browser.
#[wasm_bindgen_test]
fn runs_in_expected_engine() {
    let actual = engine();
    console_log!("wasm test engine: {actual}");
    if let Some(expected) = option_env!("COMMERCE_FETCH_WASM_ENGINE") {
        assert_eq!(actual, expected, "suite ran in the wrong engine");
    }
}
