//! Argon2id password hashing.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout_at};

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
///
/// One client address holds or queues for at most all slots but one (one when there is only
/// one): a flood from one address then waits mostly in its own queue, and a user elsewhere
/// waits for at most one hash of the flood's before theirs, not for the flood's whole queue.
pub struct HashingGate {
    slots: Semaphore,
    /// Each address's share of the slots. Should an entry be evicted while in use, that
    /// address briefly gets a second share; the global bound holds regardless.
    shares: moka::sync::Cache<String, Arc<Semaphore>>,
    share: usize,
    wait: Duration,
}

/// Addresses whose shares are remembered; an address unseen for `SHARE_IDLE` is forgotten.
const SHARES: u64 = 10_000;
const SHARE_IDLE: Duration = Duration::from_secs(60);

impl HashingGate {
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            slots: Semaphore::new(concurrency),
            shares: moka::sync::Cache::builder()
                .max_capacity(SHARES)
                .time_to_idle(SHARE_IDLE)
                .build(),
            share: (concurrency - 1).max(1),
            wait,
        }
    }

    /// Runs `work` (a hash or a verification) for a request from `address` on the blocking
    /// pool, once a slot is free.
    pub async fn run<T, F>(&self, address: &str, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let busy = || ApiError::Busy {
            retry_after_secs: self.wait.as_secs().max(1),
        };
        let deadline = Instant::now() + self.wait;
        let share = self
            .shares
            .get_with_by_ref(address, || Arc::new(Semaphore::new(self.share)));
        // Only a closed semaphore fails to give a permit, and these are never closed.
        let _own = timeout_at(deadline, share.acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let _slot = timeout_at(deadline, self.slots.acquire())
            .await
            .map_err(|_| busy())?
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
