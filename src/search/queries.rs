//! Search queries: the public matches (the newest ranked, then the older), then one page of
//! them as summaries with snippets; both are remembered, and matches found before a few
//! articles changed are brought up to date from those articles alone.

use chrono::NaiveDateTime;
use std::sync::Arc;

use super::cache::{FoundPage, Matches, PageKey, SearchCache, Sought};
use super::fts::{self, Hit, MATCH_END, MATCH_START, Scope};
use super::model::{SearchResult, SearchTerms, highlighted_html};
use crate::articles::queries as articles;
use crate::db::Conn;
use crate::error::ApiError;
use crate::http::Page;
use crate::http::time::now;

/// Changes of the search version after which remembered matches are found again rather
/// than checked article by article.
const MAX_CHANGES: i64 = 32;

/// One page of the public articles that match, and how many there are: the `ranked` newest
/// matches best first, then the older ones, newest first. Ranking only the newest bounds
/// the work of a broad query, such as the first letters typed in a search box, at 100,000
/// articles.
pub fn search(
    conn: &mut Conn,
    cache: &SearchCache,
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
    let now = now();
    // Read before the search, so that a write racing it makes what it found stale, never
    // wrong.
    let version = fts::version(conn)?;
    let key = PageKey {
        sought: Sought {
            expression: fts::match_expression(terms),
            category_ids,
        },
        page: page.page,
        per_page: page.per_page,
    };
    let found = match cache.pages.get(&key, version, now) {
        Some(found) => found,
        None => {
            let valid_until = articles::next_due(conn, now)?;
            let scope = Scope {
                expression: &key.sought.expression,
                now,
                category_ids: key.sought.category_ids.as_deref(),
            };
            let remembered = (version, valid_until);
            let matches = current_matches(conn, cache, &scope, &key.sought, remembered, ranked)?;
            let kept = cache.pages.latest(&key, now);
            let found = match kept.filter(|(found_at, _)| *found_at >= matches.since) {
                Some((_, found)) => found,
                None => find_page(conn, &scope, &matches, page)?,
            };
            cache.pages.put(key, version, valid_until, found.clone());
            found
        }
    };
    Ok((with_summaries(conn, found.hits)?, found.total))
}

/// The hits as results: each with its article's summary, read fresh (its counters move
/// without changing what a search finds). An article deleted since is left out.
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

/// The matches at `version`: remembered at it, or at an older one if the changes since
/// leave them as they were, or else found; remembered at it until `valid_until`.
fn current_matches(
    conn: &mut Conn,
    cache: &SearchCache,
    scope: &Scope,
    sought: &Sought,
    (version, valid_until): (i64, Option<NaiveDateTime>),
    ranked: i64,
) -> Result<Arc<Matches>, ApiError> {
    if let Some(matches) = cache.matches.get(sought, version, scope.now) {
        return Ok(matches);
    }
    let kept = match cache.matches.latest(sought, scope.now) {
        Some((found_at, matches)) => {
            brought_up_to_date(conn, scope, &matches, (found_at, version), ranked)?
        }
        None => None,
    };
    let matches = match kept {
        Some(matches) => matches,
        None => Arc::new(find_matches(conn, scope, ranked, version)?),
    };
    cache
        .matches
        .put(sought.clone(), version, valid_until, Arc::clone(&matches));
    Ok(matches)
}

