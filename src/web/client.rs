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

use core::fmt;

use super::abort::{race, timer, AttemptAbort, CallerAbort, Ended};
use super::answer::Answer;
use super::error::Error;
use super::options::{OnRetry, Options, RetryQuestion, ShouldRetry};
use super::protect::{settings_here, stats_of, store_for, Store, Turn};
use super::redirects::{follows, send, NotSent};
use crate::decision::{Outcome, RetryDecision, Verdict};
use crate::fetch_error::{classify_fetch_failure, FetchFailure, FetchRejection};
use crate::graphql;
use crate::guard::{circuit_open_message, out_of_time_message, GuardSettings, GuardStats};
use crate::hints::{HeaderSource, RateLimitHint};
use crate::history::{Details, History};
use crate::policy::{ConfigError, RetryConfig};
use crate::redact::redact;
use crate::redirect::{CredentialHeaders, RedirectRefusal};
use crate::rest::{kind_by_status, read_answer, AnswerKind};

/// A retrying `fetch` for Rust code compiled to wasm: the JavaScript package's `createFetch`, with the
/// same options, presets and decisions. Cheap to clone; clones share the configuration.
///
/// Drop cancels: dropping a call's future aborts the attempt in flight and the wait before the next.
/// The request's own `AbortSignal` aborts the call too ([`Error::Aborted`]).
///
/// ```no_run
/// # async fn run() -> Result<(), commerce_fetch::web::Error> {
/// use commerce_fetch::web::{Client, Options};
///
/// let client = Client::new(Options::default())?;
/// let shared = client.clone(); // for another task: the same options
/// let response = shared.get("https://example.com/api/products").await?;
/// assert!(response.ok());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    config: Rc<RetryConfig>,
    headers: Rc<[(String, String)]>,
    credentials: Rc<CredentialHeaders>,
    should_retry: Option<ShouldRetry>,
    on_retry: Option<OnRetry>,
    protect: Option<GuardSettings>,
}

