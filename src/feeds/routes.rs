//! `/feeds/rss`, `/feeds/atom`, `/sitemap.xml`, `/sitemaps/articles-{n}.xml` and
//! `/sitemap-news.xml`: the public articles for feed readers and search engines. Each is a
//! public `GET`, kept by the response cache (`http/cache.rs`) like every other, so a
//! publish shows at once and a repeat is a `304`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{FeedQuery, NEWS_WINDOW_HOURS};
use super::queries;
use super::xml::{self, FeedHead};
use crate::error::{ApiError, Problem};
use crate::http::Query;
use crate::http::pagination::pages_for;
use crate::site::SiteSettings;
use crate::state::AppState;
use crate::time::now;

pub const RSS: &str = "application/rss+xml; charset=utf-8";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
pub const XML: &str = "application/xml; charset=utf-8";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(rss_feed)
        .service(atom_feed)
        .service(sitemap_index)
        .service(sitemap_page)
        .service(news_sitemap);
}

/// The site's address, which every link in a feed or sitemap starts with; without it
/// there is nothing to link to.
fn site_url(site: &SiteSettings) -> Result<&str, ApiError> {
    site.url.as_deref().ok_or_else(|| {
        ApiError::NotFound(
            "feeds and sitemaps link to the site's pages, and SITE_URL is not set: set it to \
             the site's public address"
                .to_owned(),
        )
    })
}

/// Where the API is, for the links feeds and the sitemap index give to themselves:
/// `API_URL`, else the address the request came to, as actix reads it (`Host`, or
/// `Forwarded`/`X-Forwarded-Host` and `-Proto` from a proxy). The response cache keys on
/// that address too, so a copy made for one name is never served to another.
fn api_base(req: &HttpRequest, site: &SiteSettings) -> String {
    match &site.api_url {
        Some(url) => url.clone(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

fn xml_response(content_type: &'static str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(body)
}

#[derive(Clone, Copy)]
enum Format {
    Rss,
    Atom,
}

async fn feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: FeedQuery,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let site = &state.config.site;
    let site_url = site_url(site)?.to_owned();
    let mut self_url = format!("{}{}", api_base(&req, site), req.path());
    let canonical = query.canonical_query();
    if !canonical.is_empty() {
        self_url = format!("{self_url}?{canonical}");
    }
    let reader = state.clone();
    let (scope, items) = state
        .db
        .read(move |conn| {
            let scope = queries::scope(conn, &query)?;
            let items = queries::feed_items(conn, &scope, &reader.config.site)?;
            Ok((scope, items))
        })
        .await?;
    let title = match scope.names.is_empty() {
        true => site.name.clone(),
        false => format!("{} — {}", site.name, scope.names.join(", ")),
    };
    let head = FeedHead {
        description: format!("The latest articles of {title}"),
        title,
        site_url: &site_url,
        self_url,
        language: &site.language,
    };
    let written = match format {
        Format::Rss => xml::rss(&head, &items, site).map(|body| xml_response(RSS, body)),
        Format::Atom => xml::atom(&head, &items, site).map(|body| xml_response(ATOM, body)),
    };
    written.map_err(ApiError::internal)
}

/// RSS feed.
///
/// The 20 newest published articles as RSS 2.0, for the whole site or one category (with
/// its child categories), tag or author, each named by id or slug. Items link to the
/// articles' pages on the site (`ARTICLE_URL_TEMPLATE`); their `guid` is a `tag:` URI that
/// survives a new slug. With `FEED_CONTENT=full` (the default) each item carries the whole
/// content (`content:encoded`), else only the excerpt. `404` when a filter names nothing,
/// or when `SITE_URL` is not set.
///
/// Example: `GET /api/v1/feeds/rss?category=world-news`
#[utoipa::path(
    tag = "distribution",
    params(FeedQuery),
    security(()),
    responses(
        (status = 200, description = "The feed", body = String, content_type = "application/rss+xml"),
        (status = 404, description = "An unknown category, tag or author, or no `SITE_URL`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/rss")]
pub async fn rss_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    feed(req, state, query.into_inner(), Format::Rss).await
}

/// Atom feed.
///
/// The same articles and filters as the RSS feed, as Atom (RFC 4287): entries with their
/// author, category and tags, published and updated dates, the excerpt as `summary` and,
/// with `FEED_CONTENT=full`, the whole content; the featured image as an `enclosure` link.
///
/// Example: `GET /api/v1/feeds/atom?tag=kherson`
#[utoipa::path(
    tag = "distribution",
    params(FeedQuery),
    security(()),
    responses(
        (status = 200, description = "The feed", body = String, content_type = "application/atom+xml"),
        (status = 404, description = "An unknown category, tag or author, or no `SITE_URL`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/atom")]
pub async fn atom_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    feed(req, state, query.into_inner(), Format::Atom).await
}

