//! `/stream`: the live stream of public events (Server-Sent Events): what is sent and what
//! never is, resuming with `Last-Event-ID`, heartbeats, the cap, and instances that share a
//! PostgreSQL database.

use actix_web::web::Bytes;
use chrono::{SecondsFormat, TimeDelta, Utc};
use futures_util::{Stream, StreamExt};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::common::binary::Workdir;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, SITE_URL, TestApp};

const STREAM: &str = "/api/v1/stream";
const ARTICLES: &str = "/api/v1/articles";
/// How long an event may take to arrive: the follower reads at once after a write of its
/// own process (and every second regardless); the rest is room for a busy test machine.
const ARRIVES_WITHIN: Duration = Duration::from_secs(5);
/// How long a test waits to be sure nothing else came.
const QUIET_FOR: Duration = Duration::from_millis(700);

/// One SSE message: an event (`id`, `event`, `data`), a comment, or a `retry` hint.
#[derive(Debug, Default)]
struct Message {
    id: Option<i64>,
    event: Option<String>,
    data: Value,
    comment: Option<String>,
    retry: Option<u64>,
}

type Body = Pin<Box<dyn Stream<Item = Result<Bytes, awc::error::PayloadError>>>>;

/// An open stream, read message by message.
struct Sse {
    status: u16,
    headers: actix_web::http::header::HeaderMap,
    body: Body,
    buffer: String,
}

