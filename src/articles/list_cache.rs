//! What article lists remember between requests: their totals, and anchors into deep pages.
//! Counting the public list, or skipping to page 2,000, walks an index entry per article
//! passed (milliseconds at 100,000 articles). Both are kept until something is written or
//! a scheduled article comes due, so they stay exact.

use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::sync::Mutex;

/// How many distinct lists' totals are kept; more are forgotten all at once.
const MAX_ENTRIES: usize = 4_096;

/// A remembered fact about a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remembered {
    Total(i64),
    /// The sort key (`published_at`, `id`) of the last article before a page boundary.
    Anchor(NaiveDateTime, i64),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    generation: u64,
    /// When the next scheduled article becomes public; the entry is stale from then.
    valid_until: Option<NaiveDateTime>,
    value: Remembered,
}

#[derive(Debug, Default)]
pub struct ListCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl ListCache {
    /// What is remembered under `key`, if nothing changed since it was found.
    pub fn get(&self, key: &str, generation: u64, now: NaiveDateTime) -> Option<Remembered> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|entry| entry.generation == generation)
            .filter(|entry| entry.valid_until.is_none_or(|until| now < until))
            .map(|entry| entry.value)
    }

    /// Remembers a value found at `generation` (read before querying, so a write that
    /// raced the query makes the entry stale rather than wrong).
    pub fn put(
        &self,
        key: String,
        generation: u64,
        valid_until: Option<NaiveDateTime>,
        value: Remembered,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                generation,
                valid_until,
                value,
            },
        );
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
