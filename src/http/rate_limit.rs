//! Per-key request limits (login attempts, comment posts), answered with `429` and
//! `Retry-After`.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

use crate::error::ApiError;

/// Allows `per_minute` requests for each key, refilled steadily.
pub struct KeyedLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl KeyedLimiter {
    pub fn per_minute(per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Counts one request for `key`; `429` with the wait when the key is over its quota.
    pub fn check(&self, key: String) -> Result<(), ApiError> {
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
