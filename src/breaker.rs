//! A circuit breaker per store: after a run of server errors, or while the store says it is down for
//! maintenance, calls fail at once instead of adding load to a store that cannot answer.
//!
//! The breaker is **closed** while calls go through. A rule of its mode (a run of failures, or a failure
//! ratio over a sliding window) or a maintenance answer **opens** it: calls are refused until a time.
//! After that time the next call is the one **probe** (half-open): its success closes the breaker, its
//! failure opens it again. Time is passed in as `now_ms`; a clock that steps back counts as no time
//! passing, so the breaker never panics and never reopens or closes early because of it.

/// Whether a status counts against the store's health: 500, 502, 503 and 504, the statuses BigCommerce
/// documents as worth retrying (`../shared/reference/bigcommerce-api-behaviour.md`). 501 and 505 say
/// the request can never work, a 429 says the store is up but busy, and a 4xx is about the request.
pub fn counts_as_failure(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// How the breaker decides to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerMode {
    /// Opens after `threshold` failures in a row; a success starts the count again (cockatiel's
    /// `ConsecutiveBreaker`).
    Consecutive {
        /// Failures in a row that open the breaker.
        threshold: u32,
    },
    /// Opens when, over the last `window_ms`, at least `min_calls` calls were counted and at least
    /// `failure_per_mille` of them (in thousandths) failed (Polly v8's circuit breaker).
    ///
    /// The window is [`WINDOW_BUCKETS`] buckets of `window_ms / WINDOW_BUCKETS` (rounded down) each; it
    /// slides a bucket at a time, so memory stays fixed however many calls are made.
    Sampling {
        /// The failure ratio that opens the breaker, in thousandths: 100 is 10%.
        failure_per_mille: u32,
        /// The fewest calls in the window before the ratio counts.
        min_calls: u32,
        /// How far back calls are counted, in milliseconds.
        window_ms: u64,
    },
}

/// Everything that decides when a store's breaker opens and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerConfig {
    /// The rule that opens the breaker.
    pub mode: BreakerMode,
    /// How long the breaker stays open before it lets a probe through, in milliseconds.
    pub break_ms: u64,
}

/// Polly v8's failure ratio: 10% (`CircuitBreakerConstants.DefaultFailureRatio`).
pub const POLLY_FAILURE_PER_MILLE: u32 = 100;
/// Polly v8's minimum throughput: 100 calls (`CircuitBreakerConstants.DefaultMinimumThroughput`).
pub const POLLY_MIN_CALLS: u32 = 100;
/// Polly v8's sampling duration: 30 s (`CircuitBreakerConstants.DefaultSamplingDuration`).
pub const POLLY_WINDOW_MS: u64 = 30_000;
/// Polly v8's break duration: 5 s (`CircuitBreakerConstants.DefaultBreakDuration`).
pub const POLLY_BREAK_MS: u64 = 5_000;

/// The default: Polly v8's circuit breaker, as Microsoft's standard resilience handler uses it. Opens
/// when 10% of at least 100 calls over 30 s failed, for 5 s (see `../shared/reference/retry-anchors.md`,
/// "Circuit breaker").
pub const POLLY_DEFAULT: BreakerConfig = BreakerConfig {
    mode: BreakerMode::Sampling {
        failure_per_mille: POLLY_FAILURE_PER_MILLE,
        min_calls: POLLY_MIN_CALLS,
        window_ms: POLLY_WINDOW_MS,
    },
    break_ms: POLLY_BREAK_MS,
};

/// Five failures in a row, as cockatiel's `ConsecutiveBreaker` is commonly set up
/// (`new ConsecutiveBreaker(5)`), opening for Polly's 5 s. For a store that gets too few calls to fill
/// a sampling window.
pub const CONSECUTIVE_DEFAULT: BreakerConfig = BreakerConfig {
    mode: BreakerMode::Consecutive { threshold: 5 },
    break_ms: POLLY_BREAK_MS,
};

/// How many buckets a sampling window is cut into (Polly's `RollingHealthMetrics` uses 10 as well).
pub const WINDOW_BUCKETS: u64 = 10;

/// The shortest sampling window: one millisecond a bucket.
pub const MIN_WINDOW_MS: u64 = WINDOW_BUCKETS;

