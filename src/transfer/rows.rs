//! One struct per exported table with every column, read and written as stored (text
//! enums stay text: an export copies, it does not interpret), and how each table is read
//! in pages and inserted in batches.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::Conn;
use crate::db::schema::{
    article_tags, article_views_daily, articles, categories, comments, media, refresh_tokens, tags,
    users, webhooks,
};

/// One line of an export after its header: a row of a table, or the end line, which counts
/// the rows before it so that a file cut short at the end of a line is refused too. Written
/// `{"table":"users","row":{...}}`; the tables come in the order of their references.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "table", content = "row", rename_all = "snake_case")]
#[expect(
    clippy::large_enum_variant,
    reason = "entries are read and written one at a time, never held in bulk; boxing the \
              article would only add an allocation per row"
)]
pub enum Entry {
    Users(User),
    Categories(Category),
    Media(MediaItem),
    Articles(Article),
    Tags(Tag),
    ArticleTags(ArticleTag),
    Comments(Comment),
    ArticleViewsDaily(ViewsDay),
    RefreshTokens(RefreshToken),
    Webhooks(Webhook),
    End(Counts),
}

/// Rows per table: what an export wrote, what an import read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub users: u64,
    pub categories: u64,
    /// Absent from exports made before the media library.
    #[serde(default)]
    pub media: u64,
    pub articles: u64,
    /// Absent from exports made before tags: those import with none.
    #[serde(default)]
    pub tags: u64,
    #[serde(default)]
    pub article_tags: u64,
    pub comments: u64,
    pub article_views_daily: u64,
    pub refresh_tokens: u64,
    /// Absent from exports made before webhooks. The endpoints are site configuration and
    /// move with it (secrets included: receivers keep verifying); their delivery log does
    /// not.
    #[serde(default)]
    pub webhooks: u64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} users, {} categories, {} articles, {} tags, {} article tags, {} comments, {} daily view counts, {} refresh tokens, {} media items, {} webhooks",
            self.users,
            self.categories,
            self.articles,
            self.tags,
            self.article_tags,
            self.comments,
            self.article_views_daily,
            self.refresh_tokens,
            self.media,
            self.webhooks
        )
    }
}

/// A table as an export reads it and an import writes it.
pub trait Table: Sized {
    /// What orders the rows: the id, or the primary key of a table without one.
    type Key: Copy;
    fn key(&self) -> Self::Key;
    /// The rows after `after` (from the first when `None`) in the order of their key, at
    /// most `limit` of them: pages by key, so that a large table is never loaded whole and
    /// no page costs more than the first.
    fn page(conn: &mut Conn, after: Option<Self::Key>, limit: i64) -> QueryResult<Vec<Self>>;
    /// Inserts the rows as they are, ids included, in one statement.
    fn insert(conn: &mut Conn, rows: &[Self]) -> QueryResult<usize>;
    fn into_entry(self) -> Entry;
    fn from_entry(entry: Entry) -> Option<Self>;
    /// This table's number in `counts`.
    fn count(counts: &mut Counts) -> &mut u64;
}

/// Implements [`Table`] for a table keyed by `id`, paged by it.
macro_rules! table_by_id {
    ($row:ident, $table:ident, $variant:ident) => {
        impl Table for $row {
            type Key = i64;

            fn key(&self) -> i64 {
                self.id
            }

            fn page(conn: &mut Conn, after: Option<i64>, limit: i64) -> QueryResult<Vec<Self>> {
                $table::table
                    .filter($table::id.gt(after.unwrap_or(0)))
                    .order($table::id)
                    .limit(limit)
                    .select(Self::as_select())
                    .load(conn)
            }

            fn insert(conn: &mut Conn, rows: &[Self]) -> QueryResult<usize> {
                crate::on_each_backend!(conn, |conn| diesel::insert_into($table::table)
                    .values(rows)
                    .execute(conn))
            }

            fn into_entry(self) -> Entry {
                Entry::$variant(self)
            }

            fn from_entry(entry: Entry) -> Option<Self> {
                match entry {
                    Entry::$variant(row) => Some(row),
                    _ => None,
                }
            }

            fn count(counts: &mut Counts) -> &mut u64 {
                &mut counts.$table
            }
        }
    };
}

#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = users)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub slug: String,
    pub role: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub token_version: i64,
}
table_by_id!(User, users, Users);

#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = categories)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub parent_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
table_by_id!(Category, categories, Categories);

#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = articles)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub excerpt: String,
    pub content: String,
    pub content_format: String,
    pub content_html: String,
    pub content_text: String,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub featured: bool,
    pub comments_open: bool,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    /// Absent from exports made before the media library.
    #[serde(default)]
    pub featured_image_id: Option<i64>,
    pub category_id: Option<i64>,
    pub author_id: i64,
    pub reading_time_minutes: i32,
    pub view_count: i64,
    pub comment_count: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// These four are absent from exports made before share and SEO metadata.
    #[serde(default)]
    pub meta_title: Option<String>,
    #[serde(default)]
    pub meta_description: Option<String>,
    #[serde(default)]
    pub og_image_id: Option<i64>,
    #[serde(default)]
    pub canonical_url: Option<String>,
}
table_by_id!(Article, articles, Articles);

