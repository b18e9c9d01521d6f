//! A retry budget per store: a token bucket that every retry draws from, so that a store that keeps
//! failing is not sent an ever-growing stream of retries.
//!
//! The rules are the AWS SDKs' standard retry mode. The bucket starts full; a retry takes tokens and is
//! refused (nothing taken) when there are not enough; a call that succeeds puts some back. Under a
//! sustained outage nothing comes back, so the bucket pays for a fixed number of retries (50 after server
//! errors, 100 after 429s with the default numbers) and then every call is tried once. Outside an
//! outage, ten first-try successes pay for one retry after a server error (five for one after a 429):
//! that is where "retries add about 10% load" comes from. A retry that leads to a success is refunded,
//! since it proved worth making.

/// How big the bucket is and what each event costs or gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetConfig {
    /// The most tokens the bucket holds; it starts full.
    pub capacity: u32,
    /// What a retry after throttling (a 429) takes.
    pub throttled_cost: u32,
    /// What any other retry takes (a 5xx, a network error, an attempt that timed out).
    pub retry_cost: u32,
    /// What a call that succeeds on its first attempt puts back.
    pub success_reward: u32,
}

// The AWS SDK standard retry mode's numbers: `INITIAL_RETRY_TOKENS`, `RETRY_COST`,
// `TIMEOUT_RETRY_COST` and `NO_RETRY_INCREMENT` in smithy-typescript's `util-retry/constants.ts`, and the
// "Retry budget" row of `../shared/reference/retry-anchors.md`.

/// The bucket holds 500 tokens (AWS SDK standard mode, `INITIAL_RETRY_TOKENS`).
pub const AWS_CAPACITY: u32 = 500;
/// A retry after throttling takes 5 (AWS SDK standard mode, `RETRY_COST`).
pub const AWS_THROTTLED_COST: u32 = 5;
/// Any other retry takes 10 (AWS SDK standard mode, `TIMEOUT_RETRY_COST`). The JavaScript SDK charges
/// 10 for TRANSIENT errors (500, 502, 503, 504, timeouts, network errors) and 5 for the rest, and
/// throttling is the only other kind it retries.
pub const AWS_RETRY_COST: u32 = 10;
/// A first-try success puts back 1 (AWS SDK standard mode, `NO_RETRY_INCREMENT`).
pub const AWS_SUCCESS_REWARD: u32 = 1;

/// The AWS SDK standard retry mode's bucket: 500 tokens, 5 a retry after a 429, 10 any other retry,
/// 1 back for a first-try success.
pub const AWS_STANDARD: BudgetConfig = BudgetConfig {
    capacity: AWS_CAPACITY,
    throttled_cost: AWS_THROTTLED_COST,
    retry_cost: AWS_RETRY_COST,
    success_reward: AWS_SUCCESS_REWARD,
};

/// The largest bucket allowed. Far below `u32::MAX`, so sums stay exact, and large enough for any real
/// store: a bigger number is more likely a mistake that would switch the budget off.
pub const MAX_CAPACITY: u32 = 1_000_000;

/// A budget configuration that cannot be used, naming the field at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetError {
    /// `capacity` is 0 or more than [`MAX_CAPACITY`].
    Capacity,
    /// `throttled_cost` is more than `capacity`: no throttled retry could ever be paid for.
    ThrottledCost,
    /// `retry_cost` is more than `capacity`: no retry could ever be paid for.
    RetryCost,
}

impl BudgetError {
    /// What is wrong, as a sentence fragment that names the field.
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetError::Capacity => "capacity must be a whole number from 1 to 1000000",
            BudgetError::ThrottledCost => "throttled_cost must not be more than capacity",
            BudgetError::RetryCost => "retry_cost must not be more than capacity",
        }
    }
}

impl BudgetConfig {
    /// Checks the configuration once, before a [`Budget`] is built from it: `capacity` from 1 to
    /// [`MAX_CAPACITY`], and neither cost above `capacity`. The first field at fault is returned.
    pub fn validate(&self) -> Result<(), BudgetError> {
        if self.capacity == 0 || self.capacity > MAX_CAPACITY {
            return Err(BudgetError::Capacity);
        }
        if self.throttled_cost > self.capacity {
            return Err(BudgetError::ThrottledCost);
        }
        if self.retry_cost > self.capacity {
            return Err(BudgetError::RetryCost);
        }
        Ok(())
    }
}

/// One store's retry budget: the bucket and its rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    config: BudgetConfig,
    tokens: u32,
}

impl Budget {
    /// A full bucket. The configuration should have passed [`BudgetConfig::validate`]; an invalid one
    /// never makes the budget panic, it only makes it useless.
    pub fn new(config: BudgetConfig) -> Budget {
        Budget {
            config,
            tokens: config.capacity,
        }
    }

    /// The tokens left.
    pub fn tokens(&self) -> u32 {
        self.tokens
    }

    /// The most tokens the bucket holds.
    pub fn capacity(&self) -> u32 {
        self.config.capacity
    }

    /// Takes the cost of one retry when there is enough; returns the cost taken, or None (retry refused, nothing taken).
    ///
    /// `throttled` is whether the attempt being retried was throttled (a 429). Keep the cost returned:
    /// it is what [`Budget::on_success`] gives back if the call then succeeds.
    pub fn try_retry(&mut self, throttled: bool) -> Option<u32> {
        let cost = if throttled {
            self.config.throttled_cost
        } else {
            self.config.retry_cost
        };
        self.tokens = self.tokens.checked_sub(cost)?;
        Some(cost)
    }

    /// A call ended in success: `retry_cost` is the cost its last retry took (None when it succeeded at once).
    ///
    /// As in the AWS SDKs, a success after retries refunds what its last retry took (the retry proved
    /// worth making), and a first-try success adds `success_reward`. The bucket never goes above its
    /// capacity.
    pub fn on_success(&mut self, retry_cost: Option<u32>) {
        let back = retry_cost.unwrap_or(self.config.success_reward);
        self.tokens = self.tokens.saturating_add(back).min(self.config.capacity);
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
