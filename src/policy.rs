//! Retry configuration: backoff, limits, deadlines, the two presets, and the normalisation of what a
//! user passes in (validated once, so the per-attempt decision never sees a bad value).

use alloc::borrow::Cow;
use alloc::{string::String, vec::Vec};
use core::fmt;

use crate::message::{describe_number, quoted, Message};
use crate::status::DEFAULT_RETRY_STATUS_CODES;

/// How randomness spreads the backoff wait, so that many clients do not retry in step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Anywhere from zero to the full backoff (AWS's "full jitter"); the default.
    Full,
    /// At least half the backoff, up to all of it: waits never shrink from one retry to the next.
    Equal,
    /// Exactly the backoff.
    None,
}

impl Jitter {
    /// The name used in JavaScript options: `"full"`, `"equal"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::None => "none",
        }
    }

    fn parse(name: &str) -> Option<Jitter> {
        match name {
            "full" => Some(Jitter::Full),
            "equal" => Some(Jitter::Equal),
            "none" => Some(Jitter::None),
            _ => None,
        }
    }
}

/// Exponential backoff: before retry `n` (1 for the first retry) the ceiling is `base_ms × 2^(n−1)`,
/// capped at `max_ms`, and the jitter picks the wait below that ceiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The ceiling before the first retry.
    pub base_ms: u64,
    /// No backoff wait is longer than this.
    pub max_ms: u64,
    /// How the wait is drawn below the ceiling.
    pub jitter: Jitter,
}

impl Backoff {
    /// The ceiling before retry `retry` (1-based), capped at `max_ms`. Never overflows.
    pub fn ceiling_ms(&self, retry: u32) -> u64 {
        let doublings = retry.saturating_sub(1);
        let factor = if doublings >= 63 {
            u64::MAX
        } else {
            1u64 << doublings
        };
        self.base_ms.saturating_mul(factor).min(self.max_ms)
    }

    /// The wait before retry `retry` for a random number `random` in [0, 1) (out-of-range values are
    /// clamped into it). `jitter` overrides the configured jitter when given.
    pub fn delay_ms(&self, retry: u32, random: f64, jitter: Jitter) -> u64 {
        let ceiling = self.ceiling_ms(retry);
        let random = if random.is_nan() {
            0.0
        } else {
            random.clamp(0.0, 1.0)
        };
        // f64 holds every ceiling up to 2^53 exactly; the product is floored and cannot exceed `ceiling`.
        let scaled = |span: u64| ((span as f64) * random) as u64;
        match jitter {
            Jitter::Full => scaled(ceiling).min(ceiling),
            Jitter::Equal => {
                let half = ceiling / 2;
                (half + scaled(ceiling - half)).min(ceiling)
            }
            Jitter::None => ceiling,
        }
    }
}

/// HTTP methods, as a small set. Only the methods fetch can send are known; names match in any case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodSet(u16);

const METHOD_NAMES: [&str; 8] = [
    "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH", "QUERY",
];

impl MethodSet {
    /// The methods that are safe to repeat because repeating them has the same effect as sending them
    /// once (RFC 9110, section 9.2.2): GET, HEAD, OPTIONS, PUT, DELETE, and the newer QUERY.
    pub const IDEMPOTENT: MethodSet = MethodSet(0b1001_1111);

    /// The set with no method.
    pub const EMPTY: MethodSet = MethodSet(0);

    fn bit(name: &str) -> Option<u16> {
        METHOD_NAMES
            .iter()
            .position(|known| known.eq_ignore_ascii_case(name))
            .map(|i| 1 << i)
    }

    /// Whether `method` is in the set. An unknown method never is.
    pub fn contains(&self, method: &str) -> bool {
        Self::bit(method).is_some_and(|bit| self.0 & bit != 0)
    }

    /// The set of the given names, or the first name that is not a known method.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<MethodSet, &'a str> {
        let mut set = MethodSet::EMPTY;
        for name in names {
            set.0 |= Self::bit(name).ok_or(name)?;
        }
        Ok(set)
    }

    /// The names in the set, upper-case.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        METHOD_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, name)| *name)
    }
}

