//! Page endpoints (`/pages/...`): each answers what a page of the news site shows in one
//! response, equal to what the per-resource endpoints answer for the same parts; and the
//! reference site served at `/` (`SERVE_SITE_DIR`, `serve --demo`).

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::binary::Workdir;

const PAGES: &str = "/api/v1/pages";

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["id"].as_i64().expect("an id"))
        .collect()
}

/// The body of a `200` from a per-resource endpoint.
async fn resource(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status, 200, "{path}: {}", response.text);
    response.body
}

async fn page(app: &TestApp, path: &str) -> Value {
    let response = app.get(&format!("{PAGES}{path}")).await;
    assert_eq!(response.status, 200, "{path}: {}", response.text);
    response.body
}

/// The header's navigation and the sidebar are the lists the per-resource endpoints give.
async fn assert_chrome(app: &TestApp, page: &Value) {
    let mut categories = ids(&resource(app, "/api/v1/categories?per_page=100").await["data"]);
    categories.sort_unstable();
    assert_eq!(
        ids(&page["navigation"]),
        categories,
        "navigation: every category, by id"
    );
    let sidebar = &page["sidebar"];
    let trending = resource(app, "/api/v1/articles/popular?by=views&window=week&limit=5").await;
    assert_eq!(sidebar["trending"], trending);
    let commented = resource(
        app,
        "/api/v1/articles/popular?by=comments&window=week&limit=5",
    )
    .await;
    assert_eq!(sidebar["most_commented"], commented);
    let latest = resource(app, "/api/v1/articles?per_page=5").await;
    assert_eq!(sidebar["latest"], latest["data"]);
}

