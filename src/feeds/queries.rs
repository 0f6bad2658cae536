//! Feed and sitemap queries: the filters resolved as `GET /articles` resolves them, and the
//! public articles in the sitemaps' orders.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::model::{FEED_ITEMS, FeedItem, FeedQuery, NEWS_MAX_URLS, Scope, SitemapRow};
use crate::articles::queries as articles_queries;
use crate::auth::policy::public_articles;
use crate::authors::queries as authors;
use crate::categories::queries as categories;
use crate::db::Conn;
use crate::db::schema::{articles, categories as categories_table, tags as tags_table, users};
use crate::error::ApiError;
use crate::site::SiteSettings;
use crate::tags::queries as tags;

/// The feed's filters as ids and names; a category, tag or author that does not exist is
/// a `404` naming it (a feed of nothing would look like a quiet one to a reader).
pub fn scope(conn: &mut Conn, query: &FeedQuery) -> Result<Scope, ApiError> {
    let mut scope = Scope::default();
    if let Some(category) = &query.category {
        let id = categories::category_id(conn, category)?
            .ok_or_else(|| ApiError::NotFound(format!("category `{category}` not found")))?;
        scope.names.push(
            categories_table::table
                .find(id)
                .select(categories_table::name)
                .first(conn)?,
        );
        scope.filter.category_ids = Some(categories::category_with_descendants(conn, id)?);
    }
    if let Some(tag) = &query.tag {
        let id = tags::tag_id(conn, tag)?
            .ok_or_else(|| ApiError::NotFound(format!("tag `{tag}` not found")))?;
        scope.names.push(
            tags_table::table
                .find(id)
                .select(tags_table::name)
                .first(conn)?,
        );
        scope.filter.tag_ids = Some(vec![id]);
    }
    if let Some(author) = &query.author {
        let id = authors::author_id(conn, author)?
            .ok_or_else(|| ApiError::NotFound(format!("author `{author}` not found")))?;
        scope.names.push(
            users::table
                .find(id)
                .select(users::display_name)
                .first(conn)?,
        );
        scope.filter.author_id = Some(id);
    }
    Ok(scope)
}

/// The newest public articles of the scope, with their content when the feed carries it.
pub fn feed_items(
    conn: &mut Conn,
    scope: &Scope,
    site: &SiteSettings,
) -> Result<Vec<FeedItem>, ApiError> {
    let summaries = articles_queries::latest_public(conn, site, &scope.filter, FEED_ITEMS)?;
    let mut contents = if site.feed_full_content {
        let ids: Vec<i64> = summaries.iter().map(|s| s.id).collect();
        articles_queries::contents_html(conn, &ids)?
    } else {
        Default::default()
    };
    Ok(summaries
        .into_iter()
        .filter_map(|summary| {
            Some(FeedItem {
                url: summary.url.clone()?,
                content_html: contents.remove(&summary.id),
                summary,
            })
        })
        .collect())
}

/// How many articles are public now.
pub fn public_count(conn: &mut Conn, now: NaiveDateTime) -> QueryResult<i64> {
    articles::table
        .filter(public_articles(now))
        .count()
        .get_result(conn)
}

/// The columns of a sitemap row, with the category's and author's slugs.
#[diesel::dsl::auto_type]
fn sitemap_columns() -> _ {
    (
        articles::id,
        articles::slug,
        articles::title,
        categories_table::slug.nullable(),
        users::slug,
        articles::published_at,
        articles::created_at,
        articles::updated_at,
    )
}

/// One page of the public articles in id order: an article keeps its page as others are
/// published, and new ones fill the last page.
pub fn sitemap_page(
    conn: &mut Conn,
    now: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<SitemapRow>> {
    articles::table
        .inner_join(users::table)
        .left_join(categories_table::table)
        .filter(public_articles(now))
        .select(sitemap_columns())
        .order(articles::id.asc())
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// The public articles published in the last `window_hours`, newest first, at most 1,000.
pub fn news(
    conn: &mut Conn,
    now: NaiveDateTime,
    window_hours: i64,
) -> QueryResult<Vec<SitemapRow>> {
    articles::table
        .inner_join(users::table)
        .left_join(categories_table::table)
        .filter(public_articles(now))
        .filter(articles::published_at.ge(now - Duration::hours(window_hours)))
        .select(sitemap_columns())
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(NEWS_MAX_URLS)
        .load(conn)
}
