//! The live stream's load for `bench/stream.sh`: `stream_clients BASE_URL CLIENTS PUBLISHES`
//! opens CLIENTS streams (`GET /api/v1/stream`), then logs in as `ADMIN_EMAIL` /
//! `ADMIN_PASSWORD` and publishes PUBLISHES articles, one every `PUBLISH_EVERY_MS` (200),
//! and prints the latency from each publish's answer to each client's receipt of its
//! `article.published`: p50, p95, p99 and max over every receipt. Publisher and clients
//! share one clock (this process) and one thread, so the figures include this program's
//! own reading of the streams, on the same cores as the server.

use futures_util::StreamExt;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Article id -> when each client received its `article.published`.
type Receipts = Rc<RefCell<HashMap<i64, Vec<Instant>>>>;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, clients, publishes] = args.as_slice() else {
        return Err("usage: stream_clients BASE_URL CLIENTS PUBLISHES".to_owned());
    };
    let clients: usize = clients.parse().map_err(|_| "CLIENTS: a number")?;
    let publishes: usize = publishes.parse().map_err(|_| "PUBLISHES: a number")?;
    let every = std::env::var("PUBLISH_EVERY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_millis(200), Duration::from_millis);
    let email = std::env::var("ADMIN_EMAIL").map_err(|_| "ADMIN_EMAIL is not set")?;
    let password = std::env::var("ADMIN_PASSWORD").map_err(|_| "ADMIN_PASSWORD is not set")?;
    actix_web::rt::System::new().block_on(run(
        base.clone(),
        clients,
        publishes,
        every,
        (email, password),
    ))
}

async fn run(
    base: String,
    clients: usize,
    publishes: usize,
    every: Duration,
    (email, password): (String, String),
) -> Result<(), String> {
    // awc allows 100 connections per host unless told otherwise; streams have no timeout.
    let client = awc::Client::builder()
        .connector(awc::Connector::new().limit(0))
        .disable_timeout()
        .finish();
    let receipts: Receipts = Rc::default();
    let connected = Rc::new(RefCell::new(0usize));
    for _ in 0..clients {
        let request = client.get(format!("{base}/api/v1/stream"));
        let receipts = receipts.clone();
        let connected = connected.clone();
        actix_web::rt::spawn(async move {
            match request.send().await {
                Ok(response) if response.status().is_success() => {
                    *connected.borrow_mut() += 1;
                    follow(response, &receipts).await;
                }
                Ok(response) => eprintln!("stream refused: {}", response.status()),
                Err(error) => eprintln!("stream failed: {error}"),
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while *connected.borrow() < clients {
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {clients} streams opened",
                connected.borrow()
            ));
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    println!("{clients} streams open");
    let token = login(&client, &base, &email, &password).await?;
    let mut answered = HashMap::new();
    let started = Instant::now();
    for n in 0..publishes {
        let at = started + every * u32::try_from(n).unwrap_or(u32::MAX);
        actix_web::rt::time::sleep_until(at.into()).await;
        let body = json!({"title": format!("Stream bench {n} {}", std::process::id()), "content": "<p>Live.</p>", "status": "published"});
        let mut response = client
            .post(format!("{base}/api/v1/articles"))
            .bearer_auth(&token)
            .send_json(&body)
            .await
            .map_err(|error| format!("publish: {error}"))?;
        let answer_at = Instant::now();
        let created: Value = response
            .json()
            .await
            .map_err(|error| format!("publish answer: {error}"))?;
        let id = created
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| format!("publish answered {created}"))?;
        answered.insert(id, answer_at);
    }
    // The last events' stragglers.
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    report(&answered, &receipts.borrow(), clients);
    Ok(())
}

async fn login(
    client: &awc::Client,
    base: &str,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let mut response = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": email, "password": password}))
        .await
        .map_err(|error| format!("login: {error}"))?;
    let body: Value = response
        .json()
        .await
        .map_err(|error| format!("login answer: {error}"))?;
    body.get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("login answered {body}"))
}

/// Reads one stream to its end, noting when each `article.published` arrived.
async fn follow<S>(mut stream: S, receipts: &Receipts)
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let mut buffer = String::new();
    while let Some(Ok(chunk)) = stream.next().await {
        let now = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some((message, rest)) = buffer.split_once("\n\n") {
            if message.contains("event: article.published")
                && let Some(data) = message.lines().find_map(|line| line.strip_prefix("data: "))
                && let Ok(envelope) = serde_json::from_str::<Value>(data)
                && let Some(id) = envelope.pointer("/data/id").and_then(Value::as_i64)
            {
                receipts.borrow_mut().entry(id).or_default().push(now);
            }
            buffer = rest.to_owned();
        }
    }
}

fn report(answered: &HashMap<i64, Instant>, receipts: &HashMap<i64, Vec<Instant>>, clients: usize) {
    let mut latencies: Vec<Duration> = Vec::new();
    let mut early = 0;
    for (id, answer_at) in answered {
        for received in receipts.get(id).into_iter().flatten() {
            // An event can beat the publish's own answer to this process.
            match received.checked_duration_since(*answer_at) {
                Some(latency) => latencies.push(latency),
                None => {
                    early += 1;
                    latencies.push(Duration::ZERO);
                }
            }
        }
    }
    latencies.sort_unstable();
    let expected = answered.len() * clients;
    let at = |fraction: f64| {
        let index = ((latencies.len() as f64 * fraction).ceil() as usize).saturating_sub(1);
        latencies
            .get(index)
            .map_or(f64::NAN, |latency| latency.as_secs_f64() * 1000.0)
    };
    println!(
        "receipts: {} of {expected} ({} publishes x {clients} clients); {early} before the publish's answer",
        latencies.len(),
        answered.len()
    );
    println!(
        "publish-to-event latency (ms): p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    );
}
