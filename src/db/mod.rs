//! The database: the connection pool, embedded migrations, and the helpers that run diesel
//! on the blocking thread pool, never on actix's async workers.

mod postgres;
pub mod raw;
pub mod reassign;
pub mod schema;
mod sqlite;
pub mod version;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::ApiError;
use sqlite::DatabaseFile;
use version::{PublicState, PublicVersion};

/// A connection to either database: `DATABASE_URL` decides which (`postgres://` or
/// `postgresql://` for PostgreSQL, else a SQLite file). Queries are written once, against
/// diesel's backend for both (`MultiBackend`); what differs lives in `sqlite.rs` and
/// `postgres.rs` (and `fulltext/fts.rs` for search).
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Sqlite(SqliteConnection),
    Postgres(diesel::PgConnection),
}

pub type Conn = AnyConnection;
/// The backend every query is written for.
pub type Backend = MultiBackend;
/// A connection lent by the pool, returned to it when dropped.
pub type PooledConn = PooledConnection<ConnectionManager<AnyConnection>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs `$body` with `$conn` bound to the connection of whichever database it is: for the
/// few statements diesel builds for one backend at a time (a batch insert), written once.
#[macro_export]
macro_rules! on_each_backend {
    ($conn:expr, |$inner:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($inner) => $body,
            $crate::db::AnyConnection::Postgres($inner) => $body,
        }
    };
}

/// Whether `url` names a PostgreSQL server rather than a SQLite file.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A pool of connections plus the lock that serializes writers.
///
/// SQLite allows one writer at a time. Taking this lock before `BEGIN IMMEDIATE` makes
/// writers queue in the process instead of spinning in SQLite's busy handler, so no request
/// ever sees "database is locked".
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<AnyConnection>>,
    write_lock: Arc<Mutex<()>>,
    /// The public content version, read after every write.
    public: Arc<PublicVersion>,
    /// The SQLite file behind the pool, watched for deletion and replacement.
    file: Option<Arc<DatabaseFile>>,
    /// Counts the writes this process has heard of: its own, and on PostgreSQL other
    /// instances' new events. Followers of the `events` table wait on it.
    writes: Arc<tokio::sync::watch::Sender<u64>>,
}

