//! Small helpers for making JavaScript values without panicking.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// Sets `object[key] = value` on a plain object this code created.
pub fn set(object: &Object, key: &str, value: &JsValue) {
    // Cannot fail on an ordinary extensible object.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// A JavaScript `TypeError` with `message`.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
