//! `/search`: the site's search box. Public articles ranked by relevance, with snippets.

use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{SearchParams, SearchResult};
use super::queries;
use crate::error::ApiError;
use crate::http::{PageQuery, Paginated, Query, pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search);
}

/// Search published articles, best match first.
///
/// A word found in the title weighs more than one in the excerpt, which weighs more than one
/// only in the text; equals come newest first. Made for a search box that asks on every
/// keystroke: the last word also matches as the start of a word (`Montere` finds Monterey),
/// and case and accents are ignored (`zurich` finds Zürich). The 200 most recently created
/// matches are ranked (the server's `SEARCH_RANKED_MATCHES`); older matches follow them,
/// newest first, and `total` counts every match. Each result is an article summary with a
/// `snippet` of HTML whose matches are in `<mark>` tags.
#[utoipa::path(
    tag = "search",
    params(SearchParams, PageQuery),
    security(()),
    responses(
        (status = 200, description = "A page of results, best first", body = Paginated<SearchResult>),
    )
)]
#[get("/search")]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Query<SearchParams>,
    page: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let (terms, page) = params.validated(page.into_inner())?;
    let ranked = state.config.search_ranked_matches;
    let (db, site) = (state.db.clone(), state.clone());
    let (results, total) = state
        .db
        .read(move |conn| {
            let category = params.category.as_deref();
            queries::search(conn, &db, &site.config.site, ranked, &terms, category, page)
        })
        .await?;
    Ok(pagination::respond(&req, page, total, results))
}