/// How long a request waits for a connection before it is told to come back (`503`).
const CONNECTION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl Db {
    /// Opens the database (a SQLite file is created when missing) and applies pending
    /// migrations. `url` is the `DATABASE_URL` setting, which the errors name: it is what
    /// to fix.
    pub fn open(url: &str, pool_size: u32) -> Result<Self, String> {
        let on_postgres = is_postgres_url(url);
        let cannot_open = |error: String| format!("cannot open DATABASE_URL ({url}): {error}");
        let builder = Pool::builder()
            .max_size(pool_size)
            // Storage trouble makes new connections fail: a request waits this long for
            // one, then gets a 503, rather than r2d2's default 30 seconds.
            .connection_timeout(CONNECTION_TIMEOUT);
        let (builder, file) = if on_postgres {
            (builder, None)
        } else {
            let file = sqlite::open_file(url)?;
            let pragmas = sqlite::Pragmas { file: file.clone() };
            (
                builder.connection_customizer(Box::new(pragmas)),
                Some(Arc::new(file)),
            )
        };
        let pool = builder
            .build(ConnectionManager::<AnyConnection>::new(url))
            .map_err(|error| cannot_open(error.to_string()))?;
        let db = Self {
            pool,
            write_lock: Arc::new(Mutex::new(())),
            public: Arc::new(PublicVersion::default()),
            file,
            writes: Arc::new(tokio::sync::watch::Sender::new(0)),
        };
        db.migrate()?;
        db.read_blocking(|conn| Ok(db.public.refresh(conn, crate::time::now())?))
            .map_err(|error| cannot_open(error.to_string()))?;
        if on_postgres {
            postgres::listen(url.to_owned(), &db.public, &db.writes).map_err(cannot_open)?;
        }
        Ok(db)
    }

    fn migrate(&self) -> Result<(), String> {
        let mut conn = self.pool.get().map_err(|error| error.to_string())?;
        let applied = match &mut *conn {
            AnyConnection::Sqlite(conn) => {
                conn.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ())
            }
            AnyConnection::Postgres(conn) => {
                conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ())
            }
        };
        applied.map_err(|error| format!("migrations failed: {error}"))
    }

    /// Runs a read on the blocking pool.
    pub async fn read<T, F>(&self, query: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Conn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.read_blocking(query)).await?
    }

    /// Runs a write in one `BEGIN IMMEDIATE` transaction on the blocking pool.
    pub async fn write<T, F>(&self, change: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Conn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(change)).await?
    }

    /// The same as [`Db::read`], for callers that are already off the async workers.
    pub fn read_blocking<T>(
        &self,
        query: impl FnOnce(&mut Conn) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = self.pool.get()?;
        query(&mut conn)
    }

    /// An idle connection for work that a request can do alongside its own, if one is free
    /// right now. It never waits: a request that holds a connection and waits for a second
    /// could starve the pool when many do.
    pub fn spare(&self) -> Option<PooledConn> {
        self.pool.try_get()
    }

    /// The same as [`Db::write`], for callers that are already off the async workers.
    pub fn write_blocking<T>(
        &self,
        change: impl FnOnce(&mut Conn) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        if self
            .file
            .as_ref()
            .is_some_and(|file| !file.is_still_there())
        {
            // Deleted or replaced under the server: what it wrote now would vanish.
            tracing::error!("the database file was deleted or replaced; restart the server");
            return Err(ApiError::Unavailable);
        }
        let mut conn = self.pool.get()?;
        // A poisoned lock only means another writer panicked; the data is in SQLite, not here.
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A write that fails is rolled back: nothing the public sees can have moved.
        let value = transaction(&mut conn, Transaction::Write, change)?;
        if let Err(error) = self.public.refresh(&mut conn, crate::time::now()) {
            // Cached public responses then live on until the next write or their lag
            // bound; the write itself succeeded.
            tracing::warn!(%error, "could not read the public content version");
        }
        self.writes
            .send_modify(|count| *count = count.wrapping_add(1));
        Ok(value)
    }

    /// Runs reads that must all see the database as it was at one moment (an export, whose
    /// comments must not name an article created after the articles were read), in one
    /// read-only transaction. Writers go on meanwhile.
    pub fn snapshot_blocking<T>(
        &self,
        query: impl FnOnce(&mut Conn) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = self.pool.get()?;
        transaction(&mut conn, Transaction::Snapshot, query)
    }

    /// After many rows were written at once (the demo seeder): on PostgreSQL, the planner's
    /// statistics and the visibility map are brought up to date (`VACUUM ANALYZE`), so the
    /// first queries use the indexes rather than wait for autovacuum.
    pub fn after_bulk_load(&self) -> Result<(), ApiError> {
        self.read_blocking(|conn| match conn {
            AnyConnection::Postgres(_) => {
                diesel::sql_query("VACUUM ANALYZE").execute(conn)?;
                Ok(())
            }
            AnyConnection::Sqlite(_) => Ok(()),
        })
    }

    /// Changes whenever a write may have recorded events: every write of this process,
    /// and on PostgreSQL every new event of another instance. A follower of the `events`
    /// table reads after each change (and now and then regardless: a change seen while
    /// reading is not missed, since `changed` compares with the last value seen).
    pub fn writes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.writes.subscribe()
    }

    /// Waits until a write is heard on `writes` (from [`Db::writes`]) or `at_most` has
    /// passed, whichever comes first: followers of the `events` table read after either.
    /// Once nothing can be heard any more, it waits the whole `at_most` (they then poll).
    pub async fn next_write(writes: &mut tokio::sync::watch::Receiver<u64>, at_most: Duration) {
        let heard = actix_web::rt::time::timeout(at_most, writes.changed()).await;
        if let Ok(Err(_closed)) = heard {
            actix_web::rt::time::sleep(at_most).await;
        }
    }

    /// The public content version as last read: what cached public responses are keyed on.
    pub fn public_state(&self) -> PublicState {
        self.public.current()
    }

    /// The public content version, read again when a scheduled article has come due since
    /// it was last read.
    pub async fn current_public_state(&self, now: i64) -> Result<PublicState, ApiError> {
        if !self.public.is_due(now) {
            return Ok(self.public.current());
        }
        let public = self.public.clone();
        self.read(move |conn| Ok(public.refresh(conn, crate::time::now())?))
            .await
    }

    /// Whether the database answers a trivial query and a write could succeed: its file is
    /// still the one opened, and writable.
    pub async fn is_ready(&self) -> bool {
        if let Some(file) = &self.file
            && (!file.is_still_there() || !file.is_writable())
        {
            return false;
        }
        self.read(|conn| {
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map(|_| ())
                .map_err(ApiError::from)
        })
        .await
        .is_ok()
    }
}

/// The advisory lock key writers take on PostgreSQL (any constant the database's other users
/// do not take: "news" in ASCII).
const WRITER_LOCK: i64 = 0x6E65_7773;

