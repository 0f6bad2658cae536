//! Article queries: lists built from a covering index, one-join summaries, writes.

use crate::db::Backend;
use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

use super::content;
use super::model::{
    ArticlePatch, ArticleRecord, ArticleRow, ArticleSummary, AuthorRef, CategoryRef, ContentFormat,
    FeaturedImageInput, NewArticle, SeoColumns,
};
use crate::auth::policy::{PublicFrom, public_articles};
use crate::categories::queries::require_exists as require_category;
use crate::db::Conn;
use crate::db::schema::{articles, categories, users};
use crate::domain::Key;
use crate::domain::{ArticleStatus, Slug};
use crate::error::ApiError;
use crate::fulltext::terms::SearchTerms;
use crate::http::{Change, ListParams};
use crate::media::queries as media;
use crate::site::SiteSettings;
use crate::tags::queries as tags;
use crate::time::now;

crate::sort_fields! {
    /// How `/articles` can be sorted.
    pub enum ArticleSort default "-published_at" {
        PublishedAt => "published_at",
        UpdatedAt => "updated_at",
        Title => "title",
        ViewCount => "view_count",
        CommentCount => "comment_count",
    }
}

/// Which articles a list may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// What the public sees: published and due.
    Public,
    /// Staff asking for one status, optionally limited to one author's articles.
    Status {
        status: ArticleStatus,
        only_author: Option<i64>,
    },
}

/// The filters of `GET /articles`, resolved to ids.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub category_ids: Option<Vec<i64>>,
    /// Articles with any of these tags.
    pub tag_ids: Option<Vec<i64>>,
    pub author_id: Option<i64>,
    pub featured: Option<bool>,
    pub published_after: Option<NaiveDateTime>,
    pub published_before: Option<NaiveDateTime>,
    pub search: Option<SearchTerms>,
}

type Boxed = articles::BoxedQuery<'static, Backend>;

fn filtered(
    conn: &Conn,
    visibility: Visibility,
    filter: &ArticleFilter,
    now: NaiveDateTime,
) -> Boxed {
    let mut query = articles::table.into_boxed();
    query = match visibility {
        Visibility::Public => query.filter(public_articles(now)),
        Visibility::Status {
            status,
            only_author,
        } => {
            let query = query.filter(articles::status.eq(status));
            match only_author {
                Some(author_id) => query.filter(articles::author_id.eq(author_id)),
                None => query,
            }
        }
    };
    if let Some(ids) = &filter.category_ids {
        query = query.filter(articles::category_id.eq_any(ids.clone()));
    }
    if let Some(ids) = &filter.tag_ids {
        query = query.filter(articles::id.eq_any(tags::articles_tagged(ids.clone())));
    }
    if let Some(author_id) = filter.author_id {
        query = query.filter(articles::author_id.eq(author_id));
    }
    if let Some(featured) = filter.featured {
        query = query.filter(articles::featured.eq(featured));
    }
    if let Some(after) = filter.published_after {
        query = query.filter(articles::published_at.ge(after));
    }
    if let Some(before) = filter.published_before {
        query = query.filter(articles::published_at.lt(before));
    }
    if let Some(terms) = &filter.search {
        query = query.filter(crate::fulltext::fts::matching(conn, terms));
    }
    query
}

/// Whether a list may hold articles without a date (drafts, and archived articles that
/// never had one). Those sort as the oldest on both databases (SQLite puts NULL first in
/// ascending order, PostgreSQL last); published articles always have a date, so their
/// lists keep the index's order.
fn may_be_undated(visibility: Visibility) -> bool {
    matches!(
        visibility,
        Visibility::Status {
            status: ArticleStatus::Draft | ArticleStatus::Archived,
            ..
        }
    )
}

/// A page of summaries and the total. The page's ids come from the index alone, so a deep
/// page skips index entries, not rows; only the 20 rows shown are read in full.
pub fn list(
    conn: &mut Conn,
    site: &SiteSettings,
    visibility: Visibility,
    filter: &ArticleFilter,
    params: ListParams<ArticleSort>,
) -> Result<(Vec<ArticleSummary>, i64), ApiError> {
    let now = now();
    let total = filtered(conn, visibility, filter, now)
        .count()
        .get_result(conn)?;
    let page = params.page;
    let desc = params.sort.descending;
    let mut query = filtered(conn, visibility, filter, now);
    query = match params.sort.field {
        ArticleSort::PublishedAt if may_be_undated(visibility) => {
            let undated = articles::published_at.is_null();
            if desc {
                query.order((undated.asc(), articles::published_at.desc()))
            } else {
                query.order((undated.desc(), articles::published_at.asc()))
            }
        }
        ArticleSort::PublishedAt => crate::order_by!(query, desc, articles::published_at),
        ArticleSort::UpdatedAt => crate::order_by!(query, desc, articles::updated_at),
        ArticleSort::Title => crate::order_by!(query, desc, articles::title),
        ArticleSort::ViewCount => crate::order_by!(query, desc, articles::view_count),
        ArticleSort::CommentCount => crate::order_by!(query, desc, articles::comment_count),
    };
    query = if desc {
        query.then_order_by(articles::id.desc())
    } else {
        query.then_order_by(articles::id.asc())
    };
    let ids: Vec<i64> = query
        .select(articles::id)
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok((summaries(conn, site, &ids)?, total))
}