impl Sse {
    async fn open(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Self {
        let mut request = app.server.get(path);
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let response = request.send().await.expect("the server answers");
        Self {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: Box::pin(response),
            buffer: String::new(),
        }
    }

    /// A stream that must have been accepted: its `retry` hint is read.
    async fn accepted(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Self {
        let mut sse = Self::open(app, path, headers).await;
        assert_eq!(sse.status, 200);
        let first = sse.message(ARRIVES_WITHIN).await.expect("a first message");
        assert_eq!(first.retry, Some(3000), "{first:?}");
        sse
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The next message within `within`; `None` when none came or the stream ended.
    async fn message(&mut self, within: Duration) -> Option<Message> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some((block, rest)) = self.buffer.split_once("\n\n") {
                let message = parse(block);
                self.buffer = rest.to_owned();
                return Some(message);
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next()).await;
            match chunk {
                Ok(Some(Ok(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// The next event (heartbeats skipped); fails the test when none comes in time.
    async fn event(&mut self) -> Message {
        self.next_event(ARRIVES_WITHIN)
            .await
            .expect("an event within the time bound")
    }

    async fn next_event(&mut self, within: Duration) -> Option<Message> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.message(left).await?;
            if message.event.is_some() {
                return Some(message);
            }
        }
    }

    /// Asserts that no event comes for a while.
    async fn assert_quiet(&mut self) {
        if let Some(event) = self.next_event(QUIET_FOR).await {
            panic!("an unexpected event: {event:?}");
        }
    }
}

fn parse(block: &str) -> Message {
    let mut message = Message::default();
    for line in block.lines() {
        if let Some(comment) = line.strip_prefix(':') {
            message.comment = Some(comment.trim().to_owned());
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => message.id = value.parse().ok(),
            "event" => message.event = Some(value.to_owned()),
            "data" => message.data = serde_json::from_str(value).expect("JSON data"),
            "retry" => message.retry = value.parse().ok(),
            other => panic!("an unknown field `{other}` in {block:?}"),
        }
    }
    message
}

fn story(title: &str) -> Value {
    json!({"title": title, "content": format!("<p>The story of {title}.</p>"), "status": "published"})
}

async fn publish(app: &TestApp, title: &str) -> Value {
    app.article(&app.admin_token, story(title)).await
}

/// Asserts an article event of this type about this article.
fn assert_about(message: &Message, kind: &str, article: &Value) {
    assert_eq!(message.event.as_deref(), Some(kind), "{message:?}");
    assert_eq!(message.data["type"], kind, "{message:?}");
    assert_eq!(message.data["data"]["id"], article["id"], "{message:?}");
}

#[actix_web::test]
async fn a_publish_arrives_as_article_published_with_the_summary_and_url() {
    let app = TestApp::spawn().await;
    // A client that accepts compression still gets each event as it happens.
    let mut sse = Sse::accepted(&app, STREAM, &[("Accept-Encoding", "gzip, br")]).await;
    assert_eq!(sse.header("content-type"), Some("text/event-stream"));
    assert_eq!(sse.header("cache-control"), Some("no-cache"));
    assert_eq!(sse.header("x-accel-buffering"), Some("no"));
    assert!(
        !matches!(sse.header("content-encoding"), Some("gzip" | "br")),
        "the stream is not compressed"
    );
    let sent = Instant::now();
    let article = publish(&app, "Harbour cranes arrive").await;
    let message = sse.event().await;
    assert!(sent.elapsed() < ARRIVES_WITHIN);
    assert_about(&message, "article.published", &article);
    assert!(message.id.is_some_and(|id| id > 0), "{message:?}");
    let data = &message.data["data"];
    assert_eq!(data["slug"], article["slug"]);
    assert_eq!(data["title"], "Harbour cranes arrive");
    assert_eq!(data["status"], "published");
    assert_eq!(
        data["url"],
        format!(
            "{SITE_URL}/uncategorized/{}",
            article["slug"].as_str().unwrap_or_default()
        )
    );
    assert!(data.get("content").is_none(), "a summary, not the article");
    let timestamp = message.data["timestamp"].as_str().unwrap_or_default();
    assert!(
        chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(),
        "{timestamp}"
    );
}

#[actix_web::test]
async fn an_update_arrives_as_article_updated_and_an_unpublish_and_delete_follow() {
    let app = TestApp::spawn().await;
    let article = publish(&app, "First take").await;
    let path = format!("{ARTICLES}/{}", article["id"]);
    let mut sse = Sse::accepted(&app, STREAM, &[]).await;
    let patched = app
        .patch_as(&path, &app.admin_token, json!({"title": "Second take"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let updated = sse.event().await;
    assert_about(&updated, "article.updated", &article);
    assert_eq!(updated.data["data"]["title"], "Second take");
    let draft = app
        .patch_as(&path, &app.admin_token, json!({"status": "draft"}))
        .await;
    assert_eq!(draft.status, 200, "{}", draft.text);
    assert_about(&sse.event().await, "article.unpublished", &article);
    // A draft's edits and its deletion tell nothing: the public never knew it.
    app.patch_as(&path, &app.admin_token, json!({"title": "Third take"}))
        .await;
    sse.assert_quiet().await;
    let republished = app
        .patch_as(&path, &app.admin_token, json!({"status": "published"}))
        .await;
    assert_eq!(republished.status, 200, "{}", republished.text);
    assert_about(&sse.event().await, "article.published", &article);
    assert_eq!(app.delete_as(&path, &app.admin_token).await.status, 204);
    assert_about(&sse.event().await, "article.deleted", &article);
}

#[actix_web::test]
async fn drafts_and_pending_comments_send_nothing_and_an_approval_does() {
    let app = TestApp::spawn().await;
    let article = publish(&app, "Open for comments").await;
    let mut sse = Sse::accepted(&app, STREAM, &[]).await;
    let draft = app
        .article(
            &app.admin_token,
            json!({"title": "Not yet", "content": "<p>Draft.</p>"}),
        )
        .await;
    app.patch_as(
        &format!("{ARTICLES}/{}", draft["id"]),
        &app.admin_token,
        json!({"title": "Still not yet"}),
    )
    .await;
    let form = json!({"author_name": "Jane Reader", "author_email": "jane@example.com", "content": "First!"});
    let posted = app
        .comment(article["id"].as_i64().unwrap_or_default(), form)
        .await;
    assert_eq!(posted.status, 201, "{}", posted.text);
    assert_eq!(posted.body["status"], "pending");
    sse.assert_quiet().await;
    // Approved, the comment is public: `comment.approved`, without the commenter's email.
    let approved = app
        .patch_as(
            &format!("/api/v1/comments/{}", posted.body["id"]),
            &app.admin_token,
            json!({"status": "approved"}),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    let message = sse.event().await;
    assert_eq!(
        message.event.as_deref(),
        Some("comment.approved"),
        "{message:?}"
    );
    assert_eq!(message.data["data"]["id"], posted.body["id"]);
    assert_eq!(message.data["data"]["article_id"], article["id"]);
    assert_eq!(message.data["data"]["status"], "approved");
    assert!(!message.data.to_string().contains("jane@example.com"));
}

#[actix_web::test]
async fn a_scheduled_article_arrives_when_it_comes_due() {
    let app = TestApp::spawn().await;
    let mut sse = Sse::accepted(&app, STREAM, &[]).await;
    let due = Utc::now() + TimeDelta::seconds(2);
    let mut body = story("Embargoed until two");
    body["published_at"] = json!(due.to_rfc3339_opts(SecondsFormat::Secs, true));
    let sent = Instant::now();
    let article = app.article(&app.admin_token, body).await;
    // The sweeper looks every second: the event follows the date by at most that, plus
    // the time bound.
    let message = sse
        .next_event(Duration::from_secs(3) + ARRIVES_WITHIN)
        .await
        .expect("the scheduled article's event");
    assert_about(&message, "article.published", &article);
    assert!(
        sent.elapsed() >= Duration::from_millis(900),
        "announced before its date: {:?}",
        sent.elapsed()
    );
}

#[actix_web::test]
async fn last_event_id_replays_exactly_the_missed_events_in_order() {
    let app = TestApp::spawn().await;
    let mut sse = Sse::accepted(&app, STREAM, &[]).await;
    let first = publish(&app, "Seen live").await;
    let seen = sse.event().await;
    assert_about(&seen, "article.published", &first);
    drop(sse);
    // Missed while away: two publishes and an update.
    let second = publish(&app, "Missed one").await;
    let third = publish(&app, "Missed two").await;
    app.patch_as(
        &format!("{ARTICLES}/{}", second["id"]),
        &app.admin_token,
        json!({"title": "Missed one, corrected"}),
    )
    .await;
    let last_seen = seen.id.expect("an id").to_string();
    for (path, headers) in [
        (
            STREAM.to_owned(),
            vec![("Last-Event-ID", last_seen.as_str())],
        ),
        (format!("{STREAM}?last_event_id={last_seen}"), vec![]),
    ] {
        let mut sse = Sse::accepted(&app, &path, &headers).await;
        let replayed = [sse.event().await, sse.event().await, sse.event().await];
        assert_about(&replayed[0], "article.published", &second);
        assert_about(&replayed[1], "article.published", &third);
        assert_about(&replayed[2], "article.updated", &second);
        let ids: Vec<i64> = replayed.iter().filter_map(|m| m.id).collect();
        assert!(ids.is_sorted() && ids.len() == 3, "{ids:?}");
        sse.assert_quiet().await;
    }
    // And it goes on live after the replay.
    let mut sse = Sse::accepted(&app, STREAM, &[("Last-Event-ID", &last_seen)]).await;
    for _ in 0..3 {
        sse.event().await;
    }
    let fourth = publish(&app, "Live again").await;
    assert_about(&sse.event().await, "article.published", &fourth);
}

#[actix_web::test]
async fn an_id_older_than_the_replay_window_gets_a_reset_then_live_events() {
    let app = TestApp::spawn_with(&[("STREAM_REPLAY_EVENTS", "2")]).await;
    let mut live = Sse::accepted(&app, STREAM, &[]).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        publish(&app, &format!("Story {n}")).await;
        ids.push(live.event().await.id.expect("an id"));
    }
    // The window holds the last two: resuming after the second replays them.
    let second = ids[1].to_string();
    let mut sse = Sse::accepted(&app, STREAM, &[("Last-Event-ID", &second)]).await;
    assert_eq!(sse.event().await.id, Some(ids[2]));
    assert_eq!(sse.event().await.id, Some(ids[3]));
    // After the first, one is missing: reload.
    let mut newest = ids[3];
    for stale in [ids[0].to_string(), "not-an-id".to_owned()] {
        let mut sse = Sse::accepted(&app, STREAM, &[("Last-Event-ID", &stale)]).await;
        let reset = sse.event().await;
        assert_eq!(reset.event.as_deref(), Some("reset"), "{reset:?}");
        assert_eq!(reset.data["type"], "reset");
        assert!(reset.data["data"]["reason"].is_string());
        assert_eq!(reset.id, Some(newest), "a reconnection resumes from now");
        let next = publish(&app, &format!("After the reset {stale}")).await;
        let published = sse.event().await;
        assert_about(&published, "article.published", &next);
        newest = published.id.expect("an id");
    }
    // An id this database never gave (another site's) is a reset too.
    let mut sse = Sse::accepted(&app, STREAM, &[("Last-Event-ID", "999999")]).await;
    assert_eq!(sse.event().await.event.as_deref(), Some("reset"));
}

#[actix_web::test]
async fn heartbeats_keep_an_idle_stream_open() {
    let app = TestApp::spawn_with(&[("STREAM_HEARTBEAT_SECONDS", "1")]).await;
    let mut sse = Sse::accepted(&app, STREAM, &[]).await;
    for _ in 0..2 {
        let message = sse
            .message(Duration::from_secs(3))
            .await
            .expect("a heartbeat");
        assert_eq!(
            message.comment.as_deref(),
            Some("keep-alive"),
            "{message:?}"
        );
        assert!(message.event.is_none());
    }
}

#[actix_web::test]
async fn filters_choose_event_types_and_a_category() {
    let app = TestApp::spawn().await;
    let world = app
        .category(json!({"name": "World", "slug": "world"}))
        .await;
    let mut updates = Sse::accepted(&app, &format!("{STREAM}?events=article.updated"), &[]).await;
    let mut in_world = Sse::accepted(&app, &format!("{STREAM}?category=world"), &[]).await;
    let elsewhere = publish(&app, "Elsewhere").await;
    let mut body = story("In the world");
    body["category_id"] = world["id"].clone();
    let there = app.article(&app.admin_token, body).await;
    app.patch_as(
        &format!("{ARTICLES}/{}", elsewhere["id"]),
        &app.admin_token,
        json!({"title": "Elsewhere, updated"}),
    )
    .await;
    assert_about(&updates.event().await, "article.updated", &elsewhere);
    updates.assert_quiet().await;
    assert_about(&in_world.event().await, "article.published", &there);
    in_world.assert_quiet().await;
    let fields = app
        .get(&format!("{STREAM}?events=comment.created"))
        .await
        .error_fields();
    assert_eq!(fields, ["events"]);
}

/// A plain HTTP/1.1 stream from a running binary, read with a deadline: what came so far
/// is in `.1`, the response's head included.
struct RawStream(std::net::TcpStream, String);

impl RawStream {
    fn open(port: u16) -> Self {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("a connection");
        write!(
            stream,
            "GET {STREAM} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("the request is sent");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("a read timeout");
        Self(stream, String::new())
    }

    /// Reads until `text` has arrived (`true`), the stream ended or `within` passed.
    fn read_until(&mut self, text: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while !self.1.contains(text) {
            if Instant::now() > deadline || self.read_some() == Some(0) {
                return false;
            }
        }
        true
    }

    /// Whether the server closed the stream within `within`.
    fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.read_some() == Some(0) {
                return true;
            }
        }
        false
    }

    /// What one read brought: `Some(0)` at the end (or a broken connection), `None` when
    /// nothing came before the read timeout.
    fn read_some(&mut self) -> Option<usize> {
        let mut chunk = [0u8; 4096];
        match self.0.read(&mut chunk) {
            Ok(read) => {
                self.1.push_str(&String::from_utf8_lossy(
                    chunk.get(..read).unwrap_or_default(),
                ));
                Some(read)
            }
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                None
            }
            Err(_) => Some(0),
        }
    }
}

#[test]
fn a_publish_through_one_instance_reaches_a_stream_on_the_other() {
    let Some((_work, writer, reader)) = crate::instances::two_instances() else {
        return;
    };
    let mut stream = RawStream::open(reader.port);
    assert!(
        stream.read_until("retry: 3000", ARRIVES_WITHIN),
        "{}",
        stream.1
    );
    let (status, login) = writer.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(status, 200, "{login}");
    let token = login["access_token"].as_str().expect("an access token");
    let (status, created) = writer.request(
        "POST",
        ARTICLES,
        Some(token),
        Some(&story("Heard on the other instance")),
    );
    assert_eq!(status, 201, "{created}");
    let expected = format!("\"id\":{},", created["id"]);
    assert!(
        stream.read_until(&expected, ARRIVES_WITHIN),
        "the other instance's stream did not tell: {}",
        stream.1
    );
    assert!(
        stream.1.contains("event: article.published"),
        "{}",
        stream.1
    );
}

#[test]
fn a_graceful_stop_ends_open_streams_at_once() {
    let work = Workdir::new();
    let database = work.database_url();
    let server = work.serve(&[
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
    ]);
    let mut stream = RawStream::open(server.port);
    assert!(
        stream.read_until("retry: 3000", ARRIVES_WITHIN),
        "{}",
        stream.1
    );
    let asked = Instant::now();
    assert!(server.stop_with("TERM").success());
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "the stop waited {:?} for the open stream",
        asked.elapsed()
    );
    assert!(stream.ends_within(Duration::from_secs(1)));
}

#[test]
fn one_stream_over_the_cap_is_a_503_and_a_closed_one_frees_its_slot_at_once() {
    let work = Workdir::new();
    let database = work.database_url();
    // The default heartbeat (15 s): the slot must come back long before one is written.
    let server = work.serve(&[
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("STREAM_MAX_CONNECTIONS", "2"),
    ]);
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut stream = RawStream::open(server.port);
        assert!(
            stream.read_until("retry: 3000", ARRIVES_WITHIN),
            "{}",
            stream.1
        );
        open.push(stream);
    }
    let mut turned_away = RawStream::open(server.port);
    assert!(
        turned_away.read_until("\"status\":503", ARRIVES_WITHIN),
        "{}",
        turned_away.1
    );
    let head = turned_away.1.to_lowercase();
    assert!(head.starts_with("http/1.1 503"), "{head}");
    assert!(head.contains("retry-after: 5\r\n"), "{head}");
    assert!(head.contains("application/problem+json"), "{head}");
    drop(open.pop());
    let closed = Instant::now();
    loop {
        let mut stream = RawStream::open(server.port);
        assert!(
            stream.read_until("\r\n\r\n", ARRIVES_WITHIN),
            "{}",
            stream.1
        );
        if stream.1.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            closed.elapsed() < Duration::from_secs(2),
            "the closed stream's slot was not given back: {}",
            stream.1
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
