//! `Memo`: values derived from the database, kept until the next write transaction.

use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// How many values a memo keeps by default; when full it forgets them all at once.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
pub struct Memo<K, V> {
    entries: Mutex<HashMap<K, (u64, V)>>,
    /// Held while a missing value is computed, so that concurrent misses compute it once.
    computing: Mutex<()>,
    capacity: usize,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Self::with_capacity(MAX_ENTRIES)
    }
}

impl<K, V> Memo<K, V> {
    /// A memo for values too large to keep 100,000 of.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            computing: Mutex::new(()),
            capacity,
        }
    }
}

/// Values that also go stale at an instant: when the next scheduled article becomes public.
impl<K: Eq + Hash, V: Clone> Memo<K, (Option<NaiveDateTime>, V)> {
    /// The value remembered for `key`, if found at `generation` and not stale at `now`.
    pub fn get_until(&self, key: &K, generation: u64, now: NaiveDateTime) -> Option<V> {
        self.latest_until(key, now)
            .filter(|(found_at, _)| *found_at == generation)
            .map(|(_, value)| value)
    }

    /// The value remembered for `key`, whatever generation it was found at (returned with
    /// it), if not stale at `now`.
    pub fn latest_until(&self, key: &K, now: NaiveDateTime) -> Option<(u64, V)> {
        self.latest(key)
            .filter(|(_, (valid_until, _))| valid_until.is_none_or(|until| now < until))
            .map(|(found_at, (_, value))| (found_at, value))
    }

    /// Remembers a value found at `generation`, until `valid_until` at the latest.
    pub fn put_until(&self, key: K, generation: u64, valid_until: Option<NaiveDateTime>, value: V) {
        self.put(key, generation, (valid_until, value));
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// The value remembered for `key`, if it was found at the current `generation`.
    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        self.latest(key)
            .filter(|(found_at, _)| *found_at == generation)
            .map(|(_, value)| value)
    }

    /// The value remembered for `key` and the generation it was found at, current or not.
    pub fn latest(&self, key: &K) -> Option<(u64, V)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).cloned()
    }

    /// The remembered value, or the one `compute` finds, remembered. Concurrent callers that
    /// miss wait for the first one instead of all running the same query. Blocking: call it
    /// off the async workers.
    pub fn get_or_compute<E>(
        &self,
        key: K,
        generation: u64,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if let Some(value) = self.get(&key, generation) {
            return Ok(value);
        }
        let _computing = self.computing.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(value) = self.get(&key, generation) {
            return Ok(value);
        }
        let value = compute()?;
        self.put(key, generation, value.clone());
        Ok(value)
    }

    /// Remembers a value found at `generation`. Read the generation before the query that
    /// found the value: a write racing the query then makes the entry stale, never wrong.
    pub fn put(&self, key: K, generation: u64, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, (generation, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_forgotten_after_a_write() {
        let memo = Memo::default();
        memo.put("k", 1, 7);
        assert_eq!(memo.get(&"k", 1), Some(7));
        assert_eq!(memo.get(&"k", 2), None);
        assert_eq!(memo.get(&"other", 1), None);
    }

    #[test]
    fn values_with_an_end_are_forgotten_from_then_on() {
        let memo = Memo::default();
        let now = crate::http::time::now();
        memo.put_until("k", 1, Some(now + chrono::Duration::seconds(10)), 7);
        assert_eq!(memo.get_until(&"k", 1, now), Some(7));
        assert_eq!(memo.get_until(&"k", 2, now), None);
        assert_eq!(
            memo.get_until(&"k", 1, now + chrono::Duration::seconds(10)),
            None
        );
    }

    #[test]
    fn a_full_memo_starts_over() {
        let memo = Memo::with_capacity(2);
        memo.put(1, 1, 1);
        memo.put(2, 1, 2);
        memo.put(3, 1, 3);
        assert_eq!((memo.get(&1, 1), memo.get(&3, 1)), (None, Some(3)));
    }
}
