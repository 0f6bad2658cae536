//! `Memo`: values derived from the database, kept until the next write transaction.

use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// How many values a memo keeps by default, twice over (see [`Entries`]).
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
pub struct Memo<K, V> {
    entries: Mutex<Entries<K, V>>,
    /// Held while a missing value is computed, so that concurrent misses compute it once.
    computing: Mutex<()>,
    capacity: usize,
}

/// Values in two generations, each found at a database generation. When the current one
/// is full, it becomes the previous one, and the previous one is forgotten; a value asked
/// for from the previous one moves back to the current. What is asked for often (the
/// popular searches) stays, and at most twice the capacity is kept, without the
/// bookkeeping of a least-recently-used list.
#[derive(Debug)]
struct Entries<K, V> {
    current: HashMap<K, (u64, V)>,
    previous: HashMap<K, (u64, V)>,
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
            entries: Mutex::new(Entries {
                current: HashMap::new(),
                previous: HashMap::new(),
            }),
            computing: Mutex::new(()),
            capacity,
        }
    }
}

/// Values that also go stale at an instant: when the next scheduled article becomes public.
impl<K: Eq + Hash + Clone, V: Clone> Memo<K, (Option<NaiveDateTime>, V)> {
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

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    /// The value remembered for `key`, if it was found at the current `generation`.
    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        self.latest(key)
            .filter(|(found_at, _)| *found_at == generation)
            .map(|(_, value)| value)
    }

    /// The value remembered for `key` and the generation it was found at, current or not.
    pub fn latest(&self, key: &K) -> Option<(u64, V)> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = entries.current.get(key) {
            return Some(entry.clone());
        }
        let entry = entries.previous.remove(key)?;
        entries.insert(key.clone(), entry.clone(), self.capacity);
        Some(entry)
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
        entries.insert(key, (generation, value), self.capacity);
    }
}

impl<K: Eq + Hash, V> Entries<K, V> {
    fn insert(&mut self, key: K, entry: (u64, V), capacity: usize) {
        // Only a new key can overflow the current generation: one put again (a value found
        // anew, or confirmed at a later database generation) takes its old place.
        if self.current.len() >= capacity && !self.current.contains_key(&key) {
            self.previous = std::mem::take(&mut self.current);
        }
        self.previous.remove(&key);
        self.current.insert(key, entry);
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
    fn a_full_memo_keeps_its_values_when_one_is_put_again() {
        let memo = Memo::with_capacity(2);
        memo.put(1, 1, 1);
        memo.put(2, 1, 2);
        memo.put(2, 2, 20);
        assert_eq!((memo.get(&1, 1), memo.get(&2, 2)), (Some(1), Some(20)));
    }

    #[test]
    fn a_full_memo_forgets_what_was_not_asked_for_since_it_was_last_full() {
        let memo = Memo::with_capacity(2);
        memo.put(1, 1, 1);
        memo.put(2, 1, 2);
        // Full: 1 and 2 become the previous generation.
        memo.put(3, 1, 3);
        // Asked for: back in the current one.
        assert_eq!(memo.get(&1, 1), Some(1));
        // Full again: 3 and 1 become the previous generation, 2 is forgotten.
        memo.put(4, 1, 4);
        assert_eq!(
            [2, 1, 3, 4].map(|key| memo.get(&key, 1)),
            [None, Some(1), Some(3), Some(4)]
        );
    }
}
