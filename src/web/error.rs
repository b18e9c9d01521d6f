//! The errors of a [`Client`](super::Client) call: one enum, each variant with what the JavaScript
//! package's error of the same name carries (attempts, reason, trace, hint), and no credential: every
//! message that came from outside is cleaned by the core's [`redact`](crate::redact).

use core::fmt;

use crate::history::Details;
use crate::partial::Partial;
use crate::policy::ConfigError;
use crate::problem::Problem;
use crate::redirect::RedirectRefusal;

/// Why a call gave no usable answer.
///
/// ```
/// use commerce_fetch::web::{Client, Error, Options};
///
/// let options = Options { credential_headers: vec!["not a name".into()], ..Options::default() };
/// let error = Error::from(Client::new(options).unwrap_err());
/// assert_eq!(error.name(), "ConfigError");
/// assert!(error.details().is_none());
/// assert!(error.to_string().contains("credentialHeaders"), "{error}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The options cannot be used (from [`Client::new`](super::Client::new)).
    Config(ConfigError),
    /// The request cannot be sent at all: a bad URL, a body already read, a header fetch refuses.
    /// Nothing was sent; never retried.
    InvalidRequest {
        /// What the runtime said, redacted.
        message: String,
    },
    /// No response arrived: the connection failed on the last attempt allowed (`NetworkError`).
    Network {
        /// "GET failed: no response (network error) after 3 attempts; stopped because …".
        message: String,
        /// The attempts and why they stopped.
        details: Details,
    },
    /// No response arrived within `timeout` (per attempt) or `totalTimeout` (`TimeoutError`).
    Timeout {
        /// "GET timed out after 3 attempts; stopped because …".
        message: String,
        /// The attempts and why they stopped.
        details: Details,
    },
    /// The caller's `AbortSignal` aborted the call, during an attempt or a wait.
    Aborted {
        /// The attempts that ended before the abort (the one it cut short is not among them).
        details: Details,
    },
    /// A JSON helper got an answer with an error status (after any retries): the status, what the
    /// core read from the body (`ApiError`'s `problem`), and the attempts.
    Status {
        /// The HTTP status.
        status: u16,
        /// What the body says (boxed: it is the largest variant by far).
        problem: Box<Problem>,
        /// For a batch refused whole (a 422 with `batch_errors` or `field_errors`), the items that
        /// failed.
        partial: Option<Box<Partial>>,
        /// The attempts and why they stopped.
        details: Details,
    },
    /// A JSON helper got a batch that partly failed (a 207, or a 422 that saved some items): what
    /// failed and the counts. [`Client::fetch_answer`](super::Client::fetch_answer) reads what was
    /// saved too.
    Partial {
        /// The HTTP status.
        status: u16,
        /// What failed, and the counts when the body gives them.
        partial: Box<Partial>,
        /// The attempts and why they stopped.
        details: Details,
    },
    /// A redirect was not followed (`RedirectError`): it would have taken credentials to a runtime
    /// that hides where it leads, or could not be followed safely (a loop, https to http, a bad
    /// `Location`).
    Redirect {
        /// Why: `reason.as_str()` is the JavaScript package's `reason`.
        reason: RedirectRefusal,
        /// The redirect's status, or 0 when the runtime hid it.
        status: u16,
        /// "GET was redirected (302) and the redirect was not followed: …".
        message: String,
        /// The attempts, the refused one included.
        details: Details,
    },
    /// `protect`'s circuit breaker for the store is open after server errors: the call was not sent
    /// (`CircuitOpenError`).
    CircuitOpen {
        /// "the circuit breaker of … is open after server errors; try again in … ms".
        message: String,
        /// The store (`api.bigcommerce.com/stores/{hash}`, or the origin).
        store: String,
        /// When the breaker may let a call through again (`Date.now()` time, ms).
        retry_at_ms: u64,
        /// The attempts made before it opened.
        details: Details,
    },
    /// A JSON helper could not read the body as JSON, or not as the type asked for.
    Json {
        /// What went wrong, redacted.
        message: String,
    },
    /// `fetch` failed for a reason that is neither a connection failure nor an invalid request (a
    /// runtime's own error); passed on, not retried.
    Other {
        /// What the runtime said, redacted.
        message: String,
    },
}

impl Error {
    /// The attempts and why they stopped, for the errors that come after attempts.
    pub fn details(&self) -> Option<&Details> {
        match self {
            Error::Network { details, .. }
            | Error::Timeout { details, .. }
            | Error::Aborted { details }
            | Error::Status { details, .. }
            | Error::Partial { details, .. }
            | Error::Redirect { details, .. }
            | Error::CircuitOpen { details, .. } => Some(details),
            _ => None,
        }
    }

    /// A stable name, as the JavaScript package's error classes are named: `"ConfigError"`,
    /// `"InvalidRequest"`, `"NetworkError"`, `"TimeoutError"`, `"AbortError"`, `"ApiError"`,
    /// `"PartialResult"`, `"RedirectError"`, `"CircuitOpenError"`, `"JsonError"` or `"FetchError"`.
    pub fn name(&self) -> &'static str {
        match self {
            Error::Config(_) => "ConfigError",
            Error::InvalidRequest { .. } => "InvalidRequest",
            Error::Network { .. } => "NetworkError",
            Error::Timeout { .. } => "TimeoutError",
            Error::Aborted { .. } => "AbortError",
            Error::Status { .. } => "ApiError",
            Error::Partial { .. } => "PartialResult",
            Error::Redirect { .. } => "RedirectError",
            Error::CircuitOpen { .. } => "CircuitOpenError",
            Error::Json { .. } => "JsonError",
            Error::Other { .. } => "FetchError",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(error) => fmt::Display::fmt(error, f),
            Error::InvalidRequest { message } => write!(f, "invalid request: {message}"),
            Error::Network { message, .. }
            | Error::Timeout { message, .. }
            | Error::Redirect { message, .. }
            | Error::CircuitOpen { message, .. } => f.write_str(message),
            Error::Aborted { details } => write!(
                f,
                "aborted by the caller's signal after {} completed attempt(s)",
                details.attempts
            ),
            Error::Partial {
                status,
                partial,
                details,
            } => {
                write!(f, "the batch partly failed ({status}): ")?;
                match partial.counts {
                    Some(counts) => write!(f, "{} of {} item(s) failed", counts.failed, counts.total)?,
                    None => write!(f, "{} failure(s)", partial.failures.len())?,
                }
                write!(f, " after {} attempt(s)", details.attempts)
            }
            Error::Status {
                status,
                problem,
                details,
                ..
            } => {
                write!(f, "the server answered {status}")?;
                if let Some(title) = &problem.title {
                    write!(f, " ({title})")?;
                }
                write!(
                    f,
                    " after {} attempt(s); stopped because {}",
                    details.attempts, details.reason
                )
            }
            Error::Json { message } => write!(f, "the body is not the JSON expected: {message}"),
            Error::Other { message } => write!(f, "fetch failed: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Error {
        Error::Config(error)
    }
}