/// Everything that decides whether and when to retry. Built once per client from a preset and the
/// user's options by [`RetryConfig::from_options`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Retries allowed after failures other than 429: attempts never exceed `limit + 1`.
    pub limit: u32,
    /// Retries allowed while the server keeps answering 429. BigCommerce suggests up to about ten
    /// attempts for rate limits, more than is wise for server errors; both are counted from the first
    /// attempt.
    pub rate_limit_limit: u32,
    /// Methods retried after a response or a network error. A POST or PATCH is retried only when it is
    /// marked idempotent; any method is retried after a 429, which BigCommerce sends before doing anything.
    pub methods: MethodSet,
    /// Statuses that are retried.
    pub status_codes: Cow<'static, [u16]>,
    /// The backoff used when the server gives no wait hint.
    pub backoff: Backoff,
    /// The longest server-requested wait that is honoured; a longer hint stops the retries at once.
    pub max_retry_after_ms: u64,
    /// Time allowed for one attempt, or `None` for no limit. Enforced by the caller of the core.
    pub attempt_timeout_ms: Option<u64>,
    /// Time allowed for the whole call, waits included, or `None` for no limit.
    pub total_timeout_ms: Option<u64>,
    /// Whether a failed connection (fetch's `TypeError`) is retried.
    pub retry_network_errors: bool,
    /// Whether an attempt that hit `attempt_timeout_ms` is retried.
    pub retry_timeouts: bool,
}

/// For a shopper who is waiting for a page: two retries, short waits, a few seconds in all.
///
/// Two retries and the short base follow ky and got (both default to 2 retries; ky starts at 300 ms,
/// AWS's JavaScript SDK at 100 ms). A hint over 2 s fails fast rather than holding the page: BigCommerce's
/// windows are 30 s, so a 429 that far from its reset is better served from a cache. Six seconds in all
/// keeps a failing call inside the time a shopper will wait for a page to start showing.
pub const STOREFRONT: RetryConfig = RetryConfig {
    limit: 2,
    rate_limit_limit: 2,
    methods: MethodSet::IDEMPOTENT,
    status_codes: Cow::Borrowed(DEFAULT_RETRY_STATUS_CODES),
    backoff: Backoff {
        base_ms: 200,
        max_ms: 2_000,
        jitter: Jitter::Full,
    },
    max_retry_after_ms: 2_000,
    attempt_timeout_ms: Some(3_000),
    total_timeout_ms: Some(6_000),
    retry_network_errors: true,
    retry_timeouts: true,
};

/// For jobs and syncs, where nobody is waiting and not being throttled matters more than speed.
///
/// BigCommerce's troubleshooting table says to retry a 500 three to five times with growing delays of
/// at least a minute: four retries, and equal jitter on a two-minute base keeps the first wait at
/// 60–120 s and every later one longer. Its rate-limit guide says to back off up to about ten attempts:
/// nine retries on 429. A rate-limit window is 30 s, so a hint of up to five minutes is still honoured.
/// An hour in all bounds a job that keeps failing.
pub const BACKGROUND: RetryConfig = RetryConfig {
    limit: 4,
    rate_limit_limit: 9,
    methods: MethodSet::IDEMPOTENT,
    status_codes: Cow::Borrowed(DEFAULT_RETRY_STATUS_CODES),
    backoff: Backoff {
        base_ms: 120_000,
        max_ms: 600_000,
        jitter: Jitter::Equal,
    },
    max_retry_after_ms: 300_000,
    attempt_timeout_ms: Some(60_000),
    total_timeout_ms: Some(3_600_000),
    retry_network_errors: true,
    retry_timeouts: true,
};

/// The most retries an option may ask for. Retrying more than this is a loop, not resilience.
pub const MAX_RETRY_LIMIT: u32 = 100;

/// The longest time any millisecond option may be: 2^31 − 1 ms (about 24.8 days), the most that
/// JavaScript's `setTimeout` can wait before it fires at once instead.
pub const MAX_OPTION_MS: u64 = 2_147_483_647;

/// The most bytes `bufferBody` may hold in memory: 64 MiB, eight times the largest product image
/// BigCommerce accepts (8 MB). A larger body is better sent once than copied.
pub const MAX_BUFFER_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// The `bufferBody` option: how many bytes of a stream body may be read into memory so that it can
/// be sent again; 0 turns buffering off.
pub fn buffer_body_bytes(value: f64) -> Result<u64, ConfigError> {
    whole_number(
        value,
        "bufferBody",
        MAX_BUFFER_BODY_BYTES,
        "a whole number of bytes from 0 to 67108864",
    )
}

