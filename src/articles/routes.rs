//! `/articles`: public reads of published articles, and writes by their authors and editors.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::announce;
use super::model::{
    Adjacent, Article, ArticlePatch, ArticlePatchBody, ArticleSummary, NewArticle, NewArticleBody,
};
use super::queries::{self, ArticleFilter, ArticleSort, Visibility};
use super::read;
use crate::auth::{Action, Caller, MaybeCaller};
use crate::authors::queries as authors;
use crate::categories::queries as categories;
use crate::db::Conn;
use crate::domain::ArticleStatus;
use crate::domain::Key;
use crate::error::{ApiError, Problem};
use crate::fulltext::terms::SearchTerms;
use crate::http::query::repeated;
use crate::http::{Json, ListParams, Paginated, Query, Timestamp, created, pagination};
use crate::state::AppState;
use crate::tags::queries as tags;
use crate::time::now;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_articles)
        .service(create_article)
        .service(get_article_by_slug)
        .service(get_article)
        .service(update_article)
        .service(delete_article)
        .service(adjacent_articles)
        .service(related_articles);
}

/// The filters of `GET /articles`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// A category id or slug (`world-news`); its child categories are included.
    pub category: Option<String>,
    /// An author id or slug (`conservative-guard`).
    pub author: Option<String>,
    /// Only featured (or only not featured) articles.
    pub featured: Option<bool>,
    /// Published at or after this instant (`2026-01-01T00:00:00Z`).
    #[param(value_type = Option<String>, format = DateTime)]
    pub published_after: Option<Timestamp>,
    /// Published before this instant.
    #[param(value_type = Option<String>, format = DateTime)]
    pub published_before: Option<Timestamp>,
    /// Staff only (a token is needed): articles in this status, including scheduled ones.
    /// Authors see only their own.
    pub status: Option<ArticleStatus>,
    /// Only articles matching these words, by the rules of `GET /search` (every word must
    /// match; the last one also as the start of a word); the list keeps its own sort.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x00-\x2F\x3A-\x40\x5B-\x60\x7B-\xA9\xAB-\xB1\xB4\xB6-\xB8\xBB\xBF\xD7\xF7\u2000-\u206F\u2E00-\u2E7F\u3000-\u303F\uFE10-\uFE1F\uFE30-\uFE6F\uFF00-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]"
    )]
    pub search: Option<String>,
}

/// The tag filter of `GET /articles`, read apart from [`ArticleListQuery`] because it may
/// repeat.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TagFilter {
    /// A tag id or slug (`kherson`); repeat it (`tag=kherson&tag=5`) for articles with any
    /// of them. A tag that does not exist matches no article.
    #[param(min_length = 1)]
    pub tag: Option<Vec<String>>,
}

impl TagFilter {
    fn of(req: &HttpRequest) -> Self {
        let tags = repeated(req.query_string(), "tag");
        Self {
            tag: (!tags.is_empty()).then_some(tags),
        }
    }
}

/// List articles.
///
/// The home page's Latest list, category and author pages, date archives and the staff's
/// lists of drafts. Without a token only published articles whose date has come are listed.
/// Filters combine (`category` includes child categories, `tag` may repeat and matches any
/// of its tags); `search` applies the words of `GET /search` as a filter while keeping this
/// list's sort. The answer is one page of summaries (no `content_html`) with
/// `X-Total-Count` and a `Link` header.
///
/// Example: `GET /api/v1/articles?category=world-news&sort=-view_count&per_page=5`
#[utoipa::path(
    tag = "articles",
    params(ListParams<ArticleSort>, ArticleListQuery, TagFilter),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of article summaries", body = Paginated<ArticleSummary>),
        (status = 401, description = "`status` without a token, or a bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles")]
pub async fn list_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    params: ListParams<ArticleSort>,
    query: Query<ArticleListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let tags = TagFilter::of(&req);
    let visibility = match (query.status, caller.0) {
        (None, _) => Visibility::Public,
        (Some(_), None) => {
            return Err(ApiError::Unauthorized(
                "filtering by status needs a bearer access token".to_owned(),
            ));
        }
        (Some(status), Some(caller)) => Visibility::Status {
            status,
            only_author: (!caller.can(Action::SeeAllUnpublished)).then_some(caller.user_id),
        },
    };
    let site = state.clone();
    let (articles, total) = state
        .db
        .read(move |conn| match resolve_filter(conn, &query, &tags)? {
            Some(filter) => queries::list(conn, &site.config.site, visibility, &filter, params),
            None => Ok((Vec::new(), 0)),
        })
        .await?;
    Ok(pagination::respond(&req, params.page, total, articles))
}

