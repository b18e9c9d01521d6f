//! Placeholder wasm-bindgen tests: the same file runs in Node and in each browser engine.
//!
//! No `wasm_bindgen_test_configure!(run_in_browser)` here on purpose: that macro pins the file to
//! browsers, while the runner picks Node by default and a browser when `WASM_BINDGEN_USE_BROWSER`
//! is set (see scripts/wasm-test.sh).
#![cfg(target_arch = "wasm32")]

use commerce_fetch::interpret;
use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn rate_limit_is_retryable() {
    assert!(interpret(429).retryable);
}

#[wasm_bindgen_test]
fn out_of_range_code_is_unknown() {
    assert_eq!(interpret(65535).category.as_str(), "unknown");
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
