//! Totals of article lists, remembered between requests. Counting the public list scans an
//! index entry per published article (milliseconds at 100,000 articles), so each total is
//! kept until something is written or a scheduled article comes due: it stays exact.

use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::sync::Mutex;

/// How many distinct lists' totals are kept; more are forgotten all at once.
const MAX_ENTRIES: usize = 4_096;

#[derive(Debug, Clone, Copy)]
struct Entry {
    generation: u64,
    /// When the next scheduled article becomes public; the total is stale from then.
    valid_until: Option<NaiveDateTime>,
    total: i64,
}

#[derive(Debug, Default)]
pub struct ListTotals {
    entries: Mutex<HashMap<String, Entry>>,
}

impl ListTotals {
    /// The remembered total of the list `key`, if nothing changed since it was counted.
    pub fn get(&self, key: &str, generation: u64, now: NaiveDateTime) -> Option<i64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|entry| entry.generation == generation)
            .filter(|entry| entry.valid_until.is_none_or(|until| now < until))
            .map(|entry| entry.total)
    }

    /// Remembers a total counted at `generation` (read before counting, so a write that
    /// raced the count makes the entry stale rather than wrong).
    pub fn put(&self, key: String, generation: u64, valid_until: Option<NaiveDateTime>, total: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                generation,
                valid_until,
                total,
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
        let totals = ListTotals::default();
        let now = crate::http::time::now();
        totals.put("list".to_owned(), 1, Some(now + Duration::seconds(10)), 7);
        assert_eq!(totals.get("list", 1, now), Some(7));
        assert_eq!(totals.get("list", 2, now), None);
        assert_eq!(totals.get("list", 1, now + Duration::seconds(10)), None);
        assert_eq!(totals.get("other", 1, now), None);
    }
}
