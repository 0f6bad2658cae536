//! Comment queries. `comment_count` on the article is recounted in the same transaction as
//! every change that can move it, so it always equals the comments the public sees.
//!
//! What the public sees of a thread: approved comments whose every ancestor is approved too.
//! A reply approved while its parent is held, marked spam or trashed stays out of lists and
//! counts until the parent is approved, and comes back by itself when it is: visibility is
//! worked out when reading, so no moderation step has to walk the thread.

use crate::db::Backend;
use diesel::dsl;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::model::{Comment, CommentPatch, CommentRecord, CommentRow, CommentStatus};
use crate::articles::queries as articles_queries;
use crate::auth::MaybeCaller;
use crate::db::Conn;
use crate::db::schema::{articles, comments};
use crate::error::ApiError;
use crate::http::ListParams;
use crate::time::now;

crate::sort_fields! {
    /// How comment lists are sorted: by time, oldest first unless `-created_at`.
    pub enum CommentSort default "created_at" {
        CreatedAt => "created_at",
    }
}

/// Which comments a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentFilter {
    pub article_id: Option<i64>,
    pub status: Option<CommentStatus>,
    /// Only what the public sees: approved comments under approved ancestors.
    pub public: bool,
}

diesel::alias!(comments as replies: Replies);

type Boxed = comments::BoxedQuery<'static, Backend>;

