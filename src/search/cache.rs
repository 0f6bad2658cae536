//! Search results, remembered while what a search can find stays the same: until the
//! database's search version moves (an article is published or unpublished, or a published
//! one is written, deleted, or changes text, date or category; drafts never move it) or a
//! scheduled article comes due. A search box sends the same first letters and popular
//! words over and over, from every reader; ranking them again costs milliseconds. One
//! cache serves every worker.

use chrono::NaiveDateTime;
use std::sync::Arc;

use crate::db::memo::Memo;

/// How many searches' matches are kept (a few kilobytes each: up to
/// `SEARCH_RANKED_MATCHES` ids); more are forgotten all at once.
const MAX_SEARCHES: usize = 4_096;
/// How many pages of results are kept (a few kilobytes of snippets each).
const MAX_PAGES: usize = 16_384;

/// What a search's matches depend on, besides the version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sought {
    /// The query as the index reads it.
    pub expression: String,
    pub category_ids: Option<Vec<i64>>,
}

/// The public matches of a search.
#[derive(Debug)]
pub struct Matches {
    /// The newest ones, best first.
    pub ranked: Vec<i64>,
    /// The lowest id in `ranked`: older matches follow, newest first.
    pub oldest_ranked: Option<i64>,
    /// How many there are in all.
    pub total: i64,
}

/// What a page of results depends on, besides the version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub sought: Sought,
    pub page: i64,
    pub per_page: i64,
}

/// A page of results without the article summaries, which are read fresh every time (their
/// counters move without changing what a search finds).
#[derive(Debug, Clone)]
pub struct FoundPage {
    /// Article ids, best first, each with its snippet as HTML.
    pub hits: Vec<(i64, String)>,
    pub total: i64,
}

/// Matches and pages, each with when the next scheduled article becomes public (stale from
/// then). Entries are put with the version read before the queries that found them, so
/// that a write racing them makes the entry stale rather than wrong.
#[derive(Debug)]
pub struct SearchCache {
    matches: Memo<Sought, (Option<NaiveDateTime>, Arc<Matches>)>,
    pages: Memo<PageKey, (Option<NaiveDateTime>, FoundPage)>,
}

impl Default for SearchCache {
    fn default() -> Self {
        Self {
            matches: Memo::with_capacity(MAX_SEARCHES),
            pages: Memo::with_capacity(MAX_PAGES),
        }
    }
}

impl SearchCache {
    pub fn matches(&self, key: &Sought, version: i64, now: NaiveDateTime) -> Option<Arc<Matches>> {
        self.matches.get_until(key, generation(version), now)
    }

    pub fn put_matches(
        &self,
        key: Sought,
        version: i64,
        valid_until: Option<NaiveDateTime>,
        matches: Arc<Matches>,
    ) {
        self.matches
            .put_until(key, generation(version), valid_until, matches);
    }

    pub fn page(&self, key: &PageKey, version: i64, now: NaiveDateTime) -> Option<FoundPage> {
        self.pages.get_until(key, generation(version), now)
    }

    pub fn put_page(
        &self,
        key: PageKey,
        version: i64,
        valid_until: Option<NaiveDateTime>,
        page: FoundPage,
    ) {
        self.pages
            .put_until(key, generation(version), valid_until, page);
    }
}

/// The search version as a memo generation: versions only count up from zero.
fn generation(version: i64) -> u64 {
    u64::try_from(version).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn pages_expire_when_the_version_moves_or_an_article_comes_due() {
        let cache = SearchCache::default();
        let now = crate::http::time::now();
        let key = PageKey {
            sought: Sought {
                expression: "\"port\"*".to_owned(),
                category_ids: None,
            },
            page: 1,
            per_page: 20,
        };
        let page = FoundPage {
            hits: vec![(7, "<mark>port</mark>".to_owned())],
            total: 1,
        };
        cache.put_page(key.clone(), 3, Some(now + Duration::seconds(10)), page);
        assert_eq!(cache.page(&key, 3, now).map(|p| p.total), Some(1));
        assert!(cache.page(&key, 4, now).is_none());
        assert!(cache.page(&key, 3, now + Duration::seconds(10)).is_none());
        let other = PageKey { page: 2, ..key };
        assert!(cache.page(&other, 3, now).is_none());
    }
}
