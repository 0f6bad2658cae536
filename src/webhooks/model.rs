//! Webhook types: the stored rows, what admins see and send, and the body every endpoint
//! receives.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::address;
use super::signature::{self, Secret};
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::domain::{self, Checks};
use crate::error::{ApiError, FieldError};
pub use crate::events::webhooks::WebhookPayload;
use crate::http::patch::present;
use crate::http::{Change, Timestamp};

pub const MAX_DESCRIPTION_CHARS: usize = 500;

crate::text_enum! {
    /// What an endpoint subscribes to: one event type, or `*` for every one (present and
    /// future).
    pub enum Subscription {
        ArticlePublished => "article.published",
        ArticleUpdated => "article.updated",
        ArticleUnpublished => "article.unpublished",
        ArticleDeleted => "article.deleted",
        CommentCreated => "comment.created",
        CommentApproved => "comment.approved",
        All => "*",
    }
}

crate::text_enum! {
    /// Where a delivery is: `pending` until a send got a 2xx (`succeeded`) or every attempt
    /// failed (`failed`).
    pub enum DeliveryStatus {
        Pending => "pending",
        Succeeded => "succeeded",
        Failed => "failed",
    }
}

/// The subscriptions as the `events` column keeps them: between commas, one at each end,
/// so that one `LIKE '%,article.published,%'` finds the endpoints of an event.
pub fn events_column(subscriptions: &[Subscription]) -> String {
    let names: Vec<&str> = subscriptions.iter().map(|s| s.as_str()).collect();
    format!(",{},", names.join(","))
}

fn subscriptions_of(column: &str) -> Vec<Subscription> {
    column
        .split(',')
        .filter_map(Subscription::from_name)
        .collect()
}

/// A row of the `webhooks` table.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub description: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A registered endpoint. The secret is shown only when it is made (`WebhookWithSecret`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    #[schema(example = 1)]
    pub id: i64,
    /// Where deliveries are `POST`ed.
    #[schema(example = "https://hooks.example.com/newsroom")]
    pub url: String,
    /// The event types it receives; `*` is every one.
    #[schema(example = json!(["article.published", "article.updated"]))]
    pub events: Vec<Subscription>,
    #[schema(required = true, example = "Rebuild the static site")]
    pub description: Option<String>,
    /// Inactive endpoints receive nothing; their pending deliveries wait.
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Self {
        Self {
            id: row.id,
            url: row.url,
            events: subscriptions_of(&row.events),
            description: row.description,
            active: row.active,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        }
    }
}

/// An endpoint with its signing secret: the answer of a creation or a secret rotation, the
/// only times the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The key that signs every delivery (`webhook-signature`). Keep it: it is never
    /// shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

impl From<WebhookRow> for WebhookWithSecret {
    fn from(row: WebhookRow) -> Self {
        let secret = row.secret.clone();
        Self {
            webhook: row.into(),
            secret,
        }
    }
}

/// The body of `POST /webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hooks.example.com/newsroom", "events": ["article.published", "article.updated"], "description": "Rebuild the static site"}))]
pub struct NewWebhookBody {
    /// An `http(s)` URL on a public address.
    #[schema(
        max_length = 2000,
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$",
        example = "https://hooks.example.com/newsroom"
    )]
    pub url: String,
    /// At least one event type; `*` is every one.
    #[schema(min_items = 1)]
    pub events: Vec<Subscription>,
    /// `whsec_` and the base64 of 24 to 64 random bytes; generated when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        pattern = "^whsec_([A-Za-z0-9+/]{4}){8,20}([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)?$"
    )]
    pub secret: Option<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// `true` when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

/// A new endpoint, validated (its URL is checked by the route: that needs DNS).
#[derive(Debug)]
pub struct NewWebhook {
    pub url: String,
    pub events: String,
    pub secret: Secret,
    pub description: Option<String>,
    pub active: bool,
}

impl TryFrom<NewWebhookBody> for NewWebhook {
    type Error = ApiError;

    fn try_from(body: NewWebhookBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let events = checks.take(events("events", &body.events));
        let secret = checks.take(body.secret.map(|s| Secret::parse("secret", &s)).transpose());
        let description = checks.take(
            body.description
                .map(|d| domain::optional_text("description", &d, MAX_DESCRIPTION_CHARS))
                .transpose(),
        );
        checks.finish(|| {
            Some(Self {
                url: body.url,
                events: events?,
                secret: secret?.unwrap_or_else(Secret::generate),
                description: description?.flatten(),
                active: body.active.unwrap_or(true),
            })
        })
    }
}

