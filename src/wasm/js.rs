//! Small helpers for making JavaScript values without panicking.

use alloc::string::String;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::hints::{HeaderSource, HINT_HEADERS};

/// Sets `object[key] = value` on a plain object this code created.
pub fn set(object: &Object, key: &str, value: &JsValue) {
    // Cannot fail on an ordinary extensible object.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// A JavaScript `TypeError` with `message`.
#[cfg(feature = "js-fetch")]
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// A time, a count of milliseconds or another count from JavaScript, as a whole number. `as` saturates:
/// NaN and anything not positive read as 0, and anything too large as `u64::MAX`.
pub fn whole_ms(value: f64) -> u64 {
    value as u64
}

/// The lines of `joined`, which JavaScript joined with line feeds (no item holds one); an empty string
/// has none. Split by hand: `str::split` brings its searcher and `memchr` into the wasm.
pub fn lines(joined: &str) -> impl Iterator<Item = &str> {
    let mut rest = (!joined.is_empty()).then_some(joined);
    core::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|b| b == b'\n') {
            Some(at) => {
                rest = text.get(at + 1..);
                text.get(..at)
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// The values of [`HINT_HEADERS`], in their order, joined by line feeds (which no header value
/// holds), as JavaScript read them from a response; an absent header is an empty line.
pub struct HintValues<'a>(pub &'a str);

impl HeaderSource for HintValues<'_> {
    fn header(&self, name: &str) -> Option<String> {
        let index = HINT_HEADERS
            .iter()
            .position(|known| known.eq_ignore_ascii_case(name))?;
        let value = lines(self.0).nth(index)?;
        (!value.is_empty()).then(|| String::from(value))
    }
}