/// Header names only, as [`Options`]' `Debug`: their values are credentials.
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("headers", &names)
            .field("credentials", &self.credentials)
            .field("should_retry", &self.should_retry.as_ref().map(|_| "set"))
            .field("on_retry", &self.on_retry.as_ref().map(|_| "set"))
            .field("protect", &self.protect)
            .finish()
    }
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
        let protect = options.protect()?;
        let credentials =
            CredentialHeaders::from_names(options.credential_headers.iter().map(String::as_str))?;
        Ok(Client {
            config: Rc::new(config),
            headers: options.headers.into(),
            credentials: Rc::new(credentials),
            should_retry: options.should_retry,
            on_retry: options.on_retry,
            protect: protect.map(settings_here),
        })
    }

    /// The configuration the options gave, as the core uses it.
    ///
    /// ```
    /// use commerce_fetch::web::{Client, Options, Preset};
    ///
    /// let client = Client::new(Options { preset: Preset::Background, ..Options::default() }).unwrap();
    /// assert!(client.config().retries_status(429));
    /// ```
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// Sends `request`, retrying as the core decides, and returns the last response, whatever its
    /// status (as `fetch` does). The request is cloned for each attempt, so its body can be sent again;
    /// its signal aborts the call. A request marked with an `Idempotency-Key` header is repeated even
    /// when its method is not safe to repeat.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), commerce_fetch::web::Error> {
    /// use commerce_fetch::web::{Client, Options};
    /// use web_sys::Request;
    ///
    /// let client = Client::new(Options::default())?;
    /// let request = Request::new_with_str("https://example.com/api/cart").expect("a valid URL");
    /// let response = client.fetch(&request).await?;
    /// assert!(response.status() < 600);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch(&self, request: &Request) -> Result<Response, Error> {
        self.fetch_with_details(request)
            .await
            .map(|(response, _)| response)
    }

    /// As [`fetch`](Self::fetch), with the attempts made and the decision after each (the
    /// JavaScript package's `retryInfo(response)`).
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client, request: web_sys::Request) -> Result<(), commerce_fetch::web::Error> {
    /// use commerce_fetch::decision::RetryDecision;
    ///
    /// let (response, details) = client.fetch_with_details(&request).await?;
    /// for entry in &details.trace {
    ///     if let RetryDecision::Retry { delay_ms, reason, .. } = entry.decision {
    ///         println!("attempt {} waited {delay_ms} ms ({})", entry.attempt, reason.as_str());
    ///     }
    /// }
    /// println!("{} after {} attempt(s)", response.status(), details.attempts);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_with_details(&self, request: &Request) -> Result<(Response, Details), Error> {
        if request.body_used() {
            return Err(Error::InvalidRequest {
                message: "the request's body was already read".into(),
            });
        }
        let method = request.method();
        let idempotent = request.headers().has("idempotency-key").unwrap_or(false)
            || is_graphql_read(request, &method).await;
        let mut history = History::new(
            Rc::clone(&self.config),
            method.clone(),
            idempotent,
            // Each attempt sends a clone, so the body (even a stream) is never used up.
            true,
            js_sys::Date::now(),
        );
        let caller = CallerAbort::new(request.signal());
        let credentials = follows(request, &self.credentials).then_some(&*self.credentials);
        let url = request.url();
        let store = self.protect.map(|settings| store_for(settings, &url));
        // What the last retry took from the store's budget.
        let mut retry_cost = None;
        loop {
            if caller.aborted() {
                return Err(Error::Aborted {
                    details: history.details(),
                });
            }
            // The store's turn (concurrency, pacing, breaker): the wait counts against totalTimeout only.
            let turn = match &store {
                Some(store) => Some(self.turn(store, &method, &url, &mut history, &caller).await?),
                None => None,
            };
            let elapsed = history.elapsed_ms(js_sys::Date::now());
            let budget = history.config().attempt_budget_ms(elapsed);
            // A turn not told how its attempt ended (aborted, refused, not sent) ends as aborted.
            let (outcome, response) = match attempt(request, budget, &caller, credentials).await? {
                Sent::Answer(response, guard) => {
                    let status = response.status();
                    if let Some(turn) = turn {
                        let hint = RateLimitHint::from_response(
                            &ResponseHeaders(response.headers()),
                            js_sys::Date::now() as i64,
                            false,
                        );
                        turn.answered(status, &hint);
                    }
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
                Sent::Failed(outcome) => {
                    if let Some(turn) = turn {
                        turn.failed();
                    }
                    (outcome, None)
                }
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
            let mut decision = history.record(outcome, js_sys::Date::now(), js_sys::Math::random());
            if let (Some(ask), true) = (&self.should_retry, history.asks_caller()) {
                let verdict = match history.trace().last() {
                    Some(entry) => ask(&RetryQuestion {
                        method: &method,
                        entry,
                    }),
                    None => Verdict::Keep,
                };
                decision = history
                    .verdict(verdict, js_sys::Date::now(), js_sys::Math::random())
                    .unwrap_or(decision);
            }
            if let (Some(store), RetryDecision::Retry { .. }) = (&store, decision) {
                let cost = store.spend_retry(history.retries_throttled());
                retry_cost = cost.or(retry_cost);
                decision = history.after_budget(cost.is_some()).unwrap_or(decision);
            }
            let delay_ms = match (decision, response) {
                (RetryDecision::Retry { delay_ms, .. }, response) => {
                    // Dropping the guard aborts the attempt, which discards its unread body.
                    drop(response);
                    delay_ms
                }
                (RetryDecision::Stop(_), Some((response, guard))) => {
                    if let (Some(store), true) = (&store, response.status() < 400) {
                        store.succeeded(retry_cost);
                    }
                    guard.disarm();
                    return Ok((response, history.details()));
                }
                (RetryDecision::Stop(_), None) => return Err(no_response(&history, outcome)),
            };
            if let (Some(on_retry), Some(entry)) = (&self.on_retry, history.trace().last()) {
                on_retry(entry);
            }
            if let Ended::Aborted = race(timer(delay_ms), None, &caller).await {
                return Err(Error::Aborted {
                    details: history.details(),
                });
            }
        }
    }

    /// The stores this client's `protect` settings have met, with what each has seen and holds
    /// (the JavaScript `client.stats()`); empty without `protect`.
    pub fn stats(&self) -> Vec<(String, GuardStats)> {
        self.protect.map(stats_of).unwrap_or_default()
    }

    /// Waits for an attempt's turn at `store`, for at most what is left of the total timeout.
    async fn turn(
        &self,
        store: &Rc<Store>,
        method: &str,
        url: &str,
        history: &mut History,
        caller: &CallerAbort,
    ) -> Result<Turn, Error> {
        let left = history
            .config()
            .total_left_ms(history.elapsed_ms(js_sys::Date::now()));
        match race(store.enter(method, url), left.map(timer), caller).await {
            Ended::Done(Ok(turn)) => {
                let (waited_ms, reason) = turn.waited;
                history.waited(waited_ms as f64, reason);
                Ok(turn)
            }
            Ended::Done(Err(retry_at_ms)) => Err(Error::CircuitOpen {
                message: circuit_open_message(
                    store.key(),
                    retry_at_ms.saturating_sub(js_sys::Date::now() as u64),
                ),
                store: store.key().into(),
                retry_at_ms,
                details: history.details(),
            }),
            Ended::TimedOut => Err(Error::Timeout {
                message: out_of_time_message(method, left.unwrap_or(0), store.key()),
                details: history.details(),
            }),
            Ended::Aborted => Err(Error::Aborted {
                details: history.details(),
            }),
        }
    }

    /// `GET url`, with the client's headers.
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client) -> Result<(), commerce_fetch::web::Error> {
    /// let response = client.get("https://example.com/health").await?;
    /// assert_eq!(response.status(), 200);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get(&self, url: &str) -> Result<Response, Error> {
        self.fetch(&self.request("GET", url)?).await
    }

    /// `GET url` and its JSON body as a `T`, through the runtime's JSON parser and
    /// serde-wasm-bindgen. An error status after the retries is [`Error::Status`].
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client) -> Result<(), commerce_fetch::web::Error> {
    /// #[derive(serde::Deserialize)]
    /// struct Product {
    ///     id: u64,
    ///     name: String,
    /// }
    /// #[derive(serde::Deserialize)]
    /// struct Page {
    ///     data: Vec<Product>,
    /// }
    ///
    /// let page: Page = client
    ///     .get_json("https://api.bigcommerce.com/stores/abc123/v3/catalog/products?limit=5")
    ///     .await?;
    /// for product in page.data {
    ///     println!("{} {}", product.id, product.name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, Error> {
        self.fetch_json(&self.request("GET", url)?).await
    }

    /// `POST url` with `body` as JSON, and the JSON answer as a `T` (use
    /// `serde::de::IgnoredAny` to ignore it). Not repeated after a failure that may have taken effect
    /// unless the client's headers carry an `Idempotency-Key`.
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client) -> Result<(), commerce_fetch::web::Error> {
    /// #[derive(serde::Serialize)]
    /// struct Metafield<'a> {
    ///     key: &'a str,
    ///     value: &'a str,
    /// }
    ///
    /// let saved: serde::de::IgnoredAny = client
    ///     .post_json(
    ///         "https://api.bigcommerce.com/stores/abc123/v3/catalog/products/77/metafields",
    ///         &Metafield { key: "fit", value: "loose" },
    ///     )
    ///     .await?;
    /// # let _ = saved;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        url: &str,
        body: &B,
    ) -> Result<T, Error> {
        self.fetch_json(&self.json_request("POST", url, body)?).await
    }

    /// `GET url` read as [`fetch_answer`](Self::fetch_answer) reads it: the body as a `T` with the
    /// attempts it took, even when it succeeded.
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client) -> Result<(), commerce_fetch::web::Error> {
    /// let answer = client
    ///     .get_answer::<serde::de::IgnoredAny>("https://example.com/api/products")
    ///     .await?;
    /// if answer.details.attempts > 1 {
    ///     println!("took {} attempts", answer.details.attempts);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_answer<T: DeserializeOwned>(&self, url: &str) -> Result<Answer<T>, Error> {
        self.fetch_answer(&self.request("GET", url)?).await
    }

    /// `POST url` with `body` as JSON, read as [`fetch_answer`](Self::fetch_answer) reads it (a batch
    /// that partly failed is an [`Answer`] with its `partial`, not an error).
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client) -> Result<(), commerce_fetch::web::Error> {
    /// let answer = client
    ///     .post_answer::<_, serde::de::IgnoredAny>(
    ///         "https://api.bigcommerce.com/stores/abc123/v3/catalog/trees/categories",
    ///         &[("name", "Hats")],
    ///     )
    ///     .await?;
    /// println!("{} after {} attempt(s)", answer.status, answer.details.attempts);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn post_answer<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        url: &str,
        body: &B,
    ) -> Result<Answer<T>, Error> {
        self.fetch_answer(&self.json_request("POST", url, body)?).await
    }

    /// Sends `request` as [`fetch`](Self::fetch) does and reads its JSON body as a `T`. A 204 or 304
    /// reads as JSON `null` (so `T` may be an `Option` or `()`); a batch that partly failed is
    /// [`Error::Partial`] (use [`fetch_answer`](Self::fetch_answer) to read what was saved); an error
    /// status after the retries is [`Error::Status`].
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client, request: web_sys::Request) {
    /// use commerce_fetch::web::Error;
    ///
    /// match client.fetch_json::<serde::de::IgnoredAny>(&request).await {
    ///     Ok(_) => {}
    ///     Err(Error::Status { status, problem, .. }) => {
    ///         eprintln!("{status}: {}", problem.title.as_deref().unwrap_or("no title"));
    ///     }
    ///     Err(error) => eprintln!("{} ({})", error, error.name()),
    /// }
    /// # }
    /// ```
    pub async fn fetch_json<T: DeserializeOwned>(&self, request: &Request) -> Result<T, Error> {
        let answer = self.fetch_answer::<T>(request).await?;
        match (answer.data, answer.partial) {
            (_, Some(partial)) => Err(Error::Partial {
                status: answer.status,
                partial: Box::new(partial),
                details: answer.details,
            }),
            (Some(data), None) => Ok(data),
            (None, None) => from_json(JsValue::NULL),
        }
    }

    /// Sends `request` as [`fetch`](Self::fetch) does and reads the answer as the JavaScript
    /// `createClient` does, from the same core code: the body as a `T`, nothing for 204 and 304, what
    /// failed in a batch that partly succeeded (207, or a 422 that saved items) beside the body, or
    /// [`Error::Status`] with what the body says (and, for a batch refused whole, the items it names).
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client, request: web_sys::Request) -> Result<(), commerce_fetch::web::Error> {
    /// #[derive(serde::Deserialize)]
    /// struct Saved {
    ///     data: Vec<serde::de::IgnoredAny>,
    /// }
    ///
    /// let answer = client.fetch_answer::<Saved>(&request).await?;
    /// if let Some(partial) = &answer.partial {
    ///     for failure in &partial.failures {
    ///         eprintln!("item {} failed: {}", failure.key, failure.message);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_answer<T: DeserializeOwned>(&self, request: &Request) -> Result<Answer<T>, Error> {
        let (response, details) = self.fetch_with_details(request).await?;
        let status = response.status();
        match kind_by_status(status) {
            Some(AnswerKind::Empty) => {
                return Ok(Answer {
                    status,
                    data: None,
                    partial: None,
                    details,
                })
            }
            Some(AnswerKind::Data) => {
                return Ok(Answer {
                    status,
                    data: Some(from_json(read(response.json()).await?)?),
                    partial: None,
                    details,
                })
            }
            _ => {}
        }
        let content_type = response
            .headers()
            .get("content-type")
            .ok()
            .flatten()
            .unwrap_or_default();
        let text = read(response.text()).await?.as_string().unwrap_or_default();
        let answer = read_answer(status, &content_type, &text);
        match (answer.kind, answer.problem) {
            (AnswerKind::Failed, problem) => Err(Error::Status {
                status,
                problem: Box::new(
                    problem.unwrap_or_else(|| crate::problem::problem(status, &content_type, &text)),
                ),
                partial: answer.partial.map(Box::new),
                details,
            }),
            _ => {
                let value = js_sys::JSON::parse(&text).map_err(|error| Error::Json {
                    message: js_message(&error),
                })?;
                Ok(Answer {
                    status,
                    data: Some(from_json(value)?),
                    partial: answer.partial,
                    details,
                })
            }
        }
    }

    /// A request for `method` and `url` with the client's headers, to change further (its headers
    /// stay mutable) and send with [`fetch`](Self::fetch) or [`fetch_answer`](Self::fetch_answer).
    ///
    /// ```no_run
    /// # async fn run(client: commerce_fetch::web::Client) -> Result<(), commerce_fetch::web::Error> {
    /// let request = client.request("DELETE", "https://example.com/api/cart/items/7")?;
    /// request.headers().set("idempotency-key", "delete-item-7").expect("a valid header");
    /// client.fetch(&request).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(&self, method: &str, url: &str) -> Result<Request, Error> {
        let init = RequestInit::new();
        init.set_method(method);
        let headers = self.headers()?;
        init.set_headers(&headers);
        Request::new_with_str_and_init(url, &init).map_err(invalid)
    }

    /// A request for `method` and `url` with the client's headers and `body` as JSON.
    fn json_request<B: Serialize + ?Sized>(
        &self,
        method: &str,
        url: &str,
        body: &B,
    ) -> Result<Request, Error> {
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
        let init = RequestInit::new();
        init.set_method(method);
        let headers = self.headers()?;
        if !headers.has("content-type").unwrap_or(false) {
            headers.set("content-type", "application/json").map_err(invalid)?;
        }
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(&text));
        Request::new_with_str_and_init(url, &init).map_err(invalid)
    }

    /// The client's headers, as a fresh `Headers`.
    fn headers(&self) -> Result<Headers, Error> {
        let headers = Headers::new().map_err(invalid)?;
        for (name, value) in self.headers.iter() {
            headers.set(name, value).map_err(invalid)?;
        }
        Ok(headers)
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

/// Whether `request` is a GraphQL read, safe to send again whatever its method: the core decides from
/// its URL and body ([`crate::graphql::is_read_request`]). Only a request to a `/graphql` URL that
/// may have a body is read, from a clone.
async fn is_graphql_read(request: &Request, method: &str) -> bool {
    let url = request.url();
    if !graphql::is_endpoint(&url)
        || method.eq_ignore_ascii_case("GET")
        || method.eq_ignore_ascii_case("HEAD")
    {
        return false;
    }
    let Ok(text) = Request::clone(request).and_then(|copy| copy.text()) else {
        return false;
    };
    match JsFuture::from(text).await.ok().and_then(|text| text.as_string()) {
        Some(body) => graphql::is_read_request(&url, &body),
        None => false,
    }
}

/// A JSON value as the caller's type, through serde-wasm-bindgen.
fn from_json<T: DeserializeOwned>(value: JsValue) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value).map_err(|error| Error::Json {
        message: redact(&error.to_string()),
    })
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