/// An option value as the user gave it, before validation. `None` fields take the preset's value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RetryOptions {
    /// `preset`: `"storefront"` (the default) or `"background"`.
    pub preset: Option<String>,
    /// `retry` as a number, or `retry.limit`: sets both limits.
    pub limit: Option<f64>,
    /// `retry.methods`.
    pub methods: Option<Vec<String>>,
    /// `retry.statusCodes`.
    pub status_codes: Option<Vec<f64>>,
    /// `retry.backoff.baseMs`.
    pub base_ms: Option<f64>,
    /// `retry.backoff.maxMs`.
    pub max_ms: Option<f64>,
    /// `retry.backoff.jitter`.
    pub jitter: Option<String>,
    /// `retry.maxRetryAfterMs`.
    pub max_retry_after_ms: Option<f64>,
    /// `timeout`: milliseconds per attempt; `f64::INFINITY` turns it off.
    pub timeout: Option<f64>,
    /// `totalTimeout`: milliseconds for the whole call; `f64::INFINITY` turns it off.
    pub total_timeout: Option<f64>,
    /// `retry.networkErrors`: whether a failed connection is retried.
    pub network_errors: Option<bool>,
    /// `retry.timeouts`: whether an attempt that ran out of time is retried.
    pub timeouts: Option<bool>,
}

/// An option that cannot be used: it names the option as the user wrote it, what the option takes and
/// what it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The option's path, such as `"retry.limit"`.
    pub option: &'static str,
    /// What the option takes.
    pub expected: &'static str,
    /// A short description of what was given.
    pub got: String,
}

impl ConfigError {
    /// An error for `option`, which takes `expected` and was given `got`.
    pub fn new(option: &'static str, expected: &'static str, got: impl Into<String>) -> ConfigError {
        ConfigError {
            option,
            expected,
            got: got.into(),
        }
    }

