//! Author queries: users with their count of published articles.

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;

use super::model::Author;
use crate::auth::policy::public_articles;
use crate::db::Conn;
use crate::db::schema::{articles, users};
use crate::domain::Key;
use crate::error::ApiError;
use crate::http::ListParams;
use crate::time::now;

crate::sort_fields! {
    pub enum AuthorSort default "display_name" {
        DisplayName => "display_name",
        ArticleCount => "article_count",
    }
}

fn profiles() -> users::BoxedQuery<'static, crate::db::Backend> {
    users::table.into_boxed()
}

pub fn list(
    conn: &mut Conn,
    params: ListParams<AuthorSort>,
) -> Result<(Vec<Author>, i64), ApiError> {
    let total = profiles().count().get_result(conn)?;
    let now = now();
    let count = public_count_by_author(now);
    let query = profiles().select(profile(now));
    let desc = params.sort.descending;
    let query = match params.sort.field {
        AuthorSort::DisplayName => crate::order_by!(query, desc, users::display_name),
        AuthorSort::ArticleCount => crate::order_by!(query, desc, count),
    };
    let authors = query
        .then_order_by(users::id.asc())
        .limit(params.page.per_page)
        .offset(params.page.offset())
        .load(conn)?;
    Ok((authors, total))
}

pub fn find(conn: &mut Conn, key: Key) -> Result<Author, ApiError> {
    let query = profiles().select(profile(now()));
    let query = match key {
        Key::Id(id) => query.filter(users::id.eq(id)),
        Key::Slug(slug) => query.filter(users::slug.eq(slug)),
    };
    query
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("author"))
}

/// What an author's profile shows: the public columns of the user, and how many published
/// articles they wrote.
#[dsl::auto_type]
fn profile(now: NaiveDateTime) -> _ {
    let count: public_count_by_author = public_count_by_author(now);
    (
        users::id,
        users::display_name,
        users::slug,
        users::bio,
        users::avatar_url,
        count,
    )
}

/// Published articles by the outer query's user, for a correlated `article_count`.
#[dsl::auto_type]
pub fn public_count_by_author(now: NaiveDateTime) -> _ {
    let public: public_articles = public_articles(now);
    articles::table
        .filter(articles::author_id.eq(users::id))
        .filter(public)
        .select(dsl::count_star())
        .single_value()
        .assume_not_null()
}

/// The author named by an id or a slug.
pub fn author_id(conn: &mut Conn, id_or_slug: &str) -> QueryResult<Option<i64>> {
    users::table
        .filter(users::slug.eq(id_or_slug))
        .or_filter(users::id.nullable().eq(id_or_slug.parse::<i64>().ok()))
        .select(users::id)
        .order(users::slug.eq(id_or_slug))
        .first(conn)
        .optional()
}
