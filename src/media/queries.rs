//! Media queries.

use diesel::prelude::*;
use std::collections::HashMap;

use super::model::{Media, MediaPatch, MediaRecord, MediaRow};
use crate::db::Conn;
use crate::db::schema::{articles, media};
use crate::error::ApiError;
use crate::http::ListParams;
use crate::time::now;

crate::sort_fields! {
    /// How `/media` can be sorted.
    pub enum MediaSort default "-created_at" {
        CreatedAt => "created_at",
    }
}

pub fn list(conn: &mut Conn, params: ListParams<MediaSort>) -> Result<(Vec<Media>, i64), ApiError> {
    let total = media::table.count().get_result(conn)?;
    let query = media::table.select(MediaRow::as_select()).into_boxed();
    let desc = params.sort.descending;
    let query = match params.sort.field {
        MediaSort::CreatedAt => crate::order_by!(query, desc, media::created_at),
    };
    let query = if desc {
        query.then_order_by(media::id.desc())
    } else {
        query.then_order_by(media::id.asc())
    };
    let rows: Vec<MediaRow> = query
        .limit(params.page.per_page)
        .offset(params.page.offset())
        .load(conn)?;
    Ok((rows.into_iter().map(Media::new).collect(), total))
}

pub fn find_row(conn: &mut Conn, id: i64) -> Result<MediaRow, ApiError> {
    media::table
        .find(id)
        .select(MediaRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("media"))
}

pub fn find(conn: &mut Conn, id: i64) -> Result<Media, ApiError> {
    find_row(conn, id).map(Media::new)
}

/// These media items by id, in one query (a page of article summaries).
pub fn by_ids(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, Media>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<MediaRow> = media::table
        .filter(media::id.eq_any(ids))
        .select(MediaRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, Media::new(row)))
        .collect())
}

/// Whether the media item exists, for an article that is to feature it.
pub fn exists(conn: &mut Conn, id: i64) -> QueryResult<bool> {
    diesel::dsl::select(diesel::dsl::exists(media::table.find(id))).get_result(conn)
}

pub fn insert(conn: &mut Conn, record: MediaRecord) -> Result<Media, ApiError> {
    let id = diesel::insert_into(media::table)
        .values(record)
        .returning(media::id)
        .get_result(conn)?;
    find(conn, id)
}

/// Inserts prepared rows (the demo seeder, the import) and returns their ids.
pub fn insert_many(conn: &mut Conn, records: Vec<MediaRecord>) -> Result<Vec<i64>, ApiError> {
    let mut ids = Vec::with_capacity(records.len());
    for record in records {
        ids.push(
            diesel::insert_into(media::table)
                .values(record)
                .returning(media::id)
                .get_result(conn)?,
        );
    }
    Ok(ids)
}

#[derive(AsChangeset)]
#[diesel(table_name = media)]
struct MediaChanges {
    alt: Option<Option<String>>,
    caption: Option<Option<String>>,
    credit: Option<Option<String>>,
    updated_at: chrono::NaiveDateTime,
}

pub fn update(conn: &mut Conn, id: i64, patch: MediaPatch) -> Result<Media, ApiError> {
    let updated = diesel::update(media::table.find(id))
        .set(MediaChanges {
            alt: patch.alt.into_column(),
            caption: patch.caption.into_column(),
            credit: patch.credit.into_column(),
            updated_at: now(),
        })
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::not_found("media"));
    }
    find(conn, id)
}

/// Deletes the row and returns it (its files are the caller's to delete). Articles that
/// feature it make this a `409` naming them, unless `force`, which takes it off them.
pub fn delete(conn: &mut Conn, id: i64, force: bool) -> Result<MediaRow, ApiError> {
    let row = find_row(conn, id)?;
    let uses = articles::featured_image_id
        .eq(id)
        .or(articles::og_image_id.eq(id));
    let users: Vec<(i64, String)> = articles::table
        .filter(uses)
        .select((articles::id, articles::slug))
        .order(articles::id)
        .load(conn)?;
    if !users.is_empty() {
        if !force {
            let named: Vec<String> = users
                .iter()
                .take(10)
                .map(|(id, slug)| format!("{id} ({slug})"))
                .collect();
            let more = users.len().saturating_sub(named.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            return Err(ApiError::Conflict(format!(
                "media {id} is the featured or share image of articles {}{more}; delete \
                 with ?force=true to take it off them",
                named.join(", ")
            )));
        }
        diesel::update(articles::table.filter(articles::featured_image_id.eq(id)))
            .set((
                articles::featured_image_id.eq(None::<i64>),
                articles::updated_at.eq(now()),
            ))
            .execute(conn)?;
        diesel::update(articles::table.filter(articles::og_image_id.eq(id)))
            .set((
                articles::og_image_id.eq(None::<i64>),
                articles::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    diesel::delete(media::table.find(id)).execute(conn)?;
    Ok(row)
}
