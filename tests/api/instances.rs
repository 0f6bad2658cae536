//! Several instances on one PostgreSQL database (`TEST_DATABASE=postgres`): two real
//! binaries, a write through one seen through the other's response cache at once; views
//! through both add up; the rules that read before they write (refresh-token rotation, the
//! last admin, unique slugs) hold when racing requests go to different instances. On SQLite
//! (one process per file) there is nothing to test, and the test says so.

use serde_json::{Value, json};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use crate::common::binary::{Server, Workdir, free_port, http};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, fresh_database, on_postgres};

/// The bound README and `db/postgres.rs` give (5 ms of polling plus delivery), with room
/// for a loaded test machine; cached entries otherwise live up to 10 s.
const SEEN_WITHIN: Duration = Duration::from_secs(2);

/// Two `serve` processes on one new PostgreSQL database, each trusting one proxy (so that a
/// test's views come from readers of their own); `None` on SQLite. The stream's tests use
/// them too.
pub fn two_instances() -> Option<(Workdir, Server, Server)> {
    two_instances_on().map(|(work, _, first, second)| (work, first, second))
}

/// [`two_instances`], with their `DATABASE_URL`.
fn two_instances_on() -> Option<(Workdir, String, Server, Server)> {
    if !on_postgres() {
        eprintln!("skipped: several instances need PostgreSQL (TEST_DATABASE=postgres)");
        return None;
    }
    let work = Workdir::new();
    let database = fresh_database(work.path());
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("ADMIN_EMAIL", ADMIN_EMAIL),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("TRUSTED_PROXIES", "1"),
        // The races log in once a round.
        ("RATE_LIMIT_LOGINS_PER_MINUTE", "1000"),
        ("RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE", "1000"),
    ];
    let first = work.serve(&settings);
    let second = work.serve(&settings);
    Some((work, database, first, second))
}

