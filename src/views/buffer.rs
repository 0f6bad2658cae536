//! The in-memory view buffer. A view costs a map increment; a flush writes everything
//! gathered since the last one in a single transaction. A graceful stop flushes what is
//! left; a crash loses at most one flush interval of views.

use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use actix_web::web;

use super::queries;
use super::state::ViewsState;
use crate::db::Db;
use crate::error::ApiError;
use crate::state::AppState;

/// Views per article and UTC day, not yet written.
pub type Pending = HashMap<(i64, NaiveDate), i64>;

#[derive(Debug, Default)]
pub struct ViewBuffer {
    pending: Mutex<Pending>,
}

impl ViewBuffer {
    pub fn add(&self, article_id: i64, day: NaiveDate) {
        *self.lock().entry((article_id, day)).or_insert(0) += 1;
    }

    /// Writes every buffered view; on failure they go back into the buffer for the next try.
    pub fn flush(&self, db: &Db) -> Result<usize, ApiError> {
        let pending = std::mem::take(&mut *self.lock());
        if pending.is_empty() {
            return Ok(0);
        }
        let total = pending.values().sum::<i64>();
        match db.write_blocking(|conn| queries::add_views(conn, &pending)) {
            Ok(()) => Ok(usize::try_from(total).unwrap_or(usize::MAX)),
            Err(error) => {
                let mut buffer = self.lock();
                for (key, count) in pending {
                    *buffer.entry(key).or_insert(0) += count;
                }
                Err(error)
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Flushes the buffer every `interval` until the process ends.
pub fn spawn_flusher(state: web::Data<AppState>, views: web::Data<ViewsState>, interval: Duration) {
    actix_web::rt::spawn(async move {
        // The first flush one interval from now: an interval's first tick is immediate, and
        // on a busy start it could land after the first views and write them early.
        let first = actix_web::rt::time::Instant::now() + interval;
        let mut ticker = actix_web::rt::time::interval_at(first, interval);
        loop {
            ticker.tick().await;
            let (state, views) = (state.clone(), views.clone());
            let flushed = web::block(move || views.buffer.flush(&state.db)).await;
            match flushed {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => tracing::error!(%error, "view flush failed; will retry"),
                Err(error) => tracing::error!(%error, "view flush did not run; will retry"),
            }
        }
    });
}