/// The body of `PATCH /webhooks/{id}`: only the fields sent change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct WebhookPatchBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        max_length = 2000,
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$"
    )]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_items = 1)]
    pub events: Option<Vec<Subscription>>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Change<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

/// A validated endpoint change.
#[derive(Debug, Default)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub events: Option<String>,
    pub description: Change<String>,
    pub active: Option<bool>,
}

impl TryFrom<WebhookPatchBody> for WebhookPatch {
    type Error = ApiError;

    fn try_from(body: WebhookPatchBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let events = checks.take(body.events.map(|e| events("events", &e)).transpose());
        let description = checks.take(
            body.description
                .try_map(|d| domain::optional_text("description", &d, MAX_DESCRIPTION_CHARS)),
        );
        checks.finish(|| {
            Some(Self {
                url: body.url,
                events: events?,
                description: description?,
                active: body.active,
            })
        })
    }
}

/// At least one subscription, each once, as the column keeps them.
fn events(field: &str, subscriptions: &[Subscription]) -> Result<String, FieldError> {
    let mut unique: Vec<Subscription> = Vec::new();
    for subscription in subscriptions {
        if !unique.contains(subscription) {
            unique.push(*subscription);
        }
    }
    if unique.is_empty() {
        return Err(FieldError::new(
            field,
            "must list at least one event type (or `*`)",
        ));
    }
    Ok(events_column(&unique))
}

/// Checks a URL as the route receives it (`address::check_url`), as a `422`.
pub async fn checked_url(url: &str, allow_private: bool) -> Result<String, ApiError> {
    address::check_url("url", url, allow_private)
        .await
        .map_err(|error| ApiError::Validation(vec![error]))
}

/// A row of `webhook_deliveries`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub event_id: i64,
    pub event_type: String,
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub duration_ms: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// One event for one endpoint: what was sent, how often, and how the last attempt went.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = 1)]
    pub webhook_id: i64,
    #[schema(example = 42)]
    pub event_id: i64,
    /// The event type (the payload's `type`).
    #[schema(example = "article.published")]
    pub event_type: String,
    /// The `webhook-id` header: the same on every attempt.
    #[schema(example = "msg_42")]
    pub message_id: String,
    pub status: DeliveryStatus,
    /// Sends so far (redeliveries included).
    #[schema(example = 1)]
    pub attempts: i32,
    /// The HTTP status of the last attempt; `null` before any, or when none came back.
    #[schema(required = true, example = 200)]
    pub response_status: Option<i32>,
    /// Why the last attempt failed: the status, a timeout, a refused connection.
    #[schema(required = true)]
    pub error: Option<String>,
    /// How long the last attempt took, in milliseconds.
    #[schema(required = true, example = 35)]
    pub duration_ms: Option<i64>,
    /// When the next attempt is due; `null` once it succeeded or was given up.
    #[schema(required = true)]
    pub next_attempt_at: Option<Timestamp>,
    /// When a send succeeded.
    #[schema(required = true)]
    pub delivered_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The body, exactly as sent.
    #[schema(value_type = WebhookPayload)]
    pub payload: Value,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        let pending = row.status == DeliveryStatus::Pending;
        Self {
            id: row.id,
            webhook_id: row.webhook_id,
            event_id: row.event_id,
            message_id: signature::message_id(row.event_id),
            event_type: row.event_type,
            status: row.status,
            attempts: row.attempts,
            response_status: row.response_status,
            error: row.last_error,
            duration_ms: row.duration_ms,
            next_attempt_at: pending.then_some(Timestamp(row.next_attempt_at)),
            delivered_at: row.delivered_at.map(Timestamp),
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
            payload: serde_json::from_str(&row.payload).unwrap_or(Value::Null),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventKind;

    #[test]
    fn every_event_kind_can_be_subscribed_to() {
        for kind in EventKind::ALL {
            assert!(Subscription::from_name(kind.name()).is_some(), "{kind:?}");
        }
        assert_eq!(Subscription::ALL.len(), EventKind::ALL.len() + 1);
    }

    #[test]
    fn events_write_deliveries_in_the_pending_state() {
        assert_eq!(
            DeliveryStatus::Pending.as_str(),
            crate::events::webhooks::PENDING
        );
    }

    #[test]
    fn the_events_column_round_trips() {
        let column = events_column(&[Subscription::ArticlePublished, Subscription::All]);
        assert_eq!(column, ",article.published,*,");
        assert_eq!(
            subscriptions_of(&column),
            [Subscription::ArticlePublished, Subscription::All]
        );
    }
}
