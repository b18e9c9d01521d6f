//! Bindings to JavaScript globals, and small helpers for reading JavaScript values without panicking.

use std::thread::LocalKey;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::policy::{describe_number, quoted};

#[wasm_bindgen]
extern "C" {
    // Globals bound directly rather than through `window`, so the same code runs in browsers, workers,
    // Node, Deno and workerd. `catch` turns a throw into an `Err` instead of unwinding through wasm.
    #[wasm_bindgen(js_name = setTimeout, catch)]
    pub fn set_timeout(handler: &Function, ms: f64) -> Result<JsValue, JsValue>;

    /// `setTimeout(handler, ms, argument)`: the handler receives `argument`, so one handler can serve
    /// many timers.
    #[wasm_bindgen(js_name = setTimeout, catch)]
    pub fn set_timeout_with_argument(
        handler: &Function,
        ms: f64,
        argument: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);

    #[wasm_bindgen(js_name = fetch, catch)]
    pub fn global_fetch(input: &JsValue, init: &JsValue) -> Result<JsValue, JsValue>;

    /// `Object.assign`, which runs the caller's getters and can throw.
    #[wasm_bindgen(js_namespace = Object, js_name = assign, catch)]
    pub fn object_assign(target: &Object, source: &JsValue) -> Result<JsValue, JsValue>;

    /// `Object.keys`, which a Proxy can make throw.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    pub fn object_keys(object: &JsValue) -> Result<js_sys::Array, JsValue>;

    /// `AbortSignal.any`, missing in some older runtimes (hence `catch`).
    #[wasm_bindgen(js_namespace = AbortSignal, js_name = any, catch)]
    pub fn abort_signal_any(signals: &js_sys::Array) -> Result<web_sys::AbortSignal, JsValue>;
}

thread_local! {
    // Property names read on every request, made into JavaScript strings once: decoding a name from
    // wasm memory on each call showed in profiles of the success path.
    pub static METHOD: JsValue = JsValue::from_str("method");
    pub static BODY: JsValue = JsValue::from_str("body");
    pub static SIGNAL: JsValue = JsValue::from_str("signal");
    pub static STATUS: JsValue = JsValue::from_str("status");
    pub static HEADERS: JsValue = JsValue::from_str("headers");
}

/// `object[key]` for a cached key such as [`STATUS`], or `undefined` as [`get`] gives it.
pub fn get_cached(object: &JsValue, key: &'static LocalKey<JsValue>) -> JsValue {
    if !object.is_object() && !object.is_function() {
        return JsValue::UNDEFINED;
    }
    key.with(|key| Reflect::get(object, key))
        .unwrap_or(JsValue::UNDEFINED)
}

/// Sets `object[key] = value` for a cached key, on a plain object this code created.
pub fn set_cached(object: &Object, key: &'static LocalKey<JsValue>, value: &JsValue) {
    key.with(|key| {
        let _ = Reflect::set(object, key, value);
    });
}

/// `object[key]`, or `undefined` when `object` is not an object or the getter throws.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() && !object.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Sets `object[key] = value` on a plain object this code created.
pub fn set(object: &Object, key: &str, value: &JsValue) {
    // Cannot fail on an ordinary extensible object.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// A short description of a value for error messages: strings quoted and cut, numbers as written,
/// anything else by its type, so that no object contents (and no credential) reach a message.
pub fn describe(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        let cut: String = text.chars().take(40).collect();
        let ellipsis = if cut.len() < text.len() { "…" } else { "" };
        return quoted(&cut) + ellipsis;
    }
    if let Some(number) = value.as_f64() {
        return describe_number(number);
    }
    if value.is_null() {
        return "null".to_owned();
    }
    if js_sys::Array::is_array(value) {
        return "an array".to_owned();
    }
    match value.js_typeof().as_string().as_deref() {
        Some("undefined") => "undefined".to_owned(),
        Some("boolean") => if value.as_bool() == Some(true) {
            "true"
        } else {
            "false"
        }
        .to_owned(),
        Some("function") => "a function".to_owned(),
        Some("object") => "an object".to_owned(),
        Some(other) => format!("a {other}"),
        None => "a value".to_owned(),
    }
}

/// A thenable from a user's `fetch` as a real promise; a non-thenable result becomes a resolved one.
pub fn to_promise(value: JsValue) -> Promise {
    match value.dyn_into::<Promise>() {
        Ok(promise) => promise,
        Err(other) => Promise::resolve(&other),
    }
}

/// The `name` and `message` of a thrown value, or empty strings.
pub fn error_name_and_message(error: &JsValue) -> (String, String) {
    let text = |key| get(error, key).as_string().unwrap_or_default();
    (text("name"), text("message"))
}

/// A JavaScript `TypeError` with `message`.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
