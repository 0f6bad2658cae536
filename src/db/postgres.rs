//! What only PostgreSQL needs: hearing other instances' writes. The public content version
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
