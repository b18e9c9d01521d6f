//! The Rust shell (`commerce_fetch::web`, feature `web`) against the local emulator, in Node and in
//! headless Chromium, Firefox and WebKit: `scripts/wasm-test.sh <engine> web_api` starts the emulator, compiles its URL into this suite
//! (`COMMERCE_FETCH_EMULATOR_URL`) and runs it with wasm-bindgen-test-runner. Each test scripts the
//! answers of its own path (`/__control/faults`) and counts what reached the emulator there
//! (`/__control/requests`), so tests do not see each other's requests.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use commerce_fetch::decision::{Outcome, RetryDecision, RetryReason, StopReason};
use commerce_fetch::hints::DelaySource;
use commerce_fetch::redirect::RedirectRefusal;
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
        None => panic!(
            "COMMERCE_FETCH_EMULATOR_URL is unset: run this suite with scripts/wasm-test.sh <engine> web_api"
        ),
    }
}

fn url(path: &str) -> String {
    format!("{}{path}", emulator())
}

/// The emulator answers the next requests to `path` with `steps` (a JSON array), then normally.
async fn script(path: &str, steps: &str) {
    control(
        "/__control/faults",
        &format!(r#"{{"path":"{path}","steps":{steps}}}"#),
    )
    .await;
}

/// POSTs `body` to the emulator's control API at `path`.
async fn control(path: &str, body: &str) {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let response: Response = JsFuture::from(plain_fetch(&url(path), &init))
        .await
        .expect("control API")
        .into();
    assert_eq!(response.status(), 200, "the emulator took {body}");
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
        ..
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

/// Whether this runtime hides where redirects lead (a browser: a window has `document`, a classic
/// worker `importScripts`), so a request carrying credentials is refused rather than followed.
fn redirects_hidden() -> bool {
    let global = js_sys::global();
    ["document", "importScripts"]
        .iter()
        .any(|name| Reflect::has(&global, &JsValue::from_str(name)).unwrap_or(false))
}

/// The other origin of the emulator: `localhost` where the suite uses `127.0.0.1`.
fn other_origin(path: &str) -> String {
    format!("{}{path}", emulator().replace("127.0.0.1", "localhost"))
}

/// A GET with the store's credential and one ordinary header.
fn get_with_token(path: &str) -> Request {
    let request = Request::new_with_str(&url(path)).expect("request");
    request
        .headers()
        .set("x-auth-token", "secret-token")
        .expect("header");
    request.headers().set("x-trace", "kept").expect("header");
    request
}

/// A field of a request the emulator logged.
fn logged(requests: &Array, index: u32, field: &str) -> JsValue {
    Reflect::get(&requests.get(index), &field.into()).expect("field")
}

#[wasm_bindgen_test]
async fn a_cross_origin_redirect_carries_no_credential_on_any_attempt() {
    let (from, to) = ("/web-api/redirect/cross", "/web-api/redirect/cross-target");
    let location = other_origin(to);
    script(
        from,
        &format!(r#"[{{"status":302,"headers":{{"location":"{location}"}}}},{{"status":302,"headers":{{"location":"{location}"}}}}]"#),
    )
    .await;
    script(to, r#"[{"status":503},{"status":200,"json":{"ok":true}}]"#).await;
    let client = client(Options {
        base_ms: Some(20),
        ..Options::default()
    });
    let result = client.fetch_with_details(&get_with_token(from)).await;
    if redirects_hidden() {
        let Err(Error::Redirect {
            reason,
            status,
            details,
            ..
        }) = result
        else {
            panic!("expected a RedirectError, got {result:?}");
        };
        assert_eq!(reason, RedirectRefusal::Hidden);
        assert_eq!(status, 0);
        assert_eq!(details.attempts, 1);
        assert_eq!(received(to).await.length(), 0, "nothing reached the other origin");
        return;
    }
    let (response, details) = result.expect("a response");
    assert_eq!(response.status(), 200);
    assert!(response.redirected());
    assert_eq!(
        details.attempts, 2,
        "the 503 at the destination was retried through the redirect"
    );
    let requests = received(to).await;
    assert_eq!(requests.length(), 2);
    for index in 0..2 {
        assert_eq!(
            Array::from(&logged(&requests, index, "credentials")).length(),
            0,
            "attempt {index} took no credential to the other origin"
        );
        let host = logged(&requests, index, "host").as_string().unwrap_or_default();
        assert!(host.starts_with("localhost:"), "{host}");
    }
}

#[wasm_bindgen_test]
async fn a_same_origin_redirect_keeps_the_credentials() {
    let (from, to) = ("/web-api/redirect/same", "/web-api/redirect/same-target");
    script(
        from,
        &format!(r#"[{{"status":301,"headers":{{"location":"{to}"}}}}]"#),
    )
    .await;
    script(to, r#"[{"status":200,"json":{"ok":true}}]"#).await;
    let result = client(Options::default()).fetch(&get_with_token(from)).await;
    if redirects_hidden() {
        assert!(
            matches!(
                result,
                Err(Error::Redirect {
                    reason: RedirectRefusal::Hidden,
                    ..
                })
            ),
            "{result:?}"
        );
        return;
    }
    let response = result.expect("a response");
    assert_eq!(response.status(), 200);
    let requests = received(to).await;
    assert_eq!(requests.length(), 1);
    let credentials: Vec<String> = Array::from(&logged(&requests, 0, "credentials"))
        .iter()
        .filter_map(|name| name.as_string())
        .collect();
    assert_eq!(credentials, ["x-auth-token"]);
}

#[wasm_bindgen_test]
async fn a_redirect_loop_is_refused_after_twenty_hops_and_not_retried() {
    let path = "/web-api/redirect/loop";
    let faults = format!(
        r#"{{"path":"{path}","repeat":true,"steps":[{{"status":302,"headers":{{"location":"{path}"}}}}]}}"#
    );
    control("/__control/faults", &faults).await;
    let result = client(Options::default()).fetch(&get_with_token(path)).await;
    control(
        "/__control/faults",
        &format!(r#"{{"path":"{path}","steps":[{{"status":200}}]}}"#),
    )
    .await;
    let Err(error @ Error::Redirect { .. }) = result else {
        panic!("expected a RedirectError, got {result:?}");
    };
    assert_eq!(error.name(), "RedirectError");
    if redirects_hidden() {
        return;
    }
    let Error::Redirect {
        reason,
        status,
        details,
        message,
    } = &error
    else {
        unreachable!()
    };
    assert_eq!(*reason, RedirectRefusal::TooManyRedirects);
    assert_eq!(*status, 302);
    assert_eq!(details.attempts, 1);
    assert!(
        message.starts_with("GET was redirected (302) and the redirect was not followed"),
        "{message}"
    );
    assert!(
        !message.contains("secret-token") && !message.contains(path),
        "{message}"
    );
    assert_eq!(
        received(path).await.length(),
        21,
        "the first request and 20 redirects"
    );
}

#[wasm_bindgen_test]
async fn a_307_sends_the_same_body_on_and_a_303_turns_a_post_into_a_get() {
    let (from, to) = ("/web-api/redirect/post", "/web-api/redirect/post-target");
    script(
        from,
        &format!(
            r#"[{{"status":307,"headers":{{"location":"{to}"}}}},{{"status":303,"headers":{{"location":"{to}"}}}}]"#
        ),
    )
    .await;
    script(
        to,
        r#"[{"status":201,"json":{"ok":true}},{"status":200,"json":{"ok":true}}]"#,
    )
    .await;
    let client = client(Options::default());
    let response = client.fetch(&post(from, None, None)).await.expect("a response");
    assert_eq!(response.status(), 201);
    let response = client.fetch(&post(from, None, None)).await.expect("a response");
    assert_eq!(response.status(), 200);
    let sent = received(from).await;
    let reached = received(to).await;
    assert_eq!(reached.length(), 2);
    assert_eq!(logged(&reached, 0, "method").as_string().as_deref(), Some("POST"));
    assert_eq!(
        logged(&reached, 0, "bodyHash"),
        logged(&sent, 0, "bodyHash"),
        "the 307 sent the body on"
    );
    assert_eq!(logged(&reached, 1, "method").as_string().as_deref(), Some("GET"));
    assert_eq!(
        logged(&reached, 1, "bodyLength").as_f64(),
        Some(0.0),
        "the 303 dropped the body"
    );
}

/// A client carrying the emulator store's credential.
fn store_client(options: Options) -> Client {
    let mut headers = options.headers.clone();
    headers.push(("x-auth-token".into(), "emulator-access-token".into()));
    client(Options { headers, ..options })
}

fn store_url(route: &str) -> String {
    url(&format!("/stores/abc123{route}"))
}

#[wasm_bindgen_test]
async fn should_retry_allows_a_409_and_vetoes_a_503_and_on_retry_hears_each_retry() {
    use commerce_fetch::web::Verdict;
    use std::cell::RefCell;
    use std::rc::Rc;

    let path = "/web-api/should-retry";
    script(path, r#"[{"status":409},{"status":503},{"status":200}]"#).await;
    let heard = Rc::new(RefCell::new(Vec::new()));
    let asked = Rc::new(RefCell::new(Vec::new()));
    let (heard_by, asked_by) = (Rc::clone(&heard), Rc::clone(&asked));
    let client = client(Options {
        base_ms: Some(10),
        should_retry: Some(Rc::new(move |question| {
            let Outcome::Response { status, .. } = question.entry.outcome else {
                return Verdict::Keep;
            };
            asked_by.borrow_mut().push((question.method.to_owned(), status));
            match status {
                409 => Verdict::Allow,
                503 => Verdict::Veto,
                _ => Verdict::Keep,
            }
        })),
        on_retry: Some(Rc::new(move |entry| heard_by.borrow_mut().push(entry.attempt))),
        ..Options::default()
    });
    let (response, details) = client
        .fetch_with_details(&Request::new_with_str(&url(path)).expect("request"))
        .await
        .expect("a response");
    assert_eq!(response.status(), 503, "the veto stopped at the 503");
    assert_eq!(details.attempts, 2);
    assert_eq!(
        *asked.borrow(),
        [("GET".to_owned(), 409), ("GET".to_owned(), 503)]
    );
    assert_eq!(*heard.borrow(), [1], "one retry, after the first attempt");
    assert_eq!(received(path).await.length(), 2);
}

#[derive(Debug, serde::Deserialize)]
struct Created {
    data: Vec<TreeCategory>,
}

#[derive(Debug, serde::Deserialize)]
struct TreeCategory {
    name: String,
}

#[wasm_bindgen_test]
async fn a_207_gives_the_saved_items_and_what_failed_and_get_json_calls_it_partial() {
    let body =
        JsValue::from_str(r#"[{"name":"Rust hats","tree_id":1},{"name":""},{"name":"Caps","tree_id":999}]"#);
    let request = || {
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        let request = Request::new_with_str_and_init(&store_url("/v3/catalog/trees/categories"), &init)
            .expect("request");
        request
            .headers()
            .set("x-auth-token", "emulator-access-token")
            .expect("header");
        request
            .headers()
            .set("content-type", "application/json")
            .expect("header");
        request
    };
    let client = client(Options::default());
    let answer = client
        .fetch_answer::<Created>(&request())
        .await
        .expect("an answer");
    assert_eq!(answer.status, 207);
    let saved: Vec<&str> = answer
        .data
        .as_ref()
        .expect("data")
        .data
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(saved, ["Rust hats"]);
    let partial = answer.partial.as_ref().expect("a partial answer");
    let counts = partial.counts.expect("counts");
    assert_eq!((counts.total, counts.success, counts.failed), (3, 1, 2));
    let failed: Vec<(&str, &str)> = partial
        .failures
        .iter()
        .map(|f| (f.key.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        failed,
        [("1", "name is required"), ("2", "Tree 999 does not exist")]
    );

    let error = client
        .fetch_json::<Created>(&request())
        .await
        .expect_err("partial");
    assert_eq!(error.name(), "PartialResult");
    assert!(matches!(&error, Error::Partial { status: 207, partial, .. } if partial.failures.len() == 2));
    assert!(
        error
            .to_string()
            .starts_with("the batch partly failed (207): 2 of 3 item(s) failed"),
        "{error}"
    );
}

#[wasm_bindgen_test]
async fn a_batch_refused_whole_names_its_items_and_a_204_has_no_data() {
    let init = RequestInit::new();
    init.set_method("PUT");
    init.set_body(&JsValue::from_str(r#"[{"id":987654,"price":1}]"#));
    let request = Request::new_with_str_and_init(&store_url("/v3/catalog/variants"), &init).expect("request");
    request
        .headers()
        .set("x-auth-token", "emulator-access-token")
        .expect("header");
    request
        .headers()
        .set("content-type", "application/json")
        .expect("header");
    let error = store_client(Options::default())
        .fetch_answer::<serde::de::IgnoredAny>(&request)
        .await
        .expect_err("a 422");
    let Error::Status {
        status: 422,
        partial: Some(partial),
        problem,
        ..
    } = &error
    else {
        panic!("expected a 422 naming its items, got {error:?}");
    };
    assert_eq!(partial.failures.len(), 1);
    assert_eq!(partial.failures[0].key, "987654");
    assert_eq!(
        partial.failures[0].message,
        "The requested resource was not found."
    );
    assert_eq!(problem.status, 422);

    let path = "/web-api/no-content";
    script(path, r#"[{"status":204}]"#).await;
    let answer = client(Options::default())
        .fetch_answer::<serde::de::IgnoredAny>(&Request::new_with_str(&url(path)).expect("request"))
        .await
        .expect("an answer");
    assert_eq!(
        (answer.status, answer.data.is_none(), answer.partial.is_none()),
        (204, true, true)
    );
}

#[wasm_bindgen_test]
async fn get_answer_gives_the_attempts_of_a_success_and_request_carries_the_clients_headers() {
    let path = "/web-api/answer-details";
    script(path, r#"[{"status":503},{"status":200,"json":{"ok":true}}]"#).await;
    let client = store_client(Options {
        base_ms: Some(10),
        ..Options::default()
    });
    let answer = client
        .get_answer::<serde::de::IgnoredAny>(&url(path))
        .await
        .expect("an answer");
    assert_eq!((answer.status, answer.details.attempts), (200, 2));

    let request = client.request("DELETE", &url(path)).expect("a request");
    assert_eq!(request.method(), "DELETE");
    assert_eq!(
        request.headers().get("x-auth-token").ok().flatten().as_deref(),
        Some("emulator-access-token")
    );
}

/// Starts `calls` copies of `call` at once; awaiting the result gives what each resolved with.
fn start_all<F, Fut>(calls: usize, call: F) -> impl Future<Output = Vec<JsValue>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = JsValue> + 'static,
{
    let promises = Array::new();
    for index in 0..calls {
        let running = call(index);
        promises.push(&wasm_bindgen_futures::future_to_promise(async move {
            Ok(running.await)
        }));
    }
    let done = JsFuture::from(Promise::all(&promises));
    async move {
        Array::from(&done.await.expect("every call settles"))
            .iter()
            .collect()
    }
}

/// Runs `calls` copies of `call` at once and gives what each resolved with, in order.
async fn all<F, Fut>(calls: usize, call: F) -> Vec<JsValue>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = JsValue> + 'static,
{
    start_all(calls, call).await
}

/// A GET of the emulator store's product list, with its token.
fn products_request() -> Request {
    let request = Request::new_with_str(&store_url("/v3/catalog/products?limit=1")).expect("request");
    request
        .headers()
        .set("x-auth-token", "emulator-access-token")
        .expect("header");
    request
}

#[wasm_bindgen_test]
async fn protect_paces_a_burst_to_the_stores_window_without_a_429() {
    use commerce_fetch::web::{GuardSettings, Pacing};

    control("/__control/config", r#"{"quota":20,"windowMs":1000}"#).await;
    // Without protect the same burst meets 429s: the window is really this small.
    let bare = client(Options {
        retry_limit: Some(0),
        ..Options::default()
    });
    let statuses = all(40, |_| {
        let bare = bare.clone();
        async move {
            let response = bare.fetch(&products_request()).await.expect("a response");
            JsValue::from(response.status())
        }
    })
    .await;
    let throttled = statuses
        .iter()
        .filter(|status| status.as_f64() == Some(429.0))
        .count();
    assert!(throttled >= 15, "without protect {throttled} of 40 met a 429");

    // The next window, and a fresh pacer (its own settings) that knows nothing of it yet.
    sleep(1_100).await;
    let settings = GuardSettings {
        pacing: Pacing::Here,
        concurrency: Some(10_000),
        ..GuardSettings::default()
    };
    let paced = client(Options {
        retry_limit: Some(0),
        total_timeout: Some(TimeLimit::Ms(10_000)),
        protect: Some(settings),
        ..Options::default()
    });
    let started = js_sys::Date::now();
    let statuses = all(40, |_| {
        let paced = paced.clone();
        async move {
            let response = paced.fetch(&products_request()).await.expect("a response");
            JsValue::from(response.status())
        }
    })
    .await;
    let took = js_sys::Date::now() - started;
    control("/__control/config", r#"{"quota":150,"windowMs":30000}"#).await;
    let throttled = statuses
        .iter()
        .filter(|status| status.as_f64() != Some(200.0))
        .count();
    assert_eq!(throttled, 0, "with protect none of 40 met a 429 (took {took} ms)");
    assert!(
        took >= 1_000.0,
        "40 on a quota of 20 a second take a second window: {took} ms"
    );
    let stats = paced.stats();
    assert_eq!(stats.len(), 1);
    let (_, store) = &stats[0];
    assert_eq!((store.attempts, store.rate_limited), (40, 0));
    assert!(store.waits >= 15, "{store:?}");
}

#[wasm_bindgen_test]
async fn protect_caps_requests_in_flight_and_a_dropped_wait_gives_its_place_back() {
    use commerce_fetch::web::{GuardSettings, Pacing};

    let path = "/web-api/protect/slow";
    let faults = format!(r#"{{"path":"{path}","repeat":true,"steps":[{{"status":200,"delayMs":150}}]}}"#);
    control("/__control/faults", &faults).await;
    let client = client(Options {
        protect: Some(GuardSettings {
            pacing: Pacing::Off,
            breaker: None,
            concurrency: Some(2),
            ..GuardSettings::default()
        }),
        ..Options::default()
    });
    let started = js_sys::Date::now();
    let running = start_all(6, |index| {
        let client = client.clone();
        async move {
            let request = Request::new_with_str(&url(path)).expect("request");
            let (response, details) = client.fetch_with_details(&request).await.expect("a response");
            assert_eq!(response.status(), 200, "call {index}");
            JsValue::from(details.trace[0].waited.map_or(0, |(ms, _)| ms) as f64)
        }
    });
    // A seventh call queues behind them and is dropped while it waits: nothing of it is sent.
    sleep(20).await;
    let seventh_url = url(path);
    let mut seventh = Box::pin(client.get(&seventh_url));
    let mut deadline = TimeoutFuture::new(20);
    let finished = std::future::poll_fn(|cx| {
        if seventh.as_mut().poll(cx).is_ready() {
            return Poll::Ready(true);
        }
        Pin::new(&mut deadline).poll(cx).map(|()| false)
    })
    .await;
    assert!(!finished, "the seventh still waits for a slot");
    assert_eq!(
        client.stats()[0].1.queued,
        5,
        "four of the six and the seventh wait"
    );
    drop(seventh);
    let results = running.await;
    let took = js_sys::Date::now() - started;
    control(
        "/__control/faults",
        &format!(r#"{{"path":"{path}","steps":[{{"status":200}}]}}"#),
    )
    .await;
    assert!(
        took >= 450.0,
        "six of 150 ms, two at a time, take three rounds: {took} ms"
    );
    let waited = results
        .iter()
        .filter(|ms| ms.as_f64().unwrap_or(0.0) >= 100.0)
        .count();
    assert_eq!(waited, 4, "four waited for a slot: {results:?}");
    let stats = client.stats();
    let (_, store) = &stats[0];
    assert_eq!((store.queued, store.in_flight), (0, 0), "{store:?}");
    assert_eq!(received(path).await.length(), 6, "the dropped call sent nothing");
}

#[wasm_bindgen_test]
async fn protect_opens_the_breaker_after_503s_and_a_turn_counts_against_total_timeout() {
    use commerce_fetch::web::{BreakerKind, GuardSettings, Pacing};

    let path = "/web-api/protect/outage";
    let faults = format!(r#"{{"path":"{path}","repeat":true,"steps":[{{"status":503,"delayMs":50}}]}}"#);
    control("/__control/faults", &faults).await;
    let settings = GuardSettings {
        pacing: Pacing::Off,
        budget: false,
        breaker: Some(BreakerKind::Consecutive),
        concurrency: Some(1),
        route_limits: false,
    };
    let client = client(Options {
        retry_limit: Some(0),
        protect: Some(settings),
        ..Options::default()
    });
    // A call that waits behind one in flight runs out of its total timeout while it waits.
    let patient = client.clone();
    let running = start_all(1, move |_| {
        let patient = patient.clone();
        async move {
            let response = patient.get(&url(path)).await.expect("a response");
            JsValue::from(response.status())
        }
    });
    sleep(10).await;
    let hurried = Client::new(Options {
        retry_limit: Some(0),
        total_timeout: Some(TimeLimit::Ms(20)),
        protect: Some(settings),
        ..Options::default()
    })
    .expect("valid options");
    let error = hurried.get(&url(path)).await.expect_err("no turn in 20 ms");
    assert_eq!(error.name(), "TimeoutError");
    // What was left of the 20 ms when it began to wait (a millisecond may have gone before).
    let message = error.to_string();
    assert!(
        message.starts_with("GET waited ") && message.contains(" ms for its turn at http://127.0.0.1:"),
        "{message}"
    );
    assert_eq!(running.await[0].as_f64(), Some(503.0));

    for _ in 0..4 {
        let response = client.get(&url(path)).await.expect("a response");
        assert_eq!(response.status(), 503);
    }
    let error = client.get(&url(path)).await.expect_err("the breaker is open");
    control(
        "/__control/faults",
        &format!(r#"{{"path":"{path}","steps":[{{"status":200}}]}}"#),
    )
    .await;
    let Error::CircuitOpen {
        retry_at_ms, store, ..
    } = &error
    else {
        panic!("expected CircuitOpenError, got {error:?}");
    };
    assert_eq!(error.name(), "CircuitOpenError");
    assert!(*retry_at_ms as f64 > js_sys::Date::now(), "{error}");
    assert!(store.starts_with("http://127.0.0.1:"), "{store}");
    assert_eq!(received(path).await.length(), 5, "the refused call was not sent");
    assert_eq!(client.stats()[0].1.circuit_rejections, 1);
}
