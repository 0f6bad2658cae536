//! Search results, remembered while what a search can find stays the same: until the
//! database's search version moves (an article is published or unpublished, or a published
//! one is written, deleted, or changes text, date or category; drafts never move it) or a
//! scheduled article comes due. Matches from an older version are brought up to date when
//! the few articles that moved it were no match then (`queries::brought_up_to_date`). A
//! search box sends the same first letters and popular words over and over, from every
//! reader; ranking them again costs milliseconds. One cache serves every worker.

use chrono::NaiveDateTime;
use std::hash::Hash;
use std::sync::Arc;

use super::fts::Hit;
use crate::db::memo::Memo;

/// How many searches' matches are kept, twice over (the memo's two generations): up to 16
/// kilobytes each, an id and a score for each of up to `SEARCH_RANKED_MATCHES` matches.
const MAX_SEARCHES: usize = 4_096;
/// How many pages of results are kept, twice over (a few kilobytes of snippets each).
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
    pub ranked: Vec<Hit>,
    /// How many there are in all.
    pub total: i64,
    /// The search version they were found at: they hold from it to the version they are
    /// remembered at, and so does a page of them found in between.
    pub since: i64,
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

/// Values found at a search version, each with when the next scheduled article becomes
/// public (stale from then). They are put with the version read before the queries that
/// found them, so that a write racing them makes the entry stale rather than wrong.
#[derive(Debug)]
pub struct Remembered<K, V>(Memo<K, (Option<NaiveDateTime>, V)>);

impl<K: Eq + Hash + Clone, V: Clone> Remembered<K, V> {
    fn with_capacity(capacity: usize) -> Self {
        Self(Memo::with_capacity(capacity))
    }

    /// The value remembered under `key`, if it was found at `version` and is still current.
    pub fn get(&self, key: &K, version: i64, now: NaiveDateTime) -> Option<V> {
        self.0.get_until(key, generation(version), now)
    }

    /// The value remembered under `key` and the version it was found at, which may be an
    /// older one, unless a scheduled article has come due since.
    pub fn latest(&self, key: &K, now: NaiveDateTime) -> Option<(i64, V)> {
        let (found_at, value) = self.0.latest_until(key, now)?;
        Some((i64::try_from(found_at).unwrap_or_default(), value))
    }

    pub fn put(&self, key: K, version: i64, valid_until: Option<NaiveDateTime>, value: V) {
        self.0
            .put_until(key, generation(version), valid_until, value);
    }
}

/// A search's matches, and its pages.
#[derive(Debug)]
pub struct SearchCache {
    pub matches: Remembered<Sought, Arc<Matches>>,
    pub pages: Remembered<PageKey, FoundPage>,
}

impl Default for SearchCache {
    fn default() -> Self {
        Self {
            matches: Remembered::with_capacity(MAX_SEARCHES),
            pages: Remembered::with_capacity(MAX_PAGES),
        }
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
        let pages = &cache.pages;
        pages.put(key.clone(), 3, Some(now + Duration::seconds(10)), page);
        assert_eq!(pages.get(&key, 3, now).map(|p| p.total), Some(1));
        assert!(pages.get(&key, 4, now).is_none());
        assert!(pages.get(&key, 3, now + Duration::seconds(10)).is_none());
        let other = PageKey { page: 2, ..key };
        assert!(pages.get(&other, 3, now).is_none());
    }
}
