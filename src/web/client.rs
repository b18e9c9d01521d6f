//! The retry loop over the global `fetch`: send → interpret → ask the core → wait or return. The
//! policies compose in the core's fixed order (total deadline → retry → attempt timeout); the store
//! guard of the JavaScript shell (pacing, concurrency, breaker) is not in this shell yet.

use std::rc::Rc;

use js_sys::{Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response, ResponseType};

use super::abort::{race, timer, AttemptAbort, CallerAbort, Ended};
use super::error::Error;
use super::options::Options;
use super::redirects::{follows, send, NotSent};
use crate::decision::{Outcome, RetryDecision};
use crate::fetch_error::{classify_fetch_failure, FetchFailure, FetchRejection};
use crate::hints::{HeaderSource, RateLimitHint};
use crate::history::{Details, History};
use crate::policy::{ConfigError, RetryConfig};
use crate::problem::problem;
use crate::redact::redact;
use crate::redirect::{CredentialHeaders, RedirectRefusal};

/// A retrying `fetch` for Rust code compiled to wasm: the JavaScript package's `createFetch`, with the
/// same options, presets and decisions. Cheap to clone; clones share the configuration.
///
/// Drop cancels: dropping a call's future aborts the attempt in flight and the wait before the next.
/// The request's own `AbortSignal` aborts the call too ([`Error::Aborted`]).
#[derive(Clone, Debug)]
pub struct Client {
    config: Rc<RetryConfig>,
    headers: Rc<[(String, String)]>,
    credentials: Rc<CredentialHeaders>,
}

/// `web_sys::Headers`, read as the core reads headers.
struct ResponseHeaders(Headers);

impl HeaderSource for ResponseHeaders {
    fn header(&self, name: &str) -> Option<String> {
        self.0.get(name).ok().flatten()
    }
}

impl Client {
    /// A client with `options` over their preset, validated once; the error names the option at
    /// fault (`retry.limit`, `timeout`, …).
    ///
    /// ```
    /// use commerce_fetch::web::{Client, Options};
    ///
    /// let client = Client::new(Options { retry_limit: Some(101), ..Options::default() });
    /// assert_eq!(client.unwrap_err().option, "retry.limit");
    /// ```
    pub fn new(options: Options) -> Result<Client, ConfigError> {
        let config = options.config()?;
        let credentials =
            CredentialHeaders::from_names(options.credential_headers.iter().map(String::as_str))?;
        Ok(Client {
            config: Rc::new(config),
            headers: options.headers.into(),
            credentials: Rc::new(credentials),
        })
    }

    /// The configuration the options gave, as the core uses it.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// Sends `request`, retrying as the core decides, and returns the last response, whatever its
    /// status (as `fetch` does). The request is cloned for each attempt, so its body can be sent again;
    /// its signal aborts the call. A request marked with an `Idempotency-Key` header is repeated even
    /// when its method is not safe to repeat.
    pub async fn fetch(&self, request: &Request) -> Result<Response, Error> {
        self.fetch_with_details(request)
            .await
            .map(|(response, _)| response)
    }

