//! What every handler can reach, below the resources: the database, the settings and the
//! response cache of public reads, and the client's address. Each resource keeps its own
//! small state (`auth/state.rs`, `comments/state.rs`, `views/state.rs`), registered beside
//! this one by `app.rs`.

use actix_web::{HttpRequest, web};
use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::db::Db;
use crate::http::cache::ResponseCache;

/// The database, the settings and the response cache.
pub struct AppState {
    pub db: Db,
    /// Public responses, shared by every worker.
    pub responses: Arc<ResponseCache>,
    pub config: Config,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        Self {
            db,
            responses: Arc::new(ResponseCache::new(
                config.response_cache_mb.saturating_mul(1024 * 1024),
                Duration::from_secs(config.counters_max_lag_seconds),
            )),
            config,
        }
    }
}

/// The client's address, for rate limits and moderation: the TCP peer, or behind
/// `TRUSTED_PROXIES` the address they saw (http/client_ip.rs).
pub fn client_address(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr() else {
        return "unknown".to_owned();
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return peer.ip().to_string();
    };
    // Every header line, in order: they are one list. A line that is not text stands in
    // the walk as an entry that is no address.
    let forwarded_for: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .map(|value| value.to_str().unwrap_or("?"))
        .collect();
    state
        .config
        .trusted_proxies
        .client(peer.ip(), &forwarded_for)
        .to_string()
}
