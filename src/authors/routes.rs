//! `/authors`: public author profiles.

use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::Author;
use super::queries::{self, AuthorSort};
use crate::domain::Key;
use crate::error::ApiError;
use crate::http::{ListParams, Paginated, pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_authors)
        .service(get_author_by_slug)
        .service(get_author);
}

/// List authors.
///
/// Public author profiles with their number of published articles. Never an email or a role.
#[utoipa::path(
    tag = "authors",
    params(ListParams<AuthorSort>),
    security(()),
    responses((status = 200, description = "A page of authors", body = Paginated<Author>))
)]
#[get("/authors")]
pub async fn list_authors(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: ListParams<AuthorSort>,
) -> Result<HttpResponse, ApiError> {
    let (authors, total) = state
        .db
        .read(move |conn| queries::list(conn, params))
        .await?;
    Ok(pagination::respond(&req, params.page, total, authors))
}

/// Get an author by id.
///
/// A public author profile with the number of published articles.
#[utoipa::path(
    tag = "authors",
    params(("id" = i64, Path, minimum = 1, description = "Author (user) id", example = 2)),
    security(()),
    responses((status = 200, description = "The author", body = Author))
)]
#[get("/authors/{id}")]
pub async fn get_author(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Author>, ApiError> {
    let key = Key::Id(id.into_inner());
    Ok(web::Json(
        state.db.read(move |conn| queries::find(conn, key)).await?,
    ))
}

/// Get an author by slug.
///
/// An author page's header. List the author's articles with `GET /articles?author={slug}`.
#[utoipa::path(
    tag = "authors",
    params(("slug" = String, Path, description = "Author slug", example = "conservative-guard")),
    security(()),
    responses((status = 200, description = "The author", body = Author))
)]
#[get("/authors/slug/{slug}")]
pub async fn get_author_by_slug(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<web::Json<Author>, ApiError> {
    let key = Key::Slug(slug.into_inner());
    Ok(web::Json(
        state.db.read(move |conn| queries::find(conn, key)).await?,
    ))
}
