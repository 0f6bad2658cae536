//! `/feeds/rss`, `/feeds/atom`, `/sitemap.xml`, `/sitemaps/articles-{n}.xml` and
//! `/sitemap-news.xml`: parsed by independent parsers (Python's feedparser and
//! ElementTree, through `TEST_PYTHON`), as feed readers and crawlers would.

use serde_json::{Value, json};

use crate::common::{SITE_URL, TestApp, python};

/// feedparser's view of a feed: what readers rely on.
const FEEDPARSER: &str = r#"
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": int(d.bozo),
    "error": str(d.get("bozo_exception", "")),
    "version": d.version,
    "title": d.feed.get("title"),
    "link": d.feed.get("link"),
    "language": d.feed.get("language"),
    "self": [l.get("href") for l in d.feed.get("links", []) if l.get("rel") == "self"],
    "entries": [{
        "title": e.get("title"),
        "link": e.get("link"),
        "id": e.get("id"),
        "author": e.get("author"),
        "tags": [t.get("term") for t in e.get("tags", [])],
        "summary": e.get("summary"),
        "content": [c.get("value") for c in e.get("content", [])],
        "published": e.get("published_parsed") is not None,
        "updated": e.get("updated_parsed") is not None,
        "images": [m.get("url") for m in e.get("media_content", [])]
            + [l.get("href") for l in e.get("links", []) if l.get("rel") == "enclosure"],
    } for e in d.entries],
}))
"#;

/// ElementTree's view of an XML document: every element with its (namespaced) tag, text and
/// children, and the document's size.
const ELEMENT_TREE: &str = r#"
import json, sys, xml.etree.ElementTree as ET
data = sys.stdin.buffer.read()
def tree(e):
    return {"tag": e.tag, "text": (e.text or "").strip(), "children": [tree(c) for c in e]}
print(json.dumps({"bytes": len(data), "root": tree(ET.fromstring(data))}))
"#;

const SITEMAP: &str = "{http://www.sitemaps.org/schemas/sitemap/0.9}";
const NEWS: &str = "{http://www.google.com/schemas/sitemap-news/0.9}";

async fn fetch_feed(app: &TestApp, path: &str, content_type: &str) -> Option<Value> {
    let response = app.get(path).await;
    assert_eq!(response.status, 200, "{path}: {}", response.text);
    assert_eq!(response.header("content-type"), Some(content_type));
    let feed = python(FEEDPARSER, &response.bytes)?;
    assert_eq!(feed["bozo"], 0, "{path}: {}", feed["error"]);
    Some(feed)
}