#[actix_web::test]
async fn the_home_page_holds_the_lists_of_the_home_page() {
    let app = TestApp::spawn_seeded(&[], 40).await;
    let home = page(&app, "/home").await;
    assert_chrome(&app, &home).await;
    let latest = resource(&app, "/api/v1/articles?per_page=10").await;
    assert_eq!(home["latest"], latest["data"]);
    let featured = resource(&app, "/api/v1/articles?featured=true&per_page=5").await;
    assert_eq!(home["featured"], featured["data"]);
    let sections = home["sections"].as_array().expect("sections");
    assert!(!sections.is_empty(), "the demo's categories have articles");
    for section in sections {
        let category = &section["category"];
        assert!(category["parent_id"].is_null(), "only top-level categories");
        let slug = category["slug"].as_str().expect("a slug");
        let newest = resource(
            &app,
            &format!("/api/v1/articles?category={slug}&per_page=4"),
        )
        .await;
        assert_eq!(section["articles"], newest["data"], "the section of {slug}");
    }
    // Every top-level category with articles has its section, in navigation order.
    let mut wanted = Vec::new();
    for category in home["navigation"].as_array().expect("navigation") {
        let slug = category["slug"].as_str().expect("a slug");
        let any = resource(
            &app,
            &format!("/api/v1/articles?category={slug}&per_page=1"),
        )
        .await;
        if category["parent_id"].is_null() && any["meta"]["total"].as_i64() > Some(0) {
            wanted.push(category["id"].as_i64().expect("an id"));
        }
    }
    let shown: Vec<i64> = sections
        .iter()
        .map(|section| section["category"]["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(shown, wanted);
}

#[actix_web::test]
async fn an_article_page_is_the_eight_requests_of_an_article_page_in_one() {
    let app = TestApp::spawn_seeded(&[], 30).await;
    let article = app.published_article().await;
    let id = article["id"].as_i64().expect("an id");
    let slug = article["slug"].as_str().expect("a slug");
    let comments = format!("/api/v1/articles/{id}/comments");
    let token = app.admin_token.clone();
    let first = app
        .post_as(
            &comments,
            &token,
            json!({"author_name": "Ann", "author_email": "ann@example.com", "content": "First."}),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let reply = json!({"author_name": "Bo", "author_email": "bo@example.com", "content": "A reply.", "parent_id": first.body["id"]});
    assert_eq!(app.post_as(&comments, &token, reply).await.status, 201);

    let found = page(&app, &format!("/article/{slug}")).await;
    assert_eq!(
        found["article"],
        resource(&app, &format!("/api/v1/articles/slug/{slug}")).await
    );
    assert!(found["article"]["content_html"].is_string());
    assert!(found["article"]["seo"]["canonical_url"].is_string());
    assert_eq!(
        found["adjacent"],
        resource(&app, &format!("/api/v1/articles/{id}/adjacent")).await
    );
    assert!(
        found["adjacent"]["previous"]["id"].is_i64(),
        "the demo has older articles"
    );
    assert_eq!(
        found["related"],
        resource(&app, &format!("/api/v1/articles/{id}/related?limit=5")).await
    );
    assert_eq!(
        found["comments"],
        resource(&app, &format!("{comments}?per_page=100")).await
    );
    assert_eq!(found["comments"]["meta"]["total"], 2);
    assert_eq!(found["comments"]["data"][1]["parent_id"], first.body["id"]);
    assert_chrome(&app, &found).await;
}

#[actix_web::test]
async fn a_draft_article_page_is_a_404_to_the_public_and_a_preview_to_staff() {
    let app = TestApp::spawn().await;
    let token = app.admin_token.clone();
    let draft = app
        .article(
            &token,
            json!({"title": "Not yet", "content": "<p>Soon.</p>"}),
        )
        .await;
    let path = format!(
        "{PAGES}/article/{}",
        draft["slug"].as_str().expect("a slug")
    );
    app.get(&path).await.assert_problem(404);
    let preview = app.get_as(&path, &token).await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert_eq!(preview.body["article"]["status"], "draft");
    assert_eq!(preview.body["comments"]["meta"]["total"], 0);
}

#[actix_web::test]
async fn a_bad_token_on_an_article_page_is_a_401_problem() {
    let app = TestApp::spawn().await;
    let article = app.published_article().await;
    let path = format!(
        "{PAGES}/article/{}",
        article["slug"].as_str().expect("a slug")
    );
    app.get_as(&path, "not-a-token").await.assert_problem(401);
}

#[actix_web::test]
async fn an_unknown_slug_is_a_404_problem_on_every_page() {
    let app = TestApp::spawn_seeded(&[], 5).await;
    for path in ["article", "category", "tag", "author"] {
        let response = app.get(&format!("{PAGES}/{path}/no-such-slug")).await;
        response.assert_problem(404);
    }
}

#[actix_web::test]
async fn listing_pages_are_the_lists_of_their_category_tag_and_author() {
    let app = TestApp::spawn_seeded(&[], 60).await;
    let home = page(&app, "/home").await;
    let category = home["sections"][0]["category"]["slug"]
        .as_str()
        .expect("a slug")
        .to_owned();
    let author = home["latest"][0]["author"]["slug"]
        .as_str()
        .expect("an author")
        .to_owned();
    let token = app.admin_token.clone();
    let tag = app
        .post_as("/api/v1/tags", &token, json!({"name": "Harbour"}))
        .await;
    assert_eq!(tag.status, 201, "{}", tag.text);
    for n in 0..3 {
        app.article(&token, json!({"title": format!("Harbour news {n}"), "content": "<p>Boats.</p>", "status": "published", "tags": ["harbour"]})).await;
    }
    let cases = [
        ("category", category.as_str(), "category"),
        ("tag", "harbour", "tag"),
        ("author", author.as_str(), "author"),
    ];
    for (kind, slug, filter) in cases {
        let found = page(&app, &format!("/{kind}/{slug}?page=2&per_page=2")).await;
        assert_eq!(found[kind]["slug"], slug, "{kind}");
        let list = resource(
            &app,
            &format!("/api/v1/articles?{filter}={slug}&page=2&per_page=2"),
        )
        .await;
        assert_eq!(found["articles"], list, "{kind} {slug}");
        assert_eq!(found["articles"]["meta"]["page"], 2);
        assert!(
            found["articles"]["meta"]["total"].as_i64() >= Some(3),
            "{kind}"
        );
        assert_chrome(&app, &found).await;
    }
    let bad = app
        .get(&format!("{PAGES}/category/{category}?per_page=0"))
        .await;
    bad.assert_problem(422);
    assert_eq!(bad.error_fields(), ["per_page"]);
}

#[actix_web::test]
async fn the_search_page_is_the_search_with_its_page() {
    let app = TestApp::spawn_seeded(&[], 40).await;
    let token = app.admin_token.clone();
    app.article(&token, json!({"title": "Monterey port expansion", "content": "<p>The council voted.</p>", "status": "published"})).await;
    let found = page(&app, "/search?q=montere").await;
    assert_eq!(found["query"], "montere");
    assert_eq!(
        found["results"],
        resource(&app, "/api/v1/search?q=montere").await
    );
    assert_eq!(
        found["results"]["data"][0]["title"],
        "Monterey port expansion"
    );
    assert!(
        found["results"]["data"][0]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("<mark>"))
    );
    assert_chrome(&app, &found).await;
    let missing = app.get(&format!("{PAGES}/search")).await;
    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["q"]);
}

#[actix_web::test]
async fn a_page_is_cached_revalidated_and_fresh_after_a_publish() {
    let app = TestApp::spawn_seeded(&[], 10).await;
    let first = app.get(&format!("{PAGES}/home")).await;
    let etag = first.header("etag").expect("an etag").to_owned();
    assert!(
        first
            .header("cache-control")
            .is_some_and(|c| c.contains("max-age"))
    );
    let again = app
        .send_raw(
            Method::GET,
            &format!("{PAGES}/home"),
            &[("If-None-Match", &etag)],
            b"",
        )
        .await;
    assert_eq!(again.status, 304);
    let published = app.published_article().await;
    let after = page(&app, "/home").await;
    assert_eq!(
        after["latest"][0]["id"], published["id"],
        "a publish shows at once"
    );
}

/// A built site in a folder: `index.html` and a hashed asset, as `vite build` leaves them.
fn built_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Site</title><div id=app></div>",
    )
    .expect("index.html");
    std::fs::create_dir(dir.path().join("assets")).expect("assets/");
    std::fs::write(
        dir.path().join("assets/main-3f9a1c.js"),
        "console.log('site')",
    )
    .expect("a script");
    dir
}

