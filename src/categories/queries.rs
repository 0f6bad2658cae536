//! Category queries.

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;

use super::model::{Category, CategoryPatch, NewCategory};
use crate::auth::policy::public_articles;
use crate::db::Conn;
use crate::db::reassign::{self, ArticleOwner};
use crate::db::schema::{articles, categories};
use crate::domain::Key;
use crate::domain::Slug;

use crate::error::ApiError;
use crate::http::{Change, ListParams};
use crate::time::now;

crate::sort_fields! {
    pub enum CategorySort default "name" {
        Name => "name",
        ArticleCount => "article_count",
    }
}

#[dsl::auto_type(no_type_alias)]
fn with_counts() -> _ {
    let count: public_count_in_category = public_count_in_category(now());
    categories::table.select((
        categories::id,
        categories::name,
        categories::slug,
        categories::description,
        categories::parent_id,
        categories::created_at,
        categories::updated_at,
        count,
    ))
}

pub fn list(
    conn: &mut Conn,
    params: ListParams<CategorySort>,
) -> Result<(Vec<Category>, i64), ApiError> {
    let total = categories::table.count().get_result(conn)?;
    let query = with_counts().into_boxed();
    let desc = params.sort.descending;
    let query = match params.sort.field {
        CategorySort::Name => crate::order_by!(query, desc, categories::name),
        CategorySort::ArticleCount => {
            crate::order_by!(query, desc, public_count_in_category(now()))
        }
    };
    let rows = query
        .then_order_by(categories::id.asc())
        .limit(params.page.per_page)
        .offset(params.page.offset())
        .load(conn)?;
    Ok((rows, total))
}

/// The categories in the order they were created (the order editors set them up in), for
/// a site's navigation: at most 100, the most any list shows at once.
pub fn navigation(conn: &mut Conn) -> QueryResult<Vec<Category>> {
    with_counts()
        .order(categories::id.asc())
        .limit(crate::http::pagination::MAX_PER_PAGE)
        .load(conn)
}

pub fn find(conn: &mut Conn, key: Key) -> Result<Category, ApiError> {
    let query = with_counts().into_boxed();
    let query = match key {
        Key::Id(id) => query.filter(categories::id.eq(id)),
        Key::Slug(slug) => query.filter(categories::slug.eq(slug)),
    };
    query
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("category"))
}

pub fn all_ids(conn: &mut Conn) -> QueryResult<Vec<i64>> {
    categories::table
        .select(categories::id)
        .order(categories::id)
        .load(conn)
}

fn exists(conn: &mut Conn, id: i64) -> QueryResult<bool> {
    dsl::select(dsl::exists(categories::table.find(id))).get_result(conn)
}

fn parent_of(conn: &mut Conn, id: i64) -> QueryResult<Option<i64>> {
    categories::table
        .find(id)
        .select(categories::parent_id)
        .first(conn)
        .optional()
        .map(Option::flatten)
}

/// The parent must exist, and for an existing category must not be itself or one of its
/// descendants: that would make a cycle.
fn check_parent(conn: &mut Conn, id: Option<i64>, parent_id: i64) -> Result<(), ApiError> {
    if !exists(conn, parent_id)? {
        return Err(ApiError::invalid("parent_id", "no category has this id"));
    }
    let Some(id) = id else { return Ok(()) };
    let mut ancestor = Some(parent_id);
    // The bound guards against a cycle already in the data.
    for _ in 0..10_000 {
        match ancestor {
            Some(current) if current == id => {
                return Err(ApiError::invalid(
                    "parent_id",
                    "a category cannot be its own ancestor",
                ));
            }
            Some(current) => ancestor = parent_of(conn, current)?,
            None => return Ok(()),
        }
    }
    Ok(())
}

pub fn insert(conn: &mut Conn, new: NewCategory) -> Result<Category, ApiError> {
    if let Some(parent_id) = new.parent_id {
        check_parent(conn, None, parent_id)?;
    }
    let slug = Slug::claim(new.slug, &new.name, "category", |s| slug_taken(conn, s))?;
    let now = now();
    let id: i64 = diesel::insert_into(categories::table)
        .values((
            categories::name.eq(new.name),
            categories::slug.eq(slug.as_str()),
            categories::description.eq(new.description),
            categories::parent_id.eq(new.parent_id),
            categories::created_at.eq(now),
            categories::updated_at.eq(now),
        ))
        .returning(categories::id)
        .get_result(conn)?;
    find(conn, Key::Id(id))
}

