//! What views keep in memory, shared by every worker: the views not yet written, which
//! articles are public (the view gate), and which clients viewed what lately.

use std::time::Duration;

use super::buffer::ViewBuffer;
use super::dedup::ViewDedup;
use crate::auth::policy::PublicFrom;
use crate::config::Config;
use crate::db::version::PublicState;

pub struct ViewsState {
    pub buffer: ViewBuffer,
    /// When each article viewed lately is public from, while the public content holds.
    pub gate: moka::sync::Cache<i64, GateEntry>,
    /// Which clients viewed which articles lately: one view each per window.
    pub dedup: ViewDedup,
}

impl ViewsState {
    pub fn new(config: &Config) -> Self {
        Self {
            buffer: ViewBuffer::default(),
            gate: moka::sync::Cache::new(VIEW_GATE_ENTRIES),
            dedup: ViewDedup::new(Duration::from_secs(config.view_dedup_seconds)),
        }
    }
}

/// How many articles the view gate remembers.
pub const VIEW_GATE_ENTRIES: u64 = 100_000;

/// What the view gate remembers of an article: when it is public from, and the public
/// content version that was read at (the answer holds while that version does).
#[derive(Debug, Clone, Copy)]
pub struct GateEntry {
    pub public_from: PublicFrom,
    pub read_at: PublicState,
}