/// The newest public articles matching the filter, newest first (feeds).
pub fn latest_public(
    conn: &mut Conn,
    site: &SiteSettings,
    filter: &ArticleFilter,
    limit: i64,
) -> Result<Vec<ArticleSummary>, ApiError> {
    let ids: Vec<i64> = filtered(conn, Visibility::Public, filter, now())
        .order((articles::published_at.desc(), articles::id.desc()))
        .select(articles::id)
        .limit(limit)
        .load(conn)?;
    summaries(conn, site, &ids)
}

/// The sanitized HTML of these articles, by id.
pub fn contents_html(conn: &mut Conn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    Ok(articles::table
        .filter(articles::id.eq_any(ids))
        .select((articles::id, articles::content_html))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Summaries of these articles, in this order, each with its category and author (one
/// query) and its tags (one more, for all of them).
pub fn summaries(
    conn: &mut Conn,
    site: &SiteSettings,
    ids: &[i64],
) -> Result<Vec<ArticleSummary>, ApiError> {
    let rows: Vec<(ArticleRow, AuthorRef, Option<CategoryRef>)> = articles::table
        .inner_join(users::table)
        .left_join(categories::table)
        .filter(articles::id.eq_any(ids))
        .select((
            ArticleRow::as_select(),
            (
                users::id,
                users::display_name,
                users::slug,
                users::avatar_url,
            ),
            (categories::id, categories::name, categories::slug).nullable(),
        ))
        .load(conn)?;
    let mut tags_of = tags::of_articles(conn, ids)?;
    // The page's featured images in one more query, not one per article.
    let image_ids: Vec<i64> = rows
        .iter()
        .filter_map(|(row, _, _)| row.featured_image_id)
        .collect();
    let images = media::by_ids(conn, &image_ids)?;
    let mut by_id: HashMap<i64, ArticleSummary> = rows
        .into_iter()
        .map(|(row, author, category)| {
            let tags = tags_of.remove(&row.id).unwrap_or_default();
            let image = row
                .featured_image_id
                .and_then(|id| images.get(&id).cloned());
            (
                row.id,
                ArticleSummary::new(row, category, author, tags, image, site),
            )
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// An article row with what only the full article shows.
pub struct FullRow {
    pub row: ArticleRow,
    pub content_html: String,
    pub seo: SeoColumns,
}

/// One article row with its sanitized HTML, whatever its status; visibility is the caller's
/// business.
pub fn find(conn: &mut Conn, key: Key) -> Result<FullRow, ApiError> {
    let query = articles::table
        .select((
            ArticleRow::as_select(),
            articles::content_html,
            SeoColumns::as_select(),
        ))
        .into_boxed();
    let query = match key {
        Key::Id(id) => query.filter(articles::id.eq(id)),
        Key::Slug(slug) => query.filter(articles::slug.eq(slug)),
    };
    let (row, content_html, seo) = query
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("article"))?;
    Ok(FullRow {
        row,
        content_html,
        seo,
    })
}

/// The article row without its content.
pub fn find_row(conn: &mut Conn, id: i64) -> Result<ArticleRow, ApiError> {
    articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("article"))
}

/// When the article is public from; never for an article that does not exist.
pub fn public_from(conn: &mut Conn, id: i64) -> QueryResult<PublicFrom> {
    let found: Option<(ArticleStatus, Option<NaiveDateTime>)> = articles::table
        .find(id)
        .select((articles::status, articles::published_at))
        .first(conn)
        .optional()?;
    Ok(found.map_or(PublicFrom::NEVER, |(status, at)| PublicFrom::of(status, at)))
}

/// The published neighbours of an article by `published_at`: (previous, next).
pub fn adjacent(
    conn: &mut Conn,
    site: &SiteSettings,
    row: &ArticleRow,
    category_id: Option<Option<i64>>,
) -> Result<(Option<ArticleSummary>, Option<ArticleSummary>), ApiError> {
    let now = now();
    let at = row.published_at.unwrap_or(now);
    let neighbours = |conn: &mut Conn, older: bool| -> QueryResult<Option<i64>> {
        let mut query = articles::table
            .select(articles::id)
            .filter(public_articles(now))
            .into_boxed();
        if let Some(category_id) = category_id {
            query = match category_id {
                Some(id) => query.filter(articles::category_id.eq(id)),
                None => query.filter(articles::category_id.is_null()),
            };
        }
        let query = if older {
            query
                .filter(
                    articles::published_at
                        .lt(at)
                        .or(articles::published_at.eq(at).and(articles::id.lt(row.id))),
                )
                .order((articles::published_at.desc(), articles::id.desc()))
        } else {
            query
                .filter(
                    articles::published_at
                        .gt(at)
                        .or(articles::published_at.eq(at).and(articles::id.gt(row.id))),
                )
                .order((articles::published_at.asc(), articles::id.asc()))
        };
        query.first(conn).optional()
    };
    let previous = neighbours(conn, true)?;
    let next = neighbours(conn, false)?;
    let ids: Vec<i64> = previous.into_iter().chain(next).collect();
    let found = summaries(conn, site, &ids)?;
    let pick = |id: Option<i64>| id.and_then(|id| found.iter().find(|s| s.id == id).cloned());
    Ok((pick(previous), pick(next)))
}

/// How many recent articles of the category are weighed for "related".
const RELATED_CANDIDATES: i64 = 300;

/// Published articles of the same category, those sharing the most title and excerpt terms
/// first, then the most recent; never the article itself.
pub fn related(
    conn: &mut Conn,
    site: &SiteSettings,
    row: &ArticleRow,
    category_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ArticleSummary>, ApiError> {
    let mut query = articles::table
        .select((articles::id, articles::title, articles::excerpt))
        .filter(public_articles(now()))
        .filter(articles::id.ne(row.id))
        .into_boxed();
    query = match category_id {
        Some(id) => query.filter(articles::category_id.eq(id)),
        None => query.filter(articles::category_id.is_null()),
    };
    let candidates: Vec<(i64, String, String)> = query
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(RELATED_CANDIDATES)
        .load(conn)?;
    let ours = terms(&format!("{} {}", row.title, row.excerpt));
    let mut scored: Vec<(usize, usize, i64)> = candidates
        .into_iter()
        .enumerate()
        .map(|(recency, (id, title, excerpt))| {
            let shared = terms(&format!("{title} {excerpt}"))
                .intersection(&ours)
                .count();
            (shared, recency, id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let ids: Vec<i64> = scored
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|(_, _, id)| id)
        .collect();
    summaries(conn, site, &ids)
}

/// The words that say what a text is about: lowercase, four letters or more, no stopwords.
fn terms(text: &str) -> HashSet<String> {
    const STOPWORDS: [&str; 16] = [
        "about", "after", "also", "been", "before", "from", "have", "into", "more", "said", "that",
        "their", "there", "they", "this", "with",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|word| !STOPWORDS.contains(&word.as_str()))
        .collect()
}

/// The columns derived from an article's content.
struct Rendered {
    html: String,
    text: String,
    excerpt: String,
    reading_time_minutes: i32,
}

fn rendered(content: &str, format: ContentFormat, excerpt: Option<String>) -> Rendered {
    let html = content::render(content, format);
    let text = content::plain_text(&html);
    Rendered {
        excerpt: excerpt.unwrap_or_else(|| content::excerpt(&text)),
        reading_time_minutes: content::reading_time_minutes(&text),
        html,
        text,
    }
}

/// A published article without a date is published now.
fn publication_date(
    status: ArticleStatus,
    published_at: Option<NaiveDateTime>,
) -> Option<NaiveDateTime> {
    match (status, published_at) {
        (ArticleStatus::Published, None) => Some(now()),
        (_, at) => at,
    }
}

pub fn insert(conn: &mut Conn, new: NewArticle, author_id: i64) -> Result<i64, ApiError> {
    if let Some(category_id) = new.category_id {
        require_category(conn, category_id)?;
    }
    let tag_ids = tags::resolve(conn, &new.tags)?;
    let slug = Slug::claim(new.slug, &new.title, "article", |s| slug_taken(conn, s))?;
    let rendered = rendered(&new.content, new.content_format, new.excerpt);
    let image = ImageColumns::of(conn, new.featured_image)?;
    if let Some(id) = new.seo.og_image_id {
        require_media(conn, "og_image", id)?;
    }
    let now = now();
    let record = ArticleRecord {
        title: new.title,
        slug: slug.as_str().to_owned(),
        excerpt: rendered.excerpt,
        content: new.content,
        content_format: new.content_format,
        content_html: rendered.html,
        content_text: rendered.text,
        status: new.status,
        published_at: publication_date(new.status, new.published_at),
        featured: new.featured,
        comments_open: new.comments_open,
        featured_image_url: image.url,
        featured_image_alt: image.alt,
        featured_image_caption: image.caption,
        featured_image_id: image.id,
        category_id: new.category_id,
        author_id,
        reading_time_minutes: rendered.reading_time_minutes,
        created_at: now,
        updated_at: now,
        meta_title: new.seo.meta_title,
        meta_description: new.seo.meta_description,
        og_image_id: new.seo.og_image_id,
        canonical_url: new.seo.canonical_url,
    };
    let id = diesel::insert_into(articles::table)
        .values(record)
        .returning(articles::id)
        .get_result(conn)?;
    tags::set_for_article(conn, id, &tag_ids)?;
    Ok(id)
}

/// The four featured-image columns: a media item's id, or a linked image's URL, alt and
/// caption; never both.
#[derive(Default)]
struct ImageColumns {
    id: Option<i64>,
    url: Option<String>,
    alt: Option<String>,
    caption: Option<String>,
}

impl ImageColumns {
    /// The columns of the image sent; a media id must name a media item.
    fn of(conn: &mut Conn, image: Option<FeaturedImageInput>) -> Result<Self, ApiError> {
        Ok(match image {
            None => Self::default(),
            Some(FeaturedImageInput::Media(id)) => {
                require_media(conn, "featured_image", id)?;
                Self {
                    id: Some(id),
                    ..Self::default()
                }
            }
            Some(FeaturedImageInput::Link(image)) => Self {
                id: None,
                url: Some(image.url),
                alt: image.alt,
                caption: image.caption,
            },
        })
    }
}

/// A `422` on `field` when no media item has this id.
fn require_media(conn: &mut Conn, field: &str, id: i64) -> Result<(), ApiError> {
    if media::exists(conn, id)? {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            format!("media {id} does not exist"),
        ))
    }
}

/// Rows per INSERT statement, well under SQLite's limit on bound parameters.
const ROWS_PER_INSERT: usize = 500;

/// Inserts many prepared rows (the demo seeder's path).
pub fn insert_many(conn: &mut Conn, records: &[ArticleRecord]) -> Result<(), ApiError> {
    for chunk in records.chunks(ROWS_PER_INSERT) {
        crate::on_each_backend!(conn, |conn| diesel::insert_into(articles::table)
            .values(chunk)
            .execute(conn))?;
    }
    Ok(())
}

/// The ids of the articles newer than `after_id`, oldest first.
pub fn ids_after(conn: &mut Conn, after_id: i64) -> QueryResult<Vec<i64>> {
    articles::table
        .filter(articles::id.gt(after_id))
        .select(articles::id)
        .order(articles::id)
        .load(conn)
}

pub fn max_id(conn: &mut Conn) -> QueryResult<Option<i64>> {
    articles::table.select(dsl::max(articles::id)).first(conn)
}

/// The public articles with comments open and an id above `after_id`, with their dates.
pub fn public_after(
    conn: &mut Conn,
    after_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    let rows: Vec<(i64, Option<NaiveDateTime>)> = articles::table
        .filter(articles::id.gt(after_id))
        .filter(public_articles(now))
        .filter(articles::comments_open.eq(true))
        .select((articles::id, articles::published_at))
        .order(articles::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .collect())
}

pub fn all_slugs(conn: &mut Conn) -> QueryResult<HashSet<String>> {
    Ok(articles::table
        .select(articles::slug)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = articles)]
struct ArticleChanges {
    title: Option<String>,
    slug: Option<String>,
    excerpt: Option<String>,
    content: Option<String>,
    content_format: Option<ContentFormat>,
    content_html: Option<String>,
    content_text: Option<String>,
    reading_time_minutes: Option<i32>,
    status: Option<ArticleStatus>,
    published_at: Option<Option<NaiveDateTime>>,
    featured: Option<bool>,
    comments_open: Option<bool>,
    featured_image_url: Option<Option<String>>,
    featured_image_alt: Option<Option<String>>,
    featured_image_caption: Option<Option<String>>,
    featured_image_id: Option<Option<i64>>,
    category_id: Option<Option<i64>>,
    updated_at: Option<NaiveDateTime>,
    meta_title: Option<Option<String>>,
    meta_description: Option<Option<String>>,
    og_image_id: Option<Option<i64>>,
    canonical_url: Option<Option<String>>,
}

/// The stored source of an article, needed to re-render it.
#[derive(Queryable)]
struct Source {
    content: String,
    content_format: ContentFormat,
    excerpt: String,
    status: ArticleStatus,
    published_at: Option<NaiveDateTime>,
    slug: String,
}

pub fn update(conn: &mut Conn, id: i64, patch: ArticlePatch) -> Result<(), ApiError> {
    let current: Source = articles::table
        .find(id)
        .select((
            articles::content,
            articles::content_format,
            articles::excerpt,
            articles::status,
            articles::published_at,
            articles::slug,
        ))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("article"))?;
    if let Some(slug) = &patch.slug {
        slug.check_free(Some(&current.slug), |s| slug_taken(conn, s))?;
    }
    if let Change::Set(category_id) = patch.category_id {
        require_category(conn, category_id)?;
    }
    let tag_ids = patch
        .tags
        .map(|keys| tags::resolve(conn, &keys))
        .transpose()?;
    if let Change::Set(id) = patch.seo.og_image_id {
        require_media(conn, "og_image", id)?;
    }
    let mut changes = ArticleChanges {
        title: patch.title,
        slug: patch.slug.map(|s| s.as_str().to_owned()),
        status: patch.status,
        featured: patch.featured,
        comments_open: patch.comments_open,
        category_id: patch.category_id.into_column(),
        updated_at: Some(now()),
        meta_title: patch.seo.meta_title.into_column(),
        meta_description: patch.seo.meta_description.into_column(),
        og_image_id: patch.seo.og_image_id.into_column(),
        canonical_url: patch.seo.canonical_url.into_column(),
        ..Default::default()
    };
    rerender(
        &mut changes,
        &current,
        patch.content,
        patch.content_format,
        patch.excerpt,
    );
    let status = patch.status.unwrap_or(current.status);
    let published_at = patch.published_at.apply(current.published_at);
    if published_at != current.published_at || status != current.status {
        changes.published_at = Some(publication_date(status, published_at));
    }
    let image = match patch.featured_image {
        Change::Keep => None,
        Change::Clear => Some(ImageColumns::default()),
        Change::Set(image) => Some(ImageColumns::of(conn, Some(image))?),
    };
    if let Some(image) = image {
        changes.featured_image_url = Some(image.url);
        changes.featured_image_alt = Some(image.alt);
        changes.featured_image_caption = Some(image.caption);
        changes.featured_image_id = Some(image.id);
    }
    diesel::update(articles::table.find(id))
        .set(changes)
        .execute(conn)?;
    if let Some(tag_ids) = tag_ids {
        tags::set_for_article(conn, id, &tag_ids)?;
    }
    Ok(())
}

/// Renders again when the content or its format changes. A derived excerpt follows the new
/// content; one the author wrote stays until they change or clear it.
fn rerender(
    changes: &mut ArticleChanges,
    current: &Source,
    content: Option<String>,
    format: Option<ContentFormat>,
    excerpt: Change<String>,
) {
    let old = rendered(&current.content, current.content_format, None);
    let excerpt_was_derived = old.excerpt == current.excerpt;
    if content.is_none() && format.is_none() {
        changes.excerpt = match excerpt {
            Change::Keep => None,
            Change::Set(excerpt) => Some(excerpt),
            Change::Clear => Some(old.excerpt),
        };
        return;
    }
    let source = content.unwrap_or_else(|| current.content.clone());
    let format = format.unwrap_or(current.content_format);
    let explicit = match excerpt {
        Change::Set(excerpt) => Some(excerpt),
        Change::Clear => None,
        Change::Keep if excerpt_was_derived => None,
        Change::Keep => Some(current.excerpt.clone()),
    };
    let new = rendered(&source, format, explicit);
    changes.excerpt = Some(new.excerpt);
    changes.content_html = Some(new.html);
    changes.content_text = Some(new.text);
    changes.reading_time_minutes = Some(new.reading_time_minutes);
    changes.content = Some(source);
    changes.content_format = Some(format);
}

pub fn delete(conn: &mut Conn, id: i64) -> Result<(), ApiError> {
    let deleted = diesel::delete(articles::table.find(id)).execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::not_found("article"));
    }
    Ok(())
}

/// Whether another article has the slug.
fn slug_taken(conn: &mut Conn, slug: &str) -> QueryResult<bool> {
    dsl::select(dsl::exists(articles::table.filter(articles::slug.eq(slug)))).get_result(conn)
}
