//! `/auth`: log in, refresh, log out, and who am I.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{LoginRequest, RefreshRequest, TokenResponse, TokenType};
use crate::auth::queries::{self, Consumed};
use crate::auth::state::AuthState;
use crate::auth::{Caller, password, tokens};
use crate::error::{ApiError, Problem};
use crate::http::Json;
use crate::state::{AppState, client_address};
use crate::time::now;
use crate::users::model::{User, UserRow};
use crate::users::queries as users;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(me);
}

/// Log in with email and password.
///
/// Answers the same `401` for an unknown email and a wrong password. Attempts are limited
/// per client address and email, and per client address whatever the email (`429` with
/// `Retry-After`). Passwords are checked a few at a time; when the server is flooded with
/// logins, an attempt that waited too long gets `503` with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address, or for this email from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many passwords being checked at once, or the database is briefly unavailable; retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    body.0.check()?;
    let LoginRequest { email, password } = body.0;
    // Both limits come before any hashing, so a refused attempt costs next to nothing.
    // Per address and email: one client cannot lock out everyone, nor try many passwords.
    // Per address alone: nor spray many emails (each costing a full Argon2 run).
    let address = client_address(&req);
    let key = format!("{address} {}", email.trim().to_lowercase());
    auth.login_address_limiter.check(address.clone())?;
    auth.login_limiter.check(key)?;
    let db = state.db.clone();
    let lookup = email.trim().to_lowercase();
    let user = db
        .read(move |conn| Ok(users::find_by_email(conn, &lookup)?))
        .await?;
    let verified = auth
        .hashing
        .run(&address, move || match user {
            Some(user) if password::verify(&password, &user.password_hash) => Some(user),
            Some(_) => None,
            None => {
                password::verify_against_dummy(&password);
                None
            }
        })
        .await?;
    let user =
        verified.ok_or_else(|| ApiError::Unauthorized("wrong email or password".to_owned()))?;
    Ok(HttpResponse::Ok().json(issue_tokens(&state, &auth, user, None).await?))
}

/// Refresh the tokens.
///
/// Trades a refresh token for a new access token and a new refresh token. Refresh tokens are
/// single-use: the one sent stops working, so keep the new one. Sending a used one again
/// (a copy: stolen, or a retry) revokes every refresh token descended from the same login,
/// the newest included: that session must log in again.
///
/// Example body: `{"refresh_token":"<refresh_token from the login answer>"}`
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    security(()),
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Invalid, expired or used refresh token (a used one revokes its whole family)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    body.0.check()?;
    let token = body.0.refresh_token;
    // The revocation of a reused token's family must commit, so the closure succeeds and
    // the refusal comes after the transaction.
    let consumed = state
        .db
        .write(move |conn| {
            Ok(match queries::consume(conn, &token, now())? {
                Consumed::Fresh { user_id, family } => {
                    // Deleting a user deletes their refresh tokens; `None` covers a race.
                    Ok(users::find(conn, user_id).ok().map(|user| (user, family)))
                }
                other => Err(other),
            })
        })
        .await?;
    let (user, family) = match consumed {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Err(ApiError::Unauthorized(
                "the account no longer exists".to_owned(),
            ));
        }
        Err(Consumed::Reused { user_id }) => {
            tracing::warn!(
                user_id,
                "a used refresh token came back: its family is revoked"
            );
            return Err(ApiError::Unauthorized(
                "the refresh token was already used; every token of its session is revoked, \
                 log in again"
                    .to_owned(),
            ));
        }
        Err(_) => {
            return Err(ApiError::Unauthorized(
                "the refresh token is invalid, expired or already used".to_owned(),
            ));
        }
    };
    Ok(HttpResponse::Ok().json(issue_tokens(&state, &auth, user, Some(family)).await?))
}

/// Log out.
///
/// Revokes a refresh token, and those of its session (its family: the tokens traded for
/// one another since the login), so none can be traded for new tokens. Unknown tokens are
/// ignored, so logging out twice is harmless. Access tokens already issued stay valid until
/// they expire (`ACCESS_TOKEN_TTL_SECONDS`).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    security(()),
    responses((status = 204, description = "The refresh token no longer works"))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    body.0.check()?;
    let token = body.0.refresh_token;
    state
        .db
        .write(move |conn| Ok(queries::revoke(conn, &token)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
///
/// The account the access token belongs to, email and role included.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = User),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<User>, ApiError> {
    let user = state
        .db
        .read(move |conn| users::find(conn, caller.user_id))
        .await
        .map_err(|error| match error {
            ApiError::NotFound(_) => {
                ApiError::Unauthorized("the account no longer exists".to_owned())
            }
            other => other,
        })?;
    Ok(web::Json(user.into()))
}

/// A new token pair; the refresh token continues `family` (a refresh) or starts one (a login).
async fn issue_tokens(
    state: &AppState,
    auth: &AuthState,
    user: UserRow,
    family: Option<String>,
) -> Result<TokenResponse, ApiError> {
    let access_token = auth.tokens.issue(user.id, user.role, user.token_version)?;
    let refresh_token = tokens::new_refresh_token();
    let stored = refresh_token.clone();
    let ttl_days = auth.tokens.refresh_ttl_days;
    let user_id = user.id;
    let family = family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    state
        .db
        .write(move |conn| {
            let now = now();
            queries::purge_expired(conn, now)?;
            Ok(queries::store(
                conn, user_id, &stored, &family, ttl_days, now,
            )?)
        })
        .await?;
    Ok(TokenResponse {
        access_token,
        token_type: TokenType::Bearer,
        expires_in: auth.tokens.access_ttl_seconds,
        refresh_token,
        user: user.into(),
    })
}
