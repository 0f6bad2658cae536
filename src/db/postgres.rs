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
/// How often the listener checks that its connection still works.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How long it waits before connecting again after losing its connection.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Starts listening, then leaves a thread to keep `public` in step with every instance's
/// writes until the database is closed. Whenever the listener has lost its connection,
/// nothing public is served from the cache, since another instance's write could go
/// unheard.
pub fn listen(url: String, public: &Arc<PublicVersion>) -> Result<(), String> {
    let conn = connect(&url)?;
    let public = Arc::downgrade(public);
    std::thread::Builder::new()
        .name("public-version".to_owned())
        .spawn(move || {
            let mut conn = Some(conn);
            loop {
                let listening = match conn.take() {
                    Some(conn) => Ok(conn),
                    None => connect(&url),
                };
                let lost = listening.and_then(|conn| hear(conn, &public));
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
    diesel::sql_query("LISTEN public_version")
        .execute(&mut conn)
        .map_err(|error| error.to_string())?;
    Ok(conn)
}

/// Reads the version again whenever another write moves it, until the connection is lost
/// (an error) or the database is closed (`Ok`).
fn hear(mut conn: AnyConnection, public: &Weak<PublicVersion>) -> Result<(), String> {
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
        for notification in pg.notifications_iter() {
            notification.map_err(|error| error.to_string())?;
            heard = true;
        }
        let Some(version) = public.upgrade() else {
            return Ok(());
        };
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