/// The number of sitemap pages: at least one, so that the index is never empty.
fn page_count(public: i64, page_size: i64) -> i64 {
    pages_for(public, page_size).max(1)
}

/// Sitemap index.
///
/// The sitemap to give search engines: an index of the pages of article addresses
/// (`/sitemaps/articles-1.xml`, ...), `SITEMAP_PAGE_SIZE` addresses each (50,000, the
/// protocol's limit, by default). Its `<loc>`s are absolute addresses on the API: `API_URL`
/// when set, else the address the request came to. `404` when `SITE_URL` is not set.
#[utoipa::path(
    tag = "distribution",
    security(()),
    responses(
        (status = 200, description = "The sitemap index", body = String, content_type = "application/xml"),
        (status = 404, description = "No `SITE_URL`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sitemap.xml")]
pub async fn sitemap_index(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let site = &state.config.site;
    site_url(site)?;
    let public = state
        .db
        .read(move |conn| Ok(queries::public_count(conn, now())?))
        .await?;
    let base = api_base(&req, site);
    let pages: Vec<String> = (1..=page_count(public, site.sitemap_page_size))
        .map(|n| format!("{base}/api/v1/sitemaps/articles-{n}.xml"))
        .collect();
    let body = xml::sitemap_index(&pages).map_err(ApiError::internal)?;
    Ok(xml_response(XML, body))
}

/// Sitemap page.
///
/// Page `n` of the published articles' addresses (from 1, oldest articles first, so an
/// article keeps its page), each with `<lastmod>`, its last change. A page past the last
/// is a `404`.
#[utoipa::path(
    tag = "distribution",
    params(("n" = u32, Path, minimum = 1, description = "The page, from 1", example = 1)),
    security(()),
    responses(
        (status = 200, description = "The page", body = String, content_type = "application/xml"),
        (status = 404, description = "No such page, or no `SITE_URL`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sitemaps/articles-{n}.xml")]
pub async fn sitemap_page(
    state: web::Data<AppState>,
    n: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let site = &state.config.site;
    site_url(site)?;
    let missing = || ApiError::NotFound(format!("sitemap page `{n}` does not exist"));
    let page: i64 = n
        .parse()
        .ok()
        .filter(|page| *page >= 1 && *page <= i64::from(u32::MAX))
        .ok_or_else(missing)?;
    let size = site.sitemap_page_size;
    let rows = state
        .db
        .read(move |conn| {
            let now = now();
            let rows = queries::sitemap_page(conn, now, (page - 1) * size, size)?;
            // Page 1 exists even on a site with nothing published, as the index lists it.
            if rows.is_empty() && page > 1 {
                return Ok(None);
            }
            Ok(Some(rows))
        })
        .await?
        .ok_or_else(missing)?;
    let body = xml::urlset(&rows, site).map_err(ApiError::internal)?;
    Ok(xml_response(XML, body))
}

/// Google News sitemap.
///
/// The articles published in the last 48 hours, newest first, at most 1,000, with the
/// publication's name (`SITE_NAME`) and language (`SITE_LANGUAGE`), the publication date
/// and the title, as Google News asks. `404` when `SITE_URL` is not set.
#[utoipa::path(
    tag = "distribution",
    security(()),
    responses(
        (status = 200, description = "The news sitemap", body = String, content_type = "application/xml"),
        (status = 404, description = "No `SITE_URL`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sitemap-news.xml")]
pub async fn news_sitemap(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let site = &state.config.site;
    site_url(site)?;
    // The 48-hour window moves without a write, so the content version cannot tell when an
    // article leaves it; the response cache still bounds every entry's age by
    // COUNTERS_MAX_LAG_SECONDS (10 s by default) and clients by Cache-Control's max-age
    // (60 s), so an article leaves this sitemap at most about a minute late, which no news
    // crawler can tell from on time. Caching it is then safe, and it is what a crawler
    // polling every few minutes hits.
    let rows = state
        .db
        .read(move |conn| Ok(queries::news(conn, now(), NEWS_WINDOW_HOURS)?))
        .await?;
    let body = xml::news(&rows, site).map_err(ApiError::internal)?;
    Ok(xml_response(XML, body))
}
