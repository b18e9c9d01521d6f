//! The wasm boundary in each engine: the same file runs in Node and in Chromium, Firefox and WebKit
//! (scripts/wasm-test.sh). A scripted `fetch` stands in for the network, so every engine runs the
//! real retry loop, timers and abort signals without a server.
//!
//! No `wasm_bindgen_test_configure!(run_in_browser)` here on purpose: that macro pins the file to
//! browsers, while the runner picks Node by default and a browser when `WASM_BINDGEN_USE_BROWSER`
//! is set.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use commerce_fetch::wasm::{interpret, Client};
use js_sys::{Array, Date, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{AbortController, Request, RequestInit, Response, ResponseInit};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(key), value).unwrap();
    }
    object.into()
}

async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    JsFuture::from(promise).await.unwrap();
}

fn response(status: u16, headers: &[(&str, &str)]) -> Response {
    let init = ResponseInit::new();
    init.set_status(status);
    let head = web_sys::Headers::new().unwrap();
    for (name, value) in headers {
        head.append(name, value).unwrap();
    }
    init.set_headers(&head);
    let body = if status == 204 { None } else { Some("body") };
    Response::new_with_opt_str_and_init(body, &init).unwrap()
}

/// A hook the package passes: `(a, b, c) => value`.
type Hook = Closure<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>;

/// What the scripted fetch saw and what the hooks were given.
#[derive(Default)]
struct Record {
    calls: u32,
    /// `text()` of each Request body the fetch received, in order.
    bodies: Vec<Promise>,
    errors: Vec<(String, JsValue)>,
    annotated: Vec<JsValue>,
}

/// The hooks the npm package passes: errors become plain objects tagged with their kind.
fn hooks(record: &Rc<RefCell<Record>>) -> (JsValue, Vec<Hook>) {
    let on_error = Rc::clone(record);
    let make_error = Hook::new(move |kind: JsValue, message: JsValue, details: JsValue| {
        let kind = kind.as_string().unwrap_or_default();
        on_error.borrow_mut().errors.push((kind.clone(), details.clone()));
        let error: JsValue = js_sys::Error::new(&message.as_string().unwrap_or_default()).into();
        Reflect::set(&error, &"kind".into(), &kind.into()).unwrap();
        Reflect::set(&error, &"details".into(), &details).unwrap();
        error
    });
    let on_annotate = Rc::clone(record);
    let annotate = Hook::new(move |_response: JsValue, details: JsValue, _: JsValue| {
        on_annotate.borrow_mut().annotated.push(details);
        JsValue::UNDEFINED
    });
    let hooks = object(&[
        ("makeError", make_error.as_ref().clone()),
        ("annotate", annotate.as_ref().clone()),
    ]);
    (hooks, vec![make_error, annotate])
}

type Step = Box<dyn Fn(&JsValue) -> Promise>;

/// A `fetch` that answers from `steps` in turn (the last repeats) and records each call.
fn scripted_fetch(
    record: &Rc<RefCell<Record>>,
    steps: Vec<Step>,
) -> Closure<dyn FnMut(JsValue, JsValue) -> Promise> {
    let record = Rc::clone(record);
    Closure::new(move |input: JsValue, init: JsValue| {
        let index = {
            let mut record = record.borrow_mut();
            record.calls += 1;
            (record.calls as usize - 1).min(steps.len() - 1)
        };
        if let Some(text) = input.dyn_ref::<Request>().and_then(|request| request.text().ok()) {
            record.borrow_mut().bodies.push(text);
        }
        steps[index](&init)
    })
}

fn answer(status: u16, headers: &'static [(&'static str, &'static str)]) -> Step {
    Box::new(move |_| Promise::resolve(&JsValue::from(response(status, headers))))
}

fn reject_with(message: &'static str) -> Step {
    Box::new(move |_| Promise::reject(&js_sys::TypeError::new(message)))
}

/// Never answers; rejects with the signal's reason when the attempt is aborted, as fetch does.
fn hang() -> Step {
    Box::new(|init| {
        let signal: web_sys::AbortSignal = get(init, "signal").unchecked_into();
        Promise::new(&mut |_, reject| {
            let reason_signal = signal.clone();
            let on_abort = Closure::once_into_js(move || {
                reject
                    .call1(&JsValue::UNDEFINED, &reason_signal.reason())
                    .unwrap();
            });
            signal
                .add_event_listener_with_callback("abort", on_abort.unchecked_ref())
                .unwrap();
        })
    })
}