/// The longest sampling window: one day. A larger number is more likely seconds written as
/// milliseconds than a real need.
pub const MAX_WINDOW_MS: u64 = 86_400_000;

/// The longest break, and the longest a maintenance hint keeps the breaker open (a longer hint is cut
/// to it): one day. A store down for longer is not a breaker's business.
pub const MAX_BREAK_MS: u64 = 86_400_000;

/// A breaker configuration that cannot be used, naming the field at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerError {
    /// A consecutive `threshold` of 0.
    Threshold,
    /// A `failure_per_mille` of 0 or over 1000.
    FailurePerMille,
    /// A `min_calls` of 0.
    MinCalls,
    /// A `window_ms` under [`MIN_WINDOW_MS`] or over [`MAX_WINDOW_MS`].
    WindowMs,
    /// A `break_ms` over [`MAX_BREAK_MS`].
    BreakMs,
}

impl BreakerError {
    /// What is wrong, as a sentence fragment that names the field.
    pub fn as_str(self) -> &'static str {
        match self {
            BreakerError::Threshold => "threshold must be at least 1",
            BreakerError::FailurePerMille => "failure_per_mille must be from 1 to 1000",
            BreakerError::MinCalls => "min_calls must be at least 1",
            BreakerError::WindowMs => "window_ms must be from 10 to 86400000 (one day)",
            BreakerError::BreakMs => "break_ms must be at most 86400000 (one day)",
        }
    }
}

impl BreakerConfig {
    /// Checks the configuration once, before a [`Breaker`] is built from it. The first field at fault
    /// is returned.
    pub fn validate(&self) -> Result<(), BreakerError> {
        match self.mode {
            BreakerMode::Consecutive { threshold } => {
                if threshold == 0 {
                    return Err(BreakerError::Threshold);
                }
            }
            BreakerMode::Sampling {
                failure_per_mille,
                min_calls,
                window_ms,
            } => {
                if !(1..=1000).contains(&failure_per_mille) {
                    return Err(BreakerError::FailurePerMille);
                }
                if min_calls == 0 {
                    return Err(BreakerError::MinCalls);
                }
                if !(MIN_WINDOW_MS..=MAX_WINDOW_MS).contains(&window_ms) {
                    return Err(BreakerError::WindowMs);
                }
            }
        }
        if self.break_ms > MAX_BREAK_MS {
            return Err(BreakerError::BreakMs);
        }
        Ok(())
    }
}

/// How a call ended, as far as the store's health goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerResult {
    /// The store answered with a status that does not count as a failure: 2xx, 3xx, 4xx (429
    /// included: the store is up), 501, 505.
    Success,
    /// The store did not answer usefully: a status that [`counts_as_failure`], a network error, or an
    /// attempt that ran out of time.
    Failure {
        /// The wait the answer asked for, in milliseconds (its `Retry-After` or `X-Retry-After`).
        retry_after_ms: Option<u64>,
        /// Whether the answer was a 503 Service Unavailable, what BigCommerce sends while a store is
        /// down for maintenance. With a wait of at least `break_ms` it opens the breaker at once, until
        /// that wait is over.
        service_unavailable: bool,
    },
    /// The call says nothing about the store's health: the caller aborted it, or it was never sent.
    /// Nothing is counted; after a probe, the next call is a probe again.
    Ignored,
}

impl BreakerResult {
    /// The result of an answer with `status` and the wait it asked for (`retry_after_ms`). A network
    /// error or a timeout is `Failure { retry_after_ms: None, service_unavailable: false }`.
    pub fn from_response(status: u16, retry_after_ms: Option<u64>) -> BreakerResult {
        if counts_as_failure(status) {
            BreakerResult::Failure {
                retry_after_ms,
                service_unavailable: status == 503,
            }
        } else {
            BreakerResult::Success
        }
    }
}

/// Whether a call may go to the store now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// The breaker is closed: send it.
    Allow,
    /// The break is over and this call is the one probe: send it, and record its result with
    /// `was_probe: true` whatever happens (`Ignored` if it is aborted). Until then every other call is
    /// refused: a probe that is never recorded keeps the breaker half-open, as in Polly and cockatiel.
    Probe,
    /// Refused without sending: fail at once. `retry_at_ms` is when to ask again: the end of the break
    /// while the breaker is open, or `now_ms + break_ms` while a probe is in flight (its answer is not
    /// due at a known time; a later call that comes before it is refused again).
    Reject {
        /// When the breaker may let a call through again, on the `now_ms` clock.
        retry_at_ms: u64,
    },
}

