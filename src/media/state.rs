//! The media library's state: the store, and the slots that bound image work.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

use super::renditions::{self, Processed};
use super::storage::Storage;
use crate::config::MediaSettings;
use crate::error::ApiError;

/// How long an upload waits for an image slot before it is told to come back (`503`).
const JOB_WAIT: Duration = Duration::from_secs(30);

pub struct MediaState {
    pub storage: Storage,
    pub max_bytes: usize,
    max_pixels: u64,
    /// One permit per image being decoded and resized (`MEDIA_JOBS`): uploads queue here
    /// rather than take every core from the API.
    jobs: Arc<Semaphore>,
}

impl MediaState {
    pub fn new(settings: &MediaSettings) -> Result<Self, String> {
        Ok(Self {
            storage: Storage::open(settings)?,
            max_bytes: settings.max_bytes,
            max_pixels: settings.max_pixels,
            jobs: Arc::new(Semaphore::new(settings.jobs)),
        })
    }

    /// Checks an upload and makes its files, on the blocking pool, once a slot is free.
    pub async fn process(&self, upload: Vec<u8>) -> Result<Processed, ApiError> {
        let permit = tokio::time::timeout(JOB_WAIT, self.jobs.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Busy {
                retry_after_secs: 5,
            })?
            .map_err(ApiError::internal)?;
        let max_pixels = self.max_pixels;
        actix_web::web::block(move || {
            let processed = renditions::process(&upload, max_pixels);
            drop(permit);
            processed
        })
        .await?
    }
}