async fn fetch_xml(app: &TestApp, path: &str) -> Option<Value> {
    let response = app.get(path).await;
    assert_eq!(response.status, 200, "{path}: {}", response.text);
    assert_eq!(
        response.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    python(ELEMENT_TREE, &response.bytes)
}

fn titles(feed: &Value) -> Vec<String> {
    feed["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn children<'a>(element: &'a Value, tag: &str) -> Vec<&'a Value> {
    element["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter(|child| child["tag"] == tag)
        .collect()
}

fn text_of(element: &Value, tag: &str) -> String {
    children(element, tag)
        .first()
        .map(|child| child["text"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// `2026-11-30T08:00:00Z`: a W3C datetime to the second, in UTC.
fn is_w3c_datetime(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.len() == 20 && text.ends_with('Z')
}

async fn publish(app: &TestApp, body: Value) -> Value {
    let mut body = body;
    body["status"] = json!("published");
    if body.get("content").is_none() {
        body["content"] = json!("<p>Something happened at the port.</p>");
    }
    app.article(&app.admin_token, body).await
}

#[actix_web::test]
async fn the_rss_feed_lists_published_articles_newest_first_as_rss_2() {
    let app = TestApp::spawn_with(&[("SITE_NAME", "The Daily Example")]).await;
    let category = app.category(json!({"name": "World"})).await;
    publish(
        &app,
        json!({"title": "Older story", "published_at": "2026-01-01T08:00:00Z", "category_id": category["id"]}),
    )
    .await;
    let newer = publish(&app, json!({"title": "Ports & \"harbours\" <reopen>"})).await;
    let Some(feed) = fetch_feed(
        &app,
        "/api/v1/feeds/rss",
        "application/rss+xml; charset=utf-8",
    )
    .await
    else {
        return;
    };
    assert_eq!(feed["version"], "rss20");
    assert_eq!(feed["title"], "The Daily Example");
    assert_eq!(feed["link"], SITE_URL);
    assert_eq!(feed["language"], "en");
    let self_link = feed["self"][0].as_str().expect("an atom:link rel=self");
    assert!(self_link.starts_with("http://127.0.0.1:"), "{self_link}");
    assert!(self_link.ends_with("/api/v1/feeds/rss"), "{self_link}");
    assert_eq!(
        titles(&feed),
        ["Ports & \"harbours\" <reopen>", "Older story"]
    );
    let entry = &feed["entries"][0];
    assert_eq!(
        entry["link"],
        format!(
            "{SITE_URL}/uncategorized/{}",
            newer["slug"].as_str().unwrap_or_default()
        )
    );
    assert_eq!(
        entry["id"],
        format!(
            "tag:news.example.com,{}:article:{}",
            &newer["created_at"].as_str().unwrap_or_default()[..10],
            newer["id"]
        )
    );
    assert_eq!(entry["author"], "Test Admin");
    assert_eq!(entry["published"], true);
    assert!(
        entry["content"][0]
            .as_str()
            .is_some_and(|html| html.contains("<p>Something happened")),
        "{entry}"
    );
    assert_eq!(feed["entries"][1]["tags"], json!(["World"]));
    assert_eq!(
        feed["entries"][1]["link"],
        format!("{SITE_URL}/world/older-story")
    );
}

#[actix_web::test]
async fn the_atom_feed_carries_the_same_articles_as_atom_1() {
    let app = TestApp::spawn().await;
    let tag = app
        .post_as("/api/v1/tags", &app.admin_token, json!({"name": "Kherson"}))
        .await;
    assert_eq!(tag.status, 201, "{}", tag.text);
    let article = publish(
        &app,
        json!({"title": "Front line moves", "tags": ["kherson"], "excerpt": "The short of it.",
               "featured_image": {"url": "https://images.example.com/front.jpg", "alt": "The front"}}),
    )
    .await;
    let Some(feed) = fetch_feed(
        &app,
        "/api/v1/feeds/atom",
        "application/atom+xml; charset=utf-8",
    )
    .await
    else {
        return;
    };
    assert_eq!(feed["version"], "atom10");
    assert_eq!(feed["title"], "Newsroom");
    assert_eq!(titles(&feed), ["Front line moves"]);
    let entry = &feed["entries"][0];
    assert_eq!(
        entry["link"],
        format!(
            "{SITE_URL}/uncategorized/{}",
            article["slug"].as_str().unwrap_or_default()
        )
    );
    assert!(
        entry["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("tag:news.example.com,"))
    );
    assert_eq!(entry["author"], "Test Admin");
    assert_eq!(entry["tags"], json!(["kherson"]));
    assert_eq!(entry["summary"], "The short of it.");
    assert_eq!(entry["updated"], true);
    assert_eq!(
        entry["images"],
        json!(["https://images.example.com/front.jpg"])
    );
}

#[actix_web::test]
async fn a_library_image_in_a_feed_is_an_absolute_address_on_the_site() {
    let app = TestApp::spawn().await;
    let media = app
        .media(&app.admin_token, &crate::media::jpeg(320, 200))
        .await;
    publish(
        &app,
        json!({"title": "Pictured", "featured_image": media["id"]}),
    )
    .await;
    let url = format!("{SITE_URL}{}", media["url"].as_str().unwrap_or_default());
    for (path, content_type) in [
        ("/api/v1/feeds/rss", "application/rss+xml; charset=utf-8"),
        ("/api/v1/feeds/atom", "application/atom+xml; charset=utf-8"),
    ] {
        let Some(feed) = fetch_feed(&app, path, content_type).await else {
            return;
        };
        assert_eq!(feed["entries"][0]["images"], json!([url]), "{path}");
    }
}

#[actix_web::test]
async fn drafts_scheduled_and_archived_articles_never_appear() {
    let app = TestApp::spawn().await;
    publish(&app, json!({"title": "Public story"})).await;
    app.article(
        &app.admin_token,
        json!({"title": "A draft", "content": "<p>x</p>"}),
    )
    .await;
    publish(
        &app,
        json!({"title": "Scheduled", "published_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    let archived = publish(&app, json!({"title": "Archived"})).await;
    let patched = app
        .patch_as(
            &format!("/api/v1/articles/{}", archived["id"]),
            &app.admin_token,
            json!({"status": "archived"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    for path in ["/api/v1/feeds/rss", "/api/v1/feeds/atom"] {
        let response = app.get(path).await;
        assert!(response.text.contains("Public story"));
        for hidden in ["A draft", "Scheduled", "Archived"] {
            assert!(!response.text.contains(hidden), "{path} shows {hidden}");
        }
    }
    for path in [
        "/api/v1/sitemaps/articles-1.xml",
        "/api/v1/sitemap-news.xml",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.text.matches("<url>").count(), 1, "{path}");
    }
}

#[actix_web::test]
async fn filters_take_a_category_with_its_children_a_tag_or_an_author() {
    let app = TestApp::spawn().await;
    let world = app.category(json!({"name": "World"})).await;
    let europe = app
        .category(json!({"name": "Europe", "parent_id": world["id"]}))
        .await;
    let sport = app.category(json!({"name": "Sport"})).await;
    let tag = app
        .post_as(
            "/api/v1/tags",
            &app.admin_token,
            json!({"name": "Elections"}),
        )
        .await;
    assert_eq!(tag.status, 201);
    let (author_id, author_token) = app.user("author").await;
    let author_slug = app.get(&format!("/api/v1/authors/{author_id}")).await.body["slug"]
        .as_str()
        .expect("an author slug")
        .to_owned();
    publish(
        &app,
        json!({"title": "In world", "category_id": world["id"]}),
    )
    .await;
    publish(
        &app,
        json!({"title": "In europe", "category_id": europe["id"], "tags": ["elections"]}),
    )
    .await;
    publish(
        &app,
        json!({"title": "In sport", "category_id": sport["id"]}),
    )
    .await;
    app.article(
        &author_token,
        json!({"title": "By the author", "content": "<p>x</p>", "status": "published"}),
    )
    .await;

    let expectations = [
        ("category=world", vec!["In europe", "In world"]),
        (
            &format!("category={}", world["id"]) as &str,
            vec!["In europe", "In world"],
        ),
        ("category=europe", vec!["In europe"]),
        ("tag=elections", vec!["In europe"]),
        (&format!("tag={}", tag.body["id"]), vec!["In europe"]),
        (&format!("author={author_slug}"), vec!["By the author"]),
        (&format!("author={author_id}"), vec!["By the author"]),
        ("category=world&tag=elections", vec!["In europe"]),
    ];
    for (query, expected) in expectations {
        let Some(feed) = fetch_feed(
            &app,
            &format!("/api/v1/feeds/atom?{query}"),
            "application/atom+xml; charset=utf-8",
        )
        .await
        else {
            return;
        };
        assert_eq!(titles(&feed), expected, "{query}");
    }
    let Some(feed) = fetch_feed(
        &app,
        "/api/v1/feeds/rss?category=world",
        "application/rss+xml; charset=utf-8",
    )
    .await
    else {
        return;
    };
    assert_eq!(feed["title"], "Newsroom — World");
    assert!(
        feed["self"][0]
            .as_str()
            .is_some_and(|link| link.ends_with("/api/v1/feeds/rss?category=world"))
    );
}

#[actix_web::test]
async fn an_unknown_filter_is_a_404_problem() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/feeds/rss?category=nowhere",
        "/api/v1/feeds/atom?tag=nothing",
        "/api/v1/feeds/rss?author=nobody",
        "/api/v1/feeds/atom?author=999999",
    ] {
        let problem = app.get(path).await;
        let body = problem.assert_problem(404);
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("not found")),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn feed_content_excerpt_leaves_the_content_out() {
    let app = TestApp::spawn_with(&[("FEED_CONTENT", "excerpt")]).await;
    publish(
        &app,
        json!({"title": "Short", "excerpt": "Only this.", "content": "<p>The secret whole story.</p>"}),
    )
    .await;
    for path in ["/api/v1/feeds/rss", "/api/v1/feeds/atom"] {
        let response = app.get(path).await;
        assert_eq!(response.status, 200);
        assert!(response.text.contains("Only this."), "{path}");
        assert!(!response.text.contains("secret whole story"), "{path}");
    }
    let Some(feed) = fetch_feed(
        &app,
        "/api/v1/feeds/rss",
        "application/rss+xml; charset=utf-8",
    )
    .await
    else {
        return;
    };
    assert_eq!(feed["entries"][0]["content"], json!([]));
    assert_eq!(feed["entries"][0]["summary"], "Only this.");
}

#[actix_web::test]
async fn feeds_and_sitemaps_revalidate_with_etags_and_show_a_publish_at_once() {
    let app = TestApp::spawn().await;
    publish(&app, json!({"title": "First"})).await;
    for path in [
        "/api/v1/feeds/rss",
        "/api/v1/feeds/atom",
        "/api/v1/sitemap.xml",
        "/api/v1/sitemaps/articles-1.xml",
        "/api/v1/sitemap-news.xml",
    ] {
        let first = app.get(path).await;
        assert_eq!(first.status, 200);
        let etag = first.header("etag").expect("an ETag").to_owned();
        assert!(
            first
                .header("cache-control")
                .is_some_and(|value| value.starts_with("public, max-age=")),
            "{path}"
        );
        let again = app
            .send_raw(
                actix_web::http::Method::GET,
                path,
                &[("If-None-Match", &etag)],
                b"",
            )
            .await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.bytes.is_empty());
        let zipped = app
            .send_raw(
                actix_web::http::Method::GET,
                path,
                &[("Accept-Encoding", "gzip")],
                b"",
            )
            .await;
        assert_eq!(zipped.text, first.text, "{path} gzipped");
        assert_eq!(zipped.header("content-type"), first.header("content-type"));
    }
    let before = app.get("/api/v1/feeds/rss").await;
    publish(&app, json!({"title": "Second"})).await;
    for path in [
        "/api/v1/feeds/rss",
        "/api/v1/feeds/atom",
        "/api/v1/sitemap-news.xml",
    ] {
        let after = app.get(path).await;
        assert!(after.text.contains("Second"), "{path} is stale");
    }
    let after = app.get("/api/v1/feeds/rss").await;
    assert_ne!(after.header("etag"), before.header("etag"));
}

#[actix_web::test]
async fn without_site_url_feeds_and_sitemaps_are_404_saying_why() {
    let app = TestApp::spawn_with(&[("SITE_URL", "")]).await;
    publish(&app, json!({"title": "Anything"})).await;
    for path in [
        "/api/v1/feeds/rss",
        "/api/v1/feeds/atom?category=nowhere",
        "/api/v1/sitemap.xml",
        "/api/v1/sitemaps/articles-1.xml",
        "/api/v1/sitemap-news.xml",
    ] {
        let problem = app.get(path).await;
        let body = problem.assert_problem(404);
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("SITE_URL is not set")),
            "{path}: {body}"
        );
    }
}

#[actix_web::test]
async fn the_sitemap_index_pages_article_addresses_by_sitemap_page_size() {
    let app = TestApp::spawn_with(&[
        ("SITEMAP_PAGE_SIZE", "2"),
        ("API_URL", "https://api.news.example.com"),
    ])
    .await;
    for n in 0..5 {
        publish(&app, json!({"title": format!("Story number {n}")})).await;
    }
    let Some(index) = fetch_xml(&app, "/api/v1/sitemap.xml").await else {
        return;
    };
    assert_eq!(index["root"]["tag"], format!("{SITEMAP}sitemapindex"));
    let locs: Vec<String> = children(&index["root"], &format!("{SITEMAP}sitemap"))
        .iter()
        .map(|sitemap| text_of(sitemap, &format!("{SITEMAP}loc")))
        .collect();
    assert_eq!(
        locs,
        (1..=3)
            .map(|n| format!("https://api.news.example.com/api/v1/sitemaps/articles-{n}.xml"))
            .collect::<Vec<_>>()
    );
    let mut seen = Vec::new();
    for n in 1..=3 {
        let Some(page) = fetch_xml(&app, &format!("/api/v1/sitemaps/articles-{n}.xml")).await
        else {
            return;
        };
        assert_eq!(page["root"]["tag"], format!("{SITEMAP}urlset"));
        assert!(
            page["bytes"]
                .as_u64()
                .is_some_and(|b| b <= 50 * 1024 * 1024)
        );
        let urls = children(&page["root"], &format!("{SITEMAP}url"));
        assert!(!urls.is_empty() && urls.len() <= 2, "page {n}");
        for url in urls {
            let loc = text_of(url, &format!("{SITEMAP}loc"));
            assert!(
                loc.starts_with(&format!("{SITE_URL}/uncategorized/story-number-")),
                "{loc}"
            );
            let lastmod = text_of(url, &format!("{SITEMAP}lastmod"));
            assert!(is_w3c_datetime(&lastmod), "{lastmod}");
            seen.push(loc);
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(
        seen.first()
            .is_some_and(|loc| loc.ends_with("story-number-0"))
    );
    for past in [
        "/api/v1/sitemaps/articles-4.xml",
        "/api/v1/sitemaps/articles-0.xml",
        "/api/v1/sitemaps/articles-x.xml",
    ] {
        app.get(past).await.assert_problem(404);
    }
}

#[actix_web::test]
async fn an_empty_site_has_one_empty_sitemap_page_and_the_index_names_the_asked_host() {
    let app = TestApp::spawn().await;
    let Some(index) = fetch_xml(&app, "/api/v1/sitemap.xml").await else {
        return;
    };
    let sitemaps = children(&index["root"], &format!("{SITEMAP}sitemap"));
    assert_eq!(sitemaps.len(), 1);
    let loc = text_of(sitemaps[0], &format!("{SITEMAP}loc"));
    assert!(
        loc.starts_with("http://127.0.0.1:") && loc.ends_with("/api/v1/sitemaps/articles-1.xml"),
        "{loc}"
    );
    let Some(page) = fetch_xml(&app, "/api/v1/sitemaps/articles-1.xml").await else {
        return;
    };
    assert!(children(&page["root"], &format!("{SITEMAP}url")).is_empty());
}

#[actix_web::test]
async fn the_news_sitemap_lists_the_last_48_hours_newest_first() {
    let app = TestApp::spawn_with(&[
        ("SITE_NAME", "The Daily Example"),
        ("SITE_LANGUAGE", "pt-BR"),
    ])
    .await;
    let now = chrono::Utc::now();
    let at = |hours: i64| {
        (now - chrono::Duration::hours(hours))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    publish(
        &app,
        json!({"title": "Three days old", "published_at": at(72)}),
    )
    .await;
    publish(&app, json!({"title": "A day old", "published_at": at(24)})).await;
    publish(
        &app,
        json!({"title": "Fresh & <new>", "published_at": at(1)}),
    )
    .await;
    let Some(news) = fetch_xml(&app, "/api/v1/sitemap-news.xml").await else {
        return;
    };
    assert_eq!(news["root"]["tag"], format!("{SITEMAP}urlset"));
    let urls = children(&news["root"], &format!("{SITEMAP}url"));
    assert!(urls.len() <= 1000);
    let mut titles = Vec::new();
    for url in &urls {
        assert!(text_of(url, &format!("{SITEMAP}loc")).starts_with(SITE_URL));
        let item = children(url, &format!("{NEWS}news"));
        let item = item.first().expect("news:news");
        let publication = children(item, &format!("{NEWS}publication"));
        let publication = publication.first().expect("news:publication");
        assert_eq!(
            text_of(publication, &format!("{NEWS}name")),
            "The Daily Example"
        );
        assert_eq!(text_of(publication, &format!("{NEWS}language")), "pt-BR");
        let date = text_of(item, &format!("{NEWS}publication_date"));
        assert!(is_w3c_datetime(&date), "{date}");
        let age = now
            - chrono::DateTime::parse_from_rfc3339(&date)
                .expect("a date")
                .to_utc();
        assert!(age <= chrono::Duration::hours(48));
        titles.push(text_of(item, &format!("{NEWS}title")));
    }
    assert_eq!(titles, ["Fresh & <new>", "A day old"]);
}