/// Where the breaker stands, for stats and dashboards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// Calls are refused until `until_ms`.
    Open {
        /// When the break ends, on the `now_ms` clock.
        until_ms: u64,
    },
    /// The break is over: the next call is the probe, or the probe is in flight.
    HalfOpen,
}

/// What the breaker is doing; `Open` past its time and `Probing` are both reported as half-open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Closed,
    Open { until_ms: u64 },
    Probing,
}

/// The calls and failures counted in one slice of the sampling window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Bucket {
    /// Which slice of time (`now_ms / width`) the counts belong to.
    slice: u64,
    calls: u32,
    failures: u32,
}

/// One store's circuit breaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breaker {
    config: BreakerConfig,
    phase: Phase,
    /// The latest `now_ms` seen: an earlier one is taken as this one.
    latest_ms: u64,
    /// Failures in a row (consecutive mode).
    run: u32,
    /// The sampling window (sampling mode), a ring indexed by `slice % WINDOW_BUCKETS`.
    buckets: [Bucket; WINDOW_BUCKETS as usize],
}

impl Breaker {
    /// A closed breaker with nothing counted. The configuration should have passed
    /// [`BreakerConfig::validate`]; an invalid one never makes the breaker panic.
    pub fn new(config: BreakerConfig) -> Breaker {
        Breaker {
            config,
            phase: Phase::Closed,
            latest_ms: 0,
            run: 0,
            buckets: [Bucket::default(); WINDOW_BUCKETS as usize],
        }
    }

    /// Whether a call may be sent at `now_ms`. Past the end of a break, the first call is the probe.
    pub fn admit(&mut self, now_ms: u64) -> Admission {
        let now = self.advance(now_ms);
        match self.phase {
            Phase::Closed => Admission::Allow,
            Phase::Open { until_ms } if now < until_ms => Admission::Reject {
                retry_at_ms: until_ms,
            },
            Phase::Open { .. } => {
                self.phase = Phase::Probing;
                Admission::Probe
            }
            Phase::Probing => Admission::Reject {
                retry_at_ms: now.saturating_add(self.config.break_ms),
            },
        }
    }

    /// Records how a call ended at `now_ms`. `was_probe` says the call was admitted as the
    /// [`Admission::Probe`]; it is taken as a plain call when no probe is in flight.
    ///
    /// A maintenance answer (a 503 asking for at least `break_ms`) opens the breaker until its wait is
    /// over, or keeps an open one open that long. Otherwise, while closed, the mode's rule decides; the
    /// probe's success closes the breaker and forgets all counts, its failure opens it for `break_ms`.
    /// Other calls that end while the breaker is open or probing (sent before it opened) change nothing.
    pub fn record(&mut self, now_ms: u64, result: BreakerResult, was_probe: bool) {
        let now = self.advance(now_ms);
        let maintenance_until = self.maintenance_until(now, result);
        match self.phase {
            Phase::Probing if was_probe => match result {
                BreakerResult::Success => self.close(),
                BreakerResult::Failure { .. } => {
                    let until_ms =
                        maintenance_until.unwrap_or_else(|| now.saturating_add(self.config.break_ms));
                    self.phase = Phase::Open { until_ms };
                }
                // The probe told nothing: the next call probes again.
                BreakerResult::Ignored => self.phase = Phase::Open { until_ms: now },
            },
            Phase::Probing => {}
            Phase::Open { until_ms } => {
                if let Some(later) = maintenance_until.filter(|&later| later > until_ms) {
                    self.phase = Phase::Open { until_ms: later };
                }
            }
            Phase::Closed => {
                let opens = self.count(now, result);
                if let Some(until_ms) = maintenance_until {
                    self.phase = Phase::Open { until_ms };
                } else if opens {
                    self.phase = Phase::Open {
                        until_ms: now.saturating_add(self.config.break_ms),
                    };
                }
            }
        }
    }

