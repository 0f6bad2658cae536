//! Sends the deliveries (`outbox.rs`), in the background of every instance: it wakes when
//! a write may have queued some (`Db::writes`) and every second, claims what is due,
//! sends with bounded concurrency and a timeout, outside any transaction, and settles the
//! outcomes in one write. Delivery is at least once: a crash between a send and its
//! settling sends again once the lease runs out, with the same `webhook-id`.

use actix_web::web;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

use super::address::{self, PublicOnly};
use super::outbox::{self, Claimed, Outcome};
use super::signature::{self, Secret};
use crate::config::WebhookSettings;
use crate::db::Db;
use crate::error::ApiError;
use crate::state::AppState;

/// How often the dispatcher looks for due deliveries without being woken: retries and
/// expired leases come due without a write.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How long past its send's timeout a lease lasts: a sender that did not settle by then is
/// taken for dead.
const LEASE_MARGIN: Duration = Duration::from_secs(30);
/// How often events and finished deliveries past their retention are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// How much of a response body is read (so the connection can be reused); the rest is
/// dropped.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Starts the dispatcher on the current runtime, until the process ends.
pub fn spawn(state: web::Data<AppState>) {
    let settings = state.config.webhooks.clone();
    let client = match client(&settings) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhooks are not delivered: no HTTP client");
            return;
        }
    };
    actix_web::rt::spawn(run(state, client, settings));
}

/// The client every send shares: no proxy from the environment (it would see the
/// deliveries and defeat the address rule), no redirects (a 3xx is a failure, not a way
/// around the address rule), and unless private addresses are allowed, a resolver that
/// returns public addresses only.
fn client(settings: &WebhookSettings) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(settings.timeout_seconds))
        .connect_timeout(Duration::from_secs(settings.timeout_seconds))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("newsroom-webhooks/", env!("CARGO_PKG_VERSION")));
    if !settings.allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder.build()
}

async fn run(state: web::Data<AppState>, client: reqwest::Client, settings: WebhookSettings) {
    let mut writes = state.db.writes();
    let (done, mut finished) = mpsc::unbounded_channel::<Outcome>();
    let mut in_flight = 0usize;
    let mut outcomes = Vec::new();
    let mut last_prune: Option<Instant> = None;
    loop {
        if !outcomes.is_empty() {
            let settled = std::mem::take(&mut outcomes);
            if let Err(error) = settle(&state, settled, &settings).await {
                // The leases run out and the deliveries are sent again.
                tracing::warn!(%error, "could not record webhook outcomes");
            }
        }
        if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            last_prune = Some(Instant::now());
            prune(&state).await;
        }
        let free = settings.concurrency.saturating_sub(in_flight);
        if free > 0 {
            match claim(&state, &settings, free).await {
                Ok(claimed) => {
                    for delivery in claimed {
                        in_flight += 1;
                        let done = done.clone();
                        let client = client.clone();
                        let allow_private = settings.allow_private;
                        actix_web::rt::spawn(async move {
                            let outcome = send(&client, delivery, allow_private).await;
                            // The receiver lives as long as this loop, which never ends.
                            let _ = done.send(outcome);
                        });
                    }
                }
                Err(error) => tracing::warn!(%error, "could not claim webhook deliveries"),
            }
        }
        // Whatever comes first: a send ends (a slot is free, an outcome to settle), a write
        // may have queued deliveries, or a retry may have come due.
        tokio::select! {
            () = Db::next_write(&mut writes, POLL_EVERY) => {}
            Some(outcome) = finished.recv() => outcomes.push(outcome),
        }
        while let Ok(outcome) = finished.try_recv() {
            outcomes.push(outcome);
        }
        in_flight = in_flight.saturating_sub(outcomes.len());
    }
}

async fn claim(
    state: &AppState,
    settings: &WebhookSettings,
    limit: usize,
) -> Result<Vec<Claimed>, ApiError> {
    if !state
        .db
        .read(|conn| Ok(outbox::any_due(conn, outbox::now())?))
        .await?
    {
        return Ok(Vec::new());
    }
    let lease = Duration::from_secs(settings.timeout_seconds) + LEASE_MARGIN;
    let lease = chrono::TimeDelta::from_std(lease).map_err(ApiError::internal)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    state
        .db
        .write(move |conn| {
            let now = outbox::now();
            Ok(outbox::claim(conn, now, now + lease, limit)?)
        })
        .await
}

async fn settle(
    state: &AppState,
    outcomes: Vec<Outcome>,
    settings: &WebhookSettings,
) -> Result<(), ApiError> {
    let settings = settings.clone();
    state
        .db
        .write(move |conn| Ok(outbox::settle(conn, &outcomes, &settings)?))
        .await
}

async fn prune(state: &AppState) {
    let days = i64::from(state.config.events_retention_days);
    let before = crate::time::now() - chrono::TimeDelta::days(days);
    match state
        .db
        .write(move |conn| Ok(outbox::prune(conn, before)?))
        .await
    {
        Ok((0, 0)) => {}
        Ok((deliveries, events)) => tracing::info!(deliveries, events, "pruned old events"),
        Err(error) => tracing::warn!(%error, "could not prune old events"),
    }
}

/// One attempt: a `POST` of the payload, signed, with a fresh timestamp. A 2xx succeeds.
async fn send(client: &reqwest::Client, delivery: Claimed, allow_private: bool) -> Outcome {
    let started = Instant::now();
    let result = attempt(client, &delivery, allow_private).await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status, error) = match result {
        Ok(status) if (200..300).contains(&status) => (Some(status), None),
        Ok(status) => (
            Some(status),
            Some(format!("the endpoint answered {status}")),
        ),
        Err(error) => (None, Some(error)),
    };
    Outcome {
        id: delivery.id,
        attempt: delivery.attempt,
        status,
        error,
        duration_ms,
    }
}

async fn attempt(
    client: &reqwest::Client,
    delivery: &Claimed,
    allow_private: bool,
) -> Result<u16, String> {
    let url = address::parse(&delivery.url)?;
    if !allow_private
        && let Some(ip) = address::literal_address(&url)
        && !address::is_public(ip)
    {
        return Err(format!("{ip} is not a public address"));
    }
    let key = Secret::parse("secret", &delivery.secret)
        .ok()
        .and_then(|secret| secret.key())
        .ok_or("the endpoint's secret is malformed")?;
    let message_id = signature::message_id(delivery.event_id);
    let timestamp = chrono::Utc::now().timestamp();
    let signature = signature::sign(&key, &message_id, timestamp, &delivery.payload)
        .ok_or("the endpoint's secret cannot sign")?;
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(describe)?;
    let status = response.status().as_u16();
    let mut read = 0;
    while let Ok(Some(chunk)) = response.chunk().await {
        read += chunk.len();
        if read > MAX_RESPONSE_BYTES {
            break;
        }
    }
    Ok(status)
}

/// The error and its causes in one line, without the URL (the log shows it already).
fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_owned();
    }
    let error = error.without_url();
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text.chars().take(500).collect()
}
