//! What only PostgreSQL needs: hearing other instances' writes, and which of its errors
//! are storage trouble. The public content version
//! lives in the database (its triggers count it), and each process reads it after its own
//! writes; another instance's write reaches this one as a `NOTIFY public_version` when it
//! commits (`migrations/postgres`). A thread listens and reads the version again, so a
//! cached public response goes stale within `POLL` of the commit (plus the time PostgreSQL
//! takes to deliver it: well under a millisecond on one network).

use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use super::AnyConnection;
use super::version::PublicVersion;

/// How often the listener looks for notifications: the bound on how stale another
/// instance's write can leave this one's cached public responses.
pub const POLL: Duration = Duration::from_millis(5);
/// The channels listened to: the public content version moved; an event was recorded
/// (`migrations/postgres/2026-11-30-000004_events`).
const PUBLIC_VERSION: &str = "public_version";
const EVENTS: &str = "newsroom_events";

type WritesSender = tokio::sync::watch::Sender<u64>;
type Writes = Arc<WritesSender>;

/// How often the listener checks that its connection still works.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How long it waits before connecting again after losing its connection.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Starts listening, then leaves a thread to keep `public` in step with every instance's
/// writes until the database is closed. Whenever the listener has lost its connection,
/// nothing public is served from the cache, since another instance's write could go
/// unheard.
pub fn listen(url: String, public: &Arc<PublicVersion>, writes: &Writes) -> Result<(), String> {
    let conn = connect(&url)?;
    let public = Arc::downgrade(public);
    let writes = Arc::downgrade(writes);
    std::thread::Builder::new()
        .name("public-version".to_owned())
        .spawn(move || {
            let mut conn = Some(conn);
            loop {
                let listening = match conn.take() {
                    Some(conn) => Ok(conn),
                    None => connect(&url),
                };
                let lost = listening.and_then(|conn| hear(conn, &public, &writes));
                // The database was closed (the server or the test stopped): so is this.
                let Some(version) = public.upgrade() else {
                    return;
                };
                version.set_heard(false);
                if let Err(error) = lost {
                    tracing::warn!(%error, "not hearing other instances' writes; retrying");
                }
                std::thread::sleep(RECONNECT_AFTER);
            }
        })
        .map(|_| ())
        .map_err(|error| error.to_string())
}

/// A connection that listens for the version's moves.
fn connect(url: &str) -> Result<AnyConnection, String> {
    let conn = PgConnection::establish(url).map_err(|error| error.to_string())?;
    let mut conn = AnyConnection::Postgres(conn);
    for channel in [PUBLIC_VERSION, EVENTS] {
        diesel::sql_query(format!("LISTEN {channel}"))
            .execute(&mut conn)
            .map_err(|error| error.to_string())?;
    }
    Ok(conn)
}

/// Reads the version again whenever another write moves it, until the connection is lost
/// (an error) or the database is closed (`Ok`).
fn hear(
    mut conn: AnyConnection,
    public: &Weak<PublicVersion>,
    writes: &Weak<WritesSender>,
) -> Result<(), String> {
    let Some(version) = public.upgrade() else {
        return Ok(());
    };
    // What was written while nobody listened.
    refresh(&mut conn, &version)?;
    version.set_heard(true);
    drop(version);
    let mut checked = Instant::now();
    loop {
        let AnyConnection::Postgres(pg) = &mut conn else {
            return Err("not a PostgreSQL connection".to_owned());
        };
        let mut heard = false;
        let mut new_events = false;
        for notification in pg.notifications_iter() {
            let notification = notification.map_err(|error| error.to_string())?;
            if notification.channel == EVENTS {
                new_events = true;
            } else {
                heard = true;
            }
        }
        let Some(version) = public.upgrade() else {
            return Ok(());
        };
        if new_events && let Some(writes) = writes.upgrade() {
            writes.send_modify(|count| *count = count.wrapping_add(1));
        }
        if heard {
            refresh(&mut conn, &version)?;
        } else if checked.elapsed() >= CHECK_EVERY {
            // A dead connection hears nothing: ask it something now and then.
            diesel::sql_query("SELECT 1")
                .execute(&mut conn)
                .map_err(|error| error.to_string())?;
            checked = Instant::now();
        }
        drop(version);
        std::thread::sleep(POLL);
    }
}

fn refresh(conn: &mut AnyConnection, public: &PublicVersion) -> Result<(), String> {
    public
        .refresh(conn, crate::time::now())
        .map(|_| ())
        .map_err(|error| error.to_string())
}

/// Moves every identity of the schema (`GENERATED BY DEFAULT AS IDENTITY` ids) past the
/// largest id of its table, or back to 1 for an empty one. Found in the catalog rather
/// than listed, so that a table added later is not forgotten.
pub fn continue_identities(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    diesel::sql_query(
        "DO $$
         DECLARE
             col record;
         BEGIN
             FOR col IN
                 SELECT table_name, column_name FROM information_schema.columns
                 WHERE table_schema = current_schema() AND is_identity = 'YES'
             LOOP
                 EXECUTE format(
                     'SELECT setval(pg_get_serial_sequence(%L, %L), COALESCE(MAX(%I), 0) + 1, false) FROM %I',
                     col.table_name, col.column_name, col.column_name, col.table_name);
             END LOOP;
         END;
         $$",
    )
    .execute(conn)
    .map(|_| ())
}

/// Whether a PostgreSQL error message (as libpq reports it) means the server, not the
/// request, is in trouble: the disk is full, the server is stopping or starting, or it
/// ended this connection. The error kinds diesel names (a closed connection, a read-only
/// standby) are checked by the caller.
pub fn is_storage_trouble(message: &str) -> bool {
    const TROUBLE: [&str; 7] = [
        "could not extend file",
        "No space left on device",
        "terminating connection due to administrator command",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "server closed the connection unexpectedly",
    ];
    TROUBLE.iter().any(|trouble| message.contains(trouble))
}

#[cfg(test)]
mod tests {
    use crate::error::ApiError;
    use actix_web::ResponseError;
    use actix_web::http::StatusCode;
    use diesel::result::{DatabaseErrorKind, Error};

    fn status(kind: DatabaseErrorKind, message: &str) -> StatusCode {
        ApiError::from(Error::DatabaseError(kind, Box::new(message.to_owned()))).status_code()
    }

    #[test]
    fn a_lost_or_stopping_server_is_a_503_not_a_500() {
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        assert_eq!(
            status(DatabaseErrorKind::ClosedConnection, "gone"),
            unavailable
        );
        assert_eq!(
            status(DatabaseErrorKind::ReadOnlyTransaction, "standby"),
            unavailable
        );
        for message in [
            "FATAL:  terminating connection due to administrator command",
            "server closed the connection unexpectedly\n\tThis probably means...",
            "could not extend file \"base/16384/16397\": No space left on device",
            "FATAL:  the database system is shutting down",
        ] {
            assert_eq!(
                status(DatabaseErrorKind::Unknown, message),
                unavailable,
                "{message}"
            );
        }
    }

    #[test]
    fn other_database_errors_keep_their_meaning() {
        assert_eq!(
            status(DatabaseErrorKind::UniqueViolation, "duplicate key"),
            StatusCode::CONFLICT
        );
        assert_eq!(
            status(DatabaseErrorKind::Unknown, "syntax error at or near"),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