fn filtered(filter: CommentFilter) -> Boxed {
    let mut query = comments::table.into_boxed();
    if let Some(article_id) = filter.article_id {
        query = query.filter(comments::article_id.eq(article_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(comments::status.eq(status));
    }
    if filter.public {
        query = query
            .filter(comments::status.eq(CommentStatus::Approved))
            .filter(ancestors_approved(COMMENTS));
    }
    query
}

/// How the `comments` table is named in the outer query, for [`ancestors_approved`].
const COMMENTS: &str = "comments";
/// The same for the `replies` alias of reply counts.
const REPLIES: &str = "replies";

/// True when every ancestor of the `comments` row is approved: with an approved status,
/// a comment the public sees (for other modules' queries of the table, unaliased).
pub fn in_public_thread() -> SqlLiteral<Bool> {
    ancestors_approved(COMMENTS)
}

/// True when every ancestor of the comment row `table` (the outer query's name for it) is
/// approved; true for a top-level comment. Diesel has no common table expressions, hence
/// SQL. The walk follows `parent_id` up by primary key, so it costs the thread's depth
/// (at most `COMMENT_MAX_DEPTH` when the comment was posted) per comment; `UNION` rather
/// than `UNION ALL` ends it even on a cycle, which the API never makes.
fn ancestors_approved(table: &str) -> SqlLiteral<Bool> {
    dsl::sql::<Bool>(&format!(
        "NOT EXISTS (\
            WITH RECURSIVE ancestor(id) AS (\
                SELECT {table}.parent_id \
                UNION SELECT up.parent_id FROM comments AS up \
                    JOIN ancestor ON up.id = ancestor.id\
            ) \
            SELECT 1 FROM ancestor JOIN comments AS above ON above.id = ancestor.id \
            WHERE above.status <> 'approved'\
        )"
    ))
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

/// A page of the approved comments of an article that the public sees, and their total:
/// the article's comment list and its page (`pages`) read through here.
pub fn public_of_article(
    conn: &mut Conn,
    article_id: i64,
    params: ListParams<CommentSort>,
) -> Result<(Vec<Comment>, i64), ApiError> {
    let filter = CommentFilter {
        article_id: Some(article_id),
        public: true,
        ..CommentFilter::default()
    };
    let (rows, total) = list(conn, filter, params)?;
    Ok((rows.into_iter().map(Comment::from).collect(), total))
}

/// Every column, and the number of replies the public sees.
#[dsl::auto_type(no_type_alias)]
fn with_reply_count() -> _ {
    let approved: CommentStatus = CommentStatus::Approved;
    let public_thread: SqlLiteral<Bool> = ancestors_approved(REPLIES);
    let reply_count = replies
        .filter(
            replies
                .field(comments::parent_id)
                .eq(comments::id.nullable()),
        )
        .filter(replies.field(comments::status).eq(approved))
        .filter(public_thread)
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

/// Who posts a new comment, for what its parent may be.
#[derive(Debug, Clone, Copy)]
pub struct Posting {
    /// Replies nest at most this deep (a top-level comment is at depth 1).
    pub max_depth: u32,
    /// A moderator, who sees held comments and may reply to them (the reply stays out of
    /// sight until the parent is approved).
    pub moderator: bool,
}

/// The parent a reply names must be a comment of the same article that the poster can see,
/// and the reply must not nest deeper than `max_depth`. For anyone but a moderator a parent
/// the public cannot see (held, spam, trash, or under such a comment) is answered exactly
/// as one that does not exist, so that the answer does not tell what became of it.
fn check_parent(
    conn: &mut Conn,
    article_id: i64,
    parent_id: i64,
    posting: Posting,
) -> Result<(), ApiError> {
    let parent = comments::table
        .find(parent_id)
        .filter(comments::article_id.eq(article_id));
    let usable = if posting.moderator {
        parent
            .filter(comments::status.eq_any([CommentStatus::Approved, CommentStatus::Pending]))
            .count()
            .get_result::<i64>(conn)?
    } else {
        parent
            .filter(comments::status.eq(CommentStatus::Approved))
            .filter(ancestors_approved(COMMENTS))
            .count()
            .get_result::<i64>(conn)?
    };
    if usable == 0 {
        return Err(ApiError::invalid(
            "parent_id",
            match posting.moderator {
                true => "must be a pending or approved comment on the same article",
                false => "must be a comment on the same article",
            },
        ));
    }
    let max_depth = posting.max_depth;
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

/// Whether the same person already said the same thing at the same place, as WordPress
/// checks before it takes a comment: same article, same parent, same email (stored in
/// lower case) and the same text (as stored: trimmed). A trashed comment does not count,
/// so that one thrown away can be posted again; a held or spam one does, so that a
/// double-click or a bot's retry is not taken twice.
fn is_duplicate(conn: &mut Conn, record: &CommentRecord) -> QueryResult<bool> {
    let same_text = comments::table
        .filter(comments::article_id.eq(record.article_id))
        .filter(comments::author_email.eq(&record.author_email))
        .filter(comments::content.eq(&record.content))
        .filter(comments::status.ne(CommentStatus::Trash));
    match record.parent_id {
        Some(parent) => diesel::select(dsl::exists(
            same_text.filter(comments::parent_id.eq(parent)),
        ))
        .get_result(conn),
        None => diesel::select(dsl::exists(same_text.filter(comments::parent_id.is_null())))
            .get_result(conn),
    }
}

/// Posts `record` on its article, which must take comments: public (else the caller's
/// refusal, `auth/policy.rs`) and open for them (else `403`). The stored comment.
pub fn post(
    conn: &mut Conn,
    record: CommentRecord,
    posting: Posting,
    caller: MaybeCaller,
) -> Result<CommentRow, ApiError> {
    let article = articles_queries::find_row(conn, record.article_id)?;
    if !article.reading().anyone_may() {
        return Err(caller.refuse_unpublished(
            article.author_id,
            "comments are taken only on published articles",
        ));
    }
    if !article.comments_open {
        return Err(ApiError::Forbidden(
            "comments are closed on this article".to_owned(),
        ));
    }
    let id = insert(conn, record, posting)?;
    find(conn, id)
}

pub fn insert(conn: &mut Conn, record: CommentRecord, posting: Posting) -> Result<i64, ApiError> {
    if let Some(parent_id) = record.parent_id {
        check_parent(conn, record.article_id, parent_id, posting)?;
    }
    if is_duplicate(conn, &record)? {
        return Err(ApiError::Conflict(
            "a comment with the same text from the same email is already there: \
             you have already said that"
                .to_owned(),
        ));
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

/// Sets the article's `comment_count` to its number of comments the public sees.
pub fn recount(conn: &mut Conn, article_id: i64) -> QueryResult<usize> {
    let approved = comments::table
        .filter(comments::article_id.eq(article_id))
        .filter(comments::status.eq(CommentStatus::Approved))
        .filter(ancestors_approved(COMMENTS))
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
        .filter(ancestors_approved(COMMENTS))
        .select(dsl::count_star())
        .single_value()
        .assume_not_null();
    diesel::update(articles::table)
        .set(articles::comment_count.eq(approved))
        .execute(conn)
}
