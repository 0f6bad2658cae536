//! `/users`: account management, for admins only.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{NewUser, NewUserBody, User, UserPatch, UserPatchBody};
use super::queries::{self, UserSort};
use crate::auth::Role;
use crate::auth::state::AuthState;
use crate::auth::{Action, Caller, password};
use crate::error::{ApiError, Problem};
use crate::http::{Json, ListParams, Paginated, Query, ReassignQuery, created, pagination};
use crate::state::{AppState, client_address};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(delete_user);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only users with this role.
    pub role: Option<Role>,
}

/// List user accounts.
///
/// Admins only: every account with its email and role.
#[utoipa::path(
    tag = "users",
    params(ListParams<UserSort>, UserFilter),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of users", body = Paginated<User>))
)]
#[get("/users")]
pub async fn list_users(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    params: ListParams<UserSort>,
    filter: Query<UserFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageUsers)?;
    let role = filter.into_inner().role;
    let (rows, total) = state
        .db
        .read(move |conn| queries::list(conn, params, role))
        .await?;
    let users: Vec<User> = rows.into_iter().map(User::from).collect();
    Ok(pagination::respond(&req, params.page, total, users))
}

/// Create a user account.
///
/// Admins only. The password (8 to 256 characters) is stored as an Argon2id hash and never
/// returned.
///
/// Example body: `{"email":"ed@example.com","password":"a long passphrase","display_name":"Ed Itor","role":"editor"}`
#[utoipa::path(
    tag = "users",
    request_body = NewUserBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = User),
        (status = 409, description = "Email or slug taken", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many passwords being hashed at once, or the database is briefly unavailable; retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    caller: Caller,
    body: Json<NewUserBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageUsers)?;
    let mut new_user = NewUser::try_from(body.0)?;
    let password = std::mem::take(&mut new_user.password);
    let hash = auth
        .hashing
        .run(&client_address(&req), move || password::hash(&password))
        .await??;
    let row = state
        .db
        .write(move |conn| queries::insert(conn, new_user, hash))
        .await?;
    Ok(created(
        format!("/api/v1/users/{}", row.id),
        &User::from(row),
    ))
}

/// Get a user account.
///
/// Admins only: one account with its email and role.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, minimum = 1, description = "User id", example = 2)),
    security(("bearer" = [])),
    responses((status = 200, description = "The user", body = User))
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<User>, ApiError> {
    caller.require(Action::ManageUsers)?;
    let id = id.into_inner();
    let row = state.db.read(move |conn| queries::find(conn, id)).await?;
    Ok(web::Json(row.into()))
}

/// Update a user account.
///
/// Admins only. Only the fields sent change. A new password signs the user out everywhere
/// (their access and refresh tokens stop working); a new role stops their access tokens (a
/// refresh gives one with the new role); the last admin cannot be demoted (`409`).
///
/// Example body: `{"role":"editor","bio":"Covers the city council."}`
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, minimum = 1, description = "User id", example = 2)),
    request_body = UserPatchBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed user", body = User),
        (status = 409, description = "Email or slug taken, or the last admin would be demoted", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many passwords being hashed at once, or the database is briefly unavailable; retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<UserPatchBody>,
) -> Result<web::Json<User>, ApiError> {
    caller.require(Action::ManageUsers)?;
    let id = id.into_inner();
    let mut patch = UserPatch::try_from(body.0)?;
    let hash = match patch.password.take() {
        Some(password) => Some(
            auth.hashing
                .run(&client_address(&req), move || password::hash(&password))
                .await??,
        ),
        None => None,
    };
    let row = state
        .db
        .write(move |conn| queries::update(conn, id, patch, hash))
        .await?;
    auth.standings.forget(id);
    Ok(web::Json(row.into()))
}

/// Delete a user account.
///
/// Admins only. A user who wrote articles needs `?reassign_to=` another user (otherwise
/// `409`); the last admin cannot be deleted.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, minimum = 1, description = "User id"), ReassignQuery),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "The user has articles, or is the last admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/users/{id}")]
pub async fn delete_user(
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    caller: Caller,
    id: web::Path<i64>,
    query: Query<ReassignQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ManageUsers)?;
    let id = id.into_inner();
    let reassign_to = query.into_inner().reassign_to;
    state
        .db
        .write(move |conn| queries::delete(conn, id, reassign_to))
        .await?;
    auth.standings.forget(id);
    Ok(HttpResponse::NoContent().finish())
}
