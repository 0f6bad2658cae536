//! Search queries: the public matches (the newest ranked, then the older), then one page of
//! them as summaries with snippets.

use super::fts::{self, MATCH_END, MATCH_START, Scope};
use super::model::{SearchResult, SearchTerms, highlighted_html};
use crate::articles::queries as articles;
use crate::db::Conn;
use crate::error::ApiError;
use crate::http::Page;
use crate::http::time::now;

/// One page of the public articles that match, and how many there are: the `ranked` newest
/// matches best first, then the older ones, newest first. Ranking only the newest bounds
/// the work of a broad query, such as the first letters typed in a search box, at 100,000
/// articles.
pub fn search(
    conn: &mut Conn,
    ranked: i64,
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
    let expression = fts::match_expression(terms);
    let scope = Scope {
        expression: &expression,
        now: now(),
        category_ids: category_ids.as_deref(),
    };
    let matches = find_matches(conn, &scope, ranked)?;
    let hits = find_page(conn, &scope, &matches, page)?;
    Ok((with_summaries(conn, hits)?, matches.total))
}

/// The public matches of a search.
struct Matches {
    /// The ids of the newest ones, best first.
    ranked: Vec<i64>,
    /// How many there are in all.
    total: i64,
}

impl Matches {
    /// The oldest of the ranked matches (`i64::MAX` when there are none): the older
    /// matches are those below it.
    fn oldest_ranked(&self) -> i64 {
        self.ranked.iter().copied().min().unwrap_or(i64::MAX)
    }

    /// Whether there are matches older than the ranked ones.
    fn has_unranked(&self) -> bool {
        self.total > i64::try_from(self.ranked.len()).unwrap_or(i64::MAX)
    }
}

/// Ranks the newest `ranked` matches and counts them all (only when there are more).
fn find_matches(conn: &mut Conn, scope: &Scope, ranked: i64) -> Result<Matches, ApiError> {
    let best = fts::ranked_matches(conn, scope, ranked)?;
    let found = i64::try_from(best.len()).unwrap_or(i64::MAX);
    let total = match found < ranked {
        true => found,
        false => fts::count_matches(conn, scope)?,
    };
    Ok(Matches {
        ranked: best,
        total,
    })
}

/// The ids of one page of the matches, each with its snippet as HTML.
fn find_page(
    conn: &mut Conn,
    scope: &Scope,
    matches: &Matches,
    page: Page,
) -> Result<Vec<(i64, String)>, ApiError> {
    let offset = page.offset();
    let mut ids: Vec<i64> = matches
        .ranked
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(page.per_page).unwrap_or(0))
        .copied()
        .collect();
    let ranked = i64::try_from(matches.ranked.len()).unwrap_or(i64::MAX);
    let missing = page.per_page - i64::try_from(ids.len()).unwrap_or(0);
    if missing > 0 && offset < matches.total && matches.has_unranked() {
        let skip = offset.saturating_sub(ranked).max(0);
        let oldest = matches.oldest_ranked();
        ids.extend(fts::older_matches(conn, scope, oldest, skip, missing)?);
    }
    let mut snippets = fts::snippets(conn, scope.expression, &ids)?;
    Ok(ids
        .into_iter()
        .map(|id| {
            let snippet = snippets.remove(&id).unwrap_or_default();
            (id, highlighted_html(&snippet, MATCH_START, MATCH_END))
        })
        .collect())
}

/// The hits as results, each with its article's summary. An article deleted since it was
/// found is left out.
fn with_summaries(
    conn: &mut Conn,
    hits: Vec<(i64, String)>,
) -> Result<Vec<SearchResult>, ApiError> {
    let ids: Vec<i64> = hits.iter().map(|(id, _)| *id).collect();
    let mut summaries = articles::summaries(conn, &ids)?.into_iter().peekable();
    Ok(hits
        .into_iter()
        .filter_map(|(id, snippet)| {
            let article = summaries.next_if(|article| article.id == id)?;
            Some(SearchResult { article, snippet })
        })
        .collect())
}
