//! Search queries: the public matches (the newest ranked, then the older), then one page of
//! them as summaries with snippets.

use diesel::prelude::*;
use std::collections::HashMap;

use super::model::SearchResult;
use crate::articles::queries as articles;
use crate::categories::queries as categories;
use crate::db::schema::articles as article_rows;
use crate::db::{Conn, Db};
use crate::error::ApiError;
use crate::fulltext::fts::{self, Scope};
use crate::fulltext::rank::best_first;
use crate::fulltext::snippet::snippet;
use crate::fulltext::terms::SearchTerms;
use crate::http::Page;
use crate::site::SiteSettings;
use crate::time::now;

/// Words in a snippet, at most.
const SNIPPET_WORDS: usize = 24;

/// One page of the public articles that match, and how many there are: the `ranked` newest
/// matches best first, then the older ones, newest first. Ranking only the newest bounds
/// the work of a broad query, such as the first letters typed in a search box, at 100,000
/// articles. `db` may lend a second connection for the count.
pub fn search(
    conn: &mut Conn,
    db: &Db,
    site: &SiteSettings,
    ranked: i64,
    terms: &SearchTerms,
    category: Option<&str>,
    page: Page,
) -> Result<(Vec<SearchResult>, i64), ApiError> {
    let category_ids = match category {
        None => None,
        Some(id_or_slug) => match categories::category_id(conn, id_or_slug)? {
            Some(id) => Some(categories::category_with_descendants(conn, id)?),
            // An unknown category, as in `GET /articles`: nothing in it.
            None => return Ok((Vec::new(), 0)),
        },
    };
    let scope = Scope::new(terms, now(), category_ids.as_deref());
    // Counting every match is the longest part of a broad search (the first letters typed
    // in a search box match nearly every article). When a second connection is free right
    // now the count starts at once and runs alongside the ranking and the page, so a person
    // typing waits for the longer of the two, not their sum; a narrow search's count is as
    // cheap as its ranking. Otherwise the count comes after the page, when it is needed.
    match db.spare() {
        Some(mut spare) => std::thread::scope(|threads| {
            let counting = threads.spawn(|| fts::count_matches(&mut spare, &scope));
            let found = ranked_page(conn, site, &scope, terms, ranked, page);
            let total = counting
                .join()
                .map_err(|_| ApiError::internal("counting the matches of a search panicked"))?;
            let (results, matches) = found?;
            Ok((results, matches.total().unwrap_or(total?)))
        }),
        None => {
            let (results, matches) = ranked_page(conn, site, &scope, terms, ranked, page)?;
            let total = match matches.total() {
                Some(total) => total,
                None => fts::count_matches(conn, &scope)?,
            };
            Ok((results, total))
        }
    }
}

/// One page of the matches, and the ranked ones it was taken from.
fn ranked_page(
    conn: &mut Conn,
    site: &SiteSettings,
    scope: &Scope,
    terms: &SearchTerms,
    ranked: i64,
    page: Page,
) -> Result<(Vec<SearchResult>, Matches), ApiError> {
    let best = best_first(fts::newest_matches(conn, scope, ranked)?, terms);
    let more = i64::try_from(best.len()).unwrap_or(i64::MAX) >= ranked;
    let matches = Matches { ranked: best, more };
    let results = results(conn, site, scope, terms, &matches, page)?;
    Ok((results, matches))
}

/// The public matches of a search, as far as they are known before counting them.
struct Matches {
    /// The ids of the newest ones, best first.
    ranked: Vec<i64>,
    /// Whether there may be older ones: the newest filled the ranking.
    more: bool,
}

impl Matches {
    /// How many matches there are, when the ranking holds them all.
    fn total(&self) -> Option<i64> {
        match self.more {
            true => None,
            false => Some(i64::try_from(self.ranked.len()).unwrap_or(i64::MAX)),
        }
    }

    /// The oldest of the ranked matches (`i64::MAX` when there are none): the older
    /// matches are those below it.
    fn oldest_ranked(&self) -> i64 {
        self.ranked.iter().copied().min().unwrap_or(i64::MAX)
    }
}

/// One page of results: the page's matches with snippets and summaries.
fn results(
    conn: &mut Conn,
    site: &SiteSettings,
    scope: &Scope,
    terms: &SearchTerms,
    matches: &Matches,
    page: Page,
) -> Result<Vec<SearchResult>, ApiError> {
    let hits = find_page(conn, scope, terms, matches, page)?;
    with_summaries(conn, site, hits)
}

/// The ids of one page of the matches, each with its snippet as HTML.
fn find_page(
    conn: &mut Conn,
    scope: &Scope,
    terms: &SearchTerms,
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
    if missing > 0 && matches.more {
        let skip = offset.saturating_sub(ranked).max(0);
        let oldest = matches.oldest_ranked();
        ids.extend(fts::older_matches(conn, scope, oldest, skip, missing)?);
    }
    let mut texts: HashMap<i64, (String, String, String)> = article_rows::table
        .filter(article_rows::id.eq_any(&ids))
        .select((
            article_rows::id,
            (
                article_rows::title,
                article_rows::excerpt,
                article_rows::content_text,
            ),
        ))
        .load::<(i64, (String, String, String))>(conn)?
        .into_iter()
        .collect();
    Ok(ids
        .into_iter()
        .map(|id| {
            let (title, excerpt, text) = texts.remove(&id).unwrap_or_default();
            let columns = [title.as_str(), excerpt.as_str(), text.as_str()];
            (id, snippet(&columns, terms, SNIPPET_WORDS))
        })
        .collect())
}

/// The hits as results, each with its article's summary. An article deleted since it was
/// found is left out.
fn with_summaries(
    conn: &mut Conn,
    site: &SiteSettings,
    hits: Vec<(i64, String)>,
) -> Result<Vec<SearchResult>, ApiError> {
    let ids: Vec<i64> = hits.iter().map(|(id, _)| *id).collect();
    let mut summaries = articles::summaries(conn, site, &ids)?
        .into_iter()
        .peekable();
    Ok(hits
        .into_iter()
        .filter_map(|(id, snippet)| {
            let article = summaries.next_if(|article| article.id == id)?;
            Some(SearchResult { article, snippet })
        })
        .collect())
}
