//! The deliveries as a queue: written in the transaction of their event
//! (`events::webhooks::enqueue`),
//! claimed by one instance at a time with a lease ([`claim`]), and settled with the
//! outcome of the send ([`settle`]). Every step is a write transaction, and writers take
//! turns across instances (`db::transaction`), so two instances never claim one delivery.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::dsl;
use diesel::prelude::*;

use super::model::DeliveryStatus;
use crate::config::WebhookSettings;
use crate::db::Conn;
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::error::ApiError;

pub use crate::events::webhooks::now;

/// The deliveries that may be sent at `now`: pending, due, not leased to a sender, to an
/// active endpoint.
#[dsl::auto_type]
fn due(now: NaiveDateTime) -> _ {
    let pending: &'static str = "pending";
    webhook_deliveries::status
        .eq(pending)
        .and(webhook_deliveries::next_attempt_at.le(now))
        .and(
            webhook_deliveries::locked_until
                .is_null()
                .or(webhook_deliveries::locked_until.le(now)),
        )
        .and(webhooks::active.eq(true))
}

/// Whether anything is due: a read, so that an idle dispatcher takes no write turn.
pub fn any_due(conn: &mut Conn, now: NaiveDateTime) -> QueryResult<bool> {
    dsl::select(dsl::exists(
        webhook_deliveries::table
            .inner_join(webhooks::table)
            .filter(due(now)),
    ))
    .get_result(conn)
}

/// A delivery one instance has taken to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    /// The attempt this send is: its outcome counts only while the delivery is still at
    /// it (a sender whose lease ran out and was overtaken is ignored).
    pub attempt: i32,
    pub event_id: i64,
    pub payload: String,
    pub url: String,
    pub secret: String,
}

/// Takes up to `limit` due deliveries, oldest first, leased until `lease_until`: counted
/// as an attempt now, so that a sender that crashes mid-send still uses one up.
pub fn claim(
    conn: &mut Conn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    let rows: Vec<(i64, i32, i64, String, String, String)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(due(now))
        .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
        .limit(limit)
        .select((
            webhook_deliveries::id,
            webhook_deliveries::attempts,
            webhook_deliveries::event_id,
            webhook_deliveries::payload,
            webhooks::url,
            webhooks::secret,
        ))
        .load(conn)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
        .set((
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::locked_until.eq(lease_until),
            webhook_deliveries::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, attempts, event_id, payload, url, secret)| Claimed {
            id,
            attempt: attempts + 1,
            event_id,
            payload,
            url,
            secret,
        })
        .collect())
}

/// How one send went.
#[derive(Debug)]
pub struct Outcome {
    pub id: i64,
    pub attempt: i32,
    /// The response's status, when one came.
    pub status: Option<u16>,
    /// Why it failed; `None` for a 2xx.
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// Records the outcomes: a success is final; a failure is retried after
/// [`retry_delay`], until `max_attempts` attempts were made.
pub fn settle(
    conn: &mut Conn,
    outcomes: &[Outcome],
    settings: &WebhookSettings,
) -> QueryResult<()> {
    let now = now();
    for outcome in outcomes {
        let this_attempt = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(outcome.id))
            .filter(webhook_deliveries::attempts.eq(outcome.attempt))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending));
        let response_status = outcome.status.map(i32::from);
        let common = (
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::response_status.eq(response_status),
            webhook_deliveries::last_error.eq(outcome.error.clone()),
            webhook_deliveries::duration_ms.eq(outcome.duration_ms),
            webhook_deliveries::updated_at.eq(now),
        );
        match &outcome.error {
            None => diesel::update(this_attempt)
                .set((
                    common,
                    webhook_deliveries::status.eq(DeliveryStatus::Succeeded),
                    webhook_deliveries::delivered_at.eq(Some(now)),
                ))
                .execute(conn)?,
            Some(_) if outcome.attempt >= attempts_allowed(settings) => {
                diesel::update(this_attempt)
                    .set((
                        common,
                        webhook_deliveries::status.eq(DeliveryStatus::Failed),
                    ))
                    .execute(conn)?
            }
            Some(_) => {
                let next = now + retry_delay(outcome.attempt, settings.retry_base_ms);
                diesel::update(this_attempt)
                    .set((common, webhook_deliveries::next_attempt_at.eq(next)))
                    .execute(conn)?
            }
        };
    }
    Ok(())
}

fn attempts_allowed(settings: &WebhookSettings) -> i32 {
    i32::try_from(settings.max_attempts).unwrap_or(i32::MAX)
}

/// The delay after failed attempt `attempt` (1 for the first), in multiples of the base
/// (`WEBHOOKS_RETRY_BASE_MS`, 5 s): 1, 6, 24, 120, 360, 720, then 1440 — with the default
/// 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h.
pub fn retry_delay(attempt: i32, base_ms: u64) -> TimeDelta {
    const FACTORS: [u64; 7] = [1, 6, 24, 120, 360, 720, 1440];
    let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(0);
    let factor = FACTORS.get(index).or(FACTORS.last()).copied().unwrap_or(1);
    let millis = i64::try_from(base_ms.saturating_mul(factor)).unwrap_or(i64::MAX);
    TimeDelta::try_milliseconds(millis).unwrap_or(TimeDelta::MAX)
}

/// Queues one more attempt of a delivery, due now, whatever its status: the same message
/// (`webhook-id` and body), a fresh timestamp and signature.
pub fn redeliver(conn: &mut Conn, webhook_id: i64, delivery_id: i64) -> Result<(), ApiError> {
    let now = now();
    let changed = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery_id))
            .filter(webhook_deliveries::webhook_id.eq(webhook_id)),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Pending),
        webhook_deliveries::next_attempt_at.eq(now),
        webhook_deliveries::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(ApiError::not_found("delivery"));
    }
    Ok(())
}

/// Removes finished deliveries and events created before `before`. A pending delivery
/// stays, however old, and so does its event.
pub fn prune(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<(usize, usize)> {
    let deliveries = diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::created_at.lt(before))
            .filter(webhook_deliveries::status.ne(DeliveryStatus::Pending)),
    )
    .execute(conn)?;
    let events = crate::events::prune(conn, before)?;
    Ok((deliveries, events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_every_two_hours() {
        let seconds: Vec<i64> = (1..=9)
            .map(|attempt| retry_delay(attempt, 5000).num_seconds())
            .collect();
        assert_eq!(seconds, [5, 30, 120, 600, 1800, 3600, 7200, 7200, 7200]);
    }
}