/// A media item's row: the files themselves stay in the store (`MEDIA_DIR` or the bucket),
/// which the new site must be given as well (README, "Moving a SQLite site to PostgreSQL").
#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = media)]
#[serde(deny_unknown_fields)]
pub struct MediaItem {
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
table_by_id!(MediaItem, media, Media);

#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = tags)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
table_by_id!(Tag, tags, Tags);

#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = webhooks)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub description: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
table_by_id!(Webhook, webhooks, Webhooks);

/// One tag of one article, at its place among the article's tags.
#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = article_tags)]
#[serde(deny_unknown_fields)]
pub struct ArticleTag {
    pub article_id: i64,
    pub tag_id: i64,
    pub position: i32,
}

/// Keyed by article and tag, not by an id.
impl Table for ArticleTag {
    type Key = (i64, i64);

    fn key(&self) -> Self::Key {
        (self.article_id, self.tag_id)
    }

    fn page(conn: &mut Conn, after: Option<Self::Key>, limit: i64) -> QueryResult<Vec<Self>> {
        use article_tags::dsl::{article_id, tag_id};
        let mut query = article_tags::table
            .order((article_id, tag_id))
            .limit(limit)
            .select(Self::as_select())
            .into_boxed();
        if let Some((last_article, last_tag)) = after {
            query = query.filter(
                article_id
                    .gt(last_article)
                    .or(article_id.eq(last_article).and(tag_id.gt(last_tag))),
            );
        }
        query.load(conn)
    }

    fn insert(conn: &mut Conn, rows: &[Self]) -> QueryResult<usize> {
        crate::on_each_backend!(conn, |conn| diesel::insert_into(article_tags::table)
            .values(rows)
            .execute(conn))
    }

    fn into_entry(self) -> Entry {
        Entry::ArticleTags(self)
    }

    fn from_entry(entry: Entry) -> Option<Self> {
        match entry {
            Entry::ArticleTags(row) => Some(row),
            _ => None,
        }
    }

    fn count(counts: &mut Counts) -> &mut u64 {
        &mut counts.article_tags
    }
}

#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = comments)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: Option<String>,
    pub content: String,
    pub status: String,
    pub author_ip: String,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
table_by_id!(Comment, comments, Comments);

#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = refresh_tokens)]
#[serde(deny_unknown_fields)]
pub struct RefreshToken {
    pub id: i64,
    pub user_id: i64,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub family: String,
    pub used_at: Option<NaiveDateTime>,
}
table_by_id!(RefreshToken, refresh_tokens, RefreshTokens);

/// One article's views on one UTC day.
#[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = article_views_daily)]
#[serde(deny_unknown_fields)]
pub struct ViewsDay {
    pub article_id: i64,
    pub day: NaiveDate,
    pub count: i64,
}

/// Keyed by article and day, not by an id.
impl Table for ViewsDay {
    type Key = (i64, NaiveDate);

    fn key(&self) -> Self::Key {
        (self.article_id, self.day)
    }

    fn page(conn: &mut Conn, after: Option<Self::Key>, limit: i64) -> QueryResult<Vec<Self>> {
        use article_views_daily::dsl::{article_id, day};
        let mut query = article_views_daily::table
            .order((article_id, day))
            .limit(limit)
            .select(Self::as_select())
            .into_boxed();
        if let Some((last_article, last_day)) = after {
            query = query.filter(
                article_id
                    .gt(last_article)
                    .or(article_id.eq(last_article).and(day.gt(last_day))),
            );
        }
        query.load(conn)
    }

    fn insert(conn: &mut Conn, rows: &[Self]) -> QueryResult<usize> {
        crate::on_each_backend!(conn, |conn| diesel::insert_into(article_views_daily::table)
            .values(rows)
            .execute(conn))
    }

    fn into_entry(self) -> Entry {
        Entry::ArticleViewsDaily(self)
    }

    fn from_entry(entry: Entry) -> Option<Self> {
        match entry {
            Entry::ArticleViewsDaily(row) => Some(row),
            _ => None,
        }
    }

    fn count(counts: &mut Counts) -> &mut u64 {
        &mut counts.article_views_daily
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article line of an export made before media and share metadata: the columns added
    /// since are simply absent, and come in as `NULL`.
    #[test]
    fn an_article_from_an_older_export_still_reads() -> serde_json::Result<()> {
        let line = r#"{"table":"articles","row":{"id":1,"title":"T","slug":"t","excerpt":"e",
            "content":"c","content_format":"html","content_html":"<p>c</p>","content_text":"c",
            "status":"published","published_at":"2026-01-01T00:00:00","featured":false,
            "comments_open":true,"featured_image_url":null,"featured_image_alt":null,
            "featured_image_caption":null,"category_id":null,"author_id":1,
            "reading_time_minutes":1,"view_count":0,"comment_count":0,
            "created_at":"2026-01-01T00:00:00","updated_at":"2026-01-01T00:00:00"}}"#;
        let Entry::Articles(article) = serde_json::from_str(line)? else {
            panic!("not an article line");
        };
        assert_eq!(article.featured_image_id, None);
        assert_eq!(article.meta_title, None);
        assert_eq!(article.og_image_id, None);
        assert_eq!(article.canonical_url, None);
        Ok(())
    }
}
