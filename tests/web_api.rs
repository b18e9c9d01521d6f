//! The Rust shell (`commerce_fetch::web`, feature `web`) against the local emulator, in Node:
//! scripts/web-api-test.sh starts the emulator, compiles its URL into this suite
//! (`COMMERCE_FETCH_EMULATOR_URL`) and runs it with wasm-bindgen-test-runner. Each test scripts the
//! answers of its own path (`/__control/faults`) and counts what reached the emulator there
//! (`/__control/requests`), so tests do not see each other's requests.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use commerce_fetch::decision::{Outcome, RetryDecision, RetryReason, StopReason};
use commerce_fetch::hints::DelaySource;
use commerce_fetch::web::{Client, Error, Options, TimeLimit};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{AbortController, Request, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn plain_fetch(input: &str, init: &RequestInit) -> Promise;
}

fn emulator() -> &'static str {
    match option_env!("COMMERCE_FETCH_EMULATOR_URL") {
        Some(url) => url,
        None => panic!("COMMERCE_FETCH_EMULATOR_URL is unset: run this suite with scripts/web-api-test.sh"),
    }
}

fn url(path: &str) -> String {
    format!("{}{path}", emulator())
}

/// The emulator answers the next requests to `path` with `steps` (a JSON array), then normally.
async fn script(path: &str, steps: &str) {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&format!(
        r#"{{"path":"{path}","steps":{steps}}}"#
    )));
    let response: Response = JsFuture::from(plain_fetch(&url("/__control/faults"), &init))
        .await
        .expect("control API")
        .into();
    assert_eq!(response.status(), 200, "the emulator took the script for {path}");
}

/// The requests the emulator received at `path`.
async fn received(path: &str) -> Array {
    let response: Response = JsFuture::from(plain_fetch(
        &url(&format!("/__control/requests?path={path}")),
        &RequestInit::new(),
    ))
    .await
    .expect("control API")
    .into();
    let body = JsFuture::from(response.json().expect("json"))
        .await
        .expect("json");
    Reflect::get(&body, &"requests".into()).expect("requests").into()
}

async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

fn client(options: Options) -> Client {
    Client::new(options).expect("valid options")
}

