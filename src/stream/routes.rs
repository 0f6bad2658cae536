//! `GET /stream`: the live stream of public events, as Server-Sent Events.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{Filter, StreamEvent, StreamQuery};
use super::state::{Resume, StreamState};
use crate::error::ApiError;
use crate::events;
use crate::http::Query;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(stream);
}

/// How long a client turned away by the cap is asked to wait.
const RETRY_AFTER_SECONDS: u64 = 5;

/// Live stream of public events.
///
/// Server-Sent Events (`text/event-stream`): an event when an article is published
/// (including a scheduled one coming due), updated, unpublished or deleted, and when a
/// comment is approved; never a pending comment. Each message has `id:` (the event id),
/// `event:` (the type, as `article.published`) and one `data:` line holding the JSON
/// envelope `{"type", "timestamp", "data"}` described below (the webhooks' envelope).
///
/// Reconnect with `Last-Event-ID` (browsers' `EventSource` does by itself) to get the
/// events you missed, in order, from the newest `STREAM_REPLAY_EVENTS` (1,000) public
/// events; an id older than that gets a `reset` event: reload, then follow the stream.
/// A comment line (`: keep-alive`) comes every `STREAM_HEARTBEAT_SECONDS` (15), and
/// `retry: 3000` first. At most `STREAM_MAX_CONNECTIONS` streams per instance: one more is
/// a `503` with `Retry-After`. A client that falls far behind is disconnected, and resumes
/// with `Last-Event-ID`.
#[utoipa::path(
    tag = "stream",
    params(
        StreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "The `id:` of the last event received: the stream starts with the events after it", example = "120"),
    ),
    security(()),
    responses(
        (status = 200, description = "An endless stream of events; the schema is the JSON of each `data:` line", content_type = "text/event-stream", body = StreamEvent,
            headers(
                ("Cache-Control" = String, description = "`no-cache`"),
                ("X-Accel-Buffering" = String, description = "`no`: nginx passes each event on at once"),
            )),
        (status = 503, description = "As many streams are open as `STREAM_MAX_CONNECTIONS` allows, or the database is briefly unavailable; retry after `Retry-After` seconds", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stream")]
pub async fn stream(
    req: HttpRequest,
    state: web::Data<StreamState>,
    app: web::Data<AppState>,
    query: Query<StreamQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    if query.last_event_id.is_some_and(|id| id < 0) {
        return Err(ApiError::invalid("last_event_id", "must be 0 or more"));
    }
    let filter = Filter::try_from(&query)?;
    let resume = resume_from(&req, query.last_event_id);
    let slot = state.try_open().ok_or(ApiError::StreamsFull {
        retry_after_secs: RETRY_AFTER_SECONDS,
    })?;
    let mut opening = state.subscribe(resume);
    // After subscribing: an event committed from now on reaches the stream live.
    let newest = app.db.read(|conn| Ok(events::last_id(conn)?)).await?;
    opening.settle(resume, newest);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        // actix's `Compress` leaves a body alone that says its encoding: a compressed
        // stream would hold events back in the compressor.
        .insert_header((
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        ))
        // The connection ends with the stream (a server stopping, a slow client), rather
        // than idling in keep-alive while a graceful stop waits for it.
        .force_close()
        .streaming(state.body(slot, opening, filter)))
}

/// `Last-Event-ID` (the header wins) or `?last_event_id=`. A header that is no id of ours
/// (another site's) means the client must reload.
fn resume_from(req: &HttpRequest, query: Option<i64>) -> Resume {
    match req.headers().get("last-event-id") {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .filter(|id| *id >= 0)
            .map_or(Resume::Unknown, Resume::After),
        None => query.map_or(Resume::Live, Resume::After),
    }
}
