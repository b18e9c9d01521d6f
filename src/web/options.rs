//! What a Rust caller configures, as the JavaScript options name it, turned into the core's
//! [`RetryOptions`] and validated once by [`RetryConfig::from_options`].

use core::fmt;
use std::rc::Rc;

use crate::decision::Verdict;
use crate::guard::{GuardSettings, Pacing};
use crate::history::TraceEntry;
use crate::policy::{ConfigError, Jitter, RetryConfig, RetryOptions};

/// What [`Options::should_retry`] is asked about: the request's method and the attempt just made,
/// with the core's decision after it (a retry and its wait, or a stop and why).
///
/// ```
/// use std::rc::Rc;
/// use commerce_fetch::web::{Options, RetryDecision, Verdict};
///
/// // Never wait more than a second for a retry of a write.
/// let options = Options {
///     should_retry: Some(Rc::new(|question| match question.entry.decision {
///         RetryDecision::Retry { delay_ms, .. } if question.method != "GET" && delay_ms > 1_000 => {
///             Verdict::Veto
///         }
///         _ => Verdict::Keep,
///     })),
///     ..Options::default()
/// };
/// # let _ = options;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RetryQuestion<'a> {
    /// The request's method, as sent.
    pub method: &'a str,
    /// The attempt, how it ended and the core's decision.
    pub entry: &'a TraceEntry,
}

/// The `shouldRetry` option: the caller's say on a retry ([`Verdict::Veto`] stops it,
/// [`Verdict::Allow`] retries a failure the rules leave alone, [`Verdict::Keep`] lets the core's
/// decision stand).
pub type ShouldRetry = Rc<dyn Fn(&RetryQuestion<'_>) -> Verdict>;

/// The `onRetry` option: told about each retry before its wait (the attempt, its outcome and the
/// decision, which holds the wait, its reason and its source).
///
/// ```
/// use std::rc::Rc;
/// use commerce_fetch::web::{OnRetry, RetryDecision};
///
/// let log: OnRetry = Rc::new(|entry| {
///     if let RetryDecision::Retry { delay_ms, source, .. } = entry.decision {
///         println!("attempt {} failed; next in {delay_ms} ms ({})", entry.attempt, source.as_str());
///     }
/// });
/// # let _ = log;
/// ```
pub type OnRetry = Rc<dyn Fn(&TraceEntry)>;

/// Which named defaults the other options start from (the `preset` option).
///
/// ```
/// use commerce_fetch::web::{Client, Options, Preset};
///
/// let storefront = Client::new(Options::default()).unwrap();
/// let background = Client::new(Options { preset: Preset::Background, ..Options::default() }).unwrap();
/// assert!(background.config().limit > storefront.config().limit);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Preset {
    /// A shopper is waiting: two retries, short waits, six seconds in all ([`crate::STOREFRONT`]).
    #[default]
    Storefront,
    /// Jobs and syncs: longer waits, more retries on 429 ([`crate::BACKGROUND`]).
    Background,
}

impl Preset {
    fn as_str(self) -> &'static str {
        match self {
            Preset::Storefront => "storefront",
            Preset::Background => "background",
        }
    }
}

/// A time limit (`timeout`, `totalTimeout`): a number of milliseconds, or none.
///
/// ```
/// use commerce_fetch::web::{Client, Options, TimeLimit};
///
/// let client = Client::new(Options {
///     timeout: Some(TimeLimit::Ms(1_500)),
///     total_timeout: Some(TimeLimit::Never),
///     ..Options::default()
/// })
/// .unwrap();
/// assert_eq!(client.config().attempt_timeout_ms, Some(1_500));
/// assert_eq!(client.config().total_timeout_ms, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeLimit {
    /// At most this many milliseconds (1 to 2147483647).
    Ms(u64),
    /// No limit.
    Never,
}

impl TimeLimit {
    fn as_option(self) -> f64 {
        match self {
            TimeLimit::Ms(ms) => ms as f64,
            TimeLimit::Never => f64::INFINITY,
        }
    }
}

