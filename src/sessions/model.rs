//! What `/auth` endpoints take and give.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::password::MAX_PASSWORD_CHARS;
use crate::domain::Checks;
use crate::error::ApiError;
use crate::users::model::User;

const MAX_EMAIL_CHARS: usize = 254;
const MAX_REFRESH_TOKEN_CHARS: usize = 256;

/// The body of `POST /auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin@example.com", max_length = 254)]
    pub email: String,
    #[schema(example = "a long passphrase", max_length = 256)]
    pub password: String,
}

impl LoginRequest {
    /// Over-long values are refused before any password work is spent on them.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut checks = Checks::default();
        if self.email.chars().count() > MAX_EMAIL_CHARS {
            checks.push(
                "email",
                format!("must be at most {MAX_EMAIL_CHARS} characters"),
            );
        }
        if self.password.chars().count() > MAX_PASSWORD_CHARS {
            checks.push(
                "password",
                format!("must be at most {MAX_PASSWORD_CHARS} characters"),
            );
        }
        checks.finish(|| Some(()))
    }
}

/// The body of `POST /auth/refresh` and `POST /auth/logout`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "the refresh_token of a login or refresh answer"}))]
pub struct RefreshRequest {
    /// A refresh token from a login or an earlier refresh.
    #[schema(max_length = 256)]
    pub refresh_token: String,
}

impl RefreshRequest {
    pub fn check(&self) -> Result<(), ApiError> {
        let mut checks = Checks::default();
        if self.refresh_token.chars().count() > MAX_REFRESH_TOKEN_CHARS {
            checks.push(
                "refresh_token",
                format!("must be at most {MAX_REFRESH_TOKEN_CHARS} characters"),
            );
        }
        checks.finish(|| Some(()))
    }
}

/// How the access token is sent: always `Bearer` (RFC 6750). A one-value enum, so that
/// typed clients see the constant rather than any string.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum TokenType {
    Bearer,
}

/// A new pair of tokens and the user they belong to.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    pub token_type: TokenType,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Opaque and single-use: trade it for a new pair at `POST /auth/refresh`.
    pub refresh_token: String,
    pub user: User,
}
