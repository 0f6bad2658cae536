//! Everything that only SQLite understands: connection pragmas, the database file itself
//! (still there? writable?), and which of its errors are storage trouble. PostgreSQL will
//! not need them.

use diesel::ConnectionError;
use diesel::connection::SimpleConnection;
use diesel::r2d2::CustomizeConnection;
use diesel::sqlite::SqliteConnection;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::AnyConnection;

/// Milliseconds a connection waits for another writer before giving up.
const BUSY_TIMEOUT_MS: i32 = 10_000;
/// Bytes of the database file each connection reads through a memory map rather than
/// `read` calls into its own page cache: reads of the search index and of hot rows then
/// cost no copy. SQLite caps it at its build limit (2 GiB); it is address space, not memory.
const MMAP_BYTES: u64 = 2 << 30;

/// Applies the pragmas every connection needs (the busy timeout first, so that even
/// switching to WAL waits for a concurrent opener instead of failing): WAL so readers never wait for the writer,
/// enforced foreign keys, a busy timeout, `synchronous=NORMAL` (safe with WAL), and reads
/// through a memory map. A new connection to a file the server may not write is refused:
/// SQLite would open it read-only without a word, and keep it so after the file became
/// writable again.
#[derive(Debug)]
pub struct Pragmas {
    pub file: DatabaseFile,
}

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        let AnyConnection::Sqlite(conn) = conn else {
            return Ok(());
        };
        if !self.file.is_writable() {
            return Err(diesel::r2d2::Error::ConnectionError(
                ConnectionError::BadConnection("the file is not writable".to_owned()),
            ));
        }
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

/// Opens (creating it and its folder when missing) the database file at `url`, as a new
/// pool will: switched to WAL, and writable.
pub fn open_file(url: &str) -> Result<DatabaseFile, String> {
    if let Some(parent) = Path::new(url)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|error| {
            format!(
                "cannot create the folder {} of DATABASE_URL ({url}): {error}",
                parent.display()
            )
        })?;
    }
    let cannot_open = |error: String| format!("cannot open DATABASE_URL ({url}): {error}");
    prepare(url).map_err(cannot_open)?;
    let file = DatabaseFile::new(url);
    if !file.is_writable() {
        return Err(cannot_open("the file is not writable".to_owned()));
    }
    Ok(file)
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

/// The database file the server opened: it notices when the file is deleted or replaced
/// under it (writes would go to a file nobody will open again, and vanish at the next
/// start) and when it cannot be written.
#[derive(Debug, Clone)]
pub struct DatabaseFile {
    path: PathBuf,
    /// Device and inode of the file when it was opened.
    identity: Option<(u64, u64)>,
}

impl DatabaseFile {
    pub fn new(path: &str) -> Self {
        let path = PathBuf::from(path);
        let identity = identity(&path);
        Self { path, identity }
    }

    /// Whether the path still names the file that was opened.
    pub fn is_still_there(&self) -> bool {
        self.identity.is_some() && identity(&self.path) == self.identity
    }

    /// Whether the server may write the file now: `access(2)`, which also knows read-only
    /// mounts and the immutable attribute. Never by opening the file: closing any other
    /// descriptor of it would drop the locks SQLite holds on it in this process (POSIX
    /// locks are per process), and another process could then corrupt the database.
    pub fn is_writable(&self) -> bool {
        rustix::fs::access(&self.path, rustix::fs::Access::WRITE_OK).is_ok()
    }
}

fn identity(path: &std::path::Path) -> Option<(u64, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.dev(), metadata.ino()))
}

/// Whether an error SQLite reported is trouble with the storage rather than with the
/// request: a full disk, an I/O error, a read-only or locked file. It passes when its cause
/// does, so it is a `503` with `Retry-After`, never a `500`. SQLite's messages for these
/// codes are fixed strings (diesel passes on the message, not the code).
pub fn is_storage_trouble(message: &str) -> bool {
    const TROUBLE: [&str; 6] = [
        "database or disk is full",
        "disk I/O error",
        "attempt to write a readonly database",
        "database is locked",
        "unable to open database file",
        "database disk image is malformed",
    ];
    TROUBLE.iter().any(|trouble| message.starts_with(trouble))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use actix_web::ResponseError;
    use diesel::{Connection, RunQueryDsl};

    #[test]
    fn a_full_database_is_a_503_not_a_500() -> Result<(), Box<dyn std::error::Error>> {
        let mut conn = SqliteConnection::establish(":memory:")?;
        conn.batch_execute("CREATE TABLE t (x BLOB); PRAGMA max_page_count = 3;")?;
        let full =
            diesel::sql_query("INSERT INTO t VALUES (randomblob(100000))").execute(&mut conn);
        let status = full.map_err(|error| ApiError::from(error).status_code());
        assert_eq!(
            status,
            Err(actix_web::http::StatusCode::SERVICE_UNAVAILABLE)
        );
        Ok(())
    }
}
