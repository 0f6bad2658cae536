//! Login attempt limits, per client address and email.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

use crate::error::ApiError;

/// Allows `per_minute` attempts for each (address, email) pair, refilled steadily.
pub struct LoginLimiter {
    limiter: DefaultKeyedRateLimiter<(String, String)>,
}

impl LoginLimiter {
    pub fn new(per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Counts one attempt; `429` with the wait when the pair is over its quota.
    pub fn check(&self, address: &str, email: &str) -> Result<(), ApiError> {
        let key = (address.to_owned(), email.to_lowercase());
        self.limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
            }
        })?;
        // Old keys would otherwise pile up for as long as the process lives.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        Ok(())
    }
}
