//! Redirects, for the JavaScript shell that follows them: whether and how to go on.

use alloc::string::String;

use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::js::set;
use crate::redirect::{is_followed, next_step, Redirect, RedirectRefusal, RedirectStep, RequestBody, Scheme};

/// Whether fetch would follow a response with `status` (301, 302, 303, 307 or 308).
#[wasm_bindgen(js_name = isFollowedRedirect)]
pub fn is_followed_redirect(status: u16) -> bool {
    is_followed(status)
}

/// What to do with a redirect: `{ toGet, crossOrigin }` to follow it, or `{ reason, message }` to
/// fail the call. `to_protocol` is the `protocol` of the `Location` resolved against the URL that
/// answered, or `undefined` when it is not a URL; `body` is 0 for none, 1 for a body that can be sent
/// again, 2 for a stream that has been read.
#[wasm_bindgen(js_name = redirectStep)]
pub fn redirect_step(
    status: u16,
    method: &str,
    followed: u32,
    from_protocol: &str,
    to_protocol: Option<String>,
    same_origin: bool,
    body: u8,
) -> Object {
    let redirect = Redirect {
        status,
        method,
        followed,
        from: Scheme::from_protocol(from_protocol),
        to: to_protocol.as_deref().map(Scheme::from_protocol),
        same_origin,
        body: match body {
            0 => RequestBody::None,
            1 => RequestBody::Replayable,
            _ => RequestBody::Once,
        },
    };
    match next_step(&redirect) {
        RedirectStep::Follow(hop) => {
            let object = Object::new();
            set(&object, "toGet", &hop.to_get.into());
            set(&object, "crossOrigin", &hop.cross_origin.into());
            object
        }
        RedirectStep::Refuse(refusal) => refused(refusal, method, status),
    }
}

/// `{ reason, message }` for a redirect the runtime hid (a browser's opaque redirect) from a request
/// that carries credentials.
#[wasm_bindgen(js_name = hiddenRedirect)]
pub fn hidden_redirect(method: &str) -> Object {
    refused(RedirectRefusal::Hidden, method, 0)
}

fn refused(refusal: RedirectRefusal, method: &str, status: u16) -> Object {
    let object = Object::new();
    set(&object, "reason", &refusal.as_str().into());
    set(&object, "message", &refusal.message(method, status).into());
    object
}