fn post(path: &str, idempotency_key: Option<&str>, signal: Option<&web_sys::AbortSignal>) -> Request {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(r#"{"name":"Hat"}"#));
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    let request = Request::new_with_str_and_init(&url(path), &init).expect("request");
    if let Some(key) = idempotency_key {
        request.headers().set("idempotency-key", key).expect("header");
    }
    request
}

#[wasm_bindgen_test]
async fn a_429_with_reset_ms_is_waited_out_then_the_200_is_returned() {
    let path = "/web-api/rate-limited";
    script(
        path,
        r#"[{"status":429,"headers":{"x-rate-limit-time-reset-ms":"300"}},{"status":200,"json":{"ok":true}}]"#,
    )
    .await;
    let started = js_sys::Date::now();
    let request = Request::new_with_str(&url(path)).expect("request");
    let (response, details) = client(Options::default())
        .fetch_with_details(&request)
        .await
        .expect("a response");
    let took = js_sys::Date::now() - started;
    assert_eq!(response.status(), 200);
    assert_eq!(details.attempts, 2);
    assert_eq!(
        details.trace[0].decision,
        RetryDecision::Retry {
            delay_ms: 300,
            reason: RetryReason::RateLimited,
            source: DelaySource::RateLimitReset
        }
    );
    assert!(took >= 300.0, "waited the reset out, took {took} ms");
    assert_eq!(received(path).await.length(), 2);
}

#[wasm_bindgen_test]
async fn a_503_is_retried_after_backoff_and_the_200_returned() {
    let path = "/web-api/unavailable";
    script(path, r#"[{"status":503},{"status":200,"json":{"ok":true}}]"#).await;
    let options = Options {
        base_ms: Some(20),
        ..Options::default()
    };
    let (response, details) = client(options)
        .fetch_with_details(&Request::new_with_str(&url(path)).expect("request"))
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    assert_eq!(details.attempts, 2);
    assert!(matches!(
        details.trace[0].decision,
        RetryDecision::Retry {
            reason: RetryReason::ServerError,
            source: DelaySource::Backoff,
            ..
        }
    ));
    assert!(matches!(
        details.trace[0].outcome,
        Outcome::Response { status: 503, .. }
    ));
    assert_eq!(details.reason, StopReason::Final);
    assert_eq!(received(path).await.length(), 2);
}

#[wasm_bindgen_test]
async fn an_unmarked_post_answered_503_is_not_sent_again() {
    let path = "/web-api/unmarked-post";
    script(path, r#"[{"status":503},{"status":200,"json":{"ok":true}}]"#).await;
    let (response, details) = client(Options::default())
        .fetch_with_details(&post(path, None, None))
        .await
        .expect("the 503 itself");
    assert_eq!(
        response.status(),
        503,
        "the last answer is returned, as fetch does"
    );
    assert_eq!(details.reason, StopReason::UnsafeMethod);
    assert_eq!(received(path).await.length(), 1, "sent once");
}

#[wasm_bindgen_test]
async fn a_post_marked_with_an_idempotency_key_is_sent_again_with_its_body() {
    let path = "/web-api/marked-post";
    script(path, r#"[{"status":503},{"status":200,"json":{"ok":true}}]"#).await;
    let options = Options {
        base_ms: Some(20),
        ..Options::default()
    };
    let response = client(options)
        .fetch(&post(path, Some("order-42"), None))
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    let requests = received(path).await;
    assert_eq!(requests.length(), 2);
    let body_length = |i| Reflect::get(&requests.get(i), &"bodyLength".into()).expect("bodyLength");
    assert_eq!(
        body_length(1),
        JsValue::from(14),
        "the retry carried the whole body"
    );
}

#[wasm_bindgen_test]
async fn an_attempt_that_runs_out_of_time_is_aborted_and_retried() {
    let path = "/web-api/slow-once";
    script(
        path,
        r#"[{"status":200,"delayMs":2000},{"status":200,"json":{"ok":true}}]"#,
    )
    .await;
    let options = Options {
        timeout: Some(TimeLimit::Ms(150)),
        base_ms: Some(20),
        ..Options::default()
    };
    let started = js_sys::Date::now();
    let (response, details) = client(options)
        .fetch_with_details(&Request::new_with_str(&url(path)).expect("request"))
        .await
        .expect("the second attempt's answer");
    let took = js_sys::Date::now() - started;
    assert_eq!(response.status(), 200);
    assert_eq!(details.trace[0].outcome, Outcome::Timeout);
    assert!(took < 1500.0, "did not wait for the slow answer: {took} ms");
}

#[wasm_bindgen_test]
async fn attempts_that_all_run_out_of_time_end_in_a_timeout_error() {
    let path = "/web-api/slow-always";
    script(
        path,
        r#"[{"status":200,"delayMs":2000},{"status":200,"delayMs":2000}]"#,
    )
    .await;
    let options = Options {
        timeout: Some(TimeLimit::Ms(100)),
        retry_limit: Some(1),
        base_ms: Some(20),
        ..Options::default()
    };
    let error = client(options)
        .get(&url(path))
        .await
        .expect_err("no answer in time");
    let Error::Timeout { message, details } = &error else {
        panic!("expected a timeout, got {error:?}");
    };
    assert_eq!(details.attempts, 2);
    assert_eq!(details.reason, StopReason::RetryLimit { limit: 1 });
    assert_eq!(
        message,
        "GET timed out after 2 attempts; stopped because the retry limit (1) is used up"
    );
    assert_eq!(error.name(), "TimeoutError");
}

#[wasm_bindgen_test]
async fn the_callers_signal_aborts_the_call_during_a_wait() {
    let path = "/web-api/abort-in-wait";
    script(
        path,
        r#"[{"status":503,"headers":{"retry-after":"1"}},{"status":200}]"#,
    )
    .await;
    let controller = AbortController::new().expect("controller");
    let request = Request::new_with_str_and_init(&url(path), &{
        let init = RequestInit::new();
        init.set_signal(Some(&controller.signal()));
        init
    })
    .expect("request");
    let aborter = controller.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(200).await;
        aborter.abort();
    });
    let started = js_sys::Date::now();
    let error = client(Options::default())
        .fetch(&request)
        .await
        .expect_err("aborted");
    let took = js_sys::Date::now() - started;
    let Error::Aborted { details } = &error else {
        panic!("expected an abort, got {error:?}");
    };
    assert_eq!(details.attempts, 1, "the 503 came before the abort");
    assert!(took < 900.0, "the 1 s wait was cut short: {took} ms");
    sleep(1200).await;
    assert_eq!(received(path).await.length(), 1, "no attempt after the abort");
}

#[wasm_bindgen_test]
async fn dropping_the_call_during_a_wait_sends_no_further_attempt() {
    let path = "/web-api/drop-in-wait";
    script(
        path,
        r#"[{"status":503,"headers":{"retry-after":"1"}},{"status":200}]"#,
    )
    .await;
    let client = client(Options::default());
    let url = url(path);
    let mut call = Box::pin(client.get(&url));
    let mut deadline = TimeoutFuture::new(300);
    let finished = std::future::poll_fn(|cx| {
        if let Poll::Ready(result) = call.as_mut().poll(cx) {
            return Poll::Ready(Some(result.map(|response| response.status())));
        }
        Pin::new(&mut deadline).poll(cx).map(|()| None)
    })
    .await;
    assert_eq!(finished, None, "still waiting out the 1 s hint at 300 ms");
    drop(call);
    sleep(1200).await;
    assert_eq!(received(path).await.length(), 1, "the retry was never sent");
}

/// The emulator cannot tell an aborted connection from a finished one, so this pins only that nothing
/// follows the drop; the abort itself is `AttemptAbort`'s `Drop`.
#[wasm_bindgen_test]
async fn dropping_the_call_during_an_attempt_sends_nothing_after_it() {
    let path = "/web-api/drop-in-flight";
    // A slow answer, and then a fast one that a retry would get.
    script(path, r#"[{"status":503,"delayMs":600},{"status":200}]"#).await;
    let options = Options {
        base_ms: Some(0),
        ..Options::default()
    };
    let client = client(options);
    let url = url(path);
    let call = client.get(&url);
    let outcome = std::future::poll_fn({
        let mut call = Box::pin(call);
        let mut deadline = TimeoutFuture::new(150);
        move |cx| {
            if call.as_mut().poll(cx).is_ready() {
                return Poll::Ready(false);
            }
            Pin::new(&mut deadline).poll(cx).map(|()| true)
        }
    })
    .await;
    assert!(outcome, "the slow attempt was still in flight at 150 ms");
    sleep(1000).await;
    assert_eq!(
        received(path).await.length(),
        1,
        "the 503 was never seen, so never retried"
    );
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Product {
    id: u32,
    name: String,
    price: f64,
    tags: Vec<String>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Envelope<T> {
    data: T,
}

#[derive(serde::Serialize)]
struct NewProduct<'a> {
    name: &'a str,
    price: f64,
}

#[wasm_bindgen_test]
async fn get_json_reads_the_body_into_the_callers_struct() {
    let path = "/web-api/json";
    script(
        path,
        r#"[{"status":503},{"status":200,"json":{"data":{"id":7,"name":"Hat","price":12.5,"tags":["wool"],"extra":1}}}]"#,
    )
    .await;
    let options = Options {
        base_ms: Some(20),
        headers: vec![("x-auth-token".into(), "emulator-access-token".into())],
        ..Options::default()
    };
    let product: Envelope<Product> = client(options).get_json(&url(path)).await.expect("json");
    assert_eq!(
        product.data,
        Product {
            id: 7,
            name: "Hat".into(),
            price: 12.5,
            tags: vec!["wool".into()]
        }
    );
    let requests = received(path).await;
    assert_eq!(requests.length(), 2);
    let credentials = Reflect::get(&requests.get(1), &"credentials".into()).expect("credentials");
    assert_eq!(Array::from(&credentials).get(0), JsValue::from("x-auth-token"));
}

#[wasm_bindgen_test]
async fn post_json_sends_the_body_as_json_and_reads_the_answer() {
    let path = "/web-api/post-json";
    script(
        path,
        r#"[{"status":200,"json":{"data":{"id":8,"name":"Scarf","price":3,"tags":[]}}}]"#,
    )
    .await;
    let created: Envelope<Product> = client(Options::default())
        .post_json(
            &url(path),
            &NewProduct {
                name: "Scarf",
                price: 3.0,
            },
        )
        .await
        .expect("json");
    assert_eq!(created.data.id, 8);
    let requests = received(path).await;
    assert_eq!(requests.length(), 1);
    let length = Reflect::get(&requests.get(0), &"bodyLength".into()).expect("bodyLength");
    assert_eq!(
        length,
        JsValue::from(r#"{"name":"Scarf","price":3}"#.len() as u32)
    );
}

#[wasm_bindgen_test]
async fn an_error_status_from_a_json_helper_carries_the_problem_and_the_attempts() {
    let path = "/web-api/json-404";
    script(
        path,
        r#"[{"status":404,"json":{"status":404,"title":"The product was not found"}}]"#,
    )
    .await;
    let error = client(Options::default())
        .get_json::<Envelope<Product>>(&url(path))
        .await
        .expect_err("a 404");
    let Error::Status {
        status,
        problem,
        details,
    } = &error
    else {
        panic!("expected a status error, got {error:?}");
    };
    assert_eq!(*status, 404);
    assert_eq!(problem.title.as_deref(), Some("The product was not found"));
    assert_eq!(details.attempts, 1);
    assert!(error.to_string().contains("404"), "{error}");
}

#[wasm_bindgen_test]
fn options_are_validated_once_by_the_core() {
    let error = Client::new(Options {
        retry_limit: Some(101),
        ..Options::default()
    })
    .expect_err("too many retries");
    assert_eq!(error.option, "retry.limit");
    let debug = format!(
        "{:?}",
        Options {
            headers: vec![("x-auth-token".into(), "secret-token".into())],
            ..Options::default()
        }
    );
    assert!(!debug.contains("secret-token"), "{debug}");
}
