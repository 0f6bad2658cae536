//! Pages of search results, remembered while what a search can find stays the same: until
//! the database's search version moves (an article is written, deleted, or changes text,
//! status, date or category) or a scheduled article comes due. A search box sends the same
//! first letters and popular words over and over; ranking them again costs milliseconds.

use chrono::NaiveDateTime;

use crate::db::memo::Memo;

/// How many pages are kept (a page is a few kilobytes of snippets); more are forgotten all
/// at once.
const MAX_PAGES: usize = 4_096;

/// What a page of results depends on, besides the version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// The query as the index reads it.
    pub expression: String,
    pub category_ids: Option<Vec<i64>>,
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

/// Pages, each with when the next scheduled article becomes public (stale from then).
#[derive(Debug)]
pub struct SearchCache {
    memo: Memo<PageKey, (Option<NaiveDateTime>, FoundPage)>,
}

impl Default for SearchCache {
    fn default() -> Self {
        Self {
            memo: Memo::with_capacity(MAX_PAGES),
        }
    }
}

impl SearchCache {
    /// The page remembered under `key`, if it was found at `version` and is still current.
    pub fn get(&self, key: &PageKey, version: i64, now: NaiveDateTime) -> Option<FoundPage> {
        self.memo.get_until(key, generation(version), now)
    }

    /// Remembers a page found at `version` (read before the queries that found it, so that a
    /// write racing them makes the entry stale rather than wrong).
    pub fn put(
        &self,
        key: PageKey,
        version: i64,
        valid_until: Option<NaiveDateTime>,
        page: FoundPage,
    ) {
        self.memo
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
            expression: "\"port\"*".to_owned(),
            category_ids: None,
            page: 1,
            per_page: 20,
        };
        let page = FoundPage {
            hits: vec![(7, "<mark>port</mark>".to_owned())],
            total: 1,
        };
        cache.put(key.clone(), 3, Some(now + Duration::seconds(10)), page);
        assert_eq!(cache.get(&key, 3, now).map(|p| p.total), Some(1));
        assert!(cache.get(&key, 4, now).is_none());
        assert!(cache.get(&key, 3, now + Duration::seconds(10)).is_none());
        let other = PageKey { page: 2, ..key };
        assert!(cache.get(&other, 3, now).is_none());
    }
}
