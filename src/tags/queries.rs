//! Tag queries, and the tags of articles: what names them, what they carry, the counts.

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;
use std::collections::HashMap;

use super::model::{NewTag, Tag, TagKey, TagPatch, TagRef};
use crate::auth::policy::public_articles;
use crate::db::Conn;
use crate::db::schema::{article_tags, articles, tags};
use crate::domain::{Key, Slug};
use crate::error::{ApiError, FieldError};
use crate::http::ListParams;
use crate::time::now;

crate::sort_fields! {
    pub enum TagSort default "name" {
        Name => "name",
        ArticleCount => "article_count",
    }
}

#[dsl::auto_type(no_type_alias)]
fn with_counts() -> _ {
    let count: public_count_with_tag = public_count_with_tag(now());
    tags::table.select((
        tags::id,
        tags::name,
        tags::slug,
        tags::description,
        tags::created_at,
        tags::updated_at,
        count,
    ))
}

pub fn list(conn: &mut Conn, params: ListParams<TagSort>) -> Result<(Vec<Tag>, i64), ApiError> {
    let total = tags::table.count().get_result(conn)?;
    let query = with_counts().into_boxed();
    let desc = params.sort.descending;
    let query = match params.sort.field {
        TagSort::Name => crate::order_by!(query, desc, tags::name),
        TagSort::ArticleCount => crate::order_by!(query, desc, public_count_with_tag(now())),
    };
    let rows = query
        .then_order_by(tags::id.asc())
        .limit(params.page.per_page)
        .offset(params.page.offset())
        .load(conn)?;
    Ok((rows, total))
}

pub fn find(conn: &mut Conn, key: Key) -> Result<Tag, ApiError> {
    let query = with_counts().into_boxed();
    let query = match key {
        Key::Id(id) => query.filter(tags::id.eq(id)),
        Key::Slug(slug) => query.filter(tags::slug.eq(slug)),
    };
    query
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("tag"))
}

pub fn insert(conn: &mut Conn, new: NewTag) -> Result<Tag, ApiError> {
    let slug = Slug::claim(new.slug, &new.name, "tag", |s| slug_taken(conn, s))?;
    let now = now();
    let id: i64 = diesel::insert_into(tags::table)
        .values((
            tags::name.eq(new.name),
            tags::slug.eq(slug.as_str()),
            tags::description.eq(new.description),
            tags::created_at.eq(now),
            tags::updated_at.eq(now),
        ))
        .returning(tags::id)
        .get_result(conn)?;
    find(conn, Key::Id(id))
}

#[derive(AsChangeset)]
#[diesel(table_name = tags)]
struct TagChanges {
    name: Option<String>,
    slug: Option<String>,
    description: Option<Option<String>>,
    updated_at: NaiveDateTime,
}

pub fn update(conn: &mut Conn, id: i64, patch: TagPatch) -> Result<Tag, ApiError> {
    let current = find(conn, Key::Id(id))?;
    if let Some(slug) = &patch.slug {
        slug.check_free(Some(&current.slug), |s| slug_taken(conn, s))?;
    }
    let changes = TagChanges {
        name: patch.name,
        slug: patch.slug.map(|s| s.as_str().to_owned()),
        description: patch.description.into_column(),
        updated_at: now(),
    };
    diesel::update(tags::table.find(id))
        .set(changes)
        .execute(conn)?;
    find(conn, Key::Id(id))
}

/// Deletes a tag; the database detaches it from its articles (`ON DELETE CASCADE`).
pub fn delete(conn: &mut Conn, id: i64) -> Result<(), ApiError> {
    match diesel::delete(tags::table.find(id)).execute(conn)? {
        0 => Err(ApiError::not_found("tag")),
        _ => Ok(()),
    }
}

/// Public articles with the outer query's tag, for a correlated `article_count`.
#[dsl::auto_type]
pub fn public_count_with_tag(now: NaiveDateTime) -> _ {
    let public: public_articles = public_articles(now);
    article_tags::table
        .inner_join(articles::table)
        .filter(article_tags::tag_id.eq(tags::id))
        .filter(public)
        .select(dsl::count_star())
        .single_value()
        .assume_not_null()
}

/// The tag a list filter names by id or slug: an id first, then a slug (slugs may be
/// digits), as a category is found.
pub fn tag_id(conn: &mut Conn, id_or_slug: &str) -> QueryResult<Option<i64>> {
    tags::table
        .filter(tags::slug.eq(id_or_slug))
        .or_filter(tags::id.nullable().eq(id_or_slug.parse::<i64>().ok()))
        .select(tags::id)
        .order(tags::slug.eq(id_or_slug))
        .first(conn)
        .optional()
}

