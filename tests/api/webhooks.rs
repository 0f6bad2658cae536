//! Webhooks: admins register endpoints; every event they subscribe to is `POST`ed to them,
//! signed as Standard Webhooks says, retried with backoff until a 2xx, logged, and
//! redelivered on request. Endpoints on non-public addresses are refused unless
//! `WEBHOOKS_ALLOW_PRIVATE` is set (as here: the receivers listen on 127.0.0.1).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::binary::Workdir;
use crate::common::{
    ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, TestApp, fresh_database, on_postgres,
};

/// Private addresses allowed (the receivers are local), quick retries, comments at once.
const SETTINGS: [(&str, &str); 4] = [
    ("WEBHOOKS_ALLOW_PRIVATE", "true"),
    ("WEBHOOKS_RETRY_BASE_MS", "200"),
    ("COMMENT_MIN_SECONDS", "0"),
    ("RATE_LIMIT_COMMENTS_PER_MINUTE", "1000"),
];

/// How long a delivery may take to arrive on a loaded test machine.
const ARRIVES_WITHIN: Duration = Duration::from_secs(15);

async fn app() -> TestApp {
    TestApp::spawn_with(&SETTINGS).await
}

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A tiny HTTP server on 127.0.0.1 that records what it receives and answers the statuses
/// it is told to (200 once they are used up).
#[derive(Clone)]
struct Receiver {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
    always: Arc<Mutex<u16>>,
}

impl Receiver {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let receiver = Self {
            port: listener.local_addr().expect("an address").port(),
            received: Arc::default(),
            statuses: Arc::default(),
            always: Arc::new(Mutex::new(200)),
        };
        let serving = receiver.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let serving = serving.clone();
                std::thread::spawn(move || serving.answer(stream));
            }
        });
        receiver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// The next requests get these statuses, in order.
    fn answer_next(&self, statuses: &[u16]) {
        self.statuses
            .lock()
            .expect("statuses")
            .extend(statuses.iter().copied());
    }

    /// Every request gets this status once the queued ones are used up.
    fn answer_always(&self, status: u16) {
        *self.always.lock().expect("status") = status;
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("requests").clone()
    }

    /// Waits (without blocking the runtime the dispatcher runs on) for `count` requests.
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                started.elapsed() < ARRIVES_WITHIN,
                "{} of {count} deliveries arrived: {received:?}",
                received.len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn answer(&self, mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let mut data = Vec::new();
        let mut buffer = [0u8; 8192];
        let (head, body_start) = loop {
            let Ok(read) = stream.read(&mut buffer) else {
                return;
            };
            if read == 0 {
                return;
            }
            data.extend_from_slice(&buffer[..read]);
            if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break (String::from_utf8_lossy(&data[..end]).into_owned(), end + 4);
            }
        };
        let headers: HashMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .collect();
        let length: usize = headers
            .get("content-length")
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        while data.len() < body_start + length {
            let Ok(read) = stream.read(&mut buffer) else {
                return;
            };
            if read == 0 {
                break;
            }
            data.extend_from_slice(&buffer[..read]);
        }
        let body = String::from_utf8_lossy(&data[body_start..]).into_owned();
        let status = self
            .statuses
            .lock()
            .expect("statuses")
            .pop_front()
            .unwrap_or(*self.always.lock().expect("status"));
        self.received
            .lock()
            .expect("requests")
            .push(Received { headers, body });
        let _ = write!(
            stream,
            "HTTP/1.1 {status} Whatever\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        );
    }
}