/// What a transaction is for.
#[derive(Clone, Copy)]
enum Transaction {
    /// Changes, one writer at a time (see [`transaction`]).
    Write,
    /// Reads that see one moment: SQLite's WAL gives a transaction one snapshot from its
    /// first read on; PostgreSQL does only at `REPEATABLE READ` (its default, `READ
    /// COMMITTED`, takes a new one for every statement).
    Snapshot,
}

/// Runs `change` in one transaction; a write one writer at a time across every process on
/// the database. On SQLite a write is `BEGIN IMMEDIATE`, which takes the write lock at once,
/// so a transaction that reads before it writes never fails to upgrade. On PostgreSQL a
/// transaction-scoped advisory lock does the same: rules that read before they write (the
/// last admin, slugs, refresh-token rotation) hold across instances, and two writers never
/// deadlock on the public version row and article rows taken in different orders.
fn transaction<T>(
    conn: &mut AnyConnection,
    kind: Transaction,
    change: impl FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    match (&mut *conn, kind) {
        (AnyConnection::Sqlite(inner), Transaction::Write) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
        }
        (AnyConnection::Sqlite(inner), Transaction::Snapshot) => {
            AnsiTransactionManager::begin_transaction(inner)?;
        }
        (AnyConnection::Postgres(inner), Transaction::Write) => {
            AnsiTransactionManager::begin_transaction(inner)?;
        }
        (AnyConnection::Postgres(inner), Transaction::Snapshot) => {
            AnsiTransactionManager::begin_transaction_sql(
                inner,
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            )?;
        }
    }
    let locked = match kind {
        Transaction::Write => take_writer_lock(conn),
        Transaction::Snapshot => Ok(()),
    };
    match locked.and_then(|()| change(conn)) {
        Ok(value) => {
            <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// After rows were inserted with the ids they carry (an import): the next row each table
/// creates gets an id above theirs. SQLite's `AUTOINCREMENT` follows the largest id ever
/// inserted by itself; PostgreSQL's identities count on their own and must be moved.
pub fn continue_ids_after_explicit_ones(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    match conn {
        AnyConnection::Postgres(_) => postgres::continue_identities(conn),
        AnyConnection::Sqlite(_) => Ok(()),
    }
}

/// On PostgreSQL, waits for the writers' advisory lock, held until the transaction ends.
/// SQLite's `BEGIN IMMEDIATE` has already taken its write lock.
fn take_writer_lock(conn: &mut AnyConnection) -> Result<(), ApiError> {
    if let AnyConnection::Postgres(_) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({WRITER_LOCK})")).execute(conn)?;
    }
    Ok(())
}

/// Declares an enum stored as text: serde names, OpenAPI enum, and diesel conversions that
/// work on any backend.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn from_name(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                Self::from_name(&text)
                    .ok_or_else(|| format!("unknown {} `{text}`", stringify!($name)).into())
            }
        }
    };
}

/// Orders a boxed query by `column`, ascending or descending; both arms share one type.
#[macro_export]
macro_rules! order_by {
    ($query:expr, $descending:expr, $column:expr) => {
        if $descending {
            $query.order($column.desc())
        } else {
            $query.order($column.asc())
        }
    };
}

/// What a failed query means to a client: a `404`, a `409` for a broken unique or foreign
/// key rule, a `503` for storage trouble (which recovers by itself), else a `500`.
impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => Self::NotFound("not found".to_owned()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict("a resource with the same unique value already exists".to_owned())
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::Conflict("the change conflicts with related resources".to_owned())
            }
            Error::DatabaseError(kind, info) if is_storage_trouble(&kind, info.message()) => {
                tracing::error!(error = info.message(), "storage trouble");
                Self::Unavailable
            }
            other => Self::internal(other),
        }
    }
}

/// Whether a database error is the storage's fault rather than the request's: answered
/// with a `503` (come back shortly), since it passes without anyone changing the request.
/// On PostgreSQL a lost connection or a server that is shutting down, starting, out of disk
/// or read-only (a standby); on SQLite a full disk, an I/O error, a read-only file.
pub fn is_storage_trouble(kind: &diesel::result::DatabaseErrorKind, message: &str) -> bool {
    use diesel::result::DatabaseErrorKind;
    matches!(
        kind,
        DatabaseErrorKind::ClosedConnection
            | DatabaseErrorKind::UnableToSendCommand
            | DatabaseErrorKind::ReadOnlyTransaction
    ) || sqlite::is_storage_trouble(message)
        || postgres::is_storage_trouble(message)
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::error!(%error, "no database connection");
        Self::Unavailable
    }
}