#[actix_web::test]
async fn the_built_site_is_served_at_the_root_beside_the_api() {
    let site = built_site();
    let dir = site.path().to_string_lossy().into_owned();
    let app = TestApp::spawn_with(&[("SERVE_SITE_DIR", &dir)]).await;
    // Every page address is the site's `index.html`: the site routes in the browser.
    for path in [
        "/",
        "/world-news/some-story",
        "/category/world-news",
        "/search?q=port",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, 200, "{path}");
        assert!(
            response
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{path}"
        );
        assert!(
            response.text.contains("<div id=app>"),
            "{path}: {}",
            response.text
        );
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{path}");
    }
    let script = app.get("/assets/main-3f9a1c.js").await;
    assert_eq!(script.status, 200);
    assert_eq!(script.text, "console.log('site')");
    assert!(
        script
            .header("cache-control")
            .is_some_and(|c| c.contains("immutable"))
    );
    // What is not a page stays a problem: a missing file, and the API's own addresses.
    app.get("/assets/missing-000000.js")
        .await
        .assert_problem(404);
    app.get("/api/v1/no-such-thing").await.assert_problem(404);
    app.get("/api/v2/articles").await.assert_problem(404);
    let api = app.get(&format!("{PAGES}/home")).await;
    assert_eq!(api.status, 200);
    assert!(api.body["navigation"].is_array());
    assert_eq!(app.get("/health").await.status, 200);
    assert_eq!(app.get("/docs/").await.status, 200);
}

#[actix_web::test]
async fn without_a_site_the_root_is_not_found_and_an_unbuilt_one_says_how_to_build_it() {
    let app = TestApp::spawn().await;
    app.get("/").await.assert_problem(404);
    app.get("/world-news/some-story").await.assert_problem(404);

    let empty = tempfile::tempdir().expect("a folder");
    let dir = empty.path().to_string_lossy().into_owned();
    let app = TestApp::spawn_with(&[("SERVE_SITE_DIR", &dir)]).await;
    let root = app.get("/").await;
    assert_eq!(root.status, 200);
    assert!(
        root.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    assert!(root.text.contains("npm run build"), "{}", root.text);
    assert!(root.text.contains("examples/news-site"), "{}", root.text);
}

#[test]
fn serve_demo_serves_the_site_at_the_root() {
    let site = built_site();
    let work = Workdir::new();
    let tmp = work.path().to_string_lossy().into_owned();
    let dir = site.path().to_string_lossy().into_owned();
    let settings = [("TMPDIR", tmp.as_str()), ("SERVE_SITE_DIR", dir.as_str())];
    let server = work.serve_with(&["serve", "--demo", "--articles", "5"], &settings);
    let (status, _) = server.request("GET", "/world-news/a-story", None, None);
    assert_eq!(status, 200);
    let (status, home) = server.request("GET", "/api/v1/pages/home", None, None);
    assert_eq!(status, 200);
    assert!(
        home["navigation"]
            .as_array()
            .is_some_and(|list| list.len() == 9)
    );
    assert!(
        server
            .stdout()
            .contains(&format!("News site at http://127.0.0.1:{}/", server.port))
    );
    // A production `serve` shows no site unless it is asked to.
    let plain = work.serve(&[("JWT_SECRET", crate::common::JWT_SECRET), ("SITE_URL", "")]);
    let (status, problem) = plain.request("GET", "/", None, None);
    assert_eq!(status, 404);
    assert_eq!(problem["status"], 404);
}