/// Matches found at search version `from`, as they are at `to`, found from the articles
/// whose changes moved the version (at most [`MAX_CHANGES`]) rather than from the whole
/// index: an article that was no match then and is one now joins them (ranked if it is
/// among the newest `ranked`). `None` when one of them may have been a match: it is among
/// the ranked matches, or older than all of them while there are more; they are found
/// again then. Scores are those of when each was ranked: the counts behind them drift by
/// a few changes, well within what `fts::rank` allows.
fn brought_up_to_date(
    conn: &mut Conn,
    scope: &Scope,
    matches: &Arc<Matches>,
    (from, to): (i64, i64),
    ranked: i64,
) -> Result<Option<Arc<Matches>>, ApiError> {
    if to - from > MAX_CHANGES {
        return Ok(None);
    }
    let Some(mut changed) = fts::changes(conn, from, to)? else {
        return Ok(None);
    };
    changed.sort_unstable();
    changed.dedup();
    let (oldest, unranked) = (oldest_ranked(&matches.ranked), has_unranked(matches));
    let was_match =
        |id: i64| matches.ranked.iter().any(|hit| hit.id == id) || (unranked && id < oldest);
    if changed.iter().any(|&id| was_match(id)) {
        return Ok(None);
    }
    let mut updated = Matches {
        ranked: matches.ranked.clone(),
        total: matches.total,
        since: matches.since,
    };
    for id in changed {
        let Some(hit) = fts::public_match(conn, scope, id)? else {
            continue;
        };
        // A match among the newest `ranked` is ranked, and pushes the oldest ranked out.
        if !has_unranked(&updated) || id > oldest_ranked(&updated.ranked) {
            let at = updated
                .ranked
                .partition_point(|other| other.best_first(&hit).is_lt());
            updated.ranked.insert(at, hit);
            if i64::try_from(updated.ranked.len()).unwrap_or(i64::MAX) > ranked {
                let oldest = oldest_ranked(&updated.ranked);
                updated.ranked.retain(|other| other.id != oldest);
            }
        }
        updated.total += 1;
        updated.since = to;
    }
    Ok(Some(match updated.since == matches.since {
        true => Arc::clone(matches),
        false => Arc::new(updated),
    }))
}

/// The oldest of the ranked matches (`i64::MAX` when there are none).
fn oldest_ranked(ranked: &[Hit]) -> i64 {
    ranked.iter().map(|hit| hit.id).min().unwrap_or(i64::MAX)
}

/// Whether there are matches older than the ranked ones.
fn has_unranked(matches: &Matches) -> bool {
    matches.total > i64::try_from(matches.ranked.len()).unwrap_or(i64::MAX)
}

/// Ranks the newest `ranked` matches and counts them all (only when there are more), at
/// search version `version`.
fn find_matches(
    conn: &mut Conn,
    scope: &Scope,
    ranked: i64,
    version: i64,
) -> Result<Matches, ApiError> {
    let best = fts::ranked_matches(conn, scope, ranked)?;
    let found = i64::try_from(best.len()).unwrap_or(i64::MAX);
    let total = match found < ranked {
        true => found,
        false => fts::count_matches(conn, scope)?,
    };
    Ok(Matches {
        ranked: best,
        total,
        since: version,
    })
}

/// The ids of one page of the matches, with their snippets.
fn find_page(
    conn: &mut Conn,
    scope: &Scope,
    matches: &Matches,
    page: Page,
) -> Result<FoundPage, ApiError> {
    let offset = page.offset();
    let mut ids: Vec<i64> = matches
        .ranked
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(page.per_page).unwrap_or(0))
        .map(|hit| hit.id)
        .collect();
    let ranked = i64::try_from(matches.ranked.len()).unwrap_or(i64::MAX);
    let missing = page.per_page - i64::try_from(ids.len()).unwrap_or(0);
    // The ranked matches are the newest: older ones are those below the lowest of them.
    if missing > 0 && offset < matches.total && has_unranked(matches) {
        let skip = offset.saturating_sub(ranked).max(0);
        let oldest = oldest_ranked(&matches.ranked);
        ids.extend(fts::older_matches(conn, scope, oldest, skip, missing)?);
    }
    let mut snippets = fts::snippets(conn, scope.expression, &ids)?;
    let hits = ids
        .into_iter()
        .map(|id| {
            let snippet = snippets.remove(&id).unwrap_or_default();
            (id, highlighted_html(&snippet, MATCH_START, MATCH_END))
        })
        .collect();
    Ok(FoundPage {
        hits,
        total: matches.total,
    })
}
