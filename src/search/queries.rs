//! Search queries: the public matches ranked, then one page of them as summaries with
//! snippets; pages are remembered until what a search can find changes.

use chrono::NaiveDateTime;

use super::cache::{FoundPage, PageKey, SearchCache};
use super::fts::{self, MATCH_END, MATCH_START};
use super::model::{SearchResult, SearchTerms, highlighted_html};
use crate::articles::queries as articles;
use crate::db::Conn;
use crate::error::ApiError;
use crate::http::Page;
use crate::http::time::now;

/// How many matches a search ranks at most: when more articles match, the most recent ones
/// (by creation) are ranked. This bounds the work of a broad query, such as the first
/// letters typed in a search box, at 100,000 articles; `total` then says this number.
pub const MAX_RANKED: i64 = 1_000;

/// One page of the public articles that match, best first, and how many there are.
pub fn search(
    conn: &mut Conn,
    cache: &SearchCache,
    terms: &SearchTerms,
    category: Option<&str>,
    page: Page,
) -> Result<(Vec<SearchResult>, i64), ApiError> {
    let category_ids = match category {
        None => None,
        Some(id_or_slug) => match articles::category_id(conn, id_or_slug)? {
            Some(id) => Some(articles::category_with_descendants(conn, id)?),
            // An unknown category, as in `GET /articles`: nothing in it.
            None => return Ok((Vec::new(), 0)),
        },
    };
    let now = now();
    // Read before the search, so that a write racing it makes the page stale, never wrong.
    let version = fts::version(conn)?;
    let key = PageKey {
        expression: fts::match_expression(terms),
        category_ids,
        page: page.page,
        per_page: page.per_page,
    };
    let found = match cache.get(&key, version, now) {
        Some(found) => found,
        None => {
            let found = find(conn, terms, key.category_ids.as_deref(), page, now)?;
            let valid_until = articles::next_due(conn, now)?;
            cache.put(key, version, valid_until, found.clone());
            found
        }
    };
    let ids: Vec<i64> = found.hits.iter().map(|(id, _)| *id).collect();
    let mut summaries = articles::summaries(conn, &ids)?.into_iter().peekable();
    let mut results = Vec::with_capacity(ids.len());
    for (id, snippet) in found.hits {
        if let Some(article) = summaries.next_if(|article| article.id == id) {
            results.push(SearchResult { article, snippet });
        }
    }
    Ok((results, found.total))
}

/// Ranks the matches and renders the requested page's snippets.
fn find(
    conn: &mut Conn,
    terms: &SearchTerms,
    category_ids: Option<&[i64]>,
    page: Page,
    now: NaiveDateTime,
) -> Result<FoundPage, ApiError> {
    let ranked = fts::ranked_matches(conn, terms, now, category_ids, MAX_RANKED)?;
    let ids: Vec<i64> = ranked
        .iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.per_page).unwrap_or(0))
        .copied()
        .collect();
    let mut snippets = fts::snippets(conn, terms, &ids)?;
    let hits = ids
        .into_iter()
        .map(|id| {
            let snippet = snippets.remove(&id).unwrap_or_default();
            (id, highlighted_html(&snippet, MATCH_START, MATCH_END))
        })
        .collect();
    Ok(FoundPage {
        hits,
        total: i64::try_from(ranked.len()).unwrap_or(i64::MAX),
    })
}
