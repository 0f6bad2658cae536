//! The response cache in front of public reads, as a reader and an editor see it: every
//! change the public can see shows on the very next anonymous request, nothing private
//! ever comes out of it, counters lag by a bounded time, and encodings agree.

use actix_web::http::Method;
use serde_json::{Value, json};
use std::io::Read;
use std::time::Duration;

use crate::common::{Response, TestApp};

const LIST: &str = "/api/v1/articles?per_page=100";

fn titles(list: &Response) -> Vec<String> {
    list.body["data"]
        .as_array()
        .expect("a page")
        .iter()
        .filter_map(|article| article["title"].as_str().map(str::to_owned))
        .collect()
}

async fn publish(app: &TestApp, title: &str) -> Value {
    app.article(
        &app.admin_token,
        json!({"title": title, "content": "<p>Text.</p>", "status": "published"}),
    )
    .await
}

#[actix_web::test]
async fn publishing_editing_and_deleting_show_on_the_next_anonymous_request() {
    let app = TestApp::spawn().await;
    let first = publish(&app, "First story").await;
    assert_eq!(titles(&app.get(LIST).await), ["First story"]);
    // The same question again is answered from the cache, with the same tag.
    let again = app.get(LIST).await;
    assert_eq!(titles(&again), ["First story"]);

    publish(&app, "Second story").await;
    assert_eq!(
        titles(&app.get(LIST).await),
        ["Second story", "First story"]
    );

    let id = first["id"].as_i64().expect("an id");
    let path = format!("/api/v1/articles/{id}");
    assert_eq!(app.get(&path).await.body["title"], "First story");
    let edited = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"title": "First story, revised"}),
        )
        .await;
    assert_eq!(edited.status, 200);
    assert_eq!(app.get(&path).await.body["title"], "First story, revised");
    assert!(titles(&app.get(LIST).await).contains(&"First story, revised".to_owned()));

    assert_eq!(app.delete_as(&path, &app.admin_token).await.status, 204);
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(titles(&app.get(LIST).await), ["Second story"]);
}

#[actix_web::test]
async fn an_approved_comment_shows_at_once_and_a_pending_one_never() {
    let app = TestApp::spawn().await;
    let article = app.published_article().await;
    let id = article["id"].as_i64().expect("an id");
    let comments = format!("/api/v1/articles/{id}/comments");
    let article_path = format!("/api/v1/articles/{id}");
    assert_eq!(app.get(&comments).await.body["meta"]["total"], 0);
    assert_eq!(app.get(&article_path).await.body["comment_count"], 0);

    let posted = app
        .comment(
            id,
            json!({"author_name": "Jane", "author_email": "jane@example.com", "content": "Pending for now."}),
        )
        .await;
    assert_eq!(posted.body["status"], "pending");
    assert_eq!(app.get(&comments).await.body["meta"]["total"], 0);

    let comment = posted.body["id"].as_i64().expect("an id");
    let approved = app
        .patch_as(
            &format!("/api/v1/comments/{comment}"),
            &app.admin_token,
            json!({"status": "approved"}),
        )
        .await;
    assert_eq!(approved.status, 200);
    assert_eq!(app.get(&comments).await.body["meta"]["total"], 1);
    assert_eq!(app.get(&article_path).await.body["comment_count"], 1);
}

#[actix_web::test]
async fn a_draft_never_comes_out_of_the_cache_and_staff_answers_stay_private() {
    let app = TestApp::spawn().await;
    publish(&app, "Public story").await;
    let public = app.get(LIST).await;
    assert_eq!(titles(&public), ["Public story"]);
    assert_eq!(public.header("cache-control"), Some("public, max-age=60"));

    let draft = app
        .article(
            &app.admin_token,
            json!({"title": "Secret draft", "content": "<p>Not yet.</p>"}),
        )
        .await;
    let draft_path = format!("/api/v1/articles/{}", draft["id"]);
    // Staff see the draft; their answer is private and is not kept for anyone.
    let staff = app.get_as(&draft_path, &app.admin_token).await;
    assert_eq!(staff.status, 200);
    assert_eq!(staff.header("cache-control"), Some("private, no-store"));
    assert!(staff.header("etag").is_none());
    assert_eq!(app.get(&draft_path).await.status, 404);
    let staff_list = app
        .get_as("/api/v1/articles?status=draft", &app.admin_token)
        .await;
    assert_eq!(titles(&staff_list), ["Secret draft"]);
    assert_eq!(titles(&app.get(LIST).await), ["Public story"]);

    // Nor is the public's cached answer served to staff: they get their own.
    let staff_list = app.get_as(LIST, &app.admin_token).await;
    assert_eq!(
        staff_list.header("cache-control"),
        Some("private, no-store")
    );
}

