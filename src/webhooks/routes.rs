//! `/webhooks`: endpoints that receive events, their delivery log and redelivery; for
//! admins only.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{
    Delivery, DeliveryStatus, NewWebhook, NewWebhookBody, Webhook, WebhookPatch, WebhookPatchBody,
    WebhookWithSecret, checked_url,
};
use super::outbox;
use super::queries::{self, WebhookSort};
use crate::auth::{Action, Caller};
use crate::error::{ApiError, Problem};
use crate::http::{Json, ListParams, Page, PageQuery, Paginated, Query, created, pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_webhook_secret)
        .service(list_webhook_deliveries)
        .service(redeliver_webhook_delivery);
}

/// List webhook endpoints.
///
/// Admins only. Secrets are never listed.
#[utoipa::path(
    tag = "webhooks",
    params(ListParams<WebhookSort>),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of endpoints", body = Paginated<Webhook>))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    params: ListParams<WebhookSort>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let (rows, total) = state
        .db
        .read(move |conn| queries::list(conn, params))
        .await?;
    let webhooks: Vec<Webhook> = rows.into_iter().map(Webhook::from).collect();
    Ok(pagination::respond(&req, params.page, total, webhooks))
}

/// Register a webhook endpoint.
///
/// Admins only. Every event of the types in `events` (`*`: all) is `POST`ed to `url`,
/// signed as Standard Webhooks says (`webhook-id`, `webhook-timestamp`,
/// `webhook-signature`) with the secret, which is generated when absent and shown only in
/// this answer. The URL must be `http(s)` and its host must resolve to public addresses
/// only: loopback, private, link-local, CGNAT and other non-public addresses, and hosts
/// that do not resolve, are refused (`422`), unless the server runs with
/// `WEBHOOKS_ALLOW_PRIVATE=true`.
///
/// Example body: `{"url":"https://hooks.example.com/newsroom","events":["article.published"]}`
#[utoipa::path(
    tag = "webhooks",
    request_body = NewWebhookBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered; the only answer that shows the secret", body = WebhookWithSecret),
        (status = 422, description = "Invalid fields: a URL that is not http(s), or whose host is not public or does not resolve; no or unknown event types; a malformed secret", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let mut webhook = NewWebhook::try_from(body.0)?;
    webhook.url = checked_url(&webhook.url, state.config.webhooks.allow_private).await?;
    let row = state
        .db
        .write(move |conn| queries::insert(conn, webhook))
        .await?;
    Ok(created(
        format!("/api/v1/webhooks/{}", row.id),
        &WebhookWithSecret::from(row),
    ))
}

/// Get a webhook endpoint.
///
/// Admins only. Without its secret.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, minimum = 1, description = "Webhook id", example = 1)),
    security(("bearer" = [])),
    responses((status = 200, description = "The endpoint", body = Webhook))
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Webhook>, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let id = id.into_inner();
    let row = state.db.read(move |conn| queries::find(conn, id)).await?;
    Ok(web::Json(row.into()))
}

/// Update a webhook endpoint.
///
/// Admins only. Only the fields sent change; a new URL is checked as on registration.
/// Deliveries of an inactive endpoint wait, pending, until it is active again.
///
/// Example body: `{"active":false}`
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, minimum = 1, description = "Webhook id", example = 1)),
    request_body = WebhookPatchBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed endpoint", body = Webhook),
        (status = 422, description = "Invalid fields, as on registration", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<WebhookPatchBody>,
) -> Result<web::Json<Webhook>, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let id = id.into_inner();
    let mut patch = WebhookPatch::try_from(body.0)?;
    if let Some(url) = &patch.url {
        patch.url = Some(checked_url(url, state.config.webhooks.allow_private).await?);
    }
    let row = state
        .db
        .write(move |conn| queries::update(conn, id, patch))
        .await?;
    Ok(web::Json(row.into()))
}

/// Delete a webhook endpoint.
///
/// Admins only. Its delivery log goes with it; pending deliveries are not sent.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, minimum = 1, description = "Webhook id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let id = id.into_inner();
    state
        .db
        .write(move |conn| queries::delete(conn, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook endpoint's secret.
///
/// Admins only. A new secret is generated and shown in this answer only; every send from
/// now on (retries of earlier events included) is signed with it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, minimum = 1, description = "Webhook id", example = 1)),
    security(("bearer" = [])),
    responses((status = 200, description = "The endpoint with its new secret", body = WebhookWithSecret))
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<WebhookWithSecret>, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| queries::rotate_secret(conn, id))
        .await?;
    Ok(web::Json(row.into()))
}

/// List a webhook endpoint's deliveries.
///
/// Admins only. Newest first: each event sent (or to be sent) to the endpoint, with its
/// payload, attempts, the last response's status and time, or the error.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = i64, Path, minimum = 1, description = "Webhook id", example = 1),
        DeliveryStatusQuery,
        PageQuery,
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of deliveries", body = Paginated<Delivery>))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: Query<DeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let id = id.into_inner();
    let query = query.into_inner();
    let page = Page::try_from(PageQuery {
        page: query.page,
        per_page: query.per_page,
    })?;
    let status = query.status;
    let (rows, total) = state
        .db
        .read(move |conn| queries::deliveries(conn, id, status, page))
        .await?;
    let deliveries: Vec<Delivery> = rows.into_iter().map(Delivery::from).collect();
    Ok(pagination::respond(&req, page, total, deliveries))
}

/// The query of the delivery log, as it arrives.
#[derive(Debug, Deserialize)]
pub struct DeliveriesQuery {
    status: Option<DeliveryStatus>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryStatusQuery {
    /// Only deliveries in this state.
    pub status: Option<DeliveryStatus>,
}

/// Redeliver a webhook delivery.
///
/// Admins only. Queues one more attempt of the delivery, due now, whatever its state: the
/// same message (`webhook-id` and body) with a fresh `webhook-timestamp` and signature.
/// Answers `202` with the delivery as queued; the log shows how the attempt went.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = i64, Path, minimum = 1, description = "Webhook id", example = 1),
        ("delivery_id" = i64, Path, minimum = 1, description = "Delivery id", example = 7),
    ),
    security(("bearer" = [])),
    responses((status = 202, description = "Queued", body = Delivery))
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook_delivery(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageWebhooks)?;
    let (id, delivery_id) = path.into_inner();
    let row = state
        .db
        .write(move |conn| {
            queries::find(conn, id)?;
            outbox::redeliver(conn, id, delivery_id)?;
            queries::delivery(conn, id, delivery_id)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(Delivery::from(row)))
}
