//! Argon2id password hashing.

use argon2::password_hash::phc::Output;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, oneshot};
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

thread_local! {
    /// This thread's Argon2 working memory (19 MiB with the default parameters), kept for
    /// its next verification. Allocating it anew each time left freed blocks in malloc's
    /// arenas: memory grew with every login, up to hundreds of MiB, long after they ended.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Whether `password` matches the PHC string `hash` (any Argon2 variant and parameters), as
/// `argon2`'s own verifier decides (constant-time comparison), but on reused memory.
pub fn verify(password: &str, hash: &str) -> bool {
    verify_reusing_memory(password, hash).unwrap_or(false)
}

fn verify_reusing_memory(password: &str, hash: &str) -> Option<bool> {
    let parsed = PasswordHash::new(hash).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).ok()?;
    let version = match parsed.version {
        Some(version) => Version::try_from(version).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).ok()?;
    let (salt, expected) = (parsed.salt.as_ref()?, parsed.hash.as_ref()?);
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut computed = vec![0u8; expected.len()];
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        let memory = memory.get_mut(..blocks)?;
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, memory)
            .ok()
    })?;
    Some(Output::new(&computed).ok()? == *expected)
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
///
/// The hashing itself runs on threads of its own, as many as slots. On the blocking pool,
/// each thread that ever hashed kept its 19 MiB in its malloc arena once done (glibc's
/// mmap threshold rises to the size of a freed block), so memory grew with the threads
/// used, not the hashes running: 1.5 GB in a flood with the bound in place.
pub struct HashingGate {
    slots: Semaphore,
    jobs: mpsc::Sender<Job>,
    /// Each address's share of the slots. Should an entry be evicted while in use, that
    /// address briefly gets a second share; the global bound holds regardless.
    shares: moka::sync::Cache<String, Arc<Semaphore>>,
    share: usize,
    wait: Duration,
}

/// Addresses whose shares are remembered; an address unseen for `SHARE_IDLE` is forgotten.
const SHARES: u64 = 10_000;
const SHARE_IDLE: Duration = Duration::from_secs(60);

type Job = Box<dyn FnOnce() + Send>;

/// Starts the hashing threads; they end when the gate is dropped.
fn hashing_threads(count: usize) -> mpsc::Sender<Job> {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..count {
        let receiver = receiver.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("password-hashing-{n}"))
            .spawn(move || {
                loop {
                    // The lock is held only to take a job, never while running it.
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    // A panicking job loses its answer (the request gets 500), not the thread.
                    let _ = catch_unwind(AssertUnwindSafe(job));
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "could not start a password hashing thread");
        }
    }
    sender
}

impl HashingGate {
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            slots: Semaphore::new(concurrency),
            jobs: hashing_threads(concurrency),
            shares: moka::sync::Cache::builder()
                .max_capacity(SHARES)
                .time_to_idle(SHARE_IDLE)
                .build(),
            share: (concurrency - 1).max(1),
            wait,
        }
    }

    /// Runs `work` (a hash or a verification) for a request from `address` on a hashing
    /// thread, once a slot is free.
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
        let (answer, answered) = oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = answer.send(work());
            }))
            .map_err(|_| ApiError::internal("no password hashing thread is running"))?;
        answered
            .await
            .map_err(|_| ApiError::internal("a password hashing job failed"))
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

    #[test]
    fn other_variants_and_parameters_verify_on_the_reused_memory() -> Result<(), ApiError> {
        let small = Params::new(64, 2, 1, None).map_err(ApiError::internal)?;
        for algorithm in [Algorithm::Argon2i, Algorithm::Argon2d, Algorithm::Argon2id] {
            let hashed = Argon2::new(algorithm, Version::V0x10, small.clone())
                .hash_password(b"correct horse")
                .map_err(ApiError::internal)?
                .to_string();
            assert!(verify("correct horse", &hashed), "{hashed}");
            assert!(!verify("wrong horse", &hashed), "{hashed}");
        }
        // Back to the default (larger) parameters on the same thread.
        assert!(verify("correct horse", &hash("correct horse")?));
        assert!(!verify("correct horse", "not a PHC string"));
        Ok(())
    }
}
