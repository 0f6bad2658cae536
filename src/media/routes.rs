//! `/media`: public reads, uploads by authors and up, changes by the uploader or an editor.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use futures_util::StreamExt;
use std::time::Duration;
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{DeleteMediaQuery, Media, MediaPatch, MediaPatchBody, MediaText, MediaUpload};
use super::queries::{self, MediaSort};
use super::state::MediaState;
use crate::auth::{Action, Caller};
use crate::error::{ApiError, Problem};
use crate::http::{Json, ListParams, Paginated, Query, created, pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_media)
        .service(upload_media)
        .service(get_media)
        .service(update_media)
        .service(delete_media);
}

/// The most bytes of one text part (alt, caption, credit) of an upload form.
const MAX_TEXT_PART_BYTES: usize = 16 * 1024;

/// The least time an upload may take to arrive, whatever `REQUEST_BODY_TIMEOUT` says: a
/// 20 MB photo from a phone needs longer than a JSON body.
const MIN_UPLOAD_SECONDS: u64 = 60;

/// List media.
///
/// The media library, newest first.
#[utoipa::path(
    tag = "media",
    params(ListParams<MediaSort>),
    security(()),
    responses((status = 200, description = "A page of media items", body = Paginated<Media>))
)]
#[get("/media")]
pub async fn list_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: ListParams<MediaSort>,
) -> Result<HttpResponse, ApiError> {
    let (rows, total) = state
        .db
        .read(move |conn| queries::list(conn, params))
        .await?;
    Ok(pagination::respond(&req, params.page, total, rows))
}

/// Get a media item.
///
/// An image with its renditions, for `srcset`.
#[utoipa::path(
    tag = "media",
    params(("id" = i64, Path, minimum = 1, description = "Media id", example = 1)),
    security(()),
    responses((status = 200, description = "The media item", body = Media))
)]
#[get("/media/{id}")]
pub async fn get_media(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Media>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state.db.read(move |conn| queries::find(conn, id)).await?,
    ))
}

/// Upload an image.
///
/// Authors, editors and admins. A `multipart/form-data` form: the image in part `file`
/// (JPEG, PNG, WebP or GIF, read from the bytes, at most `MEDIA_MAX_BYTES` and
/// `MEDIA_MAX_PIXELS`), and `alt`, `caption` and `credit` as text parts. The image is
/// re-encoded without its metadata (EXIF, GPS), and its renditions are made before the
/// answer: `thumbnail` (150×150, cropped), `medium` (300 wide), `medium_large` (768),
/// `large` (1024) and `2048`, never wider than the original, each in the original's format
/// and in WebP.
#[utoipa::path(
    tag = "media",
    request_body(content = MediaUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Uploaded, with its renditions", body = Media),
        (status = 413, description = "More bytes than MEDIA_MAX_BYTES or more pixels than MEDIA_MAX_PIXELS", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a multipart form, or the file is not a JPEG, PNG, WebP or GIF image", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/media")]
pub async fn upload_media(
    state: web::Data<AppState>,
    media: web::Data<MediaState>,
    caller: Caller,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::UploadMedia)?;
    let wait = Duration::from_secs(
        state
            .config
            .request_body_timeout_seconds
            .max(MIN_UPLOAD_SECONDS),
    );
    let (file, text) = actix_web::rt::time::timeout(wait, read_form(form, media.max_bytes))
        .await
        .map_err(|_| ApiError::RequestTimeout(wait.as_secs()))??;
    let processed = media.process(file).await?;
    let (record, files) = super::model::prepare(processed, text, Some(caller.user_id));
    let keys = media.storage.put_all(files).await?;
    let saved = state
        .db
        .write(move |conn| queries::insert(conn, record))
        .await;
    if saved.is_err() {
        // Files without a row would never be served or deleted.
        media.storage.delete_or_warn(&keys).await;
    }
    let item = saved?;
    Ok(created(format!("/api/v1/media/{}", item.id), &item))
}

/// The upload form's parts: the file, checked against `max_bytes` as it streams in, and the
/// text parts.
async fn read_form(
    mut form: Multipart,
    max_bytes: usize,
) -> Result<(Vec<u8>, MediaText), ApiError> {
    let mut file = None;
    let mut text = MediaText::default();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "file" {
            max_bytes
        } else {
            MAX_TEXT_PART_BYTES
        };
        let bytes = field
            .bytes(limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(limit))?
            .map_err(multipart_error)?;
        if name == "file" {
            file = Some(bytes.to_vec());
        } else {
            let value = std::str::from_utf8(&bytes)
                .map_err(|_| ApiError::invalid(&name, "must be UTF-8 text"))?;
            text.set(&name, value)?;
        }
    }
    let file = file.ok_or_else(|| ApiError::invalid("file", "the form has no `file` part"))?;
    Ok((file, text))
}

fn multipart_error(error: actix_multipart::MultipartError) -> ApiError {
    use actix_multipart::MultipartError as E;
    match error {
        E::ContentTypeMissing | E::ContentTypeParse | E::ContentTypeIncompatible => {
            ApiError::UnsupportedMediaType(
                "send the upload as multipart/form-data, the image in part `file`".to_owned(),
            )
        }
        other => ApiError::BadRequest(format!("the multipart form cannot be read: {other}")),
    }
}

/// Update a media item.
///
/// The uploader, editors and admins: alt text, caption and credit (`null` clears one).
/// Articles featuring the image show the change at once.
#[utoipa::path(
    tag = "media",
    params(("id" = i64, Path, minimum = 1, description = "Media id", example = 1)),
    request_body = MediaPatchBody,
    security(("bearer" = [])),
    responses((status = 200, description = "The updated media item", body = Media))
)]
#[patch("/media/{id}")]
pub async fn update_media(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<MediaPatchBody>,
) -> Result<web::Json<Media>, ApiError> {
    let id = id.into_inner();
    let patch = MediaPatch::try_from(body.0)?;
    let item = state
        .db
        .write(move |conn| {
            let row = queries::find_row(conn, id)?;
            caller.require(Action::EditMediaOf {
                uploaded_by: row.uploaded_by,
            })?;
            queries::update(conn, id, patch)
        })
        .await?;
    Ok(web::Json(item))
}

/// Delete a media item.
///
/// The uploader, editors and admins; the files go too. An image that articles feature is a
/// `409` naming them, unless `?force=true`, which takes it off them.
#[utoipa::path(
    tag = "media",
    params(
        ("id" = i64, Path, minimum = 1, description = "Media id", example = 1),
        DeleteMediaQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Articles feature it (and `force` is not set)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/media/{id}")]
pub async fn delete_media(
    state: web::Data<AppState>,
    media: web::Data<MediaState>,
    caller: Caller,
    id: web::Path<i64>,
    query: Query<DeleteMediaQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let force = query.into_inner().force;
    let row = state
        .db
        .write(move |conn| {
            let row = queries::find_row(conn, id)?;
            caller.require(Action::EditMediaOf {
                uploaded_by: row.uploaded_by,
            })?;
            queries::delete(conn, id, force)
        })
        .await?;
    // The row is gone, so nothing links to the files any more; a file left behind by a
    // failing store is garbage, not a broken page.
    media
        .storage
        .delete_or_warn(&super::model::keys_of(&row))
        .await;
    Ok(HttpResponse::NoContent().finish())
}
