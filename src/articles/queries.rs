//! Article queries used across resources.

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;

use super::model::ArticleStatus;
use crate::db::Conn;
use crate::db::schema::{articles, categories, users};

/// Published, and not scheduled for later: what the public may see at `now`.
#[dsl::auto_type]
pub fn is_public(now: NaiveDateTime) -> _ {
    let published: ArticleStatus = ArticleStatus::Published;
    articles::status
        .eq(published)
        .and(articles::published_at.le(now))
}

/// Whether any article (in any status) belongs to the category.
pub fn category_in_use(conn: &mut Conn, category_id: i64) -> QueryResult<bool> {
    dsl::select(dsl::exists(
        articles::table.filter(articles::category_id.eq(category_id)),
    ))
    .get_result(conn)
}

/// Whether any article (in any status) was written by the user.
pub fn author_has_articles(conn: &mut Conn, user_id: i64) -> QueryResult<bool> {
    dsl::select(dsl::exists(
        articles::table.filter(articles::author_id.eq(user_id)),
    ))
    .get_result(conn)
}

pub fn move_to_category(conn: &mut Conn, from: i64, to: i64) -> QueryResult<usize> {
    diesel::update(articles::table.filter(articles::category_id.eq(from)))
        .set(articles::category_id.eq(to))
        .execute(conn)
}

pub fn move_to_author(conn: &mut Conn, from: i64, to: i64) -> QueryResult<usize> {
    diesel::update(articles::table.filter(articles::author_id.eq(from)))
        .set(articles::author_id.eq(to))
        .execute(conn)
}

/// Published articles in the outer query's category, for a correlated `article_count`.
#[dsl::auto_type]
pub fn public_count_in_category(now: NaiveDateTime) -> _ {
    let public: is_public = is_public(now);
    articles::table
        .filter(articles::category_id.eq(categories::id.nullable()))
        .filter(public)
        .select(dsl::count_star())
        .single_value()
        .assume_not_null()
}

/// Published articles by the outer query's user, for a correlated `article_count`.
#[dsl::auto_type]
pub fn public_count_by_author(now: NaiveDateTime) -> _ {
    let public: is_public = is_public(now);
    articles::table
        .filter(articles::author_id.eq(users::id))
        .filter(public)
        .select(dsl::count_star())
        .single_value()
        .assume_not_null()
}