/// The options of a [`Client`](super::Client). `None` takes the preset's value; the names follow the
/// JavaScript package's options (`retry.limit`, `retry.statusCodes`, `timeout`, …).
///
/// ```
/// use commerce_fetch::web::{Options, Preset, TimeLimit};
///
/// let options = Options {
///     preset: Preset::Background,
///     retry_limit: Some(3),
///     timeout: Some(TimeLimit::Ms(10_000)),
///     ..Options::default()
/// };
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct Options {
    /// `preset`: the defaults the other options change.
    pub preset: Preset,
    /// `retry.limit`: retries allowed after the first attempt, 0 to 100 (sets the 429 limit too).
    pub retry_limit: Option<u32>,
    /// `retry.methods`: the methods retried without an `Idempotency-Key`.
    pub methods: Option<Vec<String>>,
    /// `retry.statusCodes`: the statuses retried.
    pub status_codes: Option<Vec<u16>>,
    /// `retry.backoff.baseMs`: the backoff ceiling before the first retry.
    pub base_ms: Option<u64>,
    /// `retry.backoff.maxMs`: no backoff wait is longer.
    pub max_ms: Option<u64>,
    /// `retry.backoff.jitter`.
    pub jitter: Option<Jitter>,
    /// `retry.maxRetryAfterMs`: the longest server-requested wait honoured; a longer one stops.
    pub max_retry_after_ms: Option<u64>,
    /// `timeout`: time allowed for one attempt.
    pub timeout: Option<TimeLimit>,
    /// `totalTimeout`: time allowed for the whole call, waits included.
    pub total_timeout: Option<TimeLimit>,
    /// `retry.networkErrors`: whether a failed connection is retried.
    pub network_errors: Option<bool>,
    /// `retry.timeouts`: whether an attempt that ran out of time is retried.
    pub timeouts: Option<bool>,
    /// Headers sent with every request the client builds ([`get`](super::Client::get),
    /// [`get_json`](super::Client::get_json), [`post_json`](super::Client::post_json)), such as
    /// `X-Auth-Token`. A `Request` passed to [`fetch`](super::Client::fetch) is sent as it is.
    pub headers: Vec<(String, String)>,
    /// `credentialHeaders`: more header names that carry credentials, besides `X-Auth-Token`,
    /// `X-Auth-Client`, `Authorization`, `Cookie` and `Proxy-Authorization`. A redirect to another
    /// origin is followed without them.
    pub credential_headers: Vec<String>,
    /// `shouldRetry`: asked when the core is about to retry, and after a failure it would not retry
    /// (an error status outside `status_codes`, a write that may have taken effect, a network error or
    /// timeout switched off). It is not asked about a success, and the retry limit, the deadlines and
    /// a server wait over `max_retry_after_ms` still stop the call.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use commerce_fetch::decision::{Outcome, Verdict};
    /// use commerce_fetch::web::Options;
    ///
    /// // A cart answers 409 while another request changes it: worth one more try.
    /// let options = Options {
    ///     should_retry: Some(Rc::new(|question| match question.entry.outcome {
    ///         Outcome::Response { status: 409, .. } => Verdict::Allow,
    ///         _ => Verdict::Keep,
    ///     })),
    ///     ..Options::default()
    /// };
    /// # let _ = options;
    /// ```
    pub should_retry: Option<ShouldRetry>,
    /// `onRetry`: told about each retry before its wait.
    pub on_retry: Option<OnRetry>,
    /// `protect`: protect the store (off when `None`). `Some(GuardSettings::default())` is the
    /// JavaScript `protect: true`: pacing by the store's rate-limit headers, AWS standard mode's retry
    /// budget, Polly's sampling circuit breaker and BigCommerce's per-route concurrency limits. The
    /// state is per store and shared by every client with the same settings on this thread. In
    /// Cloudflare Workers, `concurrency: None` caps a store's requests in flight at 6, a Worker's
    /// simultaneous connections. Shared pacing (a Durable Object) is the JavaScript package's alone.
    ///
    /// ```
    /// use commerce_fetch::guard::GuardSettings;
    /// use commerce_fetch::web::{Client, Options, Preset};
    ///
    /// let client = Client::new(Options {
    ///     preset: Preset::Background,
    ///     protect: Some(GuardSettings { concurrency: Some(4), ..GuardSettings::default() }),
    ///     ..Options::default()
    /// })
    /// .unwrap();
    /// # let _ = client;
    /// ```
    pub protect: Option<GuardSettings>,
}

/// Lists header names only: their values are credentials.
impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Options")
            .field("preset", &self.preset)
            .field("retry_limit", &self.retry_limit)
            .field("methods", &self.methods)
            .field("status_codes", &self.status_codes)
            .field("base_ms", &self.base_ms)
            .field("max_ms", &self.max_ms)
            .field("jitter", &self.jitter)
            .field("max_retry_after_ms", &self.max_retry_after_ms)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("network_errors", &self.network_errors)
            .field("timeouts", &self.timeouts)
            .field("headers", &names)
            .field("credential_headers", &self.credential_headers)
            .field("should_retry", &self.should_retry.as_ref().map(|_| "set"))
            .field("on_retry", &self.on_retry.as_ref().map(|_| "set"))
            .field("protect", &self.protect)
            .finish()
    }
}

impl Options {
    /// `protect`, checked: the concurrency cap's range, and no shared pacing (JavaScript's alone).
    pub(super) fn protect(&self) -> Result<Option<GuardSettings>, ConfigError> {
        let Some(settings) = self.protect else {
            return Ok(None);
        };
        if settings.pacing == Pacing::Shared {
            return Err(ConfigError::new(
                "protect.pacing",
                "Pacing::Here or Pacing::Off (shared pacing is the JavaScript package's)",
                "Pacing::Shared",
            ));
        }
        if let Some(cap) = settings.concurrency.filter(|cap| !(1..=10_000).contains(cap)) {
            return Err(ConfigError::new(
                "protect.concurrency",
                "a whole number from 1 to 10000, or None",
                cap.to_string(),
            ));
        }
        Ok(Some(settings))
    }

    /// The core's configuration for these options; the error names the option at fault as the
    /// JavaScript package does (`retry.limit`, `timeout`, …).
    pub(super) fn config(&self) -> Result<RetryConfig, ConfigError> {
        let ms = |value: Option<u64>| value.map(|ms| ms as f64);
        RetryConfig::from_options(&RetryOptions {
            preset: Some(self.preset.as_str().into()),
            limit: self.retry_limit.map(f64::from),
            methods: self.methods.clone(),
            status_codes: self
                .status_codes
                .as_ref()
                .map(|codes| codes.iter().copied().map(f64::from).collect()),
            base_ms: ms(self.base_ms),
            max_ms: ms(self.max_ms),
            jitter: self.jitter.map(|jitter| jitter.as_str().into()),
            max_retry_after_ms: ms(self.max_retry_after_ms),
            timeout: self.timeout.map(TimeLimit::as_option),
            total_timeout: self.total_timeout.map(TimeLimit::as_option),
            network_errors: self.network_errors,
            timeouts: self.timeouts,
        })
    }
}
