//! What authentication keeps in memory, shared by every worker.

use std::time::Duration;

use super::caller::Standings;
use super::password::HashingGate;
use super::tokens::TokenKeys;
use crate::config::Config;
use crate::http::rate_limit::KeyedLimiter;

pub struct AuthState {
    pub tokens: TokenKeys,
    /// Login attempts per client address and email.
    pub login_limiter: KeyedLimiter,
    /// Login attempts per client address, whatever the email.
    pub login_address_limiter: KeyedLimiter,
    /// Every password hash and verification of a request goes through it.
    pub hashing: HashingGate,
    /// Each signed-in user's current role and token version, checked on every request.
    pub standings: Standings,
}

impl AuthState {
    pub fn new(jwt_secret: &str, config: &Config) -> Self {
        Self {
            tokens: TokenKeys::new(jwt_secret, config),
            login_limiter: KeyedLimiter::per_minute(config.rate_limit_logins_per_minute),
            login_address_limiter: KeyedLimiter::per_minute(
                config.rate_limit_logins_per_address_per_minute,
            ),
            hashing: HashingGate::new(
                config.password_hashing_concurrency,
                Duration::from_millis(config.password_hashing_wait_ms),
            ),
            standings: Standings::default(),
        }
    }
}
