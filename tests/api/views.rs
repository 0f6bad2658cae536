//! View counts: `POST|GET /articles/{id}/views` (buffered ingest written in batches, the
//! per-article statistics) and `GET /articles/popular` (Trending / Most commented).

use actix_web::http::Method;
use chrono::{NaiveDate, SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

use crate::common::binary::{Server, Workdir};
use crate::common::{JWT_SECRET, TestApp};

const ARTICLES: &str = "/api/v1/articles";
const POPULAR: &str = "/api/v1/articles/popular";
const COMMENTS: &str = "/api/v1/comments";

/// Readers: every one of these is counted.
const BROWSERS: [&str; 3] = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
];
/// Known crawlers (the `isbot` list, where `curl` counts as one): never counted.
const CRAWLERS: [&str; 3] = [
    "curl/8.5.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
];
/// Every request that must be answered `202` and not counted: crawlers, an empty or blank
/// `User-Agent`, and none at all.
const NOT_COUNTED: [Option<&str>; 6] = [
    Some(CRAWLERS[0]),
    Some(CRAWLERS[1]),
    Some(CRAWLERS[2]),
    Some(""),
    Some("   "),
    None,
];

/// Views reach the database every tenth of a second.
const FAST_FLUSH: (&str, &str) = ("VIEW_FLUSH_INTERVAL_MS", "100");
/// Views from many readers: each view below comes from its own address (`X-Forwarded-For`
/// behind one trusted proxy), as a client counts once per article and window.
const READERS: [(&str, &str); 2] = [FAST_FLUSH, ("TRUSTED_PROXIES", "1")];

/// A new reader's address for every view.
fn next_reader() -> String {
    static READER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = READER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::net::Ipv4Addr::from(0x0a00_0000 | n).to_string()
}
const FLUSH: Duration = Duration::from_millis(100);

fn id_of(value: &Value) -> i64 {
    value["id"].as_i64().expect("an id")
}

