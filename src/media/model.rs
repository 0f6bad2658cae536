//! Media types: the stored row, the item the API shows, and the bodies editors send.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::renditions::Processed;
use crate::db::schema::media;
use crate::domain::{self, Checks};
use crate::error::{ApiError, FieldError};
use crate::http::{Change, Timestamp};

/// The longest alt text, caption or credit line.
pub const MAX_TEXT_CHARS: usize = 1000;

/// One rendition as stored in the row's JSON column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRendition {
    pub name: String,
    pub file_name: String,
    pub mime_type: String,
    pub width: u32,
    pub height: u32,
}

/// A row of the `media` table.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media)]
pub struct MediaRow {
    pub id: i64,
    pub storage_key: String,
    pub file_name: String,
    pub mime_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub renditions: String,
    pub uploaded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A whole new row of the `media` table.
#[derive(Debug, Insertable)]
#[diesel(table_name = media)]
pub struct MediaRecord {
    pub storage_key: String,
    pub file_name: String,
    pub mime_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub renditions: String,
    pub uploaded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One size of an image, for `srcset`: each size comes in the original's format and in WebP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Rendition {
    /// `thumbnail` (150×150, cropped), `medium` (300 wide), `medium_large` (768),
    /// `large` (1024) or `2048`; sizes wider than the original are not made.
    #[schema(example = "medium")]
    pub name: String,
    #[schema(example = "/media/0b6c1e0e3f6a4c7e9d1a2b3c4d5e6f70/medium-300x200-5d41402abc4b.jpg")]
    pub url: String,
    #[schema(example = "image/jpeg")]
    pub mime_type: String,
    #[schema(example = 300)]
    pub width: u32,
    #[schema(example = 200)]
    pub height: u32,
}

/// An image of the media library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Media {
    #[schema(example = 12)]
    pub id: i64,
    /// The full-size image, re-encoded without its metadata (EXIF, GPS).
    #[schema(
        example = "/media/0b6c1e0e3f6a4c7e9d1a2b3c4d5e6f70/original-3000x2000-9e107d9d372b.jpg"
    )]
    pub url: String,
    #[schema(example = "image/jpeg")]
    pub mime_type: String,
    #[schema(example = 3000)]
    pub width: i32,
    #[schema(example = 2000)]
    pub height: i32,
    /// The size of the full-size file, in bytes.
    #[schema(example = 1_482_113)]
    pub bytes: i64,
    #[schema(required = true, example = "Cranes at the port at dawn")]
    pub alt: Option<String>,
    #[schema(required = true, example = "The port's new cranes arrived in March.")]
    pub caption: Option<String>,
    /// The credit line a news photo needs.
    #[schema(required = true, example = "Photo: Jane Doe / Example Agency")]
    pub credit: Option<String>,
    pub created_at: Timestamp,
    /// Smallest first; each size in the original's format and in WebP.
    pub renditions: Vec<Rendition>,
}

impl Media {
    /// The item a client sees. URLs are paths on this server (`/media/...`), whatever the
    /// store: the binary serves the files of both (`files.rs`).
    pub fn new(row: MediaRow) -> Self {
        let folder = format!("/media/{}", row.storage_key);
        let stored: Vec<StoredRendition> =
            serde_json::from_str(&row.renditions).unwrap_or_default();
        Self {
            id: row.id,
            url: format!("{folder}/{}", row.file_name),
            mime_type: row.mime_type,
            width: row.width,
            height: row.height,
            bytes: row.bytes,
            alt: row.alt,
            caption: row.caption,
            credit: row.credit,
            created_at: row.created_at.into(),
            renditions: stored
                .into_iter()
                .map(|r| Rendition {
                    url: format!("{folder}/{}", r.file_name),
                    name: r.name,
                    mime_type: r.mime_type,
                    width: r.width,
                    height: r.height,
                })
                .collect(),
        }
    }
}

/// The text parts of an upload, checked.
#[derive(Debug, Default)]
pub struct MediaText {
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

impl MediaText {
    /// Checks one text part of the upload form; other names are refused, as JSON bodies
    /// refuse unknown fields.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ApiError> {
        let checked = text(name, value).map_err(|error| ApiError::Validation(vec![error]))?;
        match name {
            "alt" => self.alt = checked,
            "caption" => self.caption = checked,
            "credit" => self.credit = checked,
            other => {
                return Err(ApiError::invalid(
                    other,
                    "unknown part: the form takes file, alt, caption and credit",
                ));
            }
        }
        Ok(())
    }
}

