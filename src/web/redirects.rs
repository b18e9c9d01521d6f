//! Redirects, followed by the shell itself so that credentials stay with their origin.
//!
//! `fetch` drops only `Authorization`, `Cookie` and `Proxy-Authorization` when a redirect changes
//! origin; BigCommerce's `X-Auth-Token` would travel on to wherever the redirect leads. So a request
//! that `fetch` would follow is sent with `redirect: "manual"`, and each redirect is followed as the
//! core's [`next_step`] says, without the credential headers once the origin changes. This is what
//! the JavaScript shell does (`pkg/lib/request.js`).
//!
//! A browser answers a manual redirect with an opaque response that hides where it leads. There, only
//! a request that carries credentials is sent with `redirect: "manual"` (and its redirect refused,
//! [`RedirectRefusal::Hidden`]); any other request is left to the browser, which follows it.

use std::cell::Cell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, Request, RequestInit, RequestRedirect, Response, ResponseType, Url};

use crate::redirect::{
    is_followed, next_step, CredentialHeaders, Redirect, RedirectRefusal, RedirectStep, RequestBody, Scheme,
};

thread_local! {
    /// Whether this runtime hides where redirects lead: guessed once, and learnt from the first
    /// opaque redirect if the guess was wrong.
    static HIDDEN: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Whether this runtime hides redirects. A window has `document`; a classic worker (dedicated, shared
/// or service) has `importScripts`; Node, Deno, Bun and workerd have neither, and show redirects.
fn redirects_hidden() -> bool {
    HIDDEN.with(|hidden| {
        *hidden.get().get_or_insert_with(|| {
            let global = js_sys::global();
            ["document", "importScripts"]
                .iter()
                .any(|name| Reflect::has(&global, &JsValue::from_str(name)).unwrap_or(false))
        })
    })
}

/// Whether the shell follows `request`'s redirects itself: when `fetch` would follow them, and the
/// runtime shows where they lead or the request carries credentials.
pub(super) fn follows(request: &Request, credentials: &CredentialHeaders) -> bool {
    request.redirect() == RequestRedirect::Follow
        && (!redirects_hidden() || carries(&request.headers(), credentials))
}

/// Whether any of `headers` carries credentials.
fn carries(headers: &Headers, credentials: &CredentialHeaders) -> bool {
    entries(headers)
        .iter()
        .any(|(name, _)| credentials.contains(name))
}

/// A header list's `(name, value)` pairs.
fn entries(headers: &Headers) -> Vec<(String, String)> {
    let Ok(Some(iterator)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    iterator
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let entry: Array = entry.dyn_into().ok()?;
            Some((entry.get(0).as_string()?, entry.get(1).as_string()?))
        })
        .collect()
}

/// Why an attempt's `fetch` gave no response to decide on.
pub(super) enum NotSent {
    /// `fetch` threw synchronously: the request cannot be sent.
    Invalid(JsValue),
    /// `fetch` rejected (a network error, an abort, an invalid request).
    Rejected(JsValue),
    /// `fetch` resolved with something that is not a `Response`.
    NotAResponse,
    /// The core refused a redirect: its reason, status (0 when hidden) and the method it answered.
    Refused(RedirectRefusal, u16, String),
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, not `window.fetch`: workers, Node and workerd have no `window`.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn fetch_with_request(input: &Request, init: &RequestInit) -> Result<js_sys::Promise, JsValue>;
}

/// Sends one attempt of `request` (a fresh clone of it) with `signal`, following its redirects when
/// `credentials` is given (the shell follows them itself), and returns the response to decide on.
pub(super) async fn send(
    request: &Request,
    signal: &AbortSignal,
    credentials: Option<&CredentialHeaders>,
) -> Result<Response, NotSent> {
    let mut next = Request::clone(request).map_err(NotSent::Invalid)?;
    let mut followed = 0;
    loop {
        let init = RequestInit::new();
        init.set_signal(Some(signal));
        if credentials.is_some() {
            init.set_redirect(RequestRedirect::Manual);
        }
        let sending = fetch_with_request(&next, &init).map_err(NotSent::Invalid)?;
        let response: Response = JsFuture::from(sending)
            .await
            .map_err(NotSent::Rejected)?
            .dyn_into()
            .map_err(|_| NotSent::NotAResponse)?;
        let Some(credentials) = credentials else {
            return Ok(response);
        };
        if response.type_() == ResponseType::Opaqueredirect {
            HIDDEN.with(|hidden| hidden.set(Some(true)));
            discard(&response);
            return Err(NotSent::Refused(RedirectRefusal::Hidden, 0, next.method()));
        }
        let status = response.status();
        let location = if is_followed(status) {
            response.headers().get("location").ok().flatten()
        } else {
            None
        };
        let Some(location) = location else {
            if followed > 0 {
                mark_redirected(&response);
            }
            return Ok(response);
        };
        discard(&response);
        next = hop(request, &next, &response, &location, followed, credentials).await?;
        followed += 1;
    }
}

/// The request that follows the redirect `response` (to `location`) answered to `sent`, after
/// `followed` earlier ones; `original` is the caller's request, whose body a 307 or 308 sends again.
async fn hop(
    original: &Request,
    sent: &Request,
    response: &Response,
    location: &str,
    followed: u32,
    credentials: &CredentialHeaders,
) -> Result<Request, NotSent> {
    let method = sent.method();
    let answered = response.url();
    // Node's manual redirects carry the URL that answered; a runtime that leaves it empty sent it.
    let from = Url::new(&if answered.is_empty() { sent.url() } else { answered }).ok();
    let to = from
        .as_ref()
        .and_then(|from| Url::new_with_base(location, &from.href()).ok());
    let has_body = !method.eq_ignore_ascii_case("GET") && !method.eq_ignore_ascii_case("HEAD");
    let step = next_step(&Redirect {
        status: response.status(),
        method: &method,
        followed,
        from: from
            .as_ref()
            .map_or(Scheme::Other, |from| Scheme::from_protocol(&from.protocol())),
        to: to.as_ref().map(|to| Scheme::from_protocol(&to.protocol())),
        same_origin: match (&from, &to) {
            (Some(from), Some(to)) => from.origin() == to.origin() && to.origin() != "null",
            _ => false,
        },
        // Each hop reads a clone of the caller's request, so its body can always be sent again.
        body: if has_body {
            RequestBody::Replayable
        } else {
            RequestBody::None
        },
    });
    let (hop, to) = match (step, to) {
        (RedirectStep::Follow(hop), Some(to)) => (hop, to),
        (RedirectStep::Refuse(refusal), _) => {
            return Err(NotSent::Refused(refusal, response.status(), method))
        }
        (RedirectStep::Follow(_), None) => {
            return Err(NotSent::Refused(
                RedirectRefusal::InvalidLocation,
                response.status(),
                method,
            ))
        }
    };
    let init = RequestInit::new();
    let headers = Headers::new().map_err(NotSent::Invalid)?;
    for (name, value) in entries(&sent.headers()) {
        if !hop.drops_header(&name, credentials) {
            headers.append(&name, &value).map_err(NotSent::Invalid)?;
        }
    }
    init.set_headers(&headers);
    init.set_credentials(original.credentials());
    init.set_cache(original.cache());
    if hop.to_get {
        init.set_method("GET");
    } else {
        init.set_method(&method);
        if has_body {
            let copy = Request::clone(original).map_err(NotSent::Invalid)?;
            let reading = copy.array_buffer().map_err(NotSent::Invalid)?;
            let body = JsFuture::from(reading).await.map_err(NotSent::Rejected)?;
            init.set_body(&body);
        }
    }
    Request::new_with_str_and_init(&to.href(), &init).map_err(NotSent::Invalid)
}

/// Cancels the unread body of a response nobody will read, which frees its connection.
fn discard(response: &Response) {
    if let Some(body) = response.body() {
        let _ = body.cancel();
    }
}

/// A response reached through redirects says so, as the one `fetch` follows redirects for would.
fn mark_redirected(response: &Response) {
    let descriptor = Object::new();
    let _ = Reflect::set(&descriptor, &"value".into(), &JsValue::TRUE);
    let _ = Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE);
    let _ = Reflect::define_property(response, &"redirected".into(), &descriptor);
}