struct Harness {
    client: Client,
    record: Rc<RefCell<Record>>,
    _fetch: Closure<dyn FnMut(JsValue, JsValue) -> Promise>,
    _hooks: Vec<Hook>,
}

/// A client over a scripted fetch, with short backoff unless `options` say otherwise.
fn harness(steps: Vec<Step>, options: &[(&str, JsValue)]) -> Harness {
    let record = Rc::new(RefCell::new(Record::default()));
    let fetch = scripted_fetch(&record, steps);
    let (hooks, closures) = hooks(&record);
    let backoff = object(&[("baseMs", 1.into()), ("maxMs", 4.into())]);
    let mut pairs = vec![
        ("fetch", fetch.as_ref().clone()),
        ("retry", object(&[("backoff", backoff)])),
    ];
    for (key, value) in options {
        pairs.retain(|(k, _)| k != key);
        pairs.push((key, value.clone()));
    }
    let client = Client::new(object(&pairs), hooks).expect("valid options");
    Harness {
        client,
        record,
        _fetch: fetch,
        _hooks: closures,
    }
}

async fn send(harness: &Harness, init: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(
        harness
            .client
            .fetch("https://store.example/v3/catalog/products".into(), init),
    )
    .await
}

#[wasm_bindgen_test]
fn interpret_describes_a_status_and_rejects_non_integers_without_breaking() {
    let info = interpret(429.into()).unwrap();
    assert_eq!(
        get(&info, "text").as_string().as_deref(),
        Some("Too Many Requests")
    );
    assert_eq!(get(&info, "retryable").as_bool(), Some(true));
    assert_eq!(
        get(&info, "category").as_string().as_deref(),
        Some("client_error")
    );
    assert!(Array::is_array(&get(&info, "remedies")));
    for bad in [
        JsValue::from_str("429"),
        JsValue::from_f64(1.5),
        JsValue::from_f64(f64::NAN),
        JsValue::NULL,
    ] {
        let error = interpret(bad).unwrap_err();
        assert!(error.is_instance_of::<js_sys::TypeError>());
    }
    let unknown = interpret(65535.into()).unwrap();
    assert_eq!(get(&unknown, "category").as_string().as_deref(), Some("unknown"));
}

#[wasm_bindgen_test]
fn bad_options_throw_a_type_error_naming_the_option() {
    let record = Rc::new(RefCell::new(Record::default()));
    let (hooks, _closures) = hooks(&record);
    let cases = [
        (object(&[("retry", (-1).into())]), "retry.limit"),
        (object(&[("timeout", "10s".into())]), "timeout"),
        (object(&[("preset", "fast".into())]), "preset"),
        (object(&[("fetch", 3.into())]), "fetch"),
        (object(&[("retries", 3.into())]), "retries"),
    ];
    for (options, name) in cases {
        let error = Client::new(options, hooks.clone()).err().expect("an error");
        assert!(error.is_instance_of::<js_sys::TypeError>());
        let message = get(&error, "message").as_string().unwrap_or_default();
        assert!(message.contains(&format!("`{name}`")), "{message}");
    }
    assert!(
        Client::new(JsValue::UNDEFINED, hooks).is_ok(),
        "still usable after the errors"
    );
}

#[wasm_bindgen_test]
async fn retries_server_errors_and_resolves_with_the_final_response() {
    let h = harness(vec![answer(503, &[]), answer(500, &[]), answer(200, &[])], &[]);
    let res: Response = send(&h, JsValue::UNDEFINED).await.unwrap().unchecked_into();
    assert_eq!(res.status(), 200);
    let record = h.record.borrow();
    assert_eq!(record.calls, 3);
    assert_eq!(record.annotated.len(), 1);
    assert_eq!(get(&record.annotated[0], "attempts").as_f64(), Some(3.0));
    assert_eq!(Array::from(&get(&record.annotated[0], "trace")).length(), 3);
}