fn views_of(id: i64) -> String {
    format!("{ARTICLES}/{id}/views")
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn story(title: &str, extra: Value) -> Value {
    let mut body = json!({"title": title, "content": "<p>Something happened.</p>"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

async fn published(app: &TestApp, title: &str) -> i64 {
    let article = app
        .article(
            &app.admin_token,
            story(title, json!({"status": "published"})),
        )
        .await;
    id_of(&article)
}

async fn set_status(app: &TestApp, id: i64, status: &str) {
    let changed = app
        .patch_as(
            &format!("{ARTICLES}/{id}"),
            &app.admin_token,
            json!({"status": status}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
}

/// A client that sends no header of its own, not even a `User-Agent`.
fn bare_client() -> awc::Client {
    awc::Client::builder().no_default_headers().finish()
}

/// One view with this `User-Agent` (`None`: no such header at all); the status.
async fn view_with(client: &awc::Client, url: &str, user_agent: Option<&str>) -> u16 {
    let mut request = client
        .post(url)
        .insert_header(("X-Forwarded-For", next_reader()));
    if let Some(user_agent) = user_agent {
        request = request.insert_header(("User-Agent", user_agent));
    }
    let mut response = request.send().await.expect("the server answers");
    // Read the (empty) body so that the connection can be reused.
    let _ = response.body().await;
    response.status().as_u16()
}

async fn view(app: &TestApp, id: i64, user_agent: Option<&str>) -> u16 {
    view_with(&bare_client(), &app.server.url(&views_of(id)), user_agent).await
}

/// Sends every view from `clients` concurrent clients, interleaved; each must get a `202`.
async fn send_concurrently(app: &TestApp, views: &[(i64, Option<&'static str>)], clients: usize) {
    let mut shares: Vec<Vec<(String, Option<&'static str>)>> = vec![Vec::new(); clients];
    for (n, (id, user_agent)) in views.iter().enumerate() {
        shares[n % clients].push((app.server.url(&views_of(*id)), *user_agent));
    }
    let senders: Vec<_> = shares
        .into_iter()
        .map(|share| {
            actix_web::rt::spawn(async move {
                let client = bare_client();
                let mut refused = Vec::new();
                for (url, user_agent) in share {
                    let status = view_with(&client, &url, user_agent).await;
                    if status != 202 {
                        refused.push(format!("{url} {user_agent:?}: {status}"));
                    }
                }
                refused
            })
        })
        .collect();
    let mut refused = Vec::new();
    for sender in senders {
        refused.extend(sender.await.expect("a client finishes"));
    }
    assert!(
        refused.is_empty(),
        "{} of {} views not accepted, e.g. {:?}",
        refused.len(),
        views.len(),
        refused.first()
    );
}

/// `count` views of each article, cycling through `user_agents`.
fn views_of_each(
    plan: &[(i64, i64)],
    user_agents: &[Option<&'static str>],
) -> Vec<(i64, Option<&'static str>)> {
    let longest = plan.iter().map(|(_, count)| *count).max().unwrap_or(0);
    // Round robin over the articles, so that they are viewed at the same time.
    (0..longest)
        .flat_map(|n| {
            plan.iter()
                .filter(move |(_, count)| n < *count)
                .map(|(id, _)| *id)
        })
        .zip(user_agents.iter().copied().cycle())
        .collect()
}

/// A read as staff: the counts as stored. The public's answers come from the response
/// cache, where counts may lag by `COUNTERS_MAX_LAG_SECONDS` (`tests/api/cache.rs`).
async fn fresh(app: &TestApp, path: &str) -> crate::common::Response {
    app.get_as(path, &app.admin_token).await
}

async fn stats(app: &TestApp, id: i64) -> Value {
    let response = fresh(app, &views_of(id)).await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.body
}

async fn total(app: &TestApp, id: i64) -> i64 {
    stats(app, id).await["total"].as_i64().expect("a total")
}

/// Waits until each article's total has reached what it should (or 3 s have passed), then
/// two more flushes, so that anything counted by mistake has been written too. Every view
/// was buffered before this starts: the first flush after it writes all that is left.
async fn settle(app: &TestApp, expected: &[(i64, i64)]) {
    let deadline = Instant::now() + Duration::from_secs(3);
    for (id, expected) in expected {
        while total(app, *id).await < *expected && Instant::now() < deadline {
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
    }
    actix_web::rt::time::sleep(FLUSH * 3).await;
}

async fn article(app: &TestApp, id: i64) -> Value {
    let response = fresh(app, &format!("{ARTICLES}/{id}")).await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.body
}

async fn popular(app: &TestApp, query: &str) -> Value {
    let response = fresh(app, &format!("{POPULAR}{query}")).await;
    assert_eq!(response.status, 200, "{query}: {}", response.text);
    assert!(response.body.is_array(), "{query}: {}", response.text);
    response.body
}

/// (id, count) of each item of a popular list, in order.
fn counts(list: &Value) -> Vec<(i64, i64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| (id_of(item), item["count"].as_i64().expect("a count")))
        .collect()
}

fn daily_count_on(stats: &Value, date: NaiveDate) -> Option<i64> {
    stats["daily"]
        .as_array()
        .expect("daily buckets")
        .iter()
        .find(|day| day["date"] == date.to_string())
        .and_then(|day| day["count"].as_i64())
}

// Ingest

#[actix_web::test]
async fn a_view_is_accepted_with_202_and_counted_at_the_next_flush() {
    let app = TestApp::spawn_with(&READERS).await;
    let id = published(&app, "Read me").await;
    let accepted = app
        .send_raw(
            Method::POST,
            &views_of(id),
            &[("User-Agent", BROWSERS[0])],
            b"",
        )
        .await;
    assert_eq!(accepted.status, 202, "{}", accepted.text);
    assert_eq!(accepted.text, "");
    settle(&app, &[(id, 1)]).await;
    let stats = stats(&app, id).await;
    for field in ["total", "last_day", "last_week", "last_month"] {
        assert_eq!(stats[field], 1, "{field}: {stats}");
    }
    assert_eq!(daily_count_on(&stats, today()), Some(1), "{stats}");
    assert_eq!(article(&app, id).await["view_count"], 1);
    let list = fresh(&app, ARTICLES).await;
    assert_eq!(list.body["data"][0]["id"], id, "{}", list.text);
    assert_eq!(list.body["data"][0]["view_count"], 1, "{}", list.text);
}

#[actix_web::test]
async fn views_wait_in_memory_until_the_flush_interval() {
    let app = TestApp::spawn_with(&[("VIEW_FLUSH_INTERVAL_MS", "60000")]).await;
    let id = published(&app, "Read me").await;
    for _ in 0..20 {
        assert_eq!(view(&app, id, Some(BROWSERS[1])).await, 202);
    }
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        total(&app, id).await,
        0,
        "written before the flush interval"
    );
    assert_eq!(article(&app, id).await["view_count"], 0);
}

#[actix_web::test]
async fn crawlers_and_requests_without_a_user_agent_are_accepted_but_not_counted() {
    let app = TestApp::spawn_with(&READERS).await;
    let id = published(&app, "Crawled").await;
    for user_agent in NOT_COUNTED {
        assert_eq!(view(&app, id, user_agent).await, 202, "{user_agent:?}");
    }
    // A reader after them: once their view is written, any of the others would be too.
    assert_eq!(view(&app, id, Some(BROWSERS[2])).await, 202);
    settle(&app, &[(id, 1)]).await;
    let stats = stats(&app, id).await;
    assert_eq!(stats["total"], 1, "{stats}");
    assert_eq!(stats["last_day"], 1, "{stats}");
    assert_eq!(article(&app, id).await["view_count"], 1);
}

/// One view from `address` (behind the one trusted proxy); the status.
async fn view_from(app: &TestApp, id: i64, address: &str, user_agent: &str) -> u16 {
    let response = bare_client()
        .post(app.server.url(&views_of(id)))
        .insert_header(("X-Forwarded-For", address))
        .insert_header(("User-Agent", user_agent))
        .send()
        .await
        .expect("the server answers");
    response.status().as_u16()
}

#[actix_web::test]
async fn a_client_counts_one_view_per_article_within_the_window() {
    let app = TestApp::spawn_with(&READERS).await;
    let first = published(&app, "Looped").await;
    let second = published(&app, "Next door").await;
    // 200 views from one address in a loop: one counts. Another address, another article:
    // one each.
    for _ in 0..200 {
        assert_eq!(
            view_from(&app, first, "203.0.113.9", BROWSERS[0]).await,
            202
        );
    }
    assert_eq!(
        view_from(&app, first, "203.0.113.10", BROWSERS[0]).await,
        202
    );
    assert_eq!(
        view_from(&app, second, "203.0.113.9", BROWSERS[0]).await,
        202
    );
    settle(&app, &[(first, 2), (second, 1)]).await;
    assert_eq!(total(&app, first).await, 2);
    assert_eq!(total(&app, second).await, 1);
}

#[actix_web::test]
async fn with_no_window_every_view_of_a_client_counts() {
    let app = TestApp::spawn_with(&[
        FAST_FLUSH,
        ("TRUSTED_PROXIES", "1"),
        ("VIEW_DEDUP_SECONDS", "0"),
    ])
    .await;
    let id = published(&app, "Counted").await;
    for _ in 0..5 {
        assert_eq!(view_from(&app, id, "203.0.113.9", BROWSERS[1]).await, 202);
    }
    settle(&app, &[(id, 5)]).await;
    assert_eq!(total(&app, id).await, 5);
}

#[actix_web::test]
async fn a_user_agent_that_is_no_browser_or_app_is_not_counted() {
    let app = TestApp::spawn_with(&READERS).await;
    let id = published(&app, "Scripted").await;
    for (n, user_agent) in ["x", "-", "1234567890123", "Mozilla", "python"]
        .iter()
        .enumerate()
    {
        let address = format!("198.51.100.{}", n + 1);
        assert_eq!(
            view_from(&app, id, &address, user_agent).await,
            202,
            "{user_agent}"
        );
    }
    assert_eq!(view_from(&app, id, "198.51.100.99", BROWSERS[2]).await, 202);
    settle(&app, &[(id, 1)]).await;
    assert_eq!(total(&app, id).await, 1);
}

#[actix_web::test]
async fn thousands_of_concurrent_views_are_all_counted_and_agree_everywhere() {
    let app = TestApp::spawn_with(&READERS).await;
    let most = published(&app, "Most read").await;
    let middle = published(&app, "Often read").await;
    let least = published(&app, "Seldom read").await;
    let expected = [(most, 1500), (middle, 1000), (least, 500)];
    let readers: Vec<Option<&str>> = BROWSERS.iter().copied().map(Some).collect();
    let mut views = views_of_each(&expected, &readers);
    // Crawlers and clients without a `User-Agent` at the same time, on the same articles.
    let others = views_of_each(&expected.map(|(id, _)| (id, 60)), &NOT_COUNTED);
    for (n, other) in others.into_iter().enumerate() {
        views.insert((n * 9).min(views.len()), other);
    }
    assert_eq!(views.len(), 3000 + 180);
    send_concurrently(&app, &views, 24).await;
    settle(&app, &expected).await;

    let day = today();
    for (id, count) in expected {
        let stats = stats(&app, id).await;
        for field in ["total", "last_day", "last_week", "last_month"] {
            assert_eq!(stats[field], count, "{field} of {id}: {stats}");
        }
        assert_eq!(daily_count_on(&stats, day), Some(count), "{stats}");
        assert_eq!(article(&app, id).await["view_count"], count);
    }
    for window in ["day", "week", "month", "all"] {
        let list = popular(&app, &format!("?window={window}")).await;
        assert_eq!(counts(&list), expected, "window={window}: {list}");
    }
    let sorted = fresh(&app, &format!("{ARTICLES}?sort=-view_count")).await;
    assert_eq!(sorted.status, 200, "{}", sorted.text);
    let by_views: Vec<(i64, i64)> = sorted.body["data"]
        .as_array()
        .expect("a page")
        .iter()
        .map(|item| (id_of(item), item["view_count"].as_i64().unwrap_or(-1)))
        .collect();
    assert_eq!(by_views, expected);
}

#[actix_web::test]
async fn a_scheduled_article_takes_views_once_its_time_has_come() {
    let app = TestApp::spawn_with(&READERS).await;
    let at = (Utc::now() + TimeDelta::seconds(2)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let scheduled = app
        .article(
            &app.admin_token,
            story("Soon", json!({"status": "published", "published_at": at})),
        )
        .await;
    let id = id_of(&scheduled);
    assert_eq!(view(&app, id, Some(BROWSERS[0])).await, 404);
    let due: chrono::DateTime<Utc> = scheduled["published_at"]
        .as_str()
        .and_then(|at| at.parse().ok())
        .expect("a published_at");
    let wait = (due + TimeDelta::milliseconds(1100) - Utc::now())
        .to_std()
        .unwrap_or_default();
    actix_web::rt::time::sleep(wait).await;
    assert_eq!(view(&app, id, Some(BROWSERS[0])).await, 202);
    settle(&app, &[(id, 1)]).await;
    assert_eq!(total(&app, id).await, 1);
}

#[actix_web::test]
async fn an_unpublished_article_stops_and_a_published_one_starts_counting_at_once() {
    let app = TestApp::spawn_with(&READERS).await;
    let leaving = published(&app, "Leaving").await;
    let coming = id_of(
        &app.article(&app.admin_token, story("Coming", json!({})))
            .await,
    );
    // Both answers are now remembered, and a flush writes in between.
    assert_eq!(view(&app, leaving, Some(BROWSERS[0])).await, 202);
    assert_eq!(view(&app, coming, Some(BROWSERS[0])).await, 404);
    settle(&app, &[(leaving, 1)]).await;
    assert_eq!(view(&app, leaving, Some(BROWSERS[0])).await, 202);
    set_status(&app, leaving, "draft").await;
    assert_eq!(view(&app, leaving, Some(BROWSERS[0])).await, 404);
    set_status(&app, coming, "published").await;
    assert_eq!(view(&app, coming, Some(BROWSERS[0])).await, 202);
    settle(&app, &[(coming, 1)]).await;
    assert_eq!(total(&app, coming).await, 1);
    let left = app.get_as(&views_of(leaving), &app.admin_token).await;
    assert_eq!(left.status, 200, "{}", left.text);
    assert_eq!(left.body["total"], 2, "{}", left.text);
}

// Statistics

#[actix_web::test]
async fn daily_buckets_cover_30_days_oldest_first_ending_today() {
    let app = TestApp::spawn_with(&READERS).await;
    let id = published(&app, "Read today").await;
    assert_eq!(view(&app, id, Some(BROWSERS[0])).await, 202);
    assert_eq!(view(&app, id, Some(BROWSERS[1])).await, 202);
    settle(&app, &[(id, 2)]).await;
    let response = fresh(&app, &views_of(id)).await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "{}",
        response.text
    );
    let daily = response.body["daily"].as_array().expect("daily buckets");
    assert_eq!(daily.len(), 30, "{}", response.text);
    let dates: Vec<NaiveDate> = daily
        .iter()
        .map(|day| {
            let date = day["date"].as_str().expect("a date");
            NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a YYYY-MM-DD date")
        })
        .collect();
    let today = today();
    let expected: Vec<NaiveDate> = (0..30)
        .rev()
        .map(|back| today - TimeDelta::days(back))
        .collect();
    assert_eq!(dates, expected);
    let counts: Vec<i64> = daily
        .iter()
        .filter_map(|day| day["count"].as_i64())
        .collect();
    let mut zeros_then_today = vec![0; 29];
    zeros_then_today.push(2);
    assert_eq!(counts, zeros_then_today);
}

#[actix_web::test]
async fn views_of_missing_draft_archived_and_scheduled_articles_are_404_or_409_to_staff() {
    let app = TestApp::spawn_with(&READERS).await;
    let (_, author) = app.user("author").await;
    let mut hidden = vec![999_999];
    for extra in [
        json!({}),
        json!({"status": "archived"}),
        json!({"status": "published", "published_at": "2099-01-01T00:00:00Z"}),
    ] {
        hidden.push(id_of(&app.article(&author, story("Hidden", extra)).await));
    }
    for id in hidden {
        let recorded = app
            .send_raw(
                Method::POST,
                &views_of(id),
                &[("User-Agent", BROWSERS[0])],
                b"",
            )
            .await;
        recorded.assert_problem(404);
        app.get(&views_of(id)).await.assert_problem(404);
        // Its author, who may open it, is told that a preview is not counted.
        let bearer = format!("Bearer {author}");
        let preview = app
            .send_raw(
                Method::POST,
                &views_of(id),
                &[("User-Agent", BROWSERS[0]), ("Authorization", &bearer)],
                b"",
            )
            .await;
        preview.assert_problem(if id == 999_999 { 404 } else { 409 });
    }
}

#[actix_web::test]
async fn a_drafts_view_stats_are_404_for_the_public_but_shown_to_its_author() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let (_, other_author) = app.user("author").await;
    let (_, editor) = app.user("editor").await;
    let draft = id_of(&app.article(&author, story("Draft", json!({}))).await);
    app.get(&views_of(draft)).await.assert_problem(404);
    app.get_as(&views_of(draft), &other_author)
        .await
        .assert_problem(404);
    for token in [&author, &editor] {
        let seen = app.get_as(&views_of(draft), token).await;
        assert_eq!(seen.status, 200, "{}", seen.text);
        assert_eq!(seen.body["total"], 0);
        assert_eq!(seen.body["last_month"], 0);
        assert_eq!(seen.body["daily"].as_array().map(Vec::len), Some(30));
        assert_eq!(
            seen.header("cache-control"),
            Some("private, no-store"),
            "a draft's numbers must not sit in a shared cache"
        );
    }
}

// Popular lists

#[actix_web::test]
async fn popular_defaults_to_the_ten_most_viewed_of_the_week() {
    let app = TestApp::spawn_with(&READERS).await;
    let mut plan = Vec::new();
    for n in 1..=12 {
        plan.push((published(&app, &format!("Story {n}")).await, n));
    }
    let views = views_of_each(&plan, &[Some(BROWSERS[0]), Some(BROWSERS[2])]);
    send_concurrently(&app, &views, 8).await;
    let expected: Vec<(i64, i64)> = plan.iter().rev().copied().collect();
    settle(&app, &expected).await;
    let default = popular(&app, "").await;
    assert_eq!(counts(&default), expected[..10], "{default}");
    assert_eq!(
        popular(&app, "?by=views&window=week&limit=10").await,
        default
    );
    assert_eq!(counts(&popular(&app, "?limit=100").await), expected);
    assert_eq!(counts(&popular(&app, "?limit=1").await), expected[..1]);
    let first = &default[0];
    assert_eq!(first["title"], "Story 12");
    assert_eq!(first["view_count"], 12);
    assert!(
        first["author"].is_object() && first["slug"].is_string(),
        "{first}"
    );
    assert!(first.get("content_html").is_none(), "a summary: {first}");
}

#[actix_web::test]
async fn each_window_counts_what_the_view_stats_show() {
    // The demo content carries a history of views over past days.
    let app = TestApp::spawn_seeded(&READERS, 8).await;
    let first = id_of(&popular(&app, "?window=all&limit=1").await[0]);
    let before = total(&app, first).await;
    assert_eq!(view(&app, first, Some(BROWSERS[0])).await, 202);
    settle(&app, &[(first, before + 1)]).await;
    for (window, field) in [
        ("day", "last_day"),
        ("week", "last_week"),
        ("month", "last_month"),
        ("all", "total"),
    ] {
        let list = popular(&app, &format!("?window={window}&limit=100")).await;
        let counts = counts(&list);
        assert!(!counts.is_empty(), "window={window}: {list}");
        assert!(
            counts.windows(2).all(|pair| pair[0].1 >= pair[1].1),
            "window={window} not most viewed first: {counts:?}"
        );
        for (id, count) in counts {
            let stats = stats(&app, id).await;
            assert_eq!(
                stats[field], count,
                "window={window}, article {id}: {stats}"
            );
        }
    }
}

#[actix_web::test]
async fn an_unpublished_article_leaves_the_popular_lists() {
    let app = TestApp::spawn_with(&READERS).await;
    let stays = published(&app, "Stays").await;
    let leaves = published(&app, "Leaves").await;
    let plan = [(leaves, 3), (stays, 2)];
    send_concurrently(&app, &views_of_each(&plan, &[Some(BROWSERS[0])]), 2).await;
    settle(&app, &[(leaves, 3), (stays, 2)]).await;
    assert_eq!(counts(&popular(&app, "?window=day").await), plan);
    let unpublished = app
        .patch_as(
            &format!("{ARTICLES}/{leaves}"),
            &app.admin_token,
            json!({"status": "draft"}),
        )
        .await;
    assert_eq!(unpublished.status, 200, "{}", unpublished.text);
    for window in ["day", "week", "month", "all"] {
        let list = popular(&app, &format!("?window={window}")).await;
        assert_eq!(counts(&list), [(stays, 2)], "window={window}");
    }
    assert_eq!(view(&app, leaves, Some(BROWSERS[0])).await, 404);
}

#[actix_web::test]
async fn popular_by_comments_counts_approved_comments() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_COMMENTS_PER_MINUTE", "1000")]).await;
    let busy = published(&app, "Busy").await;
    let quiet = published(&app, "Quiet").await;
    published(&app, "Silent").await;
    for (id, approved, pending) in [(busy, 2, 1), (quiet, 1, 2)] {
        for n in 0..approved + pending {
            let posted = app
                .comment(
                    id,
                    json!({"author_name": "Jane Reader", "author_email": "jane@example.com", "content": format!("Comment {n}.")}),
                )
                .await;
            assert_eq!(posted.status, 201, "{}", posted.text);
            if n < approved {
                let moderated = app
                    .patch_as(
                        &format!("{COMMENTS}/{}", id_of(&posted.body)),
                        &app.admin_token,
                        json!({"status": "approved"}),
                    )
                    .await;
                assert_eq!(moderated.status, 200, "{}", moderated.text);
            }
        }
    }
    for window in ["day", "week", "month", "all"] {
        let list = popular(&app, &format!("?by=comments&window={window}")).await;
        assert_eq!(
            counts(&list)[..2],
            [(busy, 2), (quiet, 1)],
            "window={window}: {list}"
        );
        assert_eq!(list[0]["comment_count"], 2);
    }
}

#[actix_web::test]
async fn popular_rejects_an_unknown_by_or_window_and_a_limit_outside_1_to_100() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("by=likes", "by"),
        ("window=year", "window"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("by=views&window=forever", "window"),
    ] {
        let response = app.get(&format!("{POPULAR}?{query}")).await;
        assert_eq!(
            response.error_fields(),
            [field],
            "{query}: {}",
            response.text
        );
    }
    assert_eq!(
        popular(&app, "?by=comments&window=all&limit=100").await,
        json!([])
    );
}

// A graceful stop

/// The id and `view_count` of the newest public article.
fn newest_article(server: &Server) -> (i64, i64) {
    let (status, list) = server.request("GET", &format!("{ARTICLES}?per_page=1"), None, None);
    assert_eq!(status, 200, "{list}");
    let first = &list["data"][0];
    (
        id_of(first),
        first["view_count"].as_i64().expect("a view_count"),
    )
}

fn view_count(server: &Server, id: i64) -> i64 {
    let (status, article) = server.request("GET", &format!("{ARTICLES}/{id}"), None, None);
    assert_eq!(status, 200, "{article}");
    article["view_count"].as_i64().expect("a view_count")
}

/// Views buffered when the signal arrives are written before the process exits.
fn buffered_views_survive_a_stop_by(signal: &str) {
    const VIEWS: i64 = 500;
    let work = Workdir::new();
    let database = work.database_url();
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        // Nothing is written while the test runs: only the stop can write the views.
        ("VIEW_FLUSH_INTERVAL_MS", "60000"),
        ("TRUSTED_PROXIES", "1"),
    ];
    let seeded = work.run(&["seed", "--demo", "--articles", "5"], &settings[..1], "");
    assert!(seeded.status.success(), "stderr: {}", seeded.stderr);
    let server = work.serve(&settings);
    let (id, before) = newest_article(&server);
    let path = views_of(id);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..VIEWS / 4 {
                    let (status, body) = server.request_with(
                        "POST",
                        &path,
                        &[
                            ("User-Agent", BROWSERS[0]),
                            ("X-Forwarded-For", &next_reader()),
                        ],
                        None,
                    );
                    assert_eq!(status, 202, "{body}");
                }
            });
        }
    });
    assert_eq!(
        view_count(&server, id),
        before,
        "the views were written before the stop; serve stderr: {}",
        server.stderr()
    );
    let status = server.stop_with(signal);
    assert!(
        status.success(),
        "serve exited with {status} on SIG{signal}"
    );
    let server = work.serve(&settings);
    assert_eq!(
        view_count(&server, id),
        before + VIEWS,
        "views lost on SIG{signal}"
    );
    let (status, stats) = server.request("GET", &path, None, None);
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["total"], before + VIEWS, "{stats}");
}

