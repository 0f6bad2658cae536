//! Comment queries. `comment_count` on the article is recounted in the same transaction as
//! every change that can move it, so it always equals the approved comments.

use diesel::dsl;
use diesel::prelude::*;
use diesel::sqlite::Sqlite;

use super::model::{CommentPatch, CommentRecord, CommentRow, CommentStatus};
use crate::db::Conn;
use crate::db::schema::{articles, comments};
use crate::error::ApiError;
use crate::http::ListParams;
use crate::http::sort::SortField;
use crate::http::time::now;

/// How comment lists are sorted: by time, oldest first unless `-created_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSort {
    CreatedAt,
}

impl SortField for CommentSort {
    const NAMES: &'static [&'static str] = &["created_at"];
    const DEFAULT: &'static str = "created_at";

    fn from_name(name: &str) -> Option<Self> {
        (name == "created_at").then_some(Self::CreatedAt)
    }
}

/// Which comments a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentFilter {
    pub article_id: Option<i64>,
    pub status: Option<CommentStatus>,
}

diesel::alias!(comments as replies: Replies);

type Boxed = comments::BoxedQuery<'static, Sqlite>;

fn filtered(filter: CommentFilter) -> Boxed {
    let mut query = comments::table.into_boxed();
    if let Some(article_id) = filter.article_id {
        query = query.filter(comments::article_id.eq(article_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(comments::status.eq(status));
    }
    query
}

/// A page of comments with their reply counts, and the total.
pub fn list(
    conn: &mut Conn,
    filter: CommentFilter,
    params: ListParams<CommentSort>,
) -> Result<(Vec<CommentRow>, i64), ApiError> {
    let total = filtered(filter).count().get_result(conn)?;
    let query = filtered(filter).select(with_reply_count());
    let query = if params.sort.descending {
        query.order((comments::created_at.desc(), comments::id.desc()))
    } else {
        query.order((comments::created_at.asc(), comments::id.asc()))
    };
    let rows = query
        .limit(params.page.per_page)
        .offset(params.page.offset())
        .load(conn)?;
    Ok((rows, total))
}

/// Every column, and the number of approved replies.
#[dsl::auto_type(no_type_alias)]
fn with_reply_count() -> _ {
    let approved: CommentStatus = CommentStatus::Approved;
    let reply_count = replies
        .filter(
            replies
                .field(comments::parent_id)
                .eq(comments::id.nullable()),
        )
        .filter(replies.field(comments::status).eq(approved))
        .select(dsl::count_star())
        .single_value()
        .assume_not_null();
    (
        comments::id,
        comments::article_id,
        comments::parent_id,
        comments::author_name,
        comments::author_email,
        comments::author_url,
        comments::content,
        comments::status,
        comments::author_ip,
        comments::user_agent,
        comments::created_at,
        comments::updated_at,
        reply_count,
    )
}

pub fn find(conn: &mut Conn, id: i64) -> Result<CommentRow, ApiError> {
    comments::table
        .filter(comments::id.eq(id))
        .select(with_reply_count())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("comment"))
}

/// The parent a reply names must be a live comment of the same article, and the reply must
/// not nest deeper than `max_depth` (a top-level comment is at depth 1).
fn check_parent(
    conn: &mut Conn,
    article_id: i64,
    parent_id: i64,
    max_depth: u32,
) -> Result<(), ApiError> {
    let parent: Option<(i64, CommentStatus)> = comments::table
        .find(parent_id)
        .select((comments::article_id, comments::status))
        .first(conn)
        .optional()?;
    match parent {
        Some((article, status))
            if article == article_id
                && matches!(status, CommentStatus::Approved | CommentStatus::Pending) => {}
        _ => {
            return Err(ApiError::invalid(
                "parent_id",
                "must be a comment on the same article",
            ));
        }
    }
    let mut depth = 1;
    let mut ancestor = Some(parent_id);
    while let Some(id) = ancestor {
        depth += 1;
        if depth > max_depth {
            return Err(ApiError::invalid(
                "parent_id",
                format!("replies nest at most {max_depth} levels deep"),
            ));
        }
        ancestor = comments::table
            .find(id)
            .select(comments::parent_id)
            .first(conn)
            .optional()?
            .flatten();
    }
    Ok(())
}

pub fn insert(conn: &mut Conn, record: CommentRecord, max_depth: u32) -> Result<i64, ApiError> {
    if let Some(parent_id) = record.parent_id {
        check_parent(conn, record.article_id, parent_id, max_depth)?;
    }
    let article_id = record.article_id;
    let id = diesel::insert_into(comments::table)
        .values(record)
        .returning(comments::id)
        .get_result(conn)?;
    recount(conn, article_id)?;
    Ok(id)
}

/// Inserts a prepared comment as it is, without checks or recount (the demo seeder's
/// path; it recounts once at the end).
pub fn insert_record(conn: &mut Conn, record: CommentRecord) -> QueryResult<i64> {
    diesel::insert_into(comments::table)
        .values(record)
        .returning(comments::id)
        .get_result(conn)
}

pub fn update(conn: &mut Conn, id: i64, patch: CommentPatch) -> Result<(), ApiError> {
    let article_id = article_of(conn, id)?;
    diesel::update(comments::table.find(id))
        .set((
            patch.status.map(|status| comments::status.eq(status)),
            patch.content.map(|content| comments::content.eq(content)),
            comments::updated_at.eq(now()),
        ))
        .execute(conn)?;
    recount(conn, article_id)?;
    Ok(())
}

/// Deletes a comment. Its replies move up to its parent, so threads stay whole.
pub fn delete(conn: &mut Conn, id: i64) -> Result<(), ApiError> {
    let article_id = article_of(conn, id)?;
    let parent_id: Option<i64> = comments::table
        .find(id)
        .select(comments::parent_id)
        .first(conn)?;
    diesel::update(comments::table.filter(comments::parent_id.eq(id)))
        .set(comments::parent_id.eq(parent_id))
        .execute(conn)?;
    diesel::delete(comments::table.find(id)).execute(conn)?;
    recount(conn, article_id)?;
    Ok(())
}

fn article_of(conn: &mut Conn, id: i64) -> Result<i64, ApiError> {
    comments::table
        .find(id)
        .select(comments::article_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("comment"))
}

/// Sets the article's `comment_count` to its number of approved comments.
pub fn recount(conn: &mut Conn, article_id: i64) -> QueryResult<usize> {
    let approved = comments::table
        .filter(comments::article_id.eq(article_id))
        .filter(comments::status.eq(CommentStatus::Approved))
        .select(dsl::count_star())
        .single_value()
        .assume_not_null();
    diesel::update(articles::table.find(article_id))
        .set(articles::comment_count.eq(approved))
        .execute(conn)
}

/// Recounts every article at once (after bulk loads).
pub fn recount_all(conn: &mut Conn) -> QueryResult<usize> {
    let approved = comments::table
        .filter(comments::article_id.eq(articles::id))
        .filter(comments::status.eq(CommentStatus::Approved))
        .select(dsl::count_star())
        .single_value()
        .assume_not_null();
    diesel::update(articles::table)
        .set(articles::comment_count.eq(approved))
        .execute(conn)
}