    /// As [`fetch`](Self::fetch), with the attempts made and the decision after each (the
    /// JavaScript package's `retryInfo(response)`).
    pub async fn fetch_with_details(&self, request: &Request) -> Result<(Response, Details), Error> {
        if request.body_used() {
            return Err(Error::InvalidRequest {
                message: "the request's body was already read".into(),
            });
        }
        let idempotent = request.headers().has("idempotency-key").unwrap_or(false);
        let mut history = History::new(
            Rc::clone(&self.config),
            request.method(),
            idempotent,
            // Each attempt sends a clone, so the body (even a stream) is never used up.
            true,
            js_sys::Date::now(),
        );
        let caller = CallerAbort::new(request.signal());
        let credentials = follows(request, &self.credentials).then_some(&*self.credentials);
        loop {
            if caller.aborted() {
                return Err(Error::Aborted {
                    details: history.details(),
                });
            }
            let elapsed = history.elapsed_ms(js_sys::Date::now());
            let budget = history.config().attempt_budget_ms(elapsed);
            let (outcome, response) = match attempt(request, budget, &caller, credentials).await? {
                Sent::Answer(response, guard) => {
                    let status = response.status();
                    // A status that is not retried is final whatever its headers say.
                    let hints = if history.config().retries_status(status) {
                        RateLimitHint::from_response(
                            &ResponseHeaders(response.headers()),
                            js_sys::Date::now() as i64,
                            response.type_() == ResponseType::Cors,
                        )
                    } else {
                        RateLimitHint::default()
                    };
                    (Outcome::Response { status, hints }, Some((response, guard)))
                }
                Sent::Failed(outcome) => (outcome, None),
                Sent::Refused(refusal, status, method) => {
                    // The refused attempt counts, as in the JavaScript shell's `RedirectError`.
                    let mut details = history.details();
                    details.attempts += 1;
                    return Err(Error::Redirect {
                        reason: refusal,
                        status,
                        message: refusal.message(&method, status),
                        details,
                    });
                }
                Sent::Aborted => {
                    return Err(Error::Aborted {
                        details: history.details(),
                    })
                }
            };
            let decision = history.record(outcome, js_sys::Date::now(), js_sys::Math::random());
            let delay_ms = match (decision, response) {
                (RetryDecision::Retry { delay_ms, .. }, response) => {
                    // Dropping the guard aborts the attempt, which discards its unread body.
                    drop(response);
                    delay_ms
                }
                (RetryDecision::Stop(_), Some((response, guard))) => {
                    guard.disarm();
                    return Ok((response, history.details()));
                }
                (RetryDecision::Stop(_), None) => return Err(no_response(&history, outcome)),
            };
            if let Ended::Aborted = race(timer(delay_ms), None, &caller).await {
                return Err(Error::Aborted {
                    details: history.details(),
                });
            }
        }
    }

    /// `GET url`, with the client's headers.
    pub async fn get(&self, url: &str) -> Result<Response, Error> {
        self.fetch(&self.request("GET", url, None)?).await
    }

    /// `GET url` and its JSON body as a `T`, through the runtime's JSON parser and
    /// serde-wasm-bindgen. An error status after the retries is [`Error::Status`].
    pub async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, Error> {
        self.fetch_json(&self.request("GET", url, None)?).await
    }

    /// `POST url` with `body` as JSON, and the JSON answer as a `T` (use
    /// `serde::de::IgnoredAny` to ignore it). Not repeated after a failure that may have taken effect
    /// unless the client's headers carry an `Idempotency-Key`.
    pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        url: &str,
        body: &B,
    ) -> Result<T, Error> {
        let value = body
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|error| Error::Json {
                message: redact(&error.to_string()),
            })?;
        let text = js_sys::JSON::stringify(&value)
            .map_err(|error| Error::Json {
                message: js_message(&error),
            })?
            .as_string()
            .unwrap_or_default();
        self.fetch_json(&self.request("POST", url, Some(&text))?).await
    }

    /// Sends `request` as [`fetch`](Self::fetch) does and reads its JSON body as a `T`.
    pub async fn fetch_json<T: DeserializeOwned>(&self, request: &Request) -> Result<T, Error> {
        let (response, details) = self.fetch_with_details(request).await?;
        let status = response.status();
        if !(200..300).contains(&status) {
            let content_type = response
                .headers()
                .get("content-type")
                .ok()
                .flatten()
                .unwrap_or_default();
            let body = read(response.text()).await?.as_string().unwrap_or_default();
            return Err(Error::Status {
                status,
                problem: Box::new(problem(status, &content_type, &body)),
                details,
            });
        }
        let value = read(response.json()).await?;
        serde_wasm_bindgen::from_value(value).map_err(|error| Error::Json {
            message: redact(&error.to_string()),
        })
    }

    /// A request with the client's headers.
    fn request(&self, method: &str, url: &str, json: Option<&str>) -> Result<Request, Error> {
        let init = RequestInit::new();
        init.set_method(method);
        let headers = Headers::new().map_err(invalid)?;
        for (name, value) in self.headers.iter() {
            headers.set(name, value).map_err(invalid)?;
        }
        if let Some(json) = json {
            if !headers.has("content-type").unwrap_or(false) {
                headers.set("content-type", "application/json").map_err(invalid)?;
            }
            init.set_body(&JsValue::from_str(json));
        }
        init.set_headers(&headers);
        Request::new_with_str_and_init(url, &init).map_err(invalid)
    }
}

