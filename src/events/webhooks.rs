//! An event's webhook deliveries, written with it: the outbox rows that `src/webhooks`
//! sends. Here, below the webhooks, so that recording an event needs nothing above it.

use chrono::{NaiveDateTime, Utc};
use diesel::dsl;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp as SqlTimestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::EventKind;
use crate::db::Conn;
use crate::db::schema::{events, webhook_deliveries, webhooks};
use crate::error::ApiError;
use crate::time::Timestamp;

/// The state of a delivery not yet sent (`webhooks::model::DeliveryStatus::Pending`).
pub const PENDING: &str = "pending";

/// The body of every delivery.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"type": "article.published", "timestamp": "2026-11-30T09:00:00Z", "data": {"id": 42, "title": "Council approves the budget", "url": "https://news.example.com/articles/council-approves-the-budget"}}))]
pub struct WebhookPayload {
    /// The event type.
    pub r#type: EventKind,
    /// When the event happened (not when this attempt was sent: that is
    /// `webhook-timestamp`).
    pub timestamp: Timestamp,
    /// The article (as `GET /articles` lists it, plus its `url` on the site) or the comment
    /// (as the public sees it, plus its `status`).
    #[schema(value_type = Object)]
    pub data: Value,
}

/// The current instant with its fraction: retries in tests are a fraction of a second
/// apart, and the wire format's whole seconds would make them wait for the next one.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// In the event's transaction: one pending delivery for every active endpoint that
/// subscribes to `kind` (its `events` column holds `,kind,` or `,*,`), each carrying the
/// body it will send. One statement (INSERT … SELECT), which inserts nothing when no
/// endpoint wants the event.
pub fn enqueue(
    conn: &mut Conn,
    event_id: i64,
    kind: EventKind,
    data: &Value,
    at: NaiveDateTime,
) -> Result<usize, ApiError> {
    let body = WebhookPayload {
        r#type: kind,
        timestamp: at.into(),
        data: data.clone(),
    };
    let payload = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let now = now();
    let subscribers = webhooks::table
        .filter(webhooks::active.eq(true))
        .filter(
            webhooks::events
                .like(format!("%,{},%", kind.name()))
                .or(webhooks::events.like("%,*,%")),
        )
        .select((
            webhooks::id,
            event_id.into_sql::<BigInt>(),
            kind.name().into_sql::<Text>(),
            payload.into_sql::<Text>(),
            PENDING.into_sql::<Text>(),
            0.into_sql::<Integer>(),
            now.into_sql::<SqlTimestamp>(),
            now.into_sql::<SqlTimestamp>(),
            now.into_sql::<SqlTimestamp>(),
        ));
    let inserted = diesel::insert_into(webhook_deliveries::table)
        .values(subscribers)
        .into_columns((
            webhook_deliveries::webhook_id,
            webhook_deliveries::event_id,
            webhook_deliveries::event_type,
            webhook_deliveries::payload,
            webhook_deliveries::status,
            webhook_deliveries::attempts,
            webhook_deliveries::next_attempt_at,
            webhook_deliveries::created_at,
            webhook_deliveries::updated_at,
        ))
        .execute(conn)?;
    Ok(inserted)
}

/// Whether the event has a delivery still to send: such an event is never pruned.
#[dsl::auto_type]
pub fn has_pending_delivery() -> _ {
    let pending: &'static str = PENDING;
    dsl::exists(
        webhook_deliveries::table
            .filter(webhook_deliveries::event_id.eq(events::id))
            .filter(webhook_deliveries::status.eq(pending)),
    )
}