#[test]
fn buffered_views_are_written_when_sigterm_stops_the_server() {
    buffered_views_survive_a_stop_by("TERM");
}

#[test]
fn buffered_views_are_written_when_sigint_stops_the_server() {
    buffered_views_survive_a_stop_by("INT");
}

/// The count in the database file itself, read by another connection than the server's.
fn stored_view_count(database: &str, id: i64) -> i64 {
    use diesel::prelude::*;
    let mut conn = diesel::SqliteConnection::establish(database).expect("the database opens");
    newsroom::db::schema::articles::table
        .find(id)
        .select(newsroom::db::schema::articles::view_count)
        .first(&mut conn)
        .expect("the article")
}

/// A periodic flush while the server runs reaches the file itself, for every other reader
/// (backups, reports), not only the server's own answers.
#[test]
fn views_flushed_while_serving_are_in_the_file_for_other_readers() {
    let work = Workdir::new();
    let database = work.database_url();
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("VIEW_FLUSH_INTERVAL_MS", "100"),
    ];
    let seeded = work.run(&["seed", "--demo", "--articles", "3"], &settings[..1], "");
    assert!(seeded.status.success(), "stderr: {}", seeded.stderr);
    let server = work.serve(&settings);
    let (id, _) = newest_article(&server);
    // Readers open the file while the server runs, as backups and reports do.
    let before = stored_view_count(&database, id);
    let (status, _) = server.request_with(
        "POST",
        &format!("{ARTICLES}/{id}/views"),
        &[("User-Agent", BROWSERS[0])],
        None,
    );
    assert_eq!(status, 202);
    let deadline = Instant::now() + Duration::from_secs(5);
    while stored_view_count(&database, id) == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(stored_view_count(&database, id), before + 1);
}
