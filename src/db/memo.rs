//! `Memo`: values derived from the database, kept until the next write transaction.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// How many values a memo keeps; when full it forgets them all at once.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
pub struct Memo<K, V> {
    entries: Mutex<HashMap<K, (u64, V)>>,
    /// Held while a missing value is computed, so that concurrent misses compute it once.
    computing: Mutex<()>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            computing: Mutex::new(()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// The value remembered for `key`, if it was found at the current `generation`.
    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(found_at, _)| *found_at == generation)
            .map(|(_, value)| value.clone())
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
        if entries.len() >= MAX_ENTRIES {
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
}
