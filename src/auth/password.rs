//! Argon2id password hashing.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

use crate::error::ApiError;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;

pub fn hash(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

pub fn verify(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash to verify against when the email is unknown, so that an unknown email costs the
/// same Argon2 work as a wrong password and the two cannot be told apart by timing.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash("not a real password, only for timing").unwrap_or_default());

pub fn verify_against_dummy(password: &str) {
    let _ = verify(password, &DUMMY_HASH);
}

/// Bounds how many passwords are hashed at once. Each Argon2id run holds 19 MiB and a core
/// for tens of milliseconds; on the blocking pool alone (512 threads) a login flood ran
/// hundreds at once, took gigabytes and slowed every login. Past the bound requests queue
/// (first come, first served) for at most `wait`, then get `503` with `Retry-After`.
pub struct HashingGate {
    slots: Semaphore,
    wait: Duration,
}

impl HashingGate {
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        Self {
            slots: Semaphore::new(concurrency.max(1)),
            wait,
        }
    }

    /// Runs `work` (a hash or a verification) on the blocking pool once a slot is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let busy = || ApiError::Busy {
            retry_after_secs: self.wait.as_secs().max(1),
        };
        let _slot = tokio::time::timeout(self.wait, self.slots.acquire())
            .await
            .map_err(|_| busy())?
            // Only a closed semaphore fails, and this one is never closed.
            .map_err(|_| busy())?;
        Ok(actix_web::web::block(work).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() -> Result<(), ApiError> {
        let hashed = hash("correct horse")?;
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify("correct horse", &hashed));
        assert!(!verify("wrong horse", &hashed));
        Ok(())
    }
}
