//! Webhook queries: the endpoints, and their delivery log.

use diesel::prelude::*;

use super::model::{DeliveryRow, DeliveryStatus, NewWebhook, WebhookPatch, WebhookRow};
use super::signature::Secret;
use crate::db::Conn;
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::error::ApiError;
use crate::http::{ListParams, Page};
use crate::time::now;

crate::sort_fields! {
    /// How `/webhooks` can be sorted.
    pub enum WebhookSort default "created_at" {
        CreatedAt => "created_at",
        Url => "url",
    }
}

pub fn find(conn: &mut Conn, id: i64) -> Result<WebhookRow, ApiError> {
    webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("webhook"))
}

pub fn list(
    conn: &mut Conn,
    params: ListParams<WebhookSort>,
) -> Result<(Vec<WebhookRow>, i64), ApiError> {
    let total = webhooks::table.count().get_result(conn)?;
    let query = webhooks::table.select(WebhookRow::as_select()).into_boxed();
    let desc = params.sort.descending;
    let query = match params.sort.field {
        WebhookSort::CreatedAt => crate::order_by!(query, desc, webhooks::created_at),
        WebhookSort::Url => crate::order_by!(query, desc, webhooks::url),
    };
    let rows = query
        .then_order_by(webhooks::id.asc())
        .limit(params.page.per_page)
        .offset(params.page.offset())
        .load(conn)?;
    Ok((rows, total))
}

pub fn insert(conn: &mut Conn, webhook: NewWebhook) -> Result<WebhookRow, ApiError> {
    let now = now();
    let id = diesel::insert_into(webhooks::table)
        .values((
            webhooks::url.eq(webhook.url),
            webhooks::events.eq(webhook.events),
            webhooks::secret.eq(webhook.secret.into_inner()),
            webhooks::description.eq(webhook.description),
            webhooks::active.eq(webhook.active),
            webhooks::created_at.eq(now),
            webhooks::updated_at.eq(now),
        ))
        .returning(webhooks::id)
        .get_result::<i64>(conn)?;
    find(conn, id)
}

#[derive(AsChangeset)]
#[diesel(table_name = webhooks)]
struct WebhookChanges {
    url: Option<String>,
    events: Option<String>,
    description: Option<Option<String>>,
    active: Option<bool>,
    updated_at: chrono::NaiveDateTime,
}

pub fn update(conn: &mut Conn, id: i64, patch: WebhookPatch) -> Result<WebhookRow, ApiError> {
    find(conn, id)?;
    let changes = WebhookChanges {
        url: patch.url,
        events: patch.events,
        description: patch.description.into_column(),
        active: patch.active,
        updated_at: now(),
    };
    diesel::update(webhooks::table.find(id))
        .set(changes)
        .execute(conn)?;
    find(conn, id)
}

/// A new secret; deliveries sent from now on are signed with it.
pub fn rotate_secret(conn: &mut Conn, id: i64) -> Result<WebhookRow, ApiError> {
    find(conn, id)?;
    diesel::update(webhooks::table.find(id))
        .set((
            webhooks::secret.eq(Secret::generate().into_inner()),
            webhooks::updated_at.eq(now()),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// Deletes an endpoint with its delivery log (pending deliveries are never sent).
pub fn delete(conn: &mut Conn, id: i64) -> Result<(), ApiError> {
    find(conn, id)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
        .execute(conn)?;
    diesel::delete(webhooks::table.find(id)).execute(conn)?;
    Ok(())
}

/// A page of an endpoint's deliveries, newest first.
pub fn deliveries(
    conn: &mut Conn,
    webhook_id: i64,
    status: Option<DeliveryStatus>,
    page: Page,
) -> Result<(Vec<DeliveryRow>, i64), ApiError> {
    find(conn, webhook_id)?;
    let filtered = || {
        let mut query = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(webhook_deliveries::status.eq(status));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(DeliveryRow::as_select())
        .order(webhook_deliveries::id.desc())
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok((rows, total))
}

pub fn delivery(conn: &mut Conn, webhook_id: i64, id: i64) -> Result<DeliveryRow, ApiError> {
    webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(id))
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("delivery"))
}