    /// The error as a sentence: "option `retry.limit` must be a whole number from 0 to 100, got -1".
    pub fn message(&self) -> String {
        Message::new()
            .text("option `")
            .text(self.option)
            .text("` must be ")
            .text(self.expected)
            .text(", got ")
            .text(&self.got)
            .finish()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ConfigError {}

impl RetryConfig {
    /// The preset called `name`.
    pub fn preset(name: &str) -> Option<RetryConfig> {
        match name {
            "storefront" => Some(STOREFRONT),
            "background" => Some(BACKGROUND),
            _ => None,
        }
    }

    /// Validates the user's options over their preset. Every error names the option at fault.
    pub fn from_options(options: &RetryOptions) -> Result<RetryConfig, ConfigError> {
        let mut config = match options.preset.as_deref() {
            None => STOREFRONT,
            Some(name) => RetryConfig::preset(name).ok_or_else(|| {
                ConfigError::new("preset", "\"storefront\" or \"background\"", quoted(name))
            })?,
        };
        if let Some(limit) = options.limit {
            let limit = whole_number(
                limit,
                "retry.limit",
                u64::from(MAX_RETRY_LIMIT),
                "a whole number from 0 to 100",
            )?;
            config.limit = limit as u32;
            config.rate_limit_limit = limit as u32;
        }
        if let Some(names) = &options.methods {
            config.methods = MethodSet::from_names(names.iter().map(String::as_str)).map_err(|bad| {
                ConfigError::new(
                    "retry.methods",
                    "a list of HTTP methods (GET, HEAD, OPTIONS, PUT, DELETE, POST, PATCH, QUERY)",
                    quoted(bad),
                )
            })?;
        }
        if let Some(codes) = &options.status_codes {
            let mut parsed = Vec::with_capacity(codes.len());
            for &code in codes {
                let code = whole_number(
                    code,
                    "retry.statusCodes",
                    599,
                    "a list of status codes from 100 to 599",
                )?;
                if code < 100 {
                    return Err(ConfigError::new(
                        "retry.statusCodes",
                        "a list of status codes from 100 to 599",
                        describe_number(code as f64),
                    ));
                }
                parsed.push(code as u16);
            }
            config.status_codes = Cow::Owned(parsed);
        }
        if let Some(base) = options.base_ms {
            config.backoff.base_ms = milliseconds(base, "retry.backoff.baseMs")?;
        }
        if let Some(max) = options.max_ms {
            config.backoff.max_ms = milliseconds(max, "retry.backoff.maxMs")?;
        }
        if let Some(name) = &options.jitter {
            config.backoff.jitter = Jitter::parse(name).ok_or_else(|| {
                ConfigError::new(
                    "retry.backoff.jitter",
                    "\"full\", \"equal\" or \"none\"",
                    quoted(name),
                )
            })?;
        }
        if let Some(max) = options.max_retry_after_ms {
            config.max_retry_after_ms = milliseconds(max, "retry.maxRetryAfterMs")?;
        }
        if let Some(timeout) = options.timeout {
            config.attempt_timeout_ms = time_limit(timeout, "timeout")?;
        }
        if let Some(total) = options.total_timeout {
            config.total_timeout_ms = time_limit(total, "totalTimeout")?;
        }
        if let Some(retry) = options.network_errors {
            config.retry_network_errors = retry;
        }
        if let Some(retry) = options.timeouts {
            config.retry_timeouts = retry;
        }
        Ok(config)
    }

    /// Whether `status` is in the retried list.
    pub fn retries_status(&self, status: u16) -> bool {
        self.status_codes.contains(&status)
    }

    /// What is left of the total timeout `elapsed_ms` into the call, or `None` without one: how long
    /// a request may wait for its turn at the store (pacing, a concurrency slot).
    pub fn total_left_ms(&self, elapsed_ms: u64) -> Option<u64> {
        self.total_timeout_ms
            .map(|total| total.saturating_sub(elapsed_ms))
    }

    /// Time allowed for an attempt that starts `elapsed_ms` into the call: the attempt timeout,
    /// shortened to what is left of the total (at least 1 ms, so that a timer still ends it), or `None`
    /// when neither limit is set.
    pub fn attempt_budget_ms(&self, elapsed_ms: u64) -> Option<u64> {
        let remaining = self
            .total_timeout_ms
            .map(|total| total.saturating_sub(elapsed_ms).max(1));
        match (self.attempt_timeout_ms, remaining) {
            (Some(attempt), Some(remaining)) => Some(attempt.min(remaining)),
            (attempt, remaining) => attempt.or(remaining),
        }
    }
}

/// Whether a call's first attempt goes out without an abort signal of its own, so that a host that
/// shares reads can share it: Next.js's server `fetch` answers every GET or HEAD without a signal for one
/// URL (and the same headers) once per render, and treats a signal as "do not share". That holds when
/// the host shares reads (`host_shares`), the method is GET or HEAD, and the caller passed no signal (a
/// caller's signal opts out of sharing, as with plain fetch). The attempt's time limit still ends the
/// call; what is lost is only cancelling that one request underneath, which other parts of the render
/// may be waiting for. Retries always carry their signal: a shared answer would be the one retried.
pub fn shares_first_attempt(method: &str, caller_signal: bool, host_shares: bool) -> bool {
    host_shares
        && !caller_signal
        && (method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD"))
}

/// A whole number from 0 to `max`.
fn whole_number(
    value: f64,
    option: &'static str,
    max: u64,
    expected: &'static str,
) -> Result<u64, ConfigError> {
    if value >= 0.0 && value <= max as f64 && value == (value as u64) as f64 {
        Ok(value as u64)
    } else {
        Err(ConfigError::new(option, expected, describe_number(value)))
    }
}

/// A duration in milliseconds from 0 to [`MAX_OPTION_MS`]; a fraction is rounded down.
fn milliseconds(value: f64, option: &'static str) -> Result<u64, ConfigError> {
    if value.is_finite() && value >= 0.0 && value <= MAX_OPTION_MS as f64 {
        Ok(value as u64)
    } else {
        Err(ConfigError::new(
            option,
            "a number of milliseconds from 0 to 2147483647",
            describe_number(value),
        ))
    }
}

/// A timeout: a positive number of milliseconds, or infinity for none.
fn time_limit(value: f64, option: &'static str) -> Result<Option<u64>, ConfigError> {
    if value == f64::INFINITY {
        return Ok(None);
    }
    if value.is_finite() && value >= 1.0 && value <= MAX_OPTION_MS as f64 {
        Ok(Some(value as u64))
    } else {
        Err(ConfigError::new(
            option,
            "a number of milliseconds from 1 to 2147483647, or false for none",
            describe_number(value),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_errors_and_timeouts_can_be_left_unretried() {
        let options = RetryOptions {
            network_errors: Some(false),
            timeouts: Some(false),
            ..RetryOptions::default()
        };
        let config = RetryConfig::from_options(&options).expect("valid");
        assert!(!config.retry_network_errors && !config.retry_timeouts);
        let config = RetryConfig::from_options(&RetryOptions::default()).expect("valid");
        assert!(
            config.retry_network_errors && config.retry_timeouts,
            "both are retried by default"
        );
    }

    #[test]
    fn only_a_read_without_the_callers_signal_is_sent_for_a_sharing_host_to_share() {
        assert!(shares_first_attempt("GET", false, true));
        assert!(shares_first_attempt("head", false, true));
        assert!(
            !shares_first_attempt("GET", false, false),
            "a host that shares nothing"
        );
        assert!(
            !shares_first_attempt("GET", true, true),
            "the caller's signal opts out"
        );
        for method in ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "GETX", ""] {
            assert!(!shares_first_attempt(method, false, true), "{method}");
        }
    }

    #[test]
    fn an_attempt_gets_the_attempt_timeout_shortened_to_what_is_left_of_the_total() {
        let mut config = STOREFRONT;
        assert_eq!(config.attempt_budget_ms(0), Some(3_000));
        assert_eq!(config.attempt_budget_ms(4_500), Some(1_500));
        assert_eq!(
            config.attempt_budget_ms(6_000),
            Some(1),
            "a spent total still ends the attempt"
        );
        assert_eq!(config.attempt_budget_ms(u64::MAX), Some(1));
        config.total_timeout_ms = None;
        assert_eq!(config.attempt_budget_ms(10_000), Some(3_000));
        config.attempt_timeout_ms = None;
        assert_eq!(config.attempt_budget_ms(10_000), None);
        config.total_timeout_ms = Some(500);
        assert_eq!(config.attempt_budget_ms(200), Some(300));
    }

    const BACKOFF: Backoff = Backoff {
        base_ms: 100,
        max_ms: 1_000,
        jitter: Jitter::Full,
    };

    #[test]
    fn backoff_ceiling_doubles_from_the_base_and_stops_at_the_cap() {
        let ceilings: Vec<u64> = (1..=6).map(|n| BACKOFF.ceiling_ms(n)).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1_000, 1_000]);
    }

    #[test]
    fn backoff_ceiling_does_not_overflow_on_huge_retry_numbers() {
        let wide = Backoff {
            base_ms: u64::MAX / 2,
            max_ms: u64::MAX,
            jitter: Jitter::None,
        };
        assert_eq!(wide.ceiling_ms(u32::MAX), u64::MAX);
        assert_eq!(BACKOFF.ceiling_ms(u32::MAX), 1_000);
        assert_eq!(BACKOFF.ceiling_ms(0), 100);
    }

    #[test]
    fn full_jitter_spans_zero_to_the_ceiling() {
        assert_eq!(BACKOFF.delay_ms(3, 0.0, Jitter::Full), 0);
        assert_eq!(BACKOFF.delay_ms(3, 0.5, Jitter::Full), 200);
        assert_eq!(BACKOFF.delay_ms(3, 0.999_999, Jitter::Full), 399);
    }

    #[test]
    fn equal_jitter_spans_half_to_the_whole_ceiling() {
        assert_eq!(BACKOFF.delay_ms(3, 0.0, Jitter::Equal), 200);
        assert_eq!(BACKOFF.delay_ms(3, 0.5, Jitter::Equal), 300);
        assert_eq!(BACKOFF.delay_ms(3, 0.999_999, Jitter::Equal), 399);
    }

    #[test]
    fn no_jitter_waits_the_whole_ceiling() {
        assert_eq!(BACKOFF.delay_ms(3, 0.0, Jitter::None), 400);
        assert_eq!(BACKOFF.delay_ms(3, 0.9, Jitter::None), 400);
    }

    #[test]
    fn out_of_range_random_numbers_are_clamped() {
        assert_eq!(BACKOFF.delay_ms(1, f64::NAN, Jitter::Full), 0);
        assert_eq!(BACKOFF.delay_ms(1, -3.0, Jitter::Full), 0);
        assert_eq!(BACKOFF.delay_ms(1, 7.0, Jitter::Full), 100);
        assert_eq!(BACKOFF.delay_ms(1, f64::INFINITY, Jitter::Equal), 100);
    }

    #[test]
    fn idempotent_methods_are_the_rfc_ones_in_any_case() {
        let names: Vec<&str> = MethodSet::IDEMPOTENT.names().collect();
        assert_eq!(names, ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY"]);
        assert!(MethodSet::IDEMPOTENT.contains("get"));
        assert!(MethodSet::IDEMPOTENT.contains("Delete"));
        assert!(!MethodSet::IDEMPOTENT.contains("POST"));
        assert!(!MethodSet::IDEMPOTENT.contains("patch"));
        assert!(!MethodSet::IDEMPOTENT.contains("PROPFIND"));
        assert!(!MethodSet::IDEMPOTENT.contains(""));
    }

    #[test]
    fn method_sets_are_built_from_names_and_reject_unknown_ones() {
        let set = MethodSet::from_names(["get", "POST"]).unwrap();
        assert!(set.contains("GET") && set.contains("post") && !set.contains("PUT"));
        assert_eq!(MethodSet::from_names(["GET", "FETCH"]), Err("FETCH"));
    }

    #[test]
    fn no_options_give_the_storefront_preset() {
        assert_eq!(
            RetryConfig::from_options(&RetryOptions::default()),
            Ok(STOREFRONT)
        );
    }

    #[test]
    fn presets_are_found_by_name() {
        let background = RetryOptions {
            preset: Some("background".into()),
            ..Default::default()
        };
        assert_eq!(RetryConfig::from_options(&background), Ok(BACKGROUND));
        assert_eq!(RetryConfig::preset("storefront"), Some(STOREFRONT));
        assert_eq!(RetryConfig::preset("Storefront"), None);
    }

    #[test]
    fn background_preset_follows_bigcommerce_advice() {
        // Three to five retries of a 500, each wait at least a minute and growing.
        assert!((3..=5).contains(&BACKGROUND.limit));
        let mut previous = 0;
        for retry in 1..=BACKGROUND.limit {
            let shortest = BACKGROUND.backoff.delay_ms(retry, 0.0, BACKGROUND.backoff.jitter);
            assert!(shortest >= 60_000, "retry {retry} may wait only {shortest} ms");
            assert!(
                shortest >= previous,
                "retry {retry} may wait less than the one before"
            );
            previous = shortest;
        }
        // About ten attempts for rate limits.
        assert_eq!(BACKGROUND.rate_limit_limit + 1, 10);
    }

    #[test]
    fn storefront_preset_keeps_a_shopper_waiting_seconds_not_minutes() {
        let preset = RetryConfig::preset("storefront").unwrap();
        let total = preset.total_timeout_ms.unwrap();
        assert!(total <= 10_000, "{total} ms in all");
        assert!(preset.limit <= 3, "{} retries", preset.limit);
        // The longest backoff waits, all retries taken, leave time for the attempts themselves.
        let waits: u64 = (1..=preset.limit).map(|n| preset.backoff.ceiling_ms(n)).sum();
        assert!(waits < total / 2, "{waits} ms of waiting");
        // Half a BigCommerce rate-limit window is too long to hold a page for.
        assert!(preset.max_retry_after_ms < 15_000);
    }

    #[test]
    fn user_options_override_the_preset() {
        let options = RetryOptions {
            preset: Some("background".into()),
            limit: Some(3.0),
            methods: Some(vec!["GET".into(), "POST".into()]),
            status_codes: Some(vec![503.0, 429.0]),
            base_ms: Some(10.5),
            max_ms: Some(50.0),
            jitter: Some("none".into()),
            max_retry_after_ms: Some(0.0),
            timeout: Some(f64::INFINITY),
            total_timeout: Some(1_000.0),
            network_errors: Some(false),
            timeouts: None,
        };
        let config = RetryConfig::from_options(&options).unwrap();
        assert!(!config.retry_network_errors && config.retry_timeouts);
        assert_eq!(config.limit, 3);
        assert_eq!(config.rate_limit_limit, 3);
        assert!(config.methods.contains("POST") && !config.methods.contains("PUT"));
        assert_eq!(&*config.status_codes, &[503, 429]);
        assert_eq!(
            config.backoff,
            Backoff {
                base_ms: 10,
                max_ms: 50,
                jitter: Jitter::None
            }
        );
        assert_eq!(config.max_retry_after_ms, 0);
        assert_eq!(config.attempt_timeout_ms, None);
        assert_eq!(config.total_timeout_ms, Some(1_000));
    }

    #[test]
    fn bad_options_name_the_option_at_fault() {
        let cases: Vec<(RetryOptions, &str)> = vec![
            (
                RetryOptions {
                    preset: Some("fast".into()),
                    ..Default::default()
                },
                "preset",
            ),
            (
                RetryOptions {
                    limit: Some(-1.0),
                    ..Default::default()
                },
                "retry.limit",
            ),
            (
                RetryOptions {
                    limit: Some(1.5),
                    ..Default::default()
                },
                "retry.limit",
            ),
            (
                RetryOptions {
                    limit: Some(f64::NAN),
                    ..Default::default()
                },
                "retry.limit",
            ),
            (
                RetryOptions {
                    limit: Some(101.0),
                    ..Default::default()
                },
                "retry.limit",
            ),
            (
                RetryOptions {
                    methods: Some(vec!["GOT".into()]),
                    ..Default::default()
                },
                "retry.methods",
            ),
            (
                RetryOptions {
                    status_codes: Some(vec![99.0]),
                    ..Default::default()
                },
                "retry.statusCodes",
            ),
            (
                RetryOptions {
                    status_codes: Some(vec![600.0]),
                    ..Default::default()
                },
                "retry.statusCodes",
            ),
            (
                RetryOptions {
                    status_codes: Some(vec![429.5]),
                    ..Default::default()
                },
                "retry.statusCodes",
            ),
            (
                RetryOptions {
                    base_ms: Some(-5.0),
                    ..Default::default()
                },
                "retry.backoff.baseMs",
            ),
            (
                RetryOptions {
                    max_ms: Some(f64::INFINITY),
                    ..Default::default()
                },
                "retry.backoff.maxMs",
            ),
            (
                RetryOptions {
                    jitter: Some("FULL".into()),
                    ..Default::default()
                },
                "retry.backoff.jitter",
            ),
            (
                RetryOptions {
                    max_retry_after_ms: Some(3e9),
                    ..Default::default()
                },
                "retry.maxRetryAfterMs",
            ),
            (
                RetryOptions {
                    timeout: Some(0.0),
                    ..Default::default()
                },
                "timeout",
            ),
            (
                RetryOptions {
                    timeout: Some(f64::NEG_INFINITY),
                    ..Default::default()
                },
                "timeout",
            ),
            (
                RetryOptions {
                    total_timeout: Some(-1.0),
                    ..Default::default()
                },
                "totalTimeout",
            ),
        ];
        for (options, option) in cases {
            let error = RetryConfig::from_options(&options).unwrap_err();
            assert_eq!(error.option, option, "{options:?}");
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("option `{option}` must be ")),
                "{error}"
            );
        }
    }

    #[test]
    fn buffer_body_takes_whole_bytes_up_to_64_mib() {
        assert_eq!(buffer_body_bytes(0.0), Ok(0));
        assert_eq!(buffer_body_bytes(65_536.0), Ok(65_536));
        assert_eq!(
            buffer_body_bytes(MAX_BUFFER_BODY_BYTES as f64),
            Ok(MAX_BUFFER_BODY_BYTES)
        );
        for bad in [
            -1.0,
            0.5,
            f64::NAN,
            f64::INFINITY,
            MAX_BUFFER_BODY_BYTES as f64 + 1.0,
        ] {
            assert_eq!(buffer_body_bytes(bad).unwrap_err().option, "bufferBody", "{bad}");
        }
    }

    #[test]
    fn config_errors_read_as_a_sentence() {
        let error = RetryConfig::from_options(&RetryOptions {
            limit: Some(-1.0),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "option `retry.limit` must be a whole number from 0 to 100, got -1"
        );
    }
}