/// Resolves slugs to ids; `None` when a named category or author, or every named tag, does
/// not exist, which makes the list empty.
fn resolve_filter(
    conn: &mut Conn,
    query: &ArticleListQuery,
    tags: &TagFilter,
) -> Result<Option<ArticleFilter>, ApiError> {
    let search = query
        .search
        .as_deref()
        .map(|text| SearchTerms::parse("search", text))
        .transpose()
        .map_err(|error| ApiError::Validation(vec![error]))?;
    let mut filter = ArticleFilter {
        featured: query.featured,
        published_after: query.published_after.map(|t| t.0),
        published_before: query.published_before.map(|t| t.0),
        search,
        ..Default::default()
    };
    if let Some(category) = &query.category {
        let Some(id) = categories::category_id(conn, category)? else {
            return Ok(None);
        };
        filter.category_ids = Some(categories::category_with_descendants(conn, id)?);
    }
    if let Some(author) = &query.author {
        let Some(id) = authors::author_id(conn, author)? else {
            return Ok(None);
        };
        filter.author_id = Some(id);
    }
    if let Some(names) = &tags.tag {
        let mut ids = Vec::with_capacity(names.len());
        for tag in names {
            ids.extend(tags::tag_id(conn, tag)?);
        }
        if ids.is_empty() {
            return Ok(None);
        }
        filter.tag_ids = Some(ids);
    }
    Ok(Some(filter))
}

/// Get an article by id.
///
/// The whole article with `content_html`, its author, category and tags. Drafts, archived and
/// scheduled articles are `404` to the public; their author and editors see them with a token.
#[utoipa::path(
    tag = "articles",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2)),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The article", body = Article),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}")]
pub async fn get_article(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<Article>, ApiError> {
    let key = Key::Id(id.into_inner());
    let site = state.clone();
    Ok(web::Json(
        state
            .db
            .read(move |conn| read::visible_article(conn, key, caller, &site.config.site))
            .await?,
    ))
}

/// Get an article by slug.
///
/// The article page: the whole article with `content_html`, its author and category. Drafts,
/// archived and scheduled articles are `404` to the public; their author and editors see them
/// with a token. Slugs come from `GET /articles` or from links.
#[utoipa::path(
    tag = "articles",
    params(("slug" = String, Path, description = "Article slug", example = "diplomats-warn-over-pension-changes-in-closed-session")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The article", body = Article),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/slug/{slug}")]
pub async fn get_article_by_slug(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    slug: web::Path<String>,
) -> Result<web::Json<Article>, ApiError> {
    let key = Key::Slug(slug.into_inner());
    let site = state.clone();
    Ok(web::Json(
        state
            .db
            .read(move |conn| read::visible_article(conn, key, caller, &site.config.site))
            .await?,
    ))
}

/// Create an article.
///
/// Authors and up. The body is Markdown or HTML (`content_format`); HTML is sanitized either
/// way. A new article is a `draft` unless `status` says otherwise; publishing without
/// `published_at` stamps it with now, and a `published` article dated in the future is
/// scheduled: invisible to the public until then. `tags` names tags by id or slug, in
/// order (`[3, "kherson"]`); an unknown one is a `422` naming it. The slug comes from the
/// title when not given (apostrophes dropped, `-2`, `-3` added when taken); a slug given and
/// taken is a `409`.
///
/// Example body: `{"title":"Port expansion approved","content":"## Vote\n\nThe council **approved** it.","content_format":"markdown","category_id":4,"status":"published"}`
#[utoipa::path(
    tag = "articles",
    request_body = NewArticleBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Article),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles")]
pub async fn create_article(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewArticleBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WriteArticles)?;
    let new = NewArticle::try_from(body.0)?;
    let site = state.clone();
    let article = state
        .db
        .write(move |conn| {
            let id = queries::insert(conn, new, caller.user_id)?;
            announce::after_write(conn, id, &site.config.site, now())?;
            read::visible_article(
                conn,
                Key::Id(id),
                MaybeCaller(Some(caller)),
                &site.config.site,
            )
        })
        .await?;
    Ok(created(
        format!("/api/v1/articles/{}", article.summary.id),
        &article,
    ))
}

