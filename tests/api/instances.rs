//! Several instances on one PostgreSQL database (`TEST_DATABASE=postgres`): two real
//! binaries, a write through one seen through the other's response cache at once. On SQLite
//! (one process per file) there is nothing to test, and the test says so.

use serde_json::json;
use std::time::{Duration, Instant};

use crate::common::binary::Workdir;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, fresh_database, on_postgres};

/// The bound README and `db/postgres.rs` give (5 ms of polling plus delivery), with room
/// for a loaded test machine; cached entries otherwise live up to 10 s.
const SEEN_WITHIN: Duration = Duration::from_secs(2);

#[test]
fn a_publish_through_one_instance_is_seen_through_the_others_cache() {
    if !on_postgres() {
        eprintln!("skipped: several instances need PostgreSQL (TEST_DATABASE=postgres)");
        return;
    }
    let work = Workdir::new();
    let database = fresh_database(work.path());
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("ADMIN_EMAIL", ADMIN_EMAIL),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
    ];
    let writer = work.serve(&settings);
    let reader = work.serve(&settings);
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
