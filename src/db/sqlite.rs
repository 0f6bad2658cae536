//! Everything that only SQLite understands: connection pragmas. PostgreSQL will not need
//! them.

use diesel::connection::SimpleConnection;
use diesel::r2d2::CustomizeConnection;
use diesel::sqlite::SqliteConnection;

/// Milliseconds a connection waits for another writer before giving up.
const BUSY_TIMEOUT_MS: i32 = 10_000;
/// Bytes of the database file each connection reads through a memory map rather than
/// `read` calls into its own page cache: reads of the search index and of hot rows then
/// cost no copy. SQLite caps it at its build limit (2 GiB); it is address space, not memory.
const MMAP_BYTES: u64 = 2 << 30;

/// Applies the pragmas every connection needs (the busy timeout first, so that even
/// switching to WAL waits for a concurrent opener instead of failing): WAL so readers never wait for the writer,
/// enforced foreign keys, a busy timeout, `synchronous=NORMAL` (safe with WAL), and reads
/// through a memory map.
#[derive(Debug, Clone, Copy)]
pub struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             PRAGMA journal_mode = WAL;
             PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;
             PRAGMA mmap_size = {MMAP_BYTES};"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Switches a new database file to WAL once, before the pool opens connections in parallel:
/// changing the journal mode needs the file to itself, and racing openers would get "locked".
pub fn prepare(url: &str) -> Result<(), String> {
    use diesel::Connection;
    let mut conn = SqliteConnection::establish(url).map_err(|error| error.to_string())?;
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL;"
    ))
    .map_err(|error| error.to_string())
}
