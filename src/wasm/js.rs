//! Small helpers for reading JavaScript values without panicking.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::policy::{describe_number, quoted};

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

/// A JavaScript `TypeError` with `message`.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