    /// Where the breaker stands at `now_ms`.
    pub fn state(&self, now_ms: u64) -> BreakerState {
        let now = now_ms.max(self.latest_ms);
        match self.phase {
            Phase::Closed => BreakerState::Closed,
            Phase::Open { until_ms } if now < until_ms => BreakerState::Open { until_ms },
            Phase::Open { .. } | Phase::Probing => BreakerState::HalfOpen,
        }
    }

    /// Failures and calls counted in the current window (for stats).
    ///
    /// In sampling mode, the calls recorded while closed over the last window at `now_ms`. In
    /// consecutive mode the window is the current run: both numbers are the failures since the last
    /// success. The probe's success clears them.
    pub fn counts(&self, now_ms: u64) -> (u32, u32) {
        match self.config.mode {
            BreakerMode::Consecutive { .. } => (self.run, self.run),
            BreakerMode::Sampling { window_ms, .. } => {
                let slice = now_ms.max(self.latest_ms) / bucket_width(window_ms);
                self.window_counts(slice)
            }
        }
    }

    /// `now_ms`, or the latest time seen if that is later: a clock that steps back counts as no time
    /// passing.
    fn advance(&mut self, now_ms: u64) -> u64 {
        self.latest_ms = self.latest_ms.max(now_ms);
        self.latest_ms
    }

    /// When a maintenance answer would have the breaker open until, or `None` if `result` is not one.
    fn maintenance_until(&self, now: u64, result: BreakerResult) -> Option<u64> {
        match result {
            BreakerResult::Failure {
                retry_after_ms: Some(wait),
                service_unavailable: true,
            } if wait >= self.config.break_ms => Some(now.saturating_add(wait.min(MAX_BREAK_MS))),
            _ => None,
        }
    }

    /// Counts a result of a call made while closed; returns whether the mode's rule opens the breaker.
    fn count(&mut self, now: u64, result: BreakerResult) -> bool {
        let failed = match result {
            BreakerResult::Success => false,
            BreakerResult::Failure { .. } => true,
            BreakerResult::Ignored => return false,
        };
        match self.config.mode {
            BreakerMode::Consecutive { threshold } => {
                self.run = if failed { self.run.saturating_add(1) } else { 0 };
                failed && self.run >= threshold
            }
            BreakerMode::Sampling {
                failure_per_mille,
                min_calls,
                window_ms,
            } => {
                let slice = now / bucket_width(window_ms);
                if let Some(bucket) = self.buckets.get_mut(ring_index(slice)) {
                    if bucket.slice != slice {
                        *bucket = Bucket {
                            slice,
                            ..Bucket::default()
                        };
                    }
                    bucket.calls = bucket.calls.saturating_add(1);
                    bucket.failures = bucket.failures.saturating_add(u32::from(failed));
                }
                let (failures, calls) = self.window_counts(slice);
                // failures / calls ≥ per_mille / 1000, in integers: both sides fit in a u64.
                failed
                    && calls >= min_calls
                    && u64::from(failures) * 1000 >= u64::from(failure_per_mille) * u64::from(calls)
            }
        }
    }

    /// Failures and calls in the buckets of the window that ends with `slice`.
    fn window_counts(&self, slice: u64) -> (u32, u32) {
        self.buckets
            .iter()
            .filter(|bucket| bucket.slice <= slice && slice - bucket.slice < WINDOW_BUCKETS)
            .fold((0u32, 0u32), |(failures, calls), bucket| {
                (
                    failures.saturating_add(bucket.failures),
                    calls.saturating_add(bucket.calls),
                )
            })
    }

    /// Closes the breaker and forgets what was counted, as Polly does on closing.
    fn close(&mut self) {
        self.phase = Phase::Closed;
        self.run = 0;
        self.buckets = [Bucket::default(); WINDOW_BUCKETS as usize];
    }
}

/// The width of one bucket of a window: at least 1 ms, so that an unchecked configuration cannot divide
/// by zero.
fn bucket_width(window_ms: u64) -> u64 {
    (window_ms / WINDOW_BUCKETS).max(1)
}

/// Where the bucket of `slice` sits in the ring.
fn ring_index(slice: u64) -> usize {
    // Below WINDOW_BUCKETS, so the cast cannot truncate.
    (slice % WINDOW_BUCKETS) as usize
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