/// How one attempt went.
enum Sent {
    /// A response, with the guard that aborts it (and its body) unless it is handed on.
    Answer(Response, AttemptAbort),
    /// No response: a network error or a timeout.
    Failed(Outcome),
    /// The core refused a redirect: why, its status (0 when hidden) and the method it answered.
    Refused(RedirectRefusal, u16, String),
    /// The caller aborted it.
    Aborted,
}

/// Sends one attempt of `request` with its own `AbortController`, aborted after `budget_ms` (when
/// set), when the caller aborts, or when this future is dropped. Follows redirects itself when
/// `credentials` is given.
async fn attempt(
    request: &Request,
    budget_ms: Option<u64>,
    caller: &CallerAbort,
    credentials: Option<&CredentialHeaders>,
) -> Result<Sent, Error> {
    let guard = AttemptAbort::new().map_err(|error| Error::Other {
        message: js_message(&error),
    })?;
    let signal = guard.signal();
    let sending = Box::pin(send(request, &signal, credentials));
    match race(sending, budget_ms.map(timer), caller).await {
        Ended::Done(Ok(response)) => Ok(Sent::Answer(response, guard)),
        Ended::Done(Err(NotSent::Refused(refusal, status, method))) => {
            Ok(Sent::Refused(refusal, status, method))
        }
        Ended::Done(Err(NotSent::Invalid(error))) => Err(invalid(error)),
        Ended::Done(Err(NotSent::NotAResponse)) => Err(Error::Other {
            message: "fetch resolved with something that is not a Response".into(),
        }),
        Ended::Done(Err(NotSent::Rejected(rejection))) => match classify(&rejection) {
            FetchFailure::Network => Ok(Sent::Failed(Outcome::NetworkError)),
            FetchFailure::Usage => Err(invalid(rejection)),
            FetchFailure::Other => Err(Error::Other {
                message: js_message(&rejection),
            }),
        },
        // The guard drops here and aborts the request.
        Ended::TimedOut => Ok(Sent::Failed(Outcome::Timeout)),
        Ended::Aborted => Ok(Sent::Aborted),
    }
}

/// The core's reading of a `fetch` rejection.
fn classify(rejection: &JsValue) -> FetchFailure {
    let field = |value: &JsValue, key: &str| {
        Reflect::get(value, &JsValue::from_str(key))
            .ok()
            .and_then(|field| field.as_string())
            .unwrap_or_default()
    };
    let cause = Reflect::get(rejection, &JsValue::from_str("cause")).unwrap_or(JsValue::UNDEFINED);
    let (name, message, code) = (
        field(rejection, "name"),
        field(rejection, "message"),
        field(rejection, "code"),
    );
    let (cause_name, cause_code, cause_message) = if cause.is_object() {
        (
            field(&cause, "name"),
            field(&cause, "code"),
            field(&cause, "message"),
        )
    } else {
        Default::default()
    };
    classify_fetch_failure(&FetchRejection {
        name: &name,
        message: &message,
        code: &code,
        cause_name: &cause_name,
        cause_code: &cause_code,
        cause_message: &cause_message,
    })
}

/// The error of a call whose last attempt got no response.
fn no_response(history: &History, outcome: Outcome) -> Error {
    let details = history.details();
    match outcome {
        Outcome::Timeout => Error::Timeout {
            message: history.message(),
            details,
        },
        _ => Error::Network {
            message: history.message(),
            details,
        },
    }
}

/// Awaits a body-reading promise (`response.json()`, `.text()`).
async fn read(promise: Result<Promise, JsValue>) -> Result<JsValue, Error> {
    let promise = promise.map_err(|error| Error::Json {
        message: js_message(&error),
    })?;
    JsFuture::from(promise).await.map_err(|error| Error::Json {
        message: js_message(&error),
    })
}

fn invalid(error: JsValue) -> Error {
    Error::InvalidRequest {
        message: js_message(&error),
    }
}

/// A thrown value's `message` (or the value itself, if a string), redacted.
fn js_message(error: &JsValue) -> String {
    let message = Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into());
    redact(&message)
}