/// The ids of the tags an article's body names (numbers are ids, strings slugs), in its
/// order, each once; `422` naming every one that no tag has.
pub fn resolve(conn: &mut Conn, keys: &[TagKey]) -> Result<Vec<i64>, ApiError> {
    let ids: Vec<i64> = keys
        .iter()
        .filter_map(|key| match key {
            TagKey::Id(id) => Some(*id),
            TagKey::Slug(_) => None,
        })
        .collect();
    let slugs: Vec<&str> = keys
        .iter()
        .filter_map(|key| match key {
            TagKey::Slug(slug) => Some(slug.as_str()),
            TagKey::Id(_) => None,
        })
        .collect();
    let found: Vec<(i64, String)> = tags::table
        .filter(tags::id.eq_any(&ids).or(tags::slug.eq_any(&slugs)))
        .select((tags::id, tags::slug))
        .load(conn)?;
    let mut resolved = Vec::with_capacity(keys.len());
    let mut unknown = Vec::new();
    for key in keys {
        let id = found
            .iter()
            .find(|(id, slug)| match key {
                TagKey::Id(wanted) => id == wanted,
                TagKey::Slug(wanted) => slug == wanted,
            })
            .map(|(id, _)| *id);
        match id {
            Some(id) if !resolved.contains(&id) => resolved.push(id),
            Some(_) => {}
            None => unknown.push(FieldError::new(
                "tags",
                format!("no tag has the id or slug {key}"),
            )),
        }
    }
    if unknown.is_empty() {
        Ok(resolved)
    } else {
        Err(ApiError::Validation(unknown))
    }
}

/// Gives the article exactly these tags, in this order.
pub fn set_for_article(conn: &mut Conn, article_id: i64, tag_ids: &[i64]) -> QueryResult<()> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id)))
        .execute(conn)?;
    let rows: Vec<_> = (0i32..)
        .zip(tag_ids)
        .map(|(position, &tag_id)| (article_id, tag_id, position))
        .collect();
    attach_many(conn, &rows)
}

/// Rows per INSERT statement, well under SQLite's limit on bound parameters.
const ROWS_PER_INSERT: usize = 3_000;

/// Inserts `(article_id, tag_id, position)` rows in batches (the demo seeder's path too).
pub fn attach_many(conn: &mut Conn, rows: &[(i64, i64, i32)]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<_> = chunk
            .iter()
            .map(|&(article_id, tag_id, position)| {
                (
                    article_tags::article_id.eq(article_id),
                    article_tags::tag_id.eq(tag_id),
                    article_tags::position.eq(position),
                )
            })
            .collect();
        crate::on_each_backend!(conn, |conn| diesel::insert_into(article_tags::table)
            .values(&values)
            .execute(conn))?;
    }
    Ok(())
}

/// The tags of these articles, each article's in its order: one query for a whole page.
pub fn of_articles(conn: &mut Conn, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<TagRef>>> {
    let rows: Vec<(i64, TagRef)> = article_tags::table
        .inner_join(tags::table)
        .filter(article_tags::article_id.eq_any(ids))
        .order((article_tags::article_id, article_tags::position))
        .select((article_tags::article_id, (tags::id, tags::name, tags::slug)))
        .load(conn)?;
    let mut by_article: HashMap<i64, Vec<TagRef>> = HashMap::new();
    for (article_id, tag) in rows {
        by_article.entry(article_id).or_default().push(tag);
    }
    Ok(by_article)
}

/// The ids of the articles with any of these tags, as a subquery of a filter on `articles`.
#[dsl::auto_type]
pub fn articles_tagged(tag_ids: Vec<i64>) -> _ {
    article_tags::table
        .filter(article_tags::tag_id.eq_any(tag_ids))
        .select(article_tags::article_id)
}

pub fn all_ids(conn: &mut Conn) -> QueryResult<Vec<i64>> {
    tags::table.select(tags::id).order(tags::id).load(conn)
}

/// Whether another tag has the slug.
fn slug_taken(conn: &mut Conn, slug: &str) -> QueryResult<bool> {
    dsl::select(dsl::exists(tags::table.filter(tags::slug.eq(slug)))).get_result(conn)
}
