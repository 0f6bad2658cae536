//! `POST|GET /articles/{id}/views` and `GET /articles/popular`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDateTime, Utc};
use std::sync::LazyLock;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dedup::is_plausible_client;
use super::model::{PopularArticle, PopularBy, PopularQuery, ViewStats, Window};
use super::queries;
use super::state::{GateEntry, ViewsState};
use crate::articles::queries as articles;
use crate::auth::MaybeCaller;
use crate::error::{ApiError, Problem};
use crate::http::Query;
use crate::state::{AppState, client_address};
use crate::time::now;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(popular_articles)
        .service(record_view)
        .service(view_stats);
}

/// The maintained crawler list of the `isbot` crate, compiled once.
static BOTS: LazyLock<isbot::Bots> = LazyLock::new(isbot::Bots::default);

/// Count a view.
///
/// The front end calls this once per page view. It answers `202` at once: the view is
/// buffered in memory and written with others at the next flush. A client address counts
/// one view per article within `VIEW_DEDUP_SECONDS` (60); crawlers (by `User-Agent`) and
/// requests whose `User-Agent` is missing or no `Product/version` are answered alike but
/// not counted. Only public
/// articles count; others are `404`, or `409` to staff who may open the article (a preview
/// is not a reader's view).
#[utoipa::path(
    tag = "views",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2)),
    security((), ("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; counted unless the client is a crawler or counted for this article within `VIEW_DEDUP_SECONDS`"),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The article is not public (answered to staff who may open it; anyone else gets `404`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{id}/views")]
pub async fn record_view(
    req: HttpRequest,
    state: web::Data<AppState>,
    own: web::Data<ViewsState>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let article_id = id.into_inner();
    let now = now();
    if !is_public(&state, &own, article_id, now).await? {
        return Err(not_public(&state, caller, article_id).await);
    }
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    let counts = is_plausible_client(user_agent)
        && !BOTS.is_bot(user_agent)
        && own.dedup.is_first(&client_address(&req), article_id);
    if counts {
        own.buffer.add(article_id, now.date());
    }
    Ok(HttpResponse::Accepted().finish())
}

/// Why a view of an article that is not public is refused: staff who may open it are told
/// so; anyone else learns only that there is no such article.
async fn not_public(state: &web::Data<AppState>, caller: MaybeCaller, article_id: i64) -> ApiError {
    if caller.0.is_none() {
        return ApiError::not_found("article");
    }
    let row = state
        .db
        .read(move |conn| articles::find_row(conn, article_id))
        .await;
    match row {
        Ok(row) => {
            caller.refuse_unpublished(row.author_id, "views are counted only on public articles")
        }
        Err(error) => error,
    }
}

/// Whether the article is public now, from memory while the public content version it was
/// looked up at holds: a popular article costs no query per view, and a publish, an
/// unpublish or a deletion is seen on the very next view.
async fn is_public(
    state: &AppState,
    own: &ViewsState,
    article_id: i64,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    let seconds = now.and_utc().timestamp();
    let remembered = own
        .gate
        .get(&article_id)
        .filter(|entry| entry.read_at.still_holds(state.db.public_state(), seconds));
    let public_from = match remembered {
        Some(entry) => entry.public_from,
        None => {
            // Read before the query: a write racing it leaves the entry stale, never wrong.
            let read_at = state.db.current_public_state(seconds).await?;
            let public_from = state
                .db
                .read(move |conn| Ok(articles::public_from(conn, article_id)?))
                .await?;
            let entry = GateEntry {
                public_from,
                read_at,
            };
            own.gate.insert(article_id, entry);
            public_from
        }
    };
    Ok(public_from.is_public_at(now))
}

/// An article's view counts.
///
/// How often an article was read: the total, today, the last 7 and 30 days, and 30 daily
/// buckets (UTC, oldest first). Views are counted after the next flush
/// (`VIEW_FLUSH_INTERVAL_MS`, one second by default).
#[utoipa::path(
    tag = "views",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2)),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The article's view counts", body = ViewStats),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}/views")]
pub async fn view_stats(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<ViewStats>, ApiError> {
    let article_id = id.into_inner();
    let stats = state
        .db
        .read(move |conn| {
            let row = articles::find_row(conn, article_id)?;
            if !caller.can(row.reading()) {
                return Err(ApiError::not_found("article"));
            }
            Ok(queries::stats(
                conn,
                article_id,
                row.view_count,
                Utc::now().date_naive(),
            )?)
        })
        .await?;
    Ok(web::Json(stats))
}

/// Trending and Most commented.
///
/// The sidebar lists: Trending (`by=views`) and Most commented (`by=comments`), counted
/// over today (`day`), the last 7 (`week`) or 30 days (`month`), whole UTC days, today
/// included, or ever (`all`). Published articles only, the most popular first, each with its
/// count in the window. Views arrive after the next flush (`VIEW_FLUSH_INTERVAL_MS`).
///
/// Example: `GET /api/v1/articles/popular?by=views&window=week&limit=5`
#[utoipa::path(
    tag = "views",
    params(PopularQuery),
    security(()),
    responses((status = 200, description = "The most popular articles first, each with its count in the window", body = Vec<PopularArticle>))
)]
#[get("/articles/popular")]
pub async fn popular_articles(
    state: web::Data<AppState>,
    query: Query<PopularQuery>,
) -> Result<web::Json<Vec<PopularArticle>>, ApiError> {
    let query = query.into_inner();
    let by = query.by.unwrap_or(PopularBy::Views);
    let window = query.window.unwrap_or(Window::Week);
    let limit = query.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 100"));
    }
    let (now, site) = (now(), state.clone());
    let list = state
        .db
        .read(move |conn| {
            queries::popular_articles(conn, &site.config.site, by, window, limit, now)
        })
        .await?;
    Ok(web::Json(list))
}
