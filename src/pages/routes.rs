//! `/pages/...`: one request per page of a news site. Each answer holds what the page
//! shows (its content, the header's categories and the sidebar), so a front end renders a
//! page from one cacheable response instead of eight round trips.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{ArticlePage, AuthorPage, CategoryPage, HomePage, SearchPage, TagPage};
use super::queries;
use crate::auth::MaybeCaller;
use crate::db::Conn;
use crate::error::{ApiError, Problem};
use crate::http::{Page, PageQuery, Query};
use crate::search::model::SearchParams;
use crate::site::SiteSettings;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(home_page)
        .service(article_page)
        .service(category_page)
        .service(tag_page)
        .service(author_page)
        .service(search_page);
}

/// The `{slug}` of a page path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SlugPath {
    /// The slug, as in the site's address (`world-news`).
    pub slug: String,
}

/// The home page.
///
/// Featured and Latest, a block per top-level category with its newest articles, the
/// categories for the header and the sidebar (Trending, Most commented, Latest), in one
/// response.
#[utoipa::path(
    tag = "pages",
    security(()),
    responses((status = 200, description = "The home page", body = HomePage))
)]
#[get("/pages/home")]
pub async fn home_page(state: web::Data<AppState>) -> Result<web::Json<HomePage>, ApiError> {
    let site = state.clone();
    let page = state
        .db
        .read(move |conn| queries::home(conn, &site.config.site))
        .await?;
    Ok(web::Json(page))
}

/// An article page.
///
/// The whole article (with `content_html` and `seo`), Previous/Next, related articles, the
/// first 100 approved comments, the header's categories and the sidebar, in one response:
/// the eight requests of an article page in one. Drafts and scheduled articles are `404`
/// to the public; their author and editors see them with a token, as with
/// `GET /articles/slug/{slug}`.
///
/// Example: `GET /api/v1/pages/article/diplomats-warn-over-pension-changes-in-closed-session`
#[utoipa::path(
    tag = "pages",
    params(SlugPath),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The article page", body = ArticlePage),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/pages/article/{slug}")]
pub async fn article_page(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    path: web::Path<SlugPath>,
) -> Result<web::Json<ArticlePage>, ApiError> {
    let slug = path.into_inner().slug;
    let site = state.clone();
    let page = state
        .db
        .read(move |conn| queries::article(conn, slug, caller, &site.config.site))
        .await?;
    Ok(web::Json(page))
}

/// A category page.
///
/// The category and a page of its articles, newest first (child categories included), with
/// the header's categories and the sidebar.
#[utoipa::path(
    tag = "pages",
    params(SlugPath, PageQuery),
    security(()),
    responses((status = 200, description = "The category page", body = CategoryPage))
)]
#[get("/pages/category/{slug}")]
pub async fn category_page(
    state: web::Data<AppState>,
    path: web::Path<SlugPath>,
    page: Query<PageQuery>,
) -> Result<web::Json<CategoryPage>, ApiError> {
    listing(state, path, page, queries::category).await
}

/// A tag page.
///
/// The tag and a page of its articles, newest first, with the header's categories and the
/// sidebar.
#[utoipa::path(
    tag = "pages",
    params(SlugPath, PageQuery),
    security(()),
    responses((status = 200, description = "The tag page", body = TagPage))
)]
#[get("/pages/tag/{slug}")]
pub async fn tag_page(
    state: web::Data<AppState>,
    path: web::Path<SlugPath>,
    page: Query<PageQuery>,
) -> Result<web::Json<TagPage>, ApiError> {
    listing(state, path, page, queries::tag).await
}

/// An author page.
///
/// The author's profile and a page of their articles, newest first, with the header's
/// categories and the sidebar.
#[utoipa::path(
    tag = "pages",
    params(SlugPath, PageQuery),
    security(()),
    responses((status = 200, description = "The author page", body = AuthorPage))
)]
#[get("/pages/author/{slug}")]
pub async fn author_page(
    state: web::Data<AppState>,
    path: web::Path<SlugPath>,
    page: Query<PageQuery>,
) -> Result<web::Json<AuthorPage>, ApiError> {
    listing(state, path, page, queries::author).await
}

/// A search results page.
///
/// `GET /search`'s results for `q` and `category` (its rules, ranking and snippets), with the header's
/// categories and the sidebar. The search box's suggestions while typing stay with
/// `GET /search`, which is lighter.
#[utoipa::path(
    tag = "pages",
    params(SearchParams, PageQuery),
    security(()),
    responses((status = 200, description = "The search page", body = SearchPage))
)]
#[get("/pages/search")]
pub async fn search_page(
    state: web::Data<AppState>,
    params: Query<SearchParams>,
    page: Query<PageQuery>,
) -> Result<web::Json<SearchPage>, ApiError> {
    let params = params.into_inner();
    let (terms, page) = params.validated(page.into_inner())?;
    let (ranked, db, site) = (
        state.config.search_ranked_matches,
        state.db.clone(),
        state.clone(),
    );
    let found = state
        .db
        .read(move |conn| {
            queries::search(conn, &db, ranked, &params, &terms, page, &site.config.site)
        })
        .await?;
    Ok(web::Json(found))
}

/// A listing page (category, tag, author): `build` reads it for the slug and the page.
async fn listing<T: Send + 'static>(
    state: web::Data<AppState>,
    path: web::Path<SlugPath>,
    page: Query<PageQuery>,
    build: fn(&mut Conn, String, Page, &SiteSettings) -> Result<T, ApiError>,
) -> Result<web::Json<T>, ApiError> {
    let (slug, page) = (path.into_inner().slug, Page::try_from(page.into_inner())?);
    let site = state.clone();
    let found = state
        .db
        .read(move |conn| build(conn, slug, page, &site.config.site))
        .await?;
    Ok(web::Json(found))
}
