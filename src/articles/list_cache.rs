//! What article lists remember between requests: their totals, and anchors into deep pages.
//! Counting the public list, or skipping to page 2,000, walks an index entry per article
//! passed (milliseconds at 100,000 articles). Both are kept until something is written or
//! a scheduled article comes due, so they stay exact.

use chrono::NaiveDateTime;

use crate::db::memo::Memo;

/// A remembered fact about a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remembered {
    Total(i64),
    /// The sort key (`published_at`, `id`) of the last article before a page boundary.
    Anchor(NaiveDateTime, i64),
}

/// Facts, each with when the next scheduled article becomes public (stale from then).
#[derive(Debug, Default)]
pub struct ListCache {
    memo: Memo<String, (Option<NaiveDateTime>, Remembered)>,
}

impl ListCache {
    /// What is remembered under `key`, if nothing changed since it was found.
    pub fn get(&self, key: &str, generation: u64, now: NaiveDateTime) -> Option<Remembered> {
        self.memo.get_until(&key.to_owned(), generation, now)
    }

    /// Remembers a value found at `generation`, until `valid_until` at the latest.
    pub fn put(
        &self,
        key: String,
        generation: u64,
        valid_until: Option<NaiveDateTime>,
        value: Remembered,
    ) {
        self.memo.put_until(key, generation, valid_until, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn totals_expire_on_a_write_or_when_an_article_comes_due() {
        let totals = ListCache::default();
        let now = crate::http::time::now();
        let total = Remembered::Total(7);
        totals.put(
            "list".to_owned(),
            1,
            Some(now + Duration::seconds(10)),
            total,
        );
        assert_eq!(totals.get("list", 1, now), Some(total));
        assert_eq!(totals.get("list", 2, now), None);
        assert_eq!(totals.get("list", 1, now + Duration::seconds(10)), None);
        assert_eq!(totals.get("other", 1, now), None);
    }
}
