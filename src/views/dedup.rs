//! Which views count: one per client address and article within `VIEW_DEDUP_SECONDS`, from
//! a client that looks like a browser or an app. Without it one client posting views in a
//! loop made its article the most viewed of the site.

use moka::sync::Cache;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

/// How many (client, article) pairs are remembered at most: about 40 MB. When more clients
/// read more articles within one window, the oldest pairs go first, so a client may then
/// count again sooner; memory stays bounded whatever the traffic.
const REMEMBERED_PAIRS: u64 = 250_000;

/// The clients that viewed each article lately.
pub struct ViewDedup {
    /// Hashes of (client address, article id); `None` when every view counts.
    seen: Option<Cache<u64, ()>>,
}

impl ViewDedup {
    /// `window` zero turns the deduplication off.
    pub fn new(window: Duration) -> Self {
        let seen = (!window.is_zero()).then(|| {
            Cache::builder()
                .max_capacity(REMEMBERED_PAIRS)
                .time_to_live(window)
                .build()
        });
        Self { seen }
    }

    /// Whether this view is the first of `client` for `article_id` within the window; it
    /// is remembered if so. A hash stands for the pair: 8 bytes instead of an address.
    pub fn is_first(&self, client: &str, article_id: i64) -> bool {
        let Some(seen) = &self.seen else {
            return true;
        };
        let mut hasher = DefaultHasher::new();
        (client, article_id).hash(&mut hasher);
        seen.entry(hasher.finish()).or_insert(()).is_fresh()
    }
}

/// Whether a `User-Agent` can be a reader's browser or app: a product and its version
/// (`Name/1.0`, RFC 9110's form, which every browser and HTTP library sends), with letters,
/// of a sensible length. `x`, `-` or a number are not; crawlers are ruled out apart.
pub fn is_plausible_client(user_agent: &str) -> bool {
    (10..=512).contains(&user_agent.len())
        && user_agent.contains('/')
        && user_agent.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_counts_once_per_article_within_the_window() {
        let dedup = ViewDedup::new(Duration::from_secs(60));
        assert!(dedup.is_first("10.0.0.1", 7));
        assert!(!dedup.is_first("10.0.0.1", 7));
        assert!(dedup.is_first("10.0.0.1", 8));
        assert!(dedup.is_first("10.0.0.2", 7));
        let off = ViewDedup::new(Duration::ZERO);
        assert!(off.is_first("10.0.0.1", 7) && off.is_first("10.0.0.1", 7));
    }

    #[test]
    fn browsers_and_apps_are_plausible_and_scraps_are_not() {
        for plausible in [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15",
            "NewsApp/3.2 (Android 14)",
            "okhttp/4.12.0",
        ] {
            assert!(is_plausible_client(plausible), "{plausible}");
        }
        for scrap in ["x", "-", "12345678901", "Mozilla", "a/1", &"a/".repeat(300)] {
            assert!(!is_plausible_client(scrap), "{scrap}");
        }
    }
}