fn text(field: &str, value: &str) -> Result<Option<String>, FieldError> {
    domain::optional_text(field, value, MAX_TEXT_CHARS)
}

/// The body of `POST /media`, as the spec shows it (the handler reads the parts as a stream).
#[derive(Debug, ToSchema)]
pub struct MediaUpload {
    /// The image: JPEG, PNG, WebP or GIF (the type is read from the bytes, not the name).
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
    #[schema(
        nullable = false,
        max_length = 1000,
        example = "Cranes at the port at dawn"
    )]
    pub alt: Option<String>,
    #[schema(nullable = false, max_length = 1000)]
    pub caption: Option<String>,
    #[schema(
        nullable = false,
        max_length = 1000,
        example = "Photo: Jane Doe / Example Agency"
    )]
    pub credit: Option<String>,
}

/// The body of `PATCH /media/{id}`: only the fields sent change; `null` clears one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"alt": "Cranes at the port at dawn", "credit": "Photo: Jane Doe / Example Agency"}))]
pub struct MediaPatchBody {
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub alt: Change<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub caption: Change<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub credit: Change<String>,
}

/// A validated media change.
#[derive(Debug)]
pub struct MediaPatch {
    pub alt: Change<String>,
    pub caption: Change<String>,
    pub credit: Change<String>,
}

impl TryFrom<MediaPatchBody> for MediaPatch {
    type Error = ApiError;

    fn try_from(body: MediaPatchBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let alt = checks.take(body.alt.try_map(|v| text("alt", &v)));
        let caption = checks.take(body.caption.try_map(|v| text("caption", &v)));
        let credit = checks.take(body.credit.try_map(|v| text("credit", &v)));
        checks.finish(|| {
            Some(Self {
                alt: alt?,
                caption: caption?,
                credit: credit?,
            })
        })
    }
}

/// `DELETE /media/{id}?force=true` deletes an image that articles feature; they lose it.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteMediaQuery {
    /// Delete even when articles use it as their featured image (they lose it).
    #[serde(default)]
    pub force: bool,
}

/// The row and the files (key, bytes) of a processed upload, in a new random folder: a
/// folder is never written twice, so its files can be served as immutable.
pub fn prepare(
    processed: Processed,
    text: MediaText,
    uploaded_by: Option<i64>,
) -> (MediaRecord, Vec<(String, Vec<u8>)>) {
    let folder = uuid::Uuid::new_v4().simple().to_string();
    let original = processed.original;
    let original_name = original.file_name();
    let mut stored = Vec::with_capacity(processed.renditions.len());
    let mut files = Vec::with_capacity(processed.renditions.len() + 1);
    for rendition in processed.renditions {
        let file_name = rendition.file_name();
        stored.push(StoredRendition {
            name: rendition.name.to_owned(),
            file_name: file_name.clone(),
            mime_type: rendition.kind.mime_type().to_owned(),
            width: rendition.width,
            height: rendition.height,
        });
        files.push((format!("{folder}/{file_name}"), rendition.bytes));
    }
    let now = crate::time::now();
    let record = MediaRecord {
        storage_key: folder.clone(),
        file_name: original_name.clone(),
        mime_type: original.kind.mime_type().to_owned(),
        width: i32::try_from(original.width).unwrap_or(i32::MAX),
        height: i32::try_from(original.height).unwrap_or(i32::MAX),
        bytes: i64::try_from(original.bytes.len()).unwrap_or(i64::MAX),
        alt: text.alt,
        caption: text.caption,
        credit: text.credit,
        renditions: serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned()),
        uploaded_by,
        created_at: now,
        updated_at: now,
    };
    files.push((format!("{folder}/{original_name}"), original.bytes));
    (record, files)
}

/// The keys of every file of a media row.
pub fn keys_of(row: &MediaRow) -> Vec<String> {
    let stored: Vec<StoredRendition> = serde_json::from_str(&row.renditions).unwrap_or_default();
    stored
        .into_iter()
        .map(|r| r.file_name)
        .chain(std::iter::once(row.file_name.clone()))
        .map(|file| format!("{}/{file}", row.storage_key))
        .collect()
}
