//! What authentication reads and writes: each user's standing (role and token version), and
//! refresh token storage, where only hashes are kept, each token is used once, and a token
//! used twice revokes its family (every token descended from the same login).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::Role;
use super::tokens::hash_refresh_token;
use crate::db::Conn;
use crate::db::schema::{refresh_tokens, users};

/// What an access token of the user is checked against: their role and token version;
/// `None` once the user is deleted.
pub fn standing(conn: &mut Conn, id: i64) -> QueryResult<Option<(Role, i64)>> {
    users::table
        .find(id)
        .select((users::role, users::token_version))
        .first(conn)
        .optional()
}

pub fn store(
    conn: &mut Conn,
    user_id: i64,
    token: &str,
    family: &str,
    ttl_days: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(hash_refresh_token(token)),
            refresh_tokens::family.eq(family),
            refresh_tokens::expires_at.eq(now + Duration::days(ttl_days)),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// What presenting a refresh token came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Consumed {
    /// A valid token, now used: its user, and the family its successor joins.
    Fresh { user_id: i64, family: String },
    /// A token already used: its whole family is revoked.
    Reused { user_id: i64 },
    /// Unknown (never issued, revoked, or purged) or expired.
    Invalid,
}

/// Marks the token used if it was valid. Run inside the write's transaction, so that two
/// requests with the same token cannot both find it fresh.
pub fn consume(conn: &mut Conn, token: &str, now: NaiveDateTime) -> QueryResult<Consumed> {
    let hash = hash_refresh_token(token);
    let found: Option<(i64, i64, String, NaiveDateTime, Option<NaiveDateTime>)> =
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(hash))
            .select((
                refresh_tokens::id,
                refresh_tokens::user_id,
                refresh_tokens::family,
                refresh_tokens::expires_at,
                refresh_tokens::used_at,
            ))
            .first(conn)
            .optional()?;
    let Some((id, user_id, family, expires_at, used_at)) = found else {
        return Ok(Consumed::Invalid);
    };
    if used_at.is_some() {
        revoke_family(conn, &family)?;
        return Ok(Consumed::Reused { user_id });
    }
    if expires_at <= now {
        return Ok(Consumed::Invalid);
    }
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)?;
    Ok(Consumed::Fresh { user_id, family })
}

/// Revokes the token's family (the session it belongs to); an unknown token changes nothing.
pub fn revoke(conn: &mut Conn, token: &str) -> QueryResult<usize> {
    let family: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_refresh_token(token)))
        .select(refresh_tokens::family)
        .first(conn)
        .optional()?;
    match family {
        Some(family) => revoke_family(conn, &family),
        None => Ok(0),
    }
}

fn revoke_family(conn: &mut Conn, family: &str) -> QueryResult<usize> {
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::family.eq(family))).execute(conn)
}

pub fn revoke_all(conn: &mut Conn, user_id: i64) -> QueryResult<usize> {
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id))).execute(conn)
}

/// Expired tokens are useless (used ones too: a copy of one is refused as expired);
/// dropping them keeps the table small.
pub fn purge_expired(conn: &mut Conn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.le(now))).execute(conn)
}
