//! What comments keep in memory, shared by every worker.

use crate::config::Config;
use crate::http::rate_limit::KeyedLimiter;

pub struct CommentsState {
    /// Comments per client address.
    pub limiter: KeyedLimiter,
}

impl CommentsState {
    pub fn new(config: &Config) -> Self {
        Self {
            limiter: KeyedLimiter::per_minute(config.rate_limit_comments_per_minute),
        }
    }
}
