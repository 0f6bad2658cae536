//! Access tokens (HS256 JWTs) and opaque refresh tokens, stored only as hashes.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Role;
use crate::config::Config;
use crate::error::ApiError;

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    /// The user's token version when the token was issued: a new password or role moves
    /// it on and refuses every token issued before. Tokens from before it existed read 0.
    #[serde(default)]
    pub ver: i64,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Signs and checks access tokens with the server's secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl_seconds: i64,
    pub refresh_ttl_days: i64,
}

impl TokenKeys {
    pub fn new(secret: &str, config: &Config) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            access_ttl_seconds: config.access_token_ttl_seconds,
            refresh_ttl_days: config.refresh_token_ttl_days,
        }
    }

    pub fn issue(&self, user_id: i64, role: Role, version: i64) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            ver: version,
            iat: now,
            exp: now + self.access_ttl_seconds,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| {
                use jsonwebtoken::errors::ErrorKind;
                let reason = match error.kind() {
                    ErrorKind::ExpiredSignature => "the access token has expired",
                    _ => "the access token is invalid",
                };
                ApiError::Unauthorized(reason.to_owned())
            })
    }
}

/// A new opaque refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Refresh tokens are stored as their SHA-256, so a leaked database yields no usable token.
pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Result<TokenKeys, crate::config::ConfigError> {
        let config = Config::from_lookup(|_| None)?;
        Ok(TokenKeys::new("0123456789abcdef0123456789abcdef", &config))
    }

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() -> Result<(), Box<dyn std::error::Error>> {
        let keys = keys()?;
        let token = keys.issue(7, Role::Editor, 3)?;
        let claims = keys.verify(&token)?;
        assert_eq!(
            (claims.sub.as_str(), claims.role, claims.ver),
            ("7", Role::Editor, 3)
        );
        assert!(keys.verify(&format!("{token}x")).is_err());
        Ok(())
    }
}