/// Update an article.
///
/// Only the fields sent change; `null` clears an optional one. Authors may change only their
/// own (`403` on others' published articles, `404` on others' drafts). Setting `status` to
/// `published` without `published_at` stamps it with now. `tags` replaces the article's
/// tags (`[]` removes them; absent keeps them).
///
/// Example body: `{"status":"published","featured":true}`
#[utoipa::path(
    tag = "articles",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2)),
    request_body = ArticlePatchBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed article", body = Article),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/articles/{id}")]
pub async fn update_article(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ArticlePatchBody>,
) -> Result<web::Json<Article>, ApiError> {
    let id = id.into_inner();
    let patch = ArticlePatch::try_from(body.0)?;
    let site = state.clone();
    let article = state
        .db
        .write(move |conn| {
            editable(conn, id, caller)?;
            queries::update(conn, id, patch)?;
            announce::after_write(conn, id, &site.config.site, now())?;
            read::visible_article(
                conn,
                Key::Id(id),
                MaybeCaller(Some(caller)),
                &site.config.site,
            )
        })
        .await?;
    Ok(web::Json(article))
}

/// Delete an article.
///
/// Authors may delete only their own; editors and admins any. Its comments, views and search
/// entry go with it. The answer is `204` with no body.
#[utoipa::path(
    tag = "articles",
    params(("id" = i64, Path, minimum = 1, description = "Article id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/articles/{id}")]
pub async fn delete_article(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let site = state.config.site.clone();
    state
        .db
        .write(move |conn| {
            editable(conn, id, caller)?;
            announce::before_delete(conn, id, &site)?;
            queries::delete(conn, id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `404` when the caller may not even see the article, `403` when they may see but not edit.
fn editable(conn: &mut Conn, id: i64, caller: Caller) -> Result<(), ApiError> {
    let row = read::visible_row(conn, Key::Id(id), MaybeCaller(Some(caller)))?.row;
    caller.require(Action::EditArticleOf {
        author_id: row.author_id,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdjacentQuery {
    /// Only neighbours in the article's own category.
    pub same_category: Option<bool>,
}

/// Previous and next articles.
///
/// The "Previous Post" and "Next Post" links of an article page: the published neighbours by
/// `published_at`, each `null` at the ends; `same_category=true` keeps to the article's
/// category.
#[utoipa::path(
    tag = "articles",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2), AdjacentQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The neighbours", body = Adjacent),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}/adjacent")]
pub async fn adjacent_articles(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<i64>,
    query: Query<AdjacentQuery>,
) -> Result<web::Json<Adjacent>, ApiError> {
    let key = Key::Id(id.into_inner());
    let same_category = query.into_inner().same_category.unwrap_or(false);
    let site = state.clone();
    let adjacent = state
        .db
        .read(move |conn| {
            let row = read::visible_row(conn, key, caller)?.row;
            let category = same_category.then_some(row.category_id);
            let (previous, next) = queries::adjacent(conn, &site.config.site, &row, category)?;
            Ok(Adjacent { previous, next })
        })
        .await?;
    Ok(web::Json(adjacent))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatedQuery {
    /// How many articles, 1 to 20.
    #[param(minimum = 1, maximum = 20, default = 5)]
    pub limit: Option<i64>,
}

/// Related articles.
///
/// Published articles of the same category ranked by the title and excerpt words they share
/// with this one, then by recency: the "Related posts" block of an article page.
#[utoipa::path(
    tag = "articles",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2), RelatedQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Related articles, most relevant first", body = Vec<ArticleSummary>),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}/related")]
pub async fn related_articles(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<i64>,
    query: Query<RelatedQuery>,
) -> Result<web::Json<Vec<ArticleSummary>>, ApiError> {
    let limit = query.into_inner().limit.unwrap_or(5);
    if !(1..=20).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 20"));
    }
    let key = Key::Id(id.into_inner());
    let site = state.clone();
    let related = state
        .db
        .read(move |conn| {
            let row = read::visible_row(conn, key, caller)?.row;
            queries::related(conn, &site.config.site, &row, row.category_id, limit)
        })
        .await?;
    Ok(web::Json(related))
}
