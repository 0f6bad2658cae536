//! What happened, for everyone outside who listens: webhooks (`src/webhooks`) and the live
//! stream (`src/stream`). A resource records an event in the transaction of the change it
//! tells about (`record`), so the `events` table is an outbox: nothing rolled back is ever
//! told, and nothing committed goes untold, even across a crash. Readers follow the table
//! by id (`after`): ids only grow in commit order, since writers take turns
//! (`db::transaction`), and every process hears of new rows (`Db::writes`).

pub mod webhooks;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::db::Conn;
use crate::db::schema::events;
use crate::error::ApiError;

/// What an event tells. The names are the webhook `type`s and the stream's event names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum EventKind {
    /// An article became public: published now, or a scheduled one came due.
    #[serde(rename = "article.published")]
    ArticlePublished,
    /// A public article changed.
    #[serde(rename = "article.updated")]
    ArticleUpdated,
    /// A public article stopped being public (back to draft, archived, or rescheduled).
    #[serde(rename = "article.unpublished")]
    ArticleUnpublished,
    /// A public article was deleted.
    #[serde(rename = "article.deleted")]
    ArticleDeleted,
    /// A comment was posted (pending or approved).
    #[serde(rename = "comment.created")]
    CommentCreated,
    /// A comment became public: approved by a moderator, or posted where comments need no
    /// approval.
    #[serde(rename = "comment.approved")]
    CommentApproved,
}

impl EventKind {
    pub const ALL: [Self; 6] = [
        Self::ArticlePublished,
        Self::ArticleUpdated,
        Self::ArticleUnpublished,
        Self::ArticleDeleted,
        Self::CommentCreated,
        Self::CommentApproved,
    ];

    /// The name on the wire: `article.published`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ArticlePublished => "article.published",
            Self::ArticleUpdated => "article.updated",
            Self::ArticleUnpublished => "article.unpublished",
            Self::ArticleDeleted => "article.deleted",
            Self::CommentCreated => "comment.created",
            Self::CommentApproved => "comment.approved",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether anyone may be told: the live stream is public, and pending comments are not.
    pub fn is_public(self) -> bool {
        !matches!(self, Self::CommentCreated)
    }
}

/// One recorded event.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    /// The payload: what receivers get as `data`.
    pub data: Value,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable)]
struct EventRow {
    id: i64,
    kind: String,
    data: String,
    created_at: NaiveDateTime,
}

impl EventRow {
    /// `None` for a row this version does not know (written by a newer one).
    fn into_event(self) -> Option<Event> {
        Some(Event {
            id: self.id,
            kind: EventKind::from_name(&self.kind)?,
            data: serde_json::from_str(&self.data).ok()?,
            created_at: self.created_at,
        })
    }
}

/// Records an event in the caller's transaction, with a delivery for every webhook that
/// wants it (`webhooks::enqueue`); it is told once that commits.
pub fn record(conn: &mut Conn, kind: EventKind, data: &Value) -> Result<i64, ApiError> {
    let created_at = crate::time::now();
    let id = diesel::insert_into(events::table)
        .values((
            events::kind.eq(kind.name()),
            events::data.eq(data.to_string()),
            events::created_at.eq(created_at),
        ))
        .returning(events::id)
        .get_result(conn)?;
    webhooks::enqueue(conn, id, kind, data, created_at)?;
    Ok(id)
}

/// Up to `limit` events after `after_id`, oldest first.
pub fn after(conn: &mut Conn, after_id: i64, limit: i64) -> QueryResult<Vec<Event>> {
    let rows: Vec<EventRow> = events::table
        .filter(events::id.gt(after_id))
        .order(events::id)
        .limit(limit)
        .select((events::id, events::kind, events::data, events::created_at))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(EventRow::into_event).collect())
}

/// The newest event's id; 0 when there is none.
pub fn last_id(conn: &mut Conn) -> QueryResult<i64> {
    let last: Option<i64> = events::table
        .select(diesel::dsl::max(events::id))
        .first(conn)?;
    Ok(last.unwrap_or(0))
}

/// Up to `limit` newest events, oldest first: what a reader starting now may replay.
pub fn latest(conn: &mut Conn, limit: i64) -> QueryResult<Vec<Event>> {
    let mut rows: Vec<EventRow> = events::table
        .order(events::id.desc())
        .limit(limit)
        .select((events::id, events::kind, events::data, events::created_at))
        .load(conn)?;
    rows.reverse();
    Ok(rows.into_iter().filter_map(EventRow::into_event).collect())
}

/// Removes events older than `before`: the stream replays only recent ones, and webhook
/// deliveries keep what they sent. The event of a pending delivery stays.
pub fn prune(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        events::table
            .filter(events::created_at.lt(before))
            .filter(diesel::dsl::not(webhooks::has_pending_delivery())),
    )
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_name(kind.name()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(Value::String(kind.name().to_owned()))
            );
        }
        assert_eq!(EventKind::from_name("article.eaten"), None);
    }
}
