//! What `/auth` endpoints take and give.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::users::model::User;

/// The body of `POST /auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin@example.com", max_length = 254)]
    pub email: String,
    #[schema(example = "a long passphrase", max_length = 256)]
    pub password: String,
}

/// The body of `POST /auth/refresh` and `POST /auth/logout`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// A refresh token from a login or an earlier refresh.
    #[schema(max_length = 256)]
    pub refresh_token: String,
}

/// A new pair of tokens and the user they belong to.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Opaque and single-use: trade it for a new pair at `POST /auth/refresh`.
    pub refresh_token: String,
    pub user: User,
}