#[actix_web::test]
async fn a_scheduled_article_appears_on_the_first_request_after_its_time() {
    let app = TestApp::spawn().await;
    publish(&app, "Now").await;
    let due = chrono::Utc::now() + chrono::Duration::seconds(2);
    app.article(
        &app.admin_token,
        json!({"title": "Later", "content": "<p>Soon.</p>", "status": "published",
               "published_at": due.format("%Y-%m-%dT%H:%M:%SZ").to_string()}),
    )
    .await;
    assert_eq!(titles(&app.get(LIST).await), ["Now"]);
    let wait = (due - chrono::Utc::now()).to_std().unwrap_or_default();
    actix_web::rt::time::sleep(wait + Duration::from_millis(1100)).await;
    assert_eq!(titles(&app.get(LIST).await), ["Later", "Now"]);
}

#[actix_web::test]
async fn view_counts_in_a_cached_list_are_at_most_the_lag_bound_old() {
    let app = TestApp::spawn_with(&[
        ("VIEW_FLUSH_INTERVAL_MS", "100"),
        ("COUNTERS_MAX_LAG_SECONDS", "1"),
    ])
    .await;
    let article = app.published_article().await;
    let id = article["id"].as_i64().expect("an id");
    assert_eq!(app.get(LIST).await.body["data"][0]["view_count"], 0);
    let viewed = app
        .send_raw(
            Method::POST,
            &format!("/api/v1/articles/{id}/views"),
            &[(
                "User-Agent",
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
            )],
            b"",
        )
        .await;
    assert_eq!(viewed.status, 202);
    // After a flush and the lag bound, the list shows the view.
    actix_web::rt::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(app.get(LIST).await.body["data"][0]["view_count"], 1);
}

async fn raw(app: &TestApp, path: &str, encoding: &str) -> (awc::http::header::HeaderMap, Vec<u8>) {
    let mut response = app
        .server
        .request(Method::GET, app.server.url(path))
        .no_decompress()
        .insert_header(("Accept-Encoding", encoding))
        .send()
        .await
        .expect("the server answers");
    let body = response.body().limit(1 << 24).await.expect("a body");
    (response.headers().clone(), body.to_vec())
}

#[actix_web::test]
async fn gzip_and_brotli_bodies_decode_to_the_same_json() {
    let app = TestApp::spawn().await;
    for n in 0..5 {
        publish(&app, &format!("Story number {n} about the harbour")).await;
    }
    let (plain_headers, plain) = raw(&app, LIST, "identity").await;
    assert!(plain_headers.get("content-encoding").is_none());
    for _ in 0..2 {
        // The first pass fills the cache, the second is served from it.
        let (headers, gzip) = raw(&app, LIST, "gzip").await;
        assert_eq!(
            headers.get("content-encoding").map(|v| v.as_bytes()),
            Some(&b"gzip"[..])
        );
        let vary = headers
            .get("vary")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            vary.to_lowercase().contains("accept-encoding"),
            "vary: {vary}"
        );
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_end(&mut decoded)
            .expect("valid gzip");
        assert_eq!(decoded, plain);

        let (headers, brotli) = raw(&app, LIST, "br").await;
        assert_eq!(
            headers.get("content-encoding").map(|v| v.as_bytes()),
            Some(&b"br"[..])
        );
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&brotli[..], 4096)
            .read_to_end(&mut decoded)
            .expect("valid brotli");
        assert_eq!(decoded, plain);
        assert_eq!(headers.get("etag"), plain_headers.get("etag"));
    }
}

#[actix_web::test]
async fn equivalent_queries_share_an_answer_and_different_ones_never_collide() {
    let app = TestApp::spawn().await;
    for n in 0..3 {
        publish(&app, &format!("Story {n}")).await;
    }
    let one = app.get("/api/v1/articles?per_page=1&sort=title").await;
    let same = app.get("/api/v1/articles?sort=title&per_page=1").await;
    assert_eq!(titles(&one), ["Story 0"]);
    assert_eq!(one.header("etag"), same.header("etag"));
    assert_eq!(one.text, same.text);
    let two = app.get("/api/v1/articles?per_page=2&sort=title").await;
    assert_eq!(titles(&two), ["Story 0", "Story 1"]);
    let other_sort = app.get("/api/v1/articles?per_page=1&sort=-title").await;
    assert_eq!(titles(&other_sort), ["Story 2"]);
    let default_page = app.get("/api/v1/articles?page=1&per_page=20").await;
    assert_eq!(titles(&default_page).len(), 3);
    let not_modified = app
        .send_raw(
            Method::GET,
            "/api/v1/articles?sort=title&per_page=1",
            &[("If-None-Match", one.header("etag").expect("an etag"))],
            b"",
        )
        .await;
    assert_eq!(not_modified.status, 304);
    let head = app
        .send_raw(Method::HEAD, "/api/v1/articles?per_page=1", &[], b"")
        .await;
    assert_eq!(head.status, 200);
    assert!(head.text.is_empty());
}
