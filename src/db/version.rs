//! The public content version: what caches of public responses are keyed on. Triggers
//! (`migrations/sqlite/2026-11-25-000001_initial_schema/up.sql`) count it in the database,
//! in the transaction of every write the public can see, so all processes sharing the
//! database agree on it; a write nobody outside can see (a draft, a pending comment, a view
//! flush) leaves it alone. Scheduled articles come due without a write, so the next due
//! date is part of it too.

use chrono::NaiveDateTime;
use diesel::dsl::min;
use diesel::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use super::Conn;
use super::schema::{articles, public_version};

/// What a cached public response was made from, and how long that holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicState {
    pub version: u64,
    /// The next scheduled article's date (Unix seconds): the public content changes then.
    pub valid_until: i64,
}

impl PublicState {
    /// Whether a response made at `self` is still what the public would get at `now`.
    pub fn still_holds(self, current: PublicState, now: i64) -> bool {
        self.version == current.version && now < self.valid_until
    }
}

/// The last version and due date read from the database.
#[derive(Debug)]
pub struct PublicVersion {
    version: AtomicU64,
    next_due: AtomicI64,
    /// Whether every write that moves the version reaches this process: always on SQLite
    /// (one process), on PostgreSQL while its listener listens (`postgres.rs`).
    heard: AtomicBool,
}

impl Default for PublicVersion {
    fn default() -> Self {
        Self {
            version: AtomicU64::new(0),
            // Nothing is known yet: nothing may be cached until the first read.
            next_due: AtomicI64::new(i64::MIN),
            heard: AtomicBool::new(true),
        }
    }
}

impl PublicVersion {
    pub fn current(&self) -> PublicState {
        let valid_until = match self.heard.load(Ordering::Acquire) {
            true => self.next_due.load(Ordering::Acquire),
            // Another instance's write could go unheard: nothing cached holds.
            false => i64::MIN,
        };
        PublicState {
            version: self.version.load(Ordering::Acquire),
            valid_until,
        }
    }

    /// Whether writes from every process reach this one (see `heard`).
    pub fn set_heard(&self, heard: bool) {
        self.heard.store(heard, Ordering::Release);
    }

    /// Whether the due date has passed, so the state must be read again.
    pub fn is_due(&self, now: i64) -> bool {
        now >= self.next_due.load(Ordering::Acquire)
    }

    /// Reads the version and the next due date; run after every write and when due.
    pub fn refresh(&self, conn: &mut Conn, now: NaiveDateTime) -> QueryResult<PublicState> {
        let version: i64 = public_version::table
            .select(public_version::version)
            .first(conn)?;
        let next_due: Option<NaiveDateTime> = articles::table
            .filter(articles::status.eq("published"))
            .filter(articles::published_at.gt(now))
            .select(min(articles::published_at))
            .first(conn)?;
        let next_due = next_due.map_or(i64::MAX, |due| due.and_utc().timestamp());
        // Versions only count up; a slower reader must not move them back.
        self.version
            .fetch_max(u64::try_from(version).unwrap_or(0), Ordering::AcqRel);
        self.next_due.store(next_due, Ordering::Release);
        Ok(self.current())
    }
}
