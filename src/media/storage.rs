//! The one storage interface of media files: a local folder (`MEDIA_DIR`, the default) or
//! an S3-compatible bucket (`MEDIA_S3_*`), both through `object_store`. Several instances
//! on one PostgreSQL database need one store: the bucket, or a folder they all mount.

use actix_web::web::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

use crate::config::{MediaSettings, S3Settings};
use crate::error::ApiError;

/// Where media files are kept, with a memory cache in front for serving them.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Files by key. They never change once written (each upload gets a fresh folder), so a
    /// cached copy is never stale; entries are weighed by their size.
    cache: Option<moka::future::Cache<String, Bytes>>,
}

impl Storage {
    /// Opens the store the settings name; the folder is created when missing.
    pub fn open(settings: &MediaSettings) -> Result<Self, String> {
        let store: Arc<dyn ObjectStore> = match &settings.s3 {
            Some(s3) => Arc::new(bucket(s3)?),
            None => {
                let dir = &settings.dir;
                std::fs::create_dir_all(dir).map_err(|error| {
                    format!("cannot create MEDIA_DIR ({}): {error}", dir.display())
                })?;
                Arc::new(LocalFileSystem::new_with_prefix(dir).map_err(|error| {
                    format!("cannot use MEDIA_DIR ({}): {error}", dir.display())
                })?)
            }
        };
        let capacity = settings.cache_mb.saturating_mul(1024 * 1024);
        let cache = (capacity > 0).then(|| {
            moka::future::Cache::builder()
                .max_capacity(capacity)
                .weigher(|_key: &String, bytes: &Bytes| {
                    u32::try_from(bytes.len()).unwrap_or(u32::MAX)
                })
                .build()
        });
        Ok(Self { store, cache })
    }

    /// Writes one file.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), ApiError> {
        let path = path(key)?;
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(|error| ApiError::internal(format!("storing {key}: {error}")))?;
        Ok(())
    }

    /// Writes every file of an upload, or none: when one fails, those already written are
    /// deleted again. Returns their keys.
    pub async fn put_all(&self, files: Vec<(String, Vec<u8>)>) -> Result<Vec<String>, ApiError> {
        let mut written = Vec::with_capacity(files.len());
        for (key, bytes) in files {
            if let Err(error) = self.put(&key, bytes).await {
                self.delete_or_warn(&written).await;
                return Err(error);
            }
            written.push(key);
        }
        Ok(written)
    }

    /// Writes files from outside the async runtime (the demo seeder): on a thread of its own
    /// with a small runtime, since the caller may be inside one that cannot block.
    pub fn put_all_blocking(&self, files: Vec<(String, Vec<u8>)>) -> Result<(), ApiError> {
        let storage = self.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(ApiError::internal)?;
            runtime.block_on(storage.put_all(files)).map(|_| ())
        })
        .join()
        .map_err(|_| ApiError::internal("the storage thread panicked"))?
    }

    /// A whole file, or `None` when there is no such file.
    pub async fn read(&self, key: &str) -> Result<Option<Bytes>, ApiError> {
        if let Some(bytes) = self.cached(key).await {
            return Ok(Some(bytes));
        }
        let path = path(key)?;
        let bytes = match self.store.get(&path).await {
            Ok(found) => found
                .bytes()
                .await
                .map_err(|error| ApiError::internal(format!("reading {key}: {error}")))?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(ApiError::internal(format!("reading {key}: {error}"))),
        };
        if let Some(cache) = &self.cache {
            cache.insert(key.to_owned(), bytes.clone()).await;
        }
        Ok(Some(bytes))
    }

    async fn cached(&self, key: &str) -> Option<Bytes> {
        self.cache.as_ref()?.get(key).await
    }

    /// Deletes files nothing refers to any more (the row is gone, or was never written): a
    /// failure leaves garbage in the store, not a broken page, so it is logged, not returned.
    pub async fn delete_or_warn(&self, keys: &[String]) {
        if let Err(error) = self.delete(keys).await {
            tracing::warn!(%error, "could not remove media files that nothing refers to");
        }
    }

    /// Deletes files; one already gone is no error (a retried delete).
    pub async fn delete(&self, keys: &[String]) -> Result<(), ApiError> {
        for key in keys {
            if let Some(cache) = &self.cache {
                cache.invalidate(key).await;
            }
            match self.store.delete(&path(key)?).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => {
                    return Err(ApiError::internal(format!("deleting {key}: {error}")));
                }
            }
        }
        Ok(())
    }
}

/// A key as the store takes it; keys are made by this module's callers from random folder
/// names and generated file names, and checked again when they come from a URL.
fn path(key: &str) -> Result<Path, ApiError> {
    Path::parse(key).map_err(|error| ApiError::internal(format!("bad media key {key}: {error}")))
}

fn bucket(s3: &S3Settings) -> Result<object_store::aws::AmazonS3, String> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region);
    if let Some(endpoint) = &s3.endpoint {
        // S3-compatible servers (MinIO, moto) are addressed by path, often over plain HTTP
        // on a private network.
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false);
    }
    if let (Some(key), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
        builder = builder
            .with_access_key_id(key)
            .with_secret_access_key(secret);
    }
    builder
        .build()
        .map_err(|error| format!("cannot use MEDIA_S3_BUCKET ({}): {error}", s3.bucket))
}
