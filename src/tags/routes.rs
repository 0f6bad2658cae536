//! `/tags`: public reads, editor writes.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{NewTag, NewTagBody, Tag, TagPatch, TagPatchBody};
use super::queries::{self, TagSort};
use crate::auth::{Action, Caller};
use crate::domain::Key;
use crate::error::{ApiError, Problem};
use crate::http::{Json, ListParams, Paginated, created, pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tags)
        .service(create_tag)
        .service(get_tag_by_slug)
        .service(get_tag)
        .service(update_tag)
        .service(delete_tag);
}

/// List tags.
///
/// Every tag with its number of published articles, by name unless `sort` says otherwise
/// (`sort=-article_count` for the most used first).
#[utoipa::path(
    tag = "tags",
    params(ListParams<TagSort>),
    security(()),
    responses((status = 200, description = "A page of tags", body = Paginated<Tag>))
)]
#[get("/tags")]
pub async fn list_tags(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: ListParams<TagSort>,
) -> Result<HttpResponse, ApiError> {
    let (rows, total) = state
        .db
        .read(move |conn| queries::list(conn, params))
        .await?;
    Ok(pagination::respond(&req, params.page, total, rows))
}

/// Get a tag by id.
///
/// A tag with its number of published articles.
#[utoipa::path(
    tag = "tags",
    params(("id" = i64, Path, minimum = 1, description = "Tag id", example = 3)),
    security(()),
    responses((status = 200, description = "The tag", body = Tag))
)]
#[get("/tags/{id}")]
pub async fn get_tag(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Tag>, ApiError> {
    let key = Key::Id(id.into_inner());
    Ok(web::Json(
        state.db.read(move |conn| queries::find(conn, key)).await?,
    ))
}

/// Get a tag by slug.
///
/// A tag page's header. List its articles with `GET /articles?tag={slug}`.
#[utoipa::path(
    tag = "tags",
    params(("slug" = String, Path, description = "Tag slug", example = "kherson")),
    security(()),
    responses((status = 200, description = "The tag", body = Tag))
)]
#[get("/tags/slug/{slug}")]
pub async fn get_tag_by_slug(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<web::Json<Tag>, ApiError> {
    let key = Key::Slug(slug.into_inner());
    Ok(web::Json(
        state.db.read(move |conn| queries::find(conn, key)).await?,
    ))
}

/// Create a tag.
///
/// Editors and admins. The slug comes from the name when not given.
///
/// Example body: `{"name":"Kherson","description":"The city and its region"}`
#[utoipa::path(
    tag = "tags",
    request_body = NewTagBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Tag),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tags")]
pub async fn create_tag(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewTagBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageTags)?;
    let new = NewTag::try_from(body.0)?;
    let tag = state
        .db
        .write(move |conn| queries::insert(conn, new))
        .await?;
    Ok(created(format!("/api/v1/tags/{}", tag.id), &tag))
}

/// Update a tag.
///
/// Editors and admins. Only the fields sent change; `null` clears `description`. Articles
/// show the new name and slug at once.
///
/// Example body: `{"name":"Kherson Oblast"}`
#[utoipa::path(
    tag = "tags",
    params(("id" = i64, Path, minimum = 1, description = "Tag id", example = 3)),
    request_body = TagPatchBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed tag", body = Tag),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tags/{id}")]
pub async fn update_tag(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<TagPatchBody>,
) -> Result<web::Json<Tag>, ApiError> {
    caller.require(Action::ManageTags)?;
    let id = id.into_inner();
    let patch = TagPatch::try_from(body.0)?;
    Ok(web::Json(
        state
            .db
            .write(move |conn| queries::update(conn, id, patch))
            .await?,
    ))
}

/// Delete a tag.
///
/// Editors and admins. The tag is taken off every article that carries it; the articles
/// stay. The answer is `204` with no body.
#[utoipa::path(
    tag = "tags",
    params(("id" = i64, Path, minimum = 1, description = "Tag id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/tags/{id}")]
pub async fn delete_tag(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageTags)?;
    let id = id.into_inner();
    state
        .db
        .write(move |conn| queries::delete(conn, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