#[test]
fn a_publish_through_one_instance_is_seen_through_the_others_cache() {
    let Some((_work, writer, reader)) = two_instances() else {
        return;
    };
    let (status, login) = writer.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(status, 200, "{login}");
    let token = login["access_token"].as_str().expect("an access token");
    // The reader caches the (empty) list, twice to be sure it is served from the cache.
    for _ in 0..2 {
        let (status, list) = reader.request("GET", "/api/v1/articles", None, None);
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["meta"]["total"], 0, "{list}");
    }
    let story =
        json!({"title": "Heard across instances", "content": "<p>Yes.</p>", "status": "published"});
    let (status, created) = writer.request("POST", "/api/v1/articles", Some(token), Some(&story));
    assert_eq!(status, 201, "{created}");
    let published = Instant::now();
    loop {
        let (status, list) = reader.request("GET", "/api/v1/articles", None, None);
        assert_eq!(status, 200, "{list}");
        if list["meta"]["total"] == 1 {
            assert_eq!(list["data"][0]["id"], created["id"], "{list}");
            break;
        }
        assert!(
            published.elapsed() < SEEN_WITHIN,
            "the other instance still serves the list from before the publish: {list}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn views_through_every_instance_add_up_when_one_stops_with_sigterm() {
    let Some((_work, first, second)) = two_instances() else {
        return;
    };
    let (_, login) = first.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    let token = login["access_token"].as_str().expect("an access token");
    let story =
        json!({"title": "Read everywhere", "content": "<p>Yes.</p>", "status": "published"});
    let (status, created) = first.request("POST", "/api/v1/articles", Some(token), Some(&story));
    assert_eq!(status, 201, "{created}");
    let views = format!("/api/v1/articles/{}/views", created["id"]);
    let browser = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    let mut accepted = 0;
    for reader in 0..60 {
        let instance = if reader % 3 == 0 { &first } else { &second };
        let address = format!("198.51.100.{reader}");
        let headers = [
            ("User-Agent", browser),
            ("X-Forwarded-For", address.as_str()),
        ];
        let (status, _) = instance.request_with("POST", &views, &headers, None);
        assert_eq!(status, 202);
        accepted += 1;
    }
    // The first instance writes what it buffered as it stops; the second at its next flush.
    assert!(first.stop_with("TERM").success());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, stats) = second.request("GET", &views, Some(token), None);
        assert_eq!(status, 200, "{stats}");
        if stats["total"] == accepted {
            break;
        }
        assert!(
            Instant::now() < deadline && stats["total"].as_i64() <= Some(accepted),
            "{accepted} views accepted, stored: {stats}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Races in each test: enough for two unguarded read-then-write requests to interleave.
const ROUNDS: usize = 12;

/// Sends one request through each instance at the same moment; their answers in order.
fn at_once(
    first: (&Server, &str, &str, Option<&str>, Option<Value>),
    second: (&Server, &str, &str, Option<&str>, Option<Value>),
) -> [(u16, Value); 2] {
    let start = Barrier::new(2);
    let send = |(server, method, path, token, body): (
        &Server,
        &str,
        &str,
        Option<&str>,
        Option<Value>,
    )| {
        start.wait();
        server.request(method, path, token, body.as_ref())
    };
    std::thread::scope(|scope| {
        let one = scope.spawn(|| send(first));
        let two = scope.spawn(|| send(second));
        [
            one.join().expect("the first request"),
            two.join().expect("the second request"),
        ]
    })
}

fn statuses(answers: &[(u16, Value); 2]) -> Vec<u16> {
    let mut statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    statuses.sort_unstable();
    statuses
}

fn admin_token(server: &Server) -> String {
    let (status, login) = server.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(status, 200, "{login}");
    login["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

#[test]
fn a_refresh_token_raced_through_two_instances_is_traded_once() {
    let Some((_work, first, second)) = two_instances() else {
        return;
    };
    for _ in 0..ROUNDS {
        let (status, login) = first.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert_eq!(status, 200, "{login}");
        let body = json!({"refresh_token": login["refresh_token"]});
        let path = "/api/v1/auth/refresh";
        let answers = at_once(
            (&first, "POST", path, None, Some(body.clone())),
            (&second, "POST", path, None, Some(body)),
        );
        assert_eq!(statuses(&answers), [200, 401], "{answers:?}");
    }
}

#[test]
fn admins_removing_each_other_through_two_instances_leave_one() {
    let Some((_work, first, second)) = two_instances() else {
        return;
    };
    let mut survivor = admin_token(&first);
    for round in 0..ROUNDS {
        // A second admin, then each admin deletes the other, through different instances.
        let email = format!("admin{round}@example.com");
        let new_admin = json!({"email": email, "password": ADMIN_PASSWORD, "display_name": format!("Admin {round}"), "role": "admin"});
        let (status, created) =
            first.request("POST", "/api/v1/users", Some(&survivor), Some(&new_admin));
        assert_eq!(status, 201, "{created}");
        let (status, login) = second.login(&email, ADMIN_PASSWORD);
        assert_eq!(status, 200, "{login}");
        let other = login["access_token"].as_str().expect("a token").to_owned();
        let (_, me) = first.request("GET", "/api/v1/auth/me", Some(&survivor), None);
        let answers = at_once(
            (
                &first,
                "DELETE",
                &format!("/api/v1/users/{}", created["id"]),
                Some(&survivor),
                None,
            ),
            (
                &second,
                "DELETE",
                &format!("/api/v1/users/{}", me["id"]),
                Some(&other),
                None,
            ),
        );
        let wins = answers.iter().filter(|(status, _)| *status == 204).count();
        assert_eq!(wins, 1, "exactly one delete wins: {answers:?}");
        let left = if answers[0].0 == 204 {
            me["id"].clone()
        } else {
            survivor = other;
            created["id"].clone()
        };
        let (status, admins) =
            second.request("GET", "/api/v1/users?role=admin", Some(&survivor), None);
        assert_eq!(status, 200, "{admins}");
        let ids: Vec<&Value> = admins["data"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|user| &user["id"])
            .collect();
        assert_eq!(ids, [&left], "one admin is left: {admins}");
    }
}

#[test]
fn one_slug_raced_through_two_instances_is_taken_once() {
    let Some((_work, first, second)) = two_instances() else {
        return;
    };
    let token = admin_token(&first);
    for round in 0..ROUNDS {
        let slug = format!("raced-{round}");
        let story = |title: &str| json!({"title": title, "slug": slug, "content": "<p>Yes.</p>", "status": "published"});
        let answers = at_once(
            (
                &first,
                "POST",
                "/api/v1/articles",
                Some(&token),
                Some(story("One")),
            ),
            (
                &second,
                "POST",
                "/api/v1/articles",
                Some(&token),
                Some(story("Two")),
            ),
        );
        assert_eq!(statuses(&answers), [201, 409], "{answers:?}");
        let (status, article) =
            second.request("GET", &format!("/api/v1/articles/slug/{slug}"), None, None);
        assert_eq!(status, 200, "{article}");
        let winner = answers
            .iter()
            .find(|(status, _)| *status == 201)
            .expect("a winner");
        assert_eq!(article["id"], winner.1["id"], "{article}");
    }
}

#[test]
fn connections_cut_by_the_server_are_a_503_at_worst_and_recover_by_themselves() {
    use diesel::{Connection, RunQueryDsl};
    let Some((_work, database, writer, reader)) = two_instances_on() else {
        return;
    };
    let token = admin_token(&writer);
    let (status, _) = reader.request("GET", "/api/v1/articles", None, None);
    assert_eq!(status, 200);
    // What a PostgreSQL restart or a failover does to every open connection.
    let mut admin = diesel::PgConnection::establish(&database).expect("the test database");
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut admin)
    .expect("the instances' connections are cut");
    let story = json!({"title": "After the cut", "content": "<p>Yes.</p>", "status": "published"});
    let (status, created) = loop {
        for server in [&writer, &reader] {
            let (status, body) = server.request("GET", "/api/v1/articles", Some(&token), None);
            assert!(status == 200 || status == 503, "{status}: {body}");
        }
        let (status, created) =
            writer.request("POST", "/api/v1/articles", Some(&token), Some(&story));
        if status != 503 {
            break (status, created);
        }
    };
    assert_eq!(status, 201, "{created}");
    // The reader's listener connection was cut too: it hears writes again, or serves
    // nothing public from its cache meanwhile.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, list) = reader.request("GET", "/api/v1/articles", None, None);
        assert!(status == 200 || status == 503, "{status}: {list}");
        if list["data"][0]["id"] == created["id"] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the reader never saw the new article: {list}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// nginx running the README's example configuration in front of two instances, stopped
/// when dropped: one process (`master_process off`), so that killing it leaves no worker
/// behind.
struct Nginx {
    port: u16,
    process: std::process::Child,
}

impl Nginx {
    fn in_front_of(work: &Workdir, first: &Server, second: &Server) -> Self {
        let program = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
            .into_iter()
            .find(|path| std::path::Path::new(path).exists())
            .unwrap_or("nginx");
        let port = free_port();
        let example = crate::readme::fenced_block("nginx-example")
            .join("\n")
            .replace("127.0.0.1:8081", &format!("127.0.0.1:{}", first.port))
            .replace("127.0.0.1:8082", &format!("127.0.0.1:{}", second.port))
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
        let dir = work.path().join("nginx");
        std::fs::create_dir_all(&dir).expect("a folder for nginx");
        let temp: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
            .iter()
            .map(|kind| format!("{kind}_temp_path {}/{kind};\n", dir.display()))
            .collect();
        let config = format!(
            "daemon off;\nmaster_process off;\npid {dir}/nginx.pid;\nevents {{}}\n\
             http {{\naccess_log off;\n{temp}{example}\n}}\n",
            dir = dir.display()
        );
        std::fs::write(dir.join("nginx.conf"), config).expect("nginx.conf");
        let process = std::process::Command::new(program)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("nginx is needed (apt-get install nginx-light): {error}")
            });
        let nginx = Self { port, process };
        let deadline = Instant::now() + Duration::from_secs(10);
        while http(port, "GET", "/health", None, None).is_err() {
            assert!(Instant::now() < deadline, "nginx never answered");
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[test]
fn the_readmes_nginx_example_keeps_serving_when_an_instance_stops() {
    let Some((work, first, second)) = two_instances() else {
        return;
    };
    let nginx = Nginx::in_front_of(&work, &first, &second);
    let through_nginx = |method: &str, path: &str, token: Option<&str>, body: Option<&Value>| {
        http(nginx.port, method, path, token, body).expect("nginx answers")
    };
    let (status, login) = through_nginx(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
    );
    assert_eq!(status, 200, "{login}");
    let token = login["access_token"].as_str().expect("a token");
    // Round-robin: both instances answer, and a token either issued is good on both.
    for _ in 0..6 {
        let (status, me) = through_nginx("GET", "/api/v1/auth/me", Some(token), None);
        assert_eq!(status, 200, "{me}");
    }
    assert!(first.stop_with("TERM").success());
    for _ in 0..10 {
        let (status, list) = through_nginx("GET", "/api/v1/articles", None, None);
        assert_eq!(
            status, 200,
            "a read failed with one instance stopped: {list}"
        );
    }
    let story = json!({"title": "Still up", "content": "<p>Yes.</p>", "status": "published"});
    let (status, created) = through_nginx("POST", "/api/v1/articles", Some(token), Some(&story));
    assert_eq!(status, 201, "{created}");
}
