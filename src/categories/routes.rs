//! `/categories`: public reads, editor writes.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{Category, CategoryPatch, CategoryPatchBody, NewCategory, NewCategoryBody};
use super::queries::{self, CategorySort};
use crate::auth::{Action, Caller};
use crate::domain::Key;
use crate::error::{ApiError, Problem};
use crate::http::{Json, ListParams, Paginated, Query, ReassignQuery, created, pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_categories)
        .service(create_category)
        .service(get_category_by_slug)
        .service(get_category)
        .service(update_category)
        .service(delete_category);
}

/// List categories.
///
/// The site's sections with their number of published articles (not counting child
/// categories); `parent_id` builds the hierarchy.
#[utoipa::path(
    tag = "categories",
    params(ListParams<CategorySort>),
    security(()),
    responses((status = 200, description = "A page of categories", body = Paginated<Category>))
)]
#[get("/categories")]
pub async fn list_categories(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: ListParams<CategorySort>,
) -> Result<HttpResponse, ApiError> {
    let (rows, total) = state
        .db
        .read(move |conn| queries::list(conn, params))
        .await?;
    Ok(pagination::respond(&req, params.page, total, rows))
}

/// Get a category by id.
///
/// A category with its number of published articles.
#[utoipa::path(
    tag = "categories",
    params(("id" = i64, Path, minimum = 1, description = "Category id", example = 9)),
    security(()),
    responses((status = 200, description = "The category", body = Category))
)]
#[get("/categories/{id}")]
pub async fn get_category(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Category>, ApiError> {
    let key = Key::Id(id.into_inner());
    Ok(web::Json(
        state.db.read(move |conn| queries::find(conn, key)).await?,
    ))
}

/// Get a category by slug.
///
/// A category page's header. List its articles with `GET /articles?category={slug}`, which
/// includes its child categories.
#[utoipa::path(
    tag = "categories",
    params(("slug" = String, Path, description = "Category slug", example = "world-news")),
    security(()),
    responses((status = 200, description = "The category", body = Category))
)]
#[get("/categories/slug/{slug}")]
pub async fn get_category_by_slug(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<web::Json<Category>, ApiError> {
    let key = Key::Slug(slug.into_inner());
    Ok(web::Json(
        state.db.read(move |conn| queries::find(conn, key)).await?,
    ))
}

/// Create a category.
///
/// Editors and admins. The slug comes from the name when not given; `parent_id` makes it a
/// child category.
///
/// Example body: `{"name":"Science","description":"Research and discovery"}`
#[utoipa::path(
    tag = "categories",
    request_body = NewCategoryBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Category),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewCategoryBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageCategories)?;
    let new = NewCategory::try_from(body.0)?;
    let category = state
        .db
        .write(move |conn| queries::insert(conn, new))
        .await?;
    Ok(created(
        format!("/api/v1/categories/{}", category.id),
        &category,
    ))
}

/// Update a category.
///
/// Editors and admins. Only the fields sent change; `null` clears `description` or
/// `parent_id`. A parent that would make a cycle is a `422`.
///
/// Example body: `{"description":"Research, health and discovery"}`
#[utoipa::path(
    tag = "categories",
    params(("id" = i64, Path, minimum = 1, description = "Category id", example = 9)),
    request_body = CategoryPatchBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed category", body = Category),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/categories/{id}")]
pub async fn update_category(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CategoryPatchBody>,
) -> Result<web::Json<Category>, ApiError> {
    caller.require(Action::ManageCategories)?;
    let id = id.into_inner();
    let patch = CategoryPatch::try_from(body.0)?;
    Ok(web::Json(
        state
            .db
            .write(move |conn| queries::update(conn, id, patch))
            .await?,
    ))
}

/// Delete a category.
///
/// Editors and admins. A category that still has articles needs `?reassign_to=` another
/// category (otherwise `409`); its child categories move up to its parent.
#[utoipa::path(
    tag = "categories",
    params(("id" = i64, Path, minimum = 1, description = "Category id"), ReassignQuery),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "The category has articles", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/categories/{id}")]
pub async fn delete_category(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: Query<ReassignQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageCategories)?;
    let id = id.into_inner();
    let reassign_to = query.into_inner().reassign_to;
    state
        .db
        .write(move |conn| queries::delete(conn, id, reassign_to))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