#[derive(AsChangeset)]
#[diesel(table_name = categories)]
struct CategoryChanges {
    name: Option<String>,
    slug: Option<String>,
    description: Option<Option<String>>,
    parent_id: Option<Option<i64>>,
    updated_at: chrono::NaiveDateTime,
}

pub fn update(conn: &mut Conn, id: i64, patch: CategoryPatch) -> Result<Category, ApiError> {
    let current = find(conn, Key::Id(id))?;
    if let Some(slug) = &patch.slug {
        slug.check_free(Some(&current.slug), |s| slug_taken(conn, s))?;
    }
    if let Change::Set(parent_id) = patch.parent_id {
        check_parent(conn, Some(id), parent_id)?;
    }
    let changes = CategoryChanges {
        name: patch.name,
        slug: patch.slug.map(|s| s.as_str().to_owned()),
        description: patch.description.into_column(),
        parent_id: patch.parent_id.into_column(),
        updated_at: now(),
    };
    diesel::update(categories::table.find(id))
        .set(changes)
        .execute(conn)?;
    find(conn, Key::Id(id))
}

/// Deletes a category. Its articles must first move to `reassign_to` (`409` otherwise);
/// its children move up to its own parent, as in WordPress.
pub fn delete(conn: &mut Conn, id: i64, reassign_to: Option<i64>) -> Result<(), ApiError> {
    let parent = categories::table
        .find(id)
        .select(categories::parent_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("category"))?;
    reassign::articles_before_delete::<Owner>(conn, id, reassign_to)?;
    diesel::update(categories::table.filter(categories::parent_id.eq(id)))
        .set(categories::parent_id.eq(parent))
        .execute(conn)?;
    diesel::delete(categories::table.find(id)).execute(conn)?;
    Ok(())
}

/// Published articles in the outer query's category, for a correlated `article_count`.
#[dsl::auto_type]
pub fn public_count_in_category(now: NaiveDateTime) -> _ {
    let public: public_articles = public_articles(now);
    articles::table
        .filter(articles::category_id.eq(categories::id.nullable()))
        .filter(public)
        .select(dsl::count_star())
        .single_value()
        .assume_not_null()
}

/// The category and all of its descendants.
pub fn category_with_descendants(conn: &mut Conn, root: i64) -> QueryResult<Vec<i64>> {
    let edges: Vec<(i64, Option<i64>)> = categories::table
        .select((categories::id, categories::parent_id))
        .load(conn)?;
    let mut found = vec![root];
    let mut next = 0;
    while let Some(&parent) = found.get(next) {
        found.extend(
            edges
                .iter()
                .filter(|(id, p)| *p == Some(parent) && !found.contains(id))
                .map(|(id, _)| *id)
                .collect::<Vec<_>>(),
        );
        next += 1;
    }
    Ok(found)
}

/// The category named by an id or a slug: an id first, then a slug (slugs may be digits).
pub fn category_id(conn: &mut Conn, id_or_slug: &str) -> QueryResult<Option<i64>> {
    categories::table
        .filter(categories::slug.eq(id_or_slug))
        .or_filter(categories::id.nullable().eq(id_or_slug.parse::<i64>().ok()))
        .select(categories::id)
        .order(categories::slug.eq(id_or_slug))
        .first(conn)
        .optional()
}

/// `422` unless the category exists, for an article that names it.
pub fn require_exists(conn: &mut Conn, category_id: i64) -> Result<(), ApiError> {
    let exists: bool =
        dsl::select(dsl::exists(categories::table.find(category_id))).get_result(conn)?;
    if exists {
        Ok(())
    } else {
        Err(ApiError::invalid("category_id", "no category has this id"))
    }
}

/// A category, as what articles belong to.
struct Owner;

impl ArticleOwner for Owner {
    const NOUN: &'static str = "category";

    fn exists(conn: &mut Conn, id: i64) -> QueryResult<bool> {
        exists(conn, id)
    }

    fn has_articles(conn: &mut Conn, id: i64) -> QueryResult<bool> {
        dsl::select(dsl::exists(
            articles::table.filter(articles::category_id.eq(id)),
        ))
        .get_result(conn)
    }

    fn move_articles(conn: &mut Conn, from: i64, to: i64) -> QueryResult<usize> {
        diesel::update(articles::table.filter(articles::category_id.eq(from)))
            .set(articles::category_id.eq(to))
            .execute(conn)
    }
}

/// Whether another category has the slug.
fn slug_taken(conn: &mut Conn, slug: &str) -> QueryResult<bool> {
    dsl::select(dsl::exists(
        categories::table.filter(categories::slug.eq(slug)),
    ))
    .get_result(conn)
}