/// Registers an endpoint as admin; returns its body (with the secret).
async fn register(app: &TestApp, url: &str, events: Value) -> Value {
    let created = app
        .post_as(
            "/api/v1/webhooks",
            &app.admin_token,
            json!({"url": url, "events": events, "description": "test receiver"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body
}

/// Checks the signature as a receiver would, independently of the server's code.
fn assert_signed(request: &Received, secret: &str) {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("base64");
    let id = request.header("webhook-id");
    let timestamp = request.header("webhook-timestamp");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("a key");
    mac.update(format!("{id}.{timestamp}.{}", request.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    let signatures: Vec<&str> = request.header("webhook-signature").split(' ').collect();
    assert!(
        signatures.contains(&expected.as_str()),
        "{signatures:?} does not contain {expected}"
    );
    let sent: i64 = timestamp.parse().expect("Unix seconds");
    assert!((chrono::Utc::now().timestamp() - sent).abs() < 60, "{sent}");
    assert!(id.starts_with("msg_"), "{id}");
    assert_eq!(request.header("content-type"), "application/json");
}

fn types(requests: &[Received]) -> Vec<String> {
    requests
        .iter()
        .map(|request| {
            request.json()["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn deliveries(app: &TestApp, webhook: &Value, query: &str) -> Value {
    let log = app
        .get_as(
            &format!("/api/v1/webhooks/{}/deliveries{query}", webhook["id"]),
            &app.admin_token,
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    log.body
}

/// Waits until the newest delivery of the endpoint is in `status`; returns it.
async fn settled(app: &TestApp, webhook: &Value, status: &str) -> Value {
    let started = Instant::now();
    loop {
        let log = deliveries(app, webhook, "").await;
        if log["data"][0]["status"] == status {
            return log["data"][0].clone();
        }
        assert!(started.elapsed() < ARRIVES_WITHIN, "{log}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn webhooks_are_for_admins_only() {
    let app = app().await;
    let (_, editor) = app.user("editor").await;
    let (_, author) = app.user("author").await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "events": ["*"]});
    app.get("/api/v1/webhooks").await.assert_problem(401);
    app.post("/api/v1/webhooks", body.clone())
        .await
        .assert_problem(401);
    for token in [&editor, &author] {
        app.get_as("/api/v1/webhooks", token)
            .await
            .assert_problem(403);
        app.post_as("/api/v1/webhooks", token, body.clone())
            .await
            .assert_problem(403);
    }
    let created = register(&app, "http://127.0.0.1:9/hook", json!(["*"])).await;
    let path = format!("/api/v1/webhooks/{}", created["id"]);
    app.get_as(&path, &editor).await.assert_problem(403);
    app.get_as(&format!("{path}/deliveries"), &author)
        .await
        .assert_problem(403);
    app.delete_as(&path, &editor).await.assert_problem(403);
}

#[actix_web::test]
async fn the_secret_is_shown_once_and_endpoints_can_be_changed_and_deleted() {
    let app = app().await;
    let created = app
        .post_as(
            "/api/v1/webhooks",
            &app.admin_token,
            json!({"url": "http://127.0.0.1:9/hook", "events": ["article.published", "article.published", "comment.created"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("an id");
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/webhooks/{id}").as_str())
    );
    let secret = created.body["secret"].as_str().expect("a secret");
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_"))
        .expect("base64");
    assert!((24..=64).contains(&key.len()), "{secret}");
    assert_eq!(
        created.body["events"],
        json!(["article.published", "comment.created"])
    );
    assert_eq!(created.body["active"], true);

    let path = format!("/api/v1/webhooks/{id}");
    let fetched = app.get_as(&path, &app.admin_token).await;
    assert_eq!(fetched.status, 200, "{}", fetched.text);
    assert!(fetched.body.get("secret").is_none(), "{}", fetched.text);
    let list = app.get_as("/api/v1/webhooks", &app.admin_token).await;
    assert_eq!(list.body["meta"]["total"], 1, "{}", list.text);
    assert!(
        list.body["data"][0].get("secret").is_none(),
        "{}",
        list.text
    );
    assert!(!list.text.contains(secret));

    let changed = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"events": ["*"], "active": false, "description": "paused"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["events"], json!(["*"]));
    assert_eq!(changed.body["active"], false);
    assert_eq!(changed.body["description"], "paused");

    let rotated = app
        .post_as(
            &format!("{path}/rotate-secret"),
            &app.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new_secret = rotated.body["secret"].as_str().expect("a new secret");
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);

    // A secret of one's own, in the standard form, is kept as given.
    let own = format!("whsec_{}", STANDARD.encode([7u8; 32]));
    let given = app
        .post_as(
            "/api/v1/webhooks",
            &app.admin_token,
            json!({"url": "https://127.0.0.1:9/", "events": ["*"], "secret": own}),
        )
        .await;
    assert_eq!(given.status, 201, "{}", given.text);
    assert_eq!(given.body["secret"], own);

    assert_eq!(app.delete_as(&path, &app.admin_token).await.status, 204);
    app.get_as(&path, &app.admin_token)
        .await
        .assert_problem(404);
}

#[actix_web::test]
async fn invalid_endpoints_are_refused() {
    let app = app().await;
    for (body, field) in [
        (json!({"url": "not a url", "events": ["*"]}), "url"),
        (
            json!({"url": "ftp://example.com/in", "events": ["*"]}),
            "url",
        ),
        (
            json!({"url": "https://user:pw@example.com/", "events": ["*"]}),
            "url",
        ),
        (
            json!({"url": "https://example.com/", "events": []}),
            "events",
        ),
        (
            json!({"url": "https://example.com/", "events": ["*"], "secret": "hunter2"}),
            "secret",
        ),
        (
            json!({"url": "https://example.com/", "events": ["*"], "secret": format!("whsec_{}", STANDARD.encode([1u8; 8]))}),
            "secret",
        ),
    ] {
        let refused = app
            .post_as("/api/v1/webhooks", &app.admin_token, body.clone())
            .await;
        assert_eq!(refused.error_fields(), [field], "{body}: {}", refused.text);
    }
    let unknown = app
        .post_as(
            "/api/v1/webhooks",
            &app.admin_token,
            json!({"url": "https://example.com/", "events": ["article.eaten"]}),
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
}

#[actix_web::test]
async fn endpoints_on_private_addresses_are_refused() {
    let app = TestApp::spawn_with(&[("WEBHOOKS_RETRY_BASE_MS", "200")]).await;
    for url in [
        "http://localhost:8080/hook",
        "http://127.0.0.1/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
    ] {
        let refused = app
            .post_as(
                "/api/v1/webhooks",
                &app.admin_token,
                json!({"url": url, "events": ["*"]}),
            )
            .await;
        assert_eq!(refused.error_fields(), ["url"], "{url}: {}", refused.text);
    }
    assert_eq!(
        app.get_as("/api/v1/webhooks", &app.admin_token).await.body["meta"]["total"],
        0
    );
}

#[actix_web::test]
async fn a_published_article_is_delivered_signed_to_its_subscribers_only() {
    let app = app().await;
    let articles = Receiver::start();
    let comments = Receiver::start();
    let webhook = register(&app, &articles.url(), json!(["article.published"])).await;
    register(&app, &comments.url(), json!(["comment.created"])).await;

    let article = app.published_article().await;
    let received = articles.wait_for(1).await;
    let request = &received[0];
    assert_signed(request, webhook["secret"].as_str().expect("a secret"));
    let body = request.json();
    assert_eq!(body["type"], "article.published", "{body}");
    assert_eq!(body["data"]["id"], article["id"], "{body}");
    assert_eq!(body["data"]["title"], article["title"], "{body}");
    assert!(body["data"]["url"].is_string(), "{body}");
    chrono::DateTime::parse_from_rfc3339(body["timestamp"].as_str().expect("a timestamp"))
        .expect("an RFC 3339 timestamp");

    let delivery = settled(&app, &webhook, "succeeded").await;
    assert_eq!(delivery["attempts"], 1, "{delivery}");
    assert_eq!(delivery["response_status"], 200, "{delivery}");
    assert_eq!(delivery["event_type"], "article.published");
    assert_eq!(delivery["message_id"], request.header("webhook-id"));
    assert_eq!(delivery["payload"], body);
    assert!(delivery["next_attempt_at"].is_null() && delivery["delivered_at"].is_string());

    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert!(comments.received().is_empty(), "{:?}", comments.received());
    assert_eq!(articles.received().len(), 1);
}

#[actix_web::test]
async fn every_event_type_is_delivered_in_order() {
    let app = app().await;
    let receiver = Receiver::start();
    let webhook = register(&app, &receiver.url(), json!(["*"])).await;
    let secret = webhook["secret"].as_str().expect("a secret").to_owned();

    let draft = app
        .article(
            &app.admin_token,
            json!({"title": "Slowly", "content": "<p>Draft.</p>", "status": "draft"}),
        )
        .await;
    let path = format!("/api/v1/articles/{}", draft["id"]);
    let token = app.admin_token.clone();
    for change in [
        json!({"status": "published"}),
        json!({"title": "Slowly, then all at once"}),
        json!({"excerpt": "In short."}),
    ] {
        let changed = app.patch_as(&path, &token, change).await;
        assert_eq!(changed.status, 200, "{}", changed.text);
    }
    let comment = app
        .comment(
            draft["id"].as_i64().expect("an id"),
            json!({"author_name": "Jane Reader", "author_email": "jane@example.com", "content": "First!"}),
        )
        .await;
    assert_eq!(comment.status, 201, "{}", comment.text);
    let approved = app
        .patch_as(
            &format!("/api/v1/comments/{}", comment.body["id"]),
            &token,
            json!({"status": "approved"}),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    let unpublished = app
        .patch_as(&path, &token, json!({"status": "draft"}))
        .await;
    assert_eq!(unpublished.status, 200, "{}", unpublished.text);
    let republished = app
        .patch_as(&path, &token, json!({"status": "published"}))
        .await;
    assert_eq!(republished.status, 200, "{}", republished.text);
    assert_eq!(app.delete_as(&path, &token).await.status, 204);

    let expected = [
        "article.published",
        "article.updated",
        "article.updated",
        "comment.created",
        "comment.approved",
        "article.unpublished",
        "article.published",
        "article.deleted",
    ];
    let received = receiver.wait_for(expected.len()).await;
    let mut by_id = received.clone();
    by_id.sort_by_key(|request| {
        request.header("webhook-id")[4..]
            .parse::<i64>()
            .unwrap_or_default()
    });
    assert_eq!(types(&by_id), expected);
    for request in &received {
        assert_signed(request, &secret);
    }
    let comment_data = &by_id[3].json()["data"];
    assert_eq!(comment_data["status"], "pending", "{comment_data}");
    assert!(comment_data.get("author_email").is_none(), "{comment_data}");
}

#[actix_web::test]
async fn a_scheduled_article_is_delivered_once_when_it_comes_due() {
    let app = app().await;
    let receiver = Receiver::start();
    register(&app, &receiver.url(), json!(["article.published"])).await;
    let at = (chrono::Utc::now() + chrono::TimeDelta::seconds(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let article = app
        .article(
            &app.admin_token,
            json!({"title": "Embargoed", "content": "<p>Soon.</p>", "status": "published", "published_at": at}),
        )
        .await;
    actix_web::rt::time::sleep(Duration::from_secs(1)).await;
    assert!(receiver.received().is_empty(), "delivered before its date");
    let received = receiver.wait_for(1).await;
    assert_eq!(received[0].json()["data"]["id"], article["id"]);
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.received().len(), 1);
}

#[actix_web::test]
async fn a_failing_endpoint_is_retried_with_backoff_until_it_succeeds() {
    let app = app().await;
    let receiver = Receiver::start();
    receiver.answer_next(&[500, 503]);
    let webhook = register(&app, &receiver.url(), json!(["article.published"])).await;
    app.published_article().await;

    let first = receiver.wait_for(1).await;
    let failed = settled_with_attempts(&app, &webhook, 1).await;
    assert_eq!(failed["status"], "pending", "{failed}");
    assert_eq!(failed["response_status"], 500, "{failed}");
    assert!(
        failed["error"].as_str().is_some_and(|e| e.contains("500")),
        "{failed}"
    );
    assert!(failed["next_attempt_at"].is_string(), "{failed}");

    let received = receiver.wait_for(3).await;
    let delivery = settled(&app, &webhook, "succeeded").await;
    assert_eq!(delivery["attempts"], 3, "{delivery}");
    assert_eq!(delivery["response_status"], 200, "{delivery}");
    assert!(delivery["error"].is_null(), "{delivery}");
    // The same message each time, and later each time: 200 ms, then 1.2 s.
    let ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(received.iter().all(|r| r.body == first[0].body));

    let pending = deliveries(&app, &webhook, "?status=pending").await;
    assert_eq!(pending["meta"]["total"], 0, "{pending}");
    let succeeded = deliveries(&app, &webhook, "?status=succeeded").await;
    assert_eq!(succeeded["meta"]["total"], 1, "{succeeded}");
}

/// Waits until the newest delivery has made `attempts` attempts and is not leased.
async fn settled_with_attempts(app: &TestApp, webhook: &Value, attempts: i64) -> Value {
    let started = Instant::now();
    loop {
        let log = deliveries(app, webhook, "").await;
        let delivery = &log["data"][0];
        if delivery["attempts"] == attempts && !delivery["response_status"].is_null() {
            return delivery.clone();
        }
        assert!(started.elapsed() < ARRIVES_WITHIN, "{log}");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

#[actix_web::test]
async fn a_delivery_given_up_on_can_be_redelivered() {
    let mut settings = SETTINGS.to_vec();
    settings.push(("WEBHOOKS_MAX_ATTEMPTS", "2"));
    let app = TestApp::spawn_with(&settings).await;
    let receiver = Receiver::start();
    receiver.answer_always(500);
    let webhook = register(&app, &receiver.url(), json!(["*"])).await;
    app.published_article().await;

    let failed = settled(&app, &webhook, "failed").await;
    assert_eq!(failed["attempts"], 2, "{failed}");
    assert!(failed["next_attempt_at"].is_null(), "{failed}");
    assert_eq!(receiver.received().len(), 2);

    receiver.answer_always(204);
    let queued = app
        .post_as(
            &format!(
                "/api/v1/webhooks/{}/deliveries/{}/redeliver",
                webhook["id"], failed["id"]
            ),
            &app.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    assert_eq!(queued.body["status"], "pending");
    let received = receiver.wait_for(3).await;
    let delivered = settled(&app, &webhook, "succeeded").await;
    assert_eq!(delivered["attempts"], 3, "{delivered}");
    assert_eq!(delivered["response_status"], 204, "{delivered}");
    assert_eq!(
        received[2].header("webhook-id"),
        received[0].header("webhook-id")
    );
    assert_signed(&received[2], webhook["secret"].as_str().expect("a secret"));

    let missing = app
        .post_as(
            &format!(
                "/api/v1/webhooks/{}/deliveries/999999/redeliver",
                webhook["id"]
            ),
            &app.admin_token,
            json!({}),
        )
        .await;
    missing.assert_problem(404);
}

#[actix_web::test]
async fn drafts_refused_writes_and_inactive_endpoints_deliver_nothing() {
    let app = app().await;
    let receiver = Receiver::start();
    let inactive = Receiver::start();
    let webhook = register(&app, &receiver.url(), json!(["*"])).await;
    let paused = register(&app, &inactive.url(), json!(["*"])).await;
    let paused_path = format!("/api/v1/webhooks/{}", paused["id"]);
    let patched = app
        .patch_as(&paused_path, &app.admin_token, json!({"active": false}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);

    app.article(
        &app.admin_token,
        json!({"title": "Not yet", "content": "<p>Draft.</p>", "status": "draft"}),
    )
    .await;
    // Refused: the whole write is rolled back, its event with it.
    let refused = app
        .post_as(
            "/api/v1/articles",
            &app.admin_token,
            json!({"title": "Nowhere", "content": "<p>x</p>", "status": "published", "category_id": 999999}),
        )
        .await;
    assert!(refused.status >= 400, "{}", refused.text);
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert!(receiver.received().is_empty(), "{:?}", receiver.received());
    assert_eq!(deliveries(&app, &webhook, "").await["meta"]["total"], 0);

    app.published_article().await;
    receiver.wait_for(1).await;
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    assert!(inactive.received().is_empty());
    assert_eq!(receiver.received().len(), 1);
}

/// Two instances on one PostgreSQL database: each delivery is sent by one of them only.
#[test]
fn with_two_instances_each_delivery_is_received_exactly_once() {
    if !on_postgres() {
        eprintln!("skipped: several instances need PostgreSQL (TEST_DATABASE=postgres)");
        return;
    }
    let receiver = Receiver::start();
    let work = Workdir::new();
    let database = fresh_database(work.path());
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("ADMIN_EMAIL", ADMIN_EMAIL),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("WEBHOOKS_ALLOW_PRIVATE", "true"),
        ("WEBHOOKS_RETRY_BASE_MS", "200"),
    ];
    let first = work.serve(&settings);
    let second = work.serve(&settings);
    let (status, login) = first.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(status, 200, "{login}");
    let token = login["access_token"].as_str().expect("an access token");
    // Some first attempts fail, so retries race too.
    receiver.answer_next(&[500, 500, 500]);
    let hook = json!({"url": receiver.url(), "events": ["article.published"]});
    let (status, created) = first.request("POST", "/api/v1/webhooks", Some(token), Some(&hook));
    assert_eq!(status, 201, "{created}");
    let count = 20;
    for n in 0..count {
        let server = if n % 2 == 0 { &first } else { &second };
        let story =
            json!({"title": format!("Story {n}"), "content": "<p>x</p>", "status": "published"});
        let (status, body) = server.request("POST", "/api/v1/articles", Some(token), Some(&story));
        assert_eq!(status, 201, "{body}");
    }
    let started = Instant::now();
    let ok = |received: &[Received]| {
        let mut ids: Vec<String> = received
            .iter()
            .map(|r| r.header("webhook-id").to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        ids.len()
    };
    while ok(&receiver.received()) < count {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} of {count} arrived",
            ok(&receiver.received())
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(2));
    // Three were answered 500 and sent again; nothing else twice.
    assert_eq!(
        receiver.received().len(),
        count + 3,
        "{:?}",
        types(&receiver.received())
    );
}

/// The endpoints are site configuration: `export` carries them, secrets included (their
/// receivers go on verifying), but not their delivery log.
#[test]
fn an_export_carries_the_endpoints_but_not_their_log() {
    let work = Workdir::new();
    let source = work.database_url();
    let settings = [
        ("DATABASE_URL", source.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("ADMIN_EMAIL", ADMIN_EMAIL),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("WEBHOOKS_ALLOW_PRIVATE", "true"),
    ];
    let receiver = Receiver::start();
    let server = work.serve(&settings);
    let (_, login) = server.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    let token = login["access_token"].as_str().expect("an access token");
    let hook = json!({"url": receiver.url(), "events": ["*"], "description": "moves along"});
    let (status, created) = server.request("POST", "/api/v1/webhooks", Some(token), Some(&hook));
    assert_eq!(status, 201, "{created}");
    let story = json!({"title": "Logged", "content": "<p>x</p>", "status": "published"});
    let (status, _) = server.request("POST", "/api/v1/articles", Some(token), Some(&story));
    assert_eq!(status, 201);
    let started = Instant::now();
    while receiver.received().is_empty() {
        assert!(started.elapsed() < ARRIVES_WITHIN, "nothing delivered");
        std::thread::sleep(Duration::from_millis(20));
    }

    let exported = work.run(&["export", "site.jsonl"], &[("DATABASE_URL", &source)], "");
    assert!(exported.status.success(), "{}", exported.stderr);
    let file = std::fs::read_to_string(work.path().join("site.jsonl")).expect("the export");
    let secret = created["secret"].as_str().expect("a secret");
    assert!(file.contains("\"table\":\"webhooks\"") && file.contains(secret));
    assert!(!file.contains("webhook_deliveries") && !file.contains("\"attempts\""));

    let target = fresh_database(work.path());
    let imported = work.run(&["import", "site.jsonl"], &[("DATABASE_URL", &target)], "");
    assert!(imported.status.success(), "{}", imported.stderr);
    assert!(
        imported.stdout.contains("1 webhooks"),
        "{}",
        imported.stdout
    );
    let moved = work.serve(&[
        ("DATABASE_URL", target.as_str()),
        ("JWT_SECRET", JWT_SECRET),
    ]);
    let (_, login) = moved.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    let token = login["access_token"].as_str().expect("an access token");
    let path = format!("/api/v1/webhooks/{}", created["id"]);
    let (status, webhook) = moved.request("GET", &path, Some(token), None);
    assert_eq!(status, 200, "{webhook}");
    assert_eq!(webhook["url"], created["url"]);
    assert_eq!(webhook["description"], "moves along");
    let (_, log) = moved.request("GET", &format!("{path}/deliveries"), Some(token), None);
    assert_eq!(log["meta"]["total"], 0, "{log}");
}
