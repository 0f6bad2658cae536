//! The caller of a request, read from its bearer token and checked against the user as they
//! are now. Handlers that need a signed-in user take `Caller` (absent or bad token: `401`);
//! public handlers take `Option<Caller>`-like `MaybeCaller` (absent token: anonymous; bad
//! token: still `401`).
//!
//! A signature alone is not enough: a token outlives a deleted user, a new password and a
//! new role. So every token is checked against its user's standing (the role and the token
//! version, `users.token_version`), kept in a small cache that the users routes clear when
//! they change or delete a user: a deleted user's token and one issued before a new password
//! or role get `401`, and the role that counts is the one in the database.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::Role;
use super::state::AuthState;
use crate::db::Db;
use crate::error::ApiError;
use crate::state::AppState;

/// A signed-in user, with the role they have now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub role: Role,
}

/// The caller of a public endpoint, who may be anonymous.
#[derive(Debug, Clone, Copy)]
pub struct MaybeCaller(pub Option<Caller>);

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            caller_of(&req).await?.ok_or_else(|| {
                ApiError::Unauthorized("this endpoint needs a bearer access token".to_owned())
            })
        })
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { caller_of(&req).await.map(MaybeCaller) })
    }
}

async fn caller_of(req: &HttpRequest) -> Result<Option<Caller>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header must be `Bearer <token>`".to_owned())
        })?;
    let (Some(state), Some(auth)) = (
        req.app_data::<web::Data<AppState>>(),
        req.app_data::<web::Data<AuthState>>(),
    ) else {
        return Err(ApiError::internal("application state is missing"));
    };
    let claims = auth.tokens.verify(token)?;
    let user_id = claims
        .sub
        .parse()
        .map_err(|_| ApiError::Unauthorized("the access token is invalid".to_owned()))?;
    let Some(standing) = auth.standings.of(&state.db, user_id).await? else {
        return Err(ApiError::Unauthorized(
            "the account of this access token no longer exists".to_owned(),
        ));
    };
    if standing.token_version != claims.ver {
        return Err(ApiError::Unauthorized(
            "the access token was revoked by a new password or role; refresh it or log in again"
                .to_owned(),
        ));
    }
    Ok(Some(Caller {
        user_id,
        role: standing.role,
    }))
}

/// A user's role and token version as the database has them.
#[derive(Debug, Clone, Copy)]
struct Standing {
    role: Role,
    token_version: i64,
}

/// Users' standings by id (`None`: deleted; ids are never reused), so that checking a token
/// costs a lookup in memory, not a query.
pub struct Standings {
    cache: moka::sync::Cache<i64, Option<Standing>>,
    /// Counts `forget`s: a standing read from the database while one happened may be the
    /// old one, and is not cached.
    changes: AtomicU64,
}

/// Enough for every staff account of a newsroom many times over.
const STANDINGS: u64 = 10_000;
/// A bound on how long a change made outside the server (the CLI) goes unseen.
const STANDING_TTL: Duration = Duration::from_secs(60);

impl Default for Standings {
    fn default() -> Self {
        Self {
            cache: moka::sync::Cache::builder()
                .max_capacity(STANDINGS)
                .time_to_live(STANDING_TTL)
                .build(),
            changes: AtomicU64::new(0),
        }
    }
}

impl Standings {
    /// Call after a change to a user's role or password, or their deletion, has committed.
    pub fn forget(&self, user_id: i64) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.cache.invalidate(&user_id);
    }

    async fn of(&self, db: &Db, user_id: i64) -> Result<Option<Standing>, ApiError> {
        if let Some(standing) = self.cache.get(&user_id) {
            return Ok(standing);
        }
        let changes_before = self.changes.load(Ordering::SeqCst);
        let standing = db
            .read(move |conn| Ok(super::queries::standing(conn, user_id)?))
            .await?
            .map(|(role, token_version)| Standing {
                role,
                token_version,
            });
        // The read may have seen a user that a `forget` since replaced: if one happened,
        // drop what was cached (were it inserted after the forget's own invalidation, it
        // would otherwise last until STANDING_TTL). The request itself raced the change
        // and may go by the old standing, as it would had it come a moment earlier.
        self.cache.insert(user_id, standing);
        if self.changes.load(Ordering::SeqCst) != changes_before {
            self.cache.invalidate(&user_id);
        }
        Ok(standing)
    }
}
