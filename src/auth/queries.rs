//! Refresh token storage: only hashes are kept, each token is used once.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::tokens::hash_refresh_token;
use crate::db::Conn;
use crate::db::schema::refresh_tokens;
use crate::error::ApiError;

pub fn store(
    conn: &mut Conn,
    user_id: i64,
    token: &str,
    ttl_days: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(hash_refresh_token(token)),
            refresh_tokens::expires_at.eq(now + Duration::days(ttl_days)),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the token and returns its user, if it was valid: a second use finds nothing.
pub fn consume(conn: &mut Conn, token: &str, now: NaiveDateTime) -> Result<i64, ApiError> {
    let hash = hash_refresh_token(token);
    let found: Option<(i64, NaiveDateTime)> =
        diesel::delete(refresh_tokens::table.filter(refresh_tokens::token_hash.eq(hash)))
            .returning((refresh_tokens::user_id, refresh_tokens::expires_at))
            .get_result(conn)
            .optional()?;
    match found {
        Some((user_id, expires_at)) if expires_at > now => Ok(user_id),
        _ => Err(ApiError::Unauthorized(
            "the refresh token is invalid, expired or already used".to_owned(),
        )),
    }
}

pub fn revoke(conn: &mut Conn, token: &str) -> QueryResult<usize> {
    diesel::delete(
        refresh_tokens::table.filter(refresh_tokens::token_hash.eq(hash_refresh_token(token))),
    )
    .execute(conn)
}

pub fn revoke_all(conn: &mut Conn, user_id: i64) -> QueryResult<usize> {
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id))).execute(conn)
}

/// Expired tokens are useless; dropping them keeps the table small.
pub fn purge_expired(conn: &mut Conn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.le(now))).execute(conn)
}