#[wasm_bindgen_test]
async fn waits_for_the_rate_limit_reset_before_retrying() {
    let h = harness(
        vec![
            answer(429, &[("X-Rate-Limit-Time-Reset-Ms", "120")]),
            answer(200, &[]),
        ],
        &[],
    );
    let started = Date::now();
    let res: Response = send(&h, JsValue::UNDEFINED).await.unwrap().unchecked_into();
    let waited = Date::now() - started;
    assert_eq!(res.status(), 200);
    assert!(waited >= 115.0, "waited {waited} ms for a 120 ms hint");
    let trace = Array::from(&get(&h.record.borrow().annotated[0], "trace"));
    assert_eq!(
        get(&trace.get(0), "source").as_string().as_deref(),
        Some("x-rate-limit-time-reset-ms")
    );
}

#[wasm_bindgen_test]
async fn a_post_is_not_repeated_after_a_server_error() {
    let h = harness(vec![answer(500, &[]), answer(201, &[])], &[]);
    let res: Response = send(&h, object(&[("method", "POST".into()), ("body", "{}".into())]))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(res.status(), 500);
    assert_eq!(h.record.borrow().calls, 1);
}

#[wasm_bindgen_test]
async fn network_errors_end_in_a_network_error_with_the_attempt_count() {
    let h = harness(vec![reject_with("Failed to fetch")], &[]);
    let error = send(&h, JsValue::UNDEFINED).await.unwrap_err();
    assert_eq!(get(&error, "kind").as_string().as_deref(), Some("NetworkError"));
    let record = h.record.borrow();
    assert_eq!(record.calls, 3, "storefront preset: two retries");
    assert_eq!(get(&record.errors[0].1, "attempts").as_f64(), Some(3.0));
    assert_eq!(
        get(&record.errors[0].1, "reason").as_string().as_deref(),
        Some("retry_limit")
    );
}

#[wasm_bindgen_test]
async fn an_invalid_request_is_rejected_at_once_with_fetchs_own_error() {
    let h = harness(vec![reject_with("Failed to parse URL from ::")], &[]);
    let error = send(&h, JsValue::UNDEFINED).await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>());
    assert_eq!(h.record.borrow().calls, 1);
    assert!(h.record.borrow().errors.is_empty());
}

#[wasm_bindgen_test]
async fn a_hanging_attempt_times_out_and_the_last_timeout_is_a_timeout_error() {
    let h = harness(vec![hang()], &[("timeout", 30.into()), ("retry", 1.into())]);
    let error = send(&h, JsValue::UNDEFINED).await.unwrap_err();
    assert_eq!(get(&error, "kind").as_string().as_deref(), Some("TimeoutError"));
    assert_eq!(h.record.borrow().calls, 2);
}

#[wasm_bindgen_test]
async fn an_abort_during_the_wait_rejects_with_the_reason_at_once() {
    let h = harness(vec![answer(503, &[("Retry-After", "1")])], &[]);
    let controller = AbortController::new().unwrap();
    let reason = JsValue::from_str("shopper left");
    let pending = JsFuture::from(h.client.fetch(
        "https://store.example/".into(),
        object(&[("signal", controller.signal().into())]),
    ));
    let started = Date::now();
    let abort_later = {
        let (controller, reason) = (controller.clone(), reason.clone());
        async move {
            sleep(30.0).await;
            controller.abort_with_reason(&reason);
        }
    };
    wasm_bindgen_futures::spawn_local(abort_later);
    let error = pending.await.unwrap_err();
    assert_eq!(error, reason);
    assert!(Date::now() - started < 500.0, "did not wait out the 1 s hint");
    assert_eq!(h.record.borrow().calls, 1);
}

#[wasm_bindgen_test]
async fn a_request_body_is_sent_again_on_retry() {
    let h = harness(vec![answer(502, &[]), answer(200, &[])], &[]);
    let init = RequestInit::new();
    init.set_method("PUT");
    init.set_body(&JsValue::from_str("{\"name\":\"Shirt\"}"));
    let request =
        Request::new_with_str_and_init("https://store.example/v3/catalog/products/1", &init).unwrap();
    let res: Response = JsFuture::from(h.client.fetch(request.into(), JsValue::UNDEFINED))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(res.status(), 200);
    let reads: Vec<Promise> = h.record.borrow().bodies.clone();
    let mut bodies = Vec::new();
    for read in reads {
        bodies.push(
            JsFuture::from(read)
                .await
                .unwrap()
                .as_string()
                .unwrap_or_default(),
        );
    }
    assert_eq!(bodies, ["{\"name\":\"Shirt\"}", "{\"name\":\"Shirt\"}"]);
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
