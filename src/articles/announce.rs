//! Telling the world an article is out, changed, or gone (`src/events`). An article is
//! announced when it becomes public, which is either a write (published now) or the
//! passing of its date (scheduled); `announced_at` remembers that it was, so that each
//! change of publicness is told exactly once, whichever instance notices it first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::queries;
use crate::auth::policy::{PublicFrom, public_articles};
use crate::db::Conn;
use crate::db::schema::articles;
use crate::domain::ArticleStatus;
use crate::error::ApiError;
use crate::events::{self, EventKind};
use crate::site::SiteSettings;

/// How many due articles one sweep announces; the rest wait for the next (a second).
const DUE_PER_SWEEP: i64 = 100;

/// After an article was created or changed, in the same transaction: records
/// `article.published` when it became public, `article.updated` when it was and stays
/// public, `article.unpublished` when it stopped being public. A draft's edits and a
/// scheduled article tell nothing (until it comes due: [`announce_due`]).
pub fn after_write(
    conn: &mut Conn,
    id: i64,
    site: &SiteSettings,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let (status, published_at, announced_at): (
        ArticleStatus,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ) = articles::table
        .find(id)
        .select((
            articles::status,
            articles::published_at,
            articles::announced_at,
        ))
        .first(conn)?;
    let public = PublicFrom::of(status, published_at).is_public_at(now);
    let kind = match (public, announced_at.is_some()) {
        (true, false) => {
            set_announced(conn, id, Some(now))?;
            EventKind::ArticlePublished
        }
        (true, true) => EventKind::ArticleUpdated,
        (false, true) => {
            set_announced(conn, id, None)?;
            EventKind::ArticleUnpublished
        }
        (false, false) => return Ok(()),
    };
    record(conn, id, kind, site)
}

/// Before an article is deleted, in the same transaction: `article.deleted` when the public
/// knew it.
pub fn before_delete(conn: &mut Conn, id: i64, site: &SiteSettings) -> Result<(), ApiError> {
    let announced: Option<Option<NaiveDateTime>> = articles::table
        .find(id)
        .select(articles::announced_at)
        .first(conn)
        .optional()?;
    match announced {
        Some(Some(_)) => record(conn, id, EventKind::ArticleDeleted, site),
        _ => Ok(()),
    }
}

/// Announces the scheduled articles whose date has come; returns how many. Run in a write
/// transaction: writers take turns, so when several instances sweep at once, the first
/// announces and the others find nothing left.
pub fn announce_due(
    conn: &mut Conn,
    site: &SiteSettings,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    let due = due_ids(conn, now, DUE_PER_SWEEP)?;
    for &id in &due {
        after_write(conn, id, site, now)?;
    }
    Ok(due.len())
}

/// Whether any scheduled article has come due unannounced: a read, so that sweeping when
/// there is nothing to do takes no write turn.
pub fn any_due(conn: &mut Conn, now: NaiveDateTime) -> QueryResult<bool> {
    Ok(!due_ids(conn, now, 1)?.is_empty())
}

/// Marks every public article as announced without telling anyone: for content loaded in
/// bulk (the demo seeder, an import), which is not news.
pub fn mark_all_announced(conn: &mut Conn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        articles::table
            .filter(public_articles(now))
            .filter(articles::announced_at.is_null()),
    )
    .set(articles::announced_at.eq(articles::published_at))
    .execute(conn)
}

fn due_ids(conn: &mut Conn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    articles::table
        .filter(public_articles(now))
        .filter(articles::announced_at.is_null())
        .order(articles::published_at)
        .limit(limit)
        .select(articles::id)
        .load(conn)
}

fn set_announced(conn: &mut Conn, id: i64, at: Option<NaiveDateTime>) -> QueryResult<usize> {
    diesel::update(articles::table.find(id))
        .set(articles::announced_at.eq(at))
        .execute(conn)
}

fn record(conn: &mut Conn, id: i64, kind: EventKind, site: &SiteSettings) -> Result<(), ApiError> {
    let summary = queries::summaries(conn, site, &[id])?
        .pop()
        .ok_or_else(|| ApiError::not_found("article"))?;
    // The article as `GET /articles` lists it, `url` (its page on the site) included.
    let payload = serde_json::to_value(&summary).map_err(ApiError::internal)?;
    events::record(conn, kind, &payload)?;
    Ok(())
}

/// How often each instance looks for scheduled articles that came due: the most a
/// scheduled article's `article.published` can lag its date.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Announces scheduled articles as they come due, until the process ends. A read first,
/// so that an idle site takes no write turn.
pub fn spawn_sweeper(state: actix_web::web::Data<crate::state::AppState>) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(SWEEP_EVERY);
        loop {
            ticker.tick().await;
            if let Err(error) = sweep(&state).await {
                tracing::warn!(%error, "could not announce scheduled articles; will retry");
            }
        }
    });
}

async fn sweep(state: &crate::state::AppState) -> Result<(), ApiError> {
    let now = crate::time::now();
    if !state.db.read(move |conn| Ok(any_due(conn, now)?)).await? {
        return Ok(());
    }
    let site = state.config.site.clone();
    let announced = state
        .db
        .write(move |conn| announce_due(conn, &site, crate::time::now()))
        .await?;
    tracing::info!(announced, "scheduled articles came due");
    Ok(())
}
