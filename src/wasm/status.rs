//! `interpret(status)` for JavaScript.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::js::set;
use crate::status::{interpret as interpret_code, StatusInfo};

/// Describes an HTTP status as `{ status, text, category, meaning, retryable, causes, remedies }`.
/// JavaScript has checked that `status` is an integer.
#[wasm_bindgen]
pub fn interpret(status: f64) -> Object {
    // Integers beyond i64 are far outside 100–599; saturating keeps them `unknown`.
    status_info_to_js(&interpret_code(status as i64), status)
}

fn status_info_to_js(info: &StatusInfo, code: f64) -> Object {
    let object = Object::new();
    let strings = |items: &[&str]| -> Array { items.iter().map(|s| JsValue::from_str(s)).collect() };
    set(&object, "status", &JsValue::from_f64(code));
    set(&object, "text", &JsValue::from_str(info.text));
    set(&object, "category", &JsValue::from_str(info.category.as_str()));
    set(&object, "meaning", &JsValue::from_str(info.meaning));
    set(&object, "retryable", &JsValue::from_bool(info.retryable));
    set(&object, "causes", &strings(info.causes));
    set(&object, "remedies", &strings(info.remedies));
    object
}
