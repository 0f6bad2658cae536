//! User queries.

use diesel::dsl;
use diesel::prelude::*;

use super::model::{NewUser, UserPatch, UserRow};
use crate::auth::Role;
use crate::db::Conn;
use crate::db::reassign::{self, ArticleOwner};
use crate::db::schema::{articles, users};
use crate::domain::Slug;

use crate::error::ApiError;
use crate::http::ListParams;
use crate::time::now;

crate::sort_fields! {
    /// How `/users` can be sorted.
    pub enum UserSort default "display_name" {
        DisplayName => "display_name",
        Email => "email",
        CreatedAt => "created_at",
    }
}

pub fn find(conn: &mut Conn, id: i64) -> Result<UserRow, ApiError> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("user"))
}

pub fn find_by_email(conn: &mut Conn, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut Conn,
    params: ListParams<UserSort>,
    role: Option<Role>,
) -> Result<(Vec<UserRow>, i64), ApiError> {
    let filtered = || {
        let mut query = users::table.into_boxed();
        if let Some(role) = role {
            query = query.filter(users::role.eq(role));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let query = filtered().select(UserRow::as_select());
    let desc = params.sort.descending;
    let query = match params.sort.field {
        UserSort::DisplayName => crate::order_by!(query, desc, users::display_name),
        UserSort::Email => crate::order_by!(query, desc, users::email),
        UserSort::CreatedAt => crate::order_by!(query, desc, users::created_at),
    };
    let rows = query
        .then_order_by(users::id.asc())
        .limit(params.page.per_page)
        .offset(params.page.offset())
        .load(conn)?;
    Ok((rows, total))
}

pub fn all_ids(conn: &mut Conn) -> QueryResult<Vec<i64>> {
    users::table.select(users::id).order(users::id).load(conn)
}

pub fn count_admins(conn: &mut Conn) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .count()
        .get_result(conn)
}

fn email_taken(conn: &mut Conn, email: &str) -> QueryResult<bool> {
    dsl::select(dsl::exists(users::table.filter(users::email.eq(email)))).get_result(conn)
}

pub fn insert(conn: &mut Conn, user: NewUser, password_hash: String) -> Result<UserRow, ApiError> {
    if email_taken(conn, user.email.as_str())? {
        return Err(ApiError::Conflict(
            "a user with this email exists".to_owned(),
        ));
    }
    let slug = Slug::claim(user.slug, &user.display_name, "user", |s| {
        slug_taken(conn, s)
    })?;
    let now = now();
    let id = diesel::insert_into(users::table)
        .values((
            users::email.eq(user.email.into_inner()),
            users::password_hash.eq(password_hash),
            users::display_name.eq(user.display_name),
            users::slug.eq(slug.as_str()),
            users::role.eq(user.role),
            users::bio.eq(user.bio),
            users::avatar_url.eq(user.avatar_url),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result::<i64>(conn)?;
    find(conn, id)
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserChanges {
    email: Option<String>,
    password_hash: Option<String>,
    display_name: Option<String>,
    slug: Option<String>,
    role: Option<Role>,
    bio: Option<Option<String>>,
    avatar_url: Option<Option<String>>,
    updated_at: chrono::NaiveDateTime,
}

pub fn update(
    conn: &mut Conn,
    id: i64,
    patch: UserPatch,
    password_hash: Option<String>,
) -> Result<UserRow, ApiError> {
    let current = find(conn, id)?;
    if let Some(email) = &patch.email
        && email.as_str() != current.email
        && email_taken(conn, email.as_str())?
    {
        return Err(ApiError::Conflict(
            "a user with this email exists".to_owned(),
        ));
    }
    if let Some(slug) = &patch.slug {
        slug.check_free(Some(&current.slug), |s| slug_taken(conn, s))?;
    }
    let demotes_admin = current.role == Role::Admin && patch.role.is_some_and(|r| r != Role::Admin);
    if demotes_admin && count_admins(conn)? <= 1 {
        return Err(ApiError::Conflict(
            "the last admin cannot be demoted".to_owned(),
        ));
    }
    let changes = UserChanges {
        email: patch.email.map(|e| e.into_inner()),
        password_hash,
        display_name: patch.display_name,
        slug: patch.slug.map(|s| s.as_str().to_owned()),
        role: patch.role,
        bio: patch.bio.into_column(),
        avatar_url: patch.avatar_url.into_column(),
        updated_at: now(),
    };
    diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)?;
    let mut row = find(conn, id)?;
    let new_password = password_hash_changed(&current, &row);
    if new_password || row.role != current.role {
        // Access tokens issued before stop working (auth::caller); the caller's route
        // forgets the cached standing once this commits.
        diesel::update(users::table.find(id))
            .set(users::token_version.eq(users::token_version + 1))
            .execute(conn)?;
        row = find(conn, id)?;
    }
    if new_password {
        // A new password signs the user out everywhere. A new role does not: a refresh
        // gives an access token with the new role.
        crate::auth::queries::revoke_all(conn, id)?;
    }
    Ok(row)
}

fn password_hash_changed(before: &UserRow, after: &UserRow) -> bool {
    before.password_hash != after.password_hash
}

/// Deletes a user; their articles must first move to `reassign_to` (`409` otherwise).
pub fn delete(conn: &mut Conn, id: i64, reassign_to: Option<i64>) -> Result<(), ApiError> {
    let user = find(conn, id)?;
    if user.role == Role::Admin && count_admins(conn)? <= 1 {
        return Err(ApiError::Conflict(
            "the last admin cannot be deleted".to_owned(),
        ));
    }
    reassign::articles_before_delete::<Owner>(conn, id, reassign_to)?;
    diesel::delete(users::table.find(id)).execute(conn)?;
    Ok(())
}

/// A user, as what articles belong to.
struct Owner;

impl ArticleOwner for Owner {
    const NOUN: &'static str = "user";

    fn exists(conn: &mut Conn, id: i64) -> QueryResult<bool> {
        dsl::select(dsl::exists(users::table.find(id))).get_result(conn)
    }

    fn has_articles(conn: &mut Conn, id: i64) -> QueryResult<bool> {
        dsl::select(dsl::exists(
            articles::table.filter(articles::author_id.eq(id)),
        ))
        .get_result(conn)
    }

    fn move_articles(conn: &mut Conn, from: i64, to: i64) -> QueryResult<usize> {
        diesel::update(articles::table.filter(articles::author_id.eq(from)))
            .set(articles::author_id.eq(to))
            .execute(conn)
    }
}

/// Whether another user has the slug.
fn slug_taken(conn: &mut Conn, slug: &str) -> QueryResult<bool> {
    dsl::select(dsl::exists(users::table.filter(users::slug.eq(slug)))).get_result(conn)
}
