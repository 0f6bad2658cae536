//! The test harness: start the app on a temporary database, and a small HTTP client.

pub mod binary;

use actix_test::TestServer;
use actix_web::http::Method;
use actix_web::http::header::HeaderMap;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use newsroom::app::{self, Services};
use newsroom::auth::Role;
use newsroom::config::Config;
use newsroom::db::Db;
use newsroom::seed;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin password 123";
pub const JWT_SECRET: &str = "test secret that is long enough for HS256 keys";
/// The password of the users that `create_user` and `user` make.
pub const USER_PASSWORD: &str = "password 1234";
/// The public site of every test app (`SITE_URL`); pass `("SITE_URL", "")` for none.
pub const SITE_URL: &str = "https://news.example.com";

pub struct TestApp {
    pub server: TestServer,
    pub admin_token: String,
    _dir: tempfile::TempDir,
}

/// What a client sees of a response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
    /// The body as sent, for binary files.
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Asserts an RFC 9457 problem with this status, and returns it.
    pub fn assert_problem(&self, status: u16) -> &Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].is_string() && self.body["type"].is_string());
        assert!(self.body["detail"].is_string());
        &self.body
    }

    /// The fields named in a `422` problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.assert_problem(422);
        self.body["errors"]
            .as_array()
            .expect("a 422 lists its errors")
            .iter()
            .map(|error| error["field"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

static USER_COUNTER: AtomicU32 = AtomicU32::new(0);
static DATABASE_COUNTER: AtomicU32 = AtomicU32::new(0);

/// Whether the suite runs against PostgreSQL (`TEST_DATABASE=postgres`, with the server's
/// admin URL in `TEST_POSTGRES_URL`, as `.ci/run` sets them) rather than SQLite files.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|name| name == "postgres")
}

/// A `DATABASE_URL` for a new, empty database: a file in `dir`, or on PostgreSQL a database
/// of its own on the test server.
pub fn fresh_database(dir: &std::path::Path) -> String {
    if !on_postgres() {
        return dir.join("test.db").to_string_lossy().into_owned();
    }
    use diesel::{Connection, RunQueryDsl};
    let admin = std::env::var("TEST_POSTGRES_URL")
        .expect("TEST_POSTGRES_URL: the test server's URL, as postgres://user@host:port/postgres");
    let name = format!(
        "newsroom_test_{}_{}",
        std::process::id(),
        DATABASE_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = diesel::PgConnection::establish(&admin).expect("the test PostgreSQL server");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("a new test database");
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}
static ARTICLE_COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Starts the app with extra environment settings on top of the test defaults.
    pub async fn spawn_with(settings: &[(&str, &str)]) -> Self {
        Self::spawn_seeded(settings, 0).await
    }

    /// Starts the app on a database holding the demo categories and `articles` synthetic
    /// articles (the `seed --demo` content), for tests that need volume.
    pub async fn spawn_seeded(settings: &[(&str, &str)], articles: usize) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let database_url = fresh_database(dir.path());
        let media_dir = dir.path().join("media");
        let media_dir = media_dir.to_string_lossy();
        let mut env: HashMap<String, String> = [
            ("DATABASE_URL", database_url.as_str()),
            ("JWT_SECRET", JWT_SECRET),
            ("RATE_LIMIT_LOGINS_PER_MINUTE", "1000"),
            ("RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE", "1000"),
            ("DB_POOL_SIZE", "4"),
            ("MEDIA_DIR", &media_dir),
            ("SITE_URL", SITE_URL),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        for (key, value) in settings {
            env.insert((*key).to_owned(), (*value).to_owned());
        }
        let config = Config::from_lookup(|name| env.get(name).cloned()).expect("test config");
        let db = Db::open(&config.database_url, config.db_pool_size).expect("test database");
        seed::ensure_user(
            &db,
            ADMIN_EMAIL,
            "Test Admin",
            Role::Admin,
            Some(ADMIN_PASSWORD.to_owned()),
        )
        .expect("admin user");
        if articles > 0 {
            seed::demo(&db, &config.media, ADMIN_EMAIL, None, articles).expect("demo content");
        }
        let secret = config.jwt_secret.clone().expect("a JWT secret");
        let services = Services::new(db, &secret, config).expect("the media store");
        // As `serve` does: buffered views reach the database, and the rest.
        services.spawn_background();
        let server = actix_test::start(move || app::build(services.clone()));
        let mut app = Self {
            server,
            admin_token: String::new(),
            _dir: dir,
        };
        app.admin_token = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app
    }

    /// Sends a request as a client would; `body` goes as JSON.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.server.request(method, self.server.url(path));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        let response = match body {
            Some(body) => request.send_json(&body).await,
            None => request.send().await,
        };
        read(response.expect("the server answers")).await
    }

    /// Sends a request with exactly these headers and raw body.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut request = self.server.request(method, self.server.url(path));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let response = request
            .send_body(body.to_vec())
            .await
            .expect("the server answers");
        read(response).await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, None, None).await
    }

    /// An anonymous `POST` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(Method::POST, path, None, Some(body)).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Response {
        self.send(Method::GET, path, Some(token), None).await
    }

    pub async fn post_as(&self, path: &str, token: &str, body: Value) -> Response {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch_as(&self, path: &str, token: &str, body: Value) -> Response {
        self.send(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn delete_as(&self, path: &str, token: &str) -> Response {
        self.send(Method::DELETE, path, Some(token), None).await
    }

    /// `POST /auth/login` as a client would, whatever the outcome.
    pub async fn try_login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login",
            json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self.try_login(email, password).await;
        assert_eq!(response.status, 200, "login failed: {}", response.text);
        response.body["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    /// Sends these `POST`s all at once, each on its own connection, and returns the answers
    /// in the order of `bodies`.
    pub async fn post_all_at_once(&self, path: &str, bodies: Vec<Value>) -> Vec<Response> {
        let mut responses = Vec::new();
        for task in self.start_posts(path, bodies) {
            responses.push(task.await.expect("the request task ends"));
        }
        responses
    }

    /// Starts these `POST`s, each on its own connection, without waiting for the answers.
    pub fn start_posts(
        &self,
        path: &str,
        bodies: Vec<Value>,
    ) -> Vec<actix_web::rt::task::JoinHandle<Response>> {
        let url = self.server.url(path);
        bodies
            .into_iter()
            .map(|body| {
                let url = url.clone();
                actix_web::rt::spawn(async move {
                    let client = awc::Client::builder()
                        .timeout(Duration::from_secs(30))
                        .finish();
                    read(
                        client
                            .post(url)
                            .send_json(&body)
                            .await
                            .expect("the server answers"),
                    )
                    .await
                })
            })
            .collect()
    }

    /// Creates a user with the role through the API, as admin, and returns its body. The
    /// password is `USER_PASSWORD`.
    pub async fn create_user(&self, role: &str) -> Value {
        let n = USER_COUNTER.fetch_add(1, Ordering::Relaxed);
        let created = self
            .post_as(
                "/api/v1/users",
                &self.admin_token,
                json!({"email": format!("{role}{n}@example.com"), "password": USER_PASSWORD, "display_name": format!("{role} {n}"), "role": role}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.body
    }

    /// Creates a user with the role through the API and signs them in: (id, token).
    pub async fn user(&self, role: &str) -> (i64, String) {
        let user = self.create_user(role).await;
        let email = user["email"].as_str().expect("an email");
        let id = user["id"].as_i64().expect("an id");
        (id, self.login(email, USER_PASSWORD).await)
    }

    /// Creates a category as admin and returns its body.
    pub async fn category(&self, body: Value) -> Value {
        let created = self
            .post_as("/api/v1/categories", &self.admin_token, body)
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.body
    }

    /// Creates an article as the holder of `token` and returns its body.
    pub async fn article(&self, token: &str, body: Value) -> Value {
        let created = self.post_as("/api/v1/articles", token, body).await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.body
    }

    /// Publishes an article (as admin, open for comments) and returns its body.
    pub async fn published_article(&self) -> Value {
        let n = ARTICLE_COUNTER.fetch_add(1, Ordering::Relaxed);
        self.article(
            &self.admin_token,
            json!({"title": format!("Published story {n}"), "content": "<p>Something happened.</p>", "status": "published"}),
        )
        .await
    }

    /// Uploads a multipart form to `POST /media` as the holder of `token`: `parts` are
    /// (name, file name for a file part, bytes).
    pub async fn upload(&self, token: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Response {
        let boundary = "newsroom-test-boundary-7d93";
        let mut body = Vec::new();
        for (name, file_name, bytes) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file_name {
                Some(file_name) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        // Renditions are made before the answer: longer than awc's default 5 seconds for
        // a large photo in a debug build on a busy machine.
        let response = self
            .server
            .post("/api/v1/media")
            .timeout(Duration::from_secs(120))
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .send_body(body)
            .await
            .expect("the server answers");
        read(response).await
    }

    /// Uploads an image file with alt, caption and credit, and returns the media item.
    pub async fn media(&self, token: &str, image: &[u8]) -> Value {
        let uploaded = self
            .upload(
                token,
                &[
                    ("file", Some("photo.jpg"), image),
                    ("alt", None, b"Cranes at the port"),
                    ("caption", None, b"The new cranes arrived in March."),
                    ("credit", None, b"Photo: Jane Doe / Example Agency"),
                ],
            )
            .await;
        assert_eq!(uploaded.status, 201, "{}", uploaded.text);
        uploaded.body
    }

    /// Posts a comment on the article anonymously, whatever the outcome.
    pub async fn comment(&self, article_id: i64, body: Value) -> Response {
        self.post(&format!("/api/v1/articles/{article_id}/comments"), body)
            .await
    }
}

async fn read<S>(mut response: awc::ClientResponse<S>) -> Response
where
    S: futures_core::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let bytes = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .expect("a readable body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Response {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text,
        body,
        bytes: bytes.to_vec(),
    }
}

/// Runs a Python program with `TEST_PYTHON` (the CI virtualenv's, with feedparser; `.ci/run`
/// sets it) on `input` as its standard input, and returns what it printed, read as JSON.
/// Without `TEST_PYTHON` a test skips (returns `None`, saying so), except on CI, where it
/// fails: an independent parser that silently never ran would prove nothing.
pub fn python(program: &str, input: &[u8]) -> Option<Value> {
    use std::io::Write;
    let Ok(python) = std::env::var("TEST_PYTHON") else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "TEST_PYTHON must be set on CI (.ci/run sets it to its virtualenv's python)"
        );
        println!("skipped: TEST_PYTHON is not set (.ci/run sets it to a python with feedparser)");
        return None;
    };
    let mut child = std::process::Command::new(python)
        .args(["-c", program])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("TEST_PYTHON runs");
    child
        .stdin
        .take()
        .expect("a standard input")
        .write_all(input)
        .expect("the input is written");
    let output = child.wait_with_output().expect("python ends");
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("python prints JSON"))
}
