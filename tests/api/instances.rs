//! Several instances on one PostgreSQL database (`TEST_DATABASE=postgres`): two real
//! binaries, a write through one seen through the other's response cache at once. On SQLite
//! (one process per file) there is nothing to test, and the test says so.

use serde_json::json;
use std::time::{Duration, Instant};

use crate::common::binary::{Server, Workdir};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, fresh_database, on_postgres};

/// The bound README and `db/postgres.rs` give (5 ms of polling plus delivery), with room
/// for a loaded test machine; cached entries otherwise live up to 10 s.
const SEEN_WITHIN: Duration = Duration::from_secs(2);

/// Two `serve` processes on one new PostgreSQL database, each trusting one proxy (so that a
/// test's views come from readers of their own); `None` on SQLite.
fn two_instances() -> Option<(Workdir, Server, Server)> {
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
    ];
    let first = work.serve(&settings);
    let second = work.serve(&settings);
    Some((work, first, second))
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
