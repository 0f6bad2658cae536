//! `/articles`: writing, sanitizing, publishing and listing the stories readers see.

use actix_web::http::Method;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::common::TestApp;

const ARTICLES: &str = "/api/v1/articles";

/// A write body with this title and a one-sentence content, plus `extra` fields.
fn story(title: &str, extra: Value) -> Value {
    let mut body = json!({"title": title, "content": format!("<p>The story of {title}.</p>")});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

/// A write body for an article published at `at`, plus `extra` fields.
fn published_at(title: &str, at: &str, extra: Value) -> Value {
    let mut body = story(title, extra);
    body["status"] = json!("published");
    body["published_at"] = json!(at);
    body
}

fn path_of(article: &Value) -> String {
    format!("{ARTICLES}/{}", article["id"])
}

fn slug_path_of(article: &Value) -> String {
    format!(
        "{ARTICLES}/slug/{}",
        article["slug"].as_str().expect("a slug")
    )
}

fn keys(object: &Value) -> Vec<String> {
    let mut names: Vec<String> = object
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

fn titles(body: &Value) -> Vec<String> {
    let items = body.get("data").unwrap_or(body);
    items
        .as_array()
        .expect("a list of articles")
        .iter()
        .map(|article| article["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn instant(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .expect("an RFC 3339 timestamp")
        .with_timezone(&Utc)
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn words(n: usize) -> String {
    format!("<p>{}</p>", vec!["word"; n].join(" "))
}

// Create

#[actix_web::test]
async fn authors_create_drafts_with_a_location_and_a_slug_from_the_title() {
    let app = TestApp::spawn().await;
    let (author_id, author) = app.user("author").await;
    let created = app
        .post_as(
            ARTICLES,
            &author,
            json!({"title": "Floods hit the valley!", "content": "<p>Rain fell.</p>"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.header("location"),
        Some(format!("{ARTICLES}/{}", created.body["id"]).as_str())
    );
    assert_eq!(created.body["status"], "draft");
    assert_eq!(created.body["published_at"], Value::Null);
    assert_eq!(created.body["slug"], "floods-hit-the-valley");
    assert_eq!(created.body["title"], "Floods hit the valley!");
    assert_eq!(created.body["content_html"], "<p>Rain fell.</p>");
    assert_eq!(created.body["featured"], false);
    assert_eq!(created.body["comments_open"], true);
    assert_eq!(created.body["featured_image"], Value::Null);
    assert_eq!(created.body["category"], Value::Null);
    assert_eq!(created.body["author"]["id"], author_id);
    let fetched = app.get_as(&path_of(&created.body), &author).await;
    assert_eq!(fetched.status, 200, "{}", fetched.text);
    assert_eq!(fetched.body, created.body);
    let second = app
        .article(&author, story("Floods hit the valley", json!({})))
        .await;
    assert_eq!(second["slug"], "floods-hit-the-valley-2");
}

#[actix_web::test]
async fn apostrophes_in_a_title_are_dropped_from_its_slug() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.user("editor").await;
    let created = app
        .article(
            &editor,
            story("Ukraine attacks Russia’s hold on Kherson", json!({})),
        )
        .await;
    assert_eq!(created["slug"], "ukraine-attacks-russias-hold-on-kherson");
    let quoted = app
        .article(&editor, story("The \"mayor's\" ‘last’ word", json!({})))
        .await;
    assert_eq!(quoted["slug"], "the-mayors-last-word");
}

#[actix_web::test]
async fn a_taken_explicit_slug_is_a_409() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    app.article(&author, story("First", json!({"slug": "the-story"})))
        .await;
    app.post_as(
        ARTICLES,
        &author,
        story("Second", json!({"slug": "the-story"})),
    )
    .await
    .assert_problem(409);
}

#[actix_web::test]
async fn category_and_author_are_embedded_without_an_email() {
    let app = TestApp::spawn().await;
    let user = app.create_user("author").await;
    let email = user["email"].as_str().expect("an email");
    let token = app.login(email, crate::common::USER_PASSWORD).await;
    let category = app.category(json!({"name": "World News"})).await;
    let created = app
        .article(
            &token,
            story("Summit", json!({"category_id": category["id"]})),
        )
        .await;
    assert_eq!(
        created["category"],
        json!({"id": category["id"], "name": "World News", "slug": "world-news"})
    );
    assert_eq!(
        created["author"],
        json!({"id": user["id"], "display_name": user["display_name"], "slug": user["slug"], "avatar_url": Value::Null})
    );
    let fetched = app.get_as(&path_of(&created), &token).await;
    assert!(!fetched.text.contains(email), "{}", fetched.text);
    assert!(!fetched.text.contains("\"email\""), "{}", fetched.text);
}

#[actix_web::test]
async fn the_excerpt_is_plain_text_derived_from_the_content_when_absent() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let short = app
        .article(
            &author,
            json!({"title": "Short", "content": "<h2>Hello</h2><p>brave <strong>new</strong> world &amp; more</p>"}),
        )
        .await;
    assert_eq!(short["excerpt"], "Hello brave new world & more");
    let long = app
        .article(&author, json!({"title": "Long", "content": words(300)}))
        .await;
    let excerpt = long["excerpt"].as_str().expect("an excerpt");
    assert!(excerpt.starts_with("word word"), "{excerpt}");
    assert!(excerpt.chars().count() <= 201, "{excerpt}");
    assert!(!excerpt.contains('<'), "{excerpt}");
    let written = app
        .article(
            &author,
            story("Written", json!({"excerpt": "In short: it rained."})),
        )
        .await;
    assert_eq!(written["excerpt"], "In short: it rained.");
}

#[actix_web::test]
async fn reading_time_grows_with_the_word_count() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    for (count, minutes) in [(100, 1), (450, 3), (1000, 5)] {
        let article = app
            .article(
                &author,
                json!({"title": format!("{count} words"), "content": words(count)}),
            )
            .await;
        assert_eq!(article["reading_time_minutes"], minutes, "{count} words");
    }
}

#[actix_web::test]
async fn publishing_without_a_date_stamps_it_with_now() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let before = Utc::now() - TimeDelta::seconds(2);
    let article = app
        .article(&author, story("Breaking", json!({"status": "published"})))
        .await;
    let after = Utc::now() + TimeDelta::seconds(2);
    assert_eq!(article["status"], "published");
    let at = instant(&article["published_at"]);
    assert!(before <= at && at <= after, "{at} is not about now");
    let public = app.get(&path_of(&article)).await;
    assert_eq!(public.status, 200, "{}", public.text);
    assert_eq!(public.body["published_at"], article["published_at"]);
}

#[actix_web::test]
async fn a_featured_image_round_trips() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let sent = json!({"url": "https://images.example.com/floods.jpg", "alt": "A flooded street", "caption": "Main Street at noon"});
    // An image linked by URL (the form from before the media library) comes back with the
    // media fields empty: no id, sizes or renditions.
    let image = json!({"id": null, "url": "https://images.example.com/floods.jpg", "alt": "A flooded street", "caption": "Main Street at noon", "credit": null, "width": null, "height": null, "mime_type": null, "renditions": []});
    let article = app
        .article(
            &author,
            story(
                "Floods",
                json!({"status": "published", "featured_image": sent}),
            ),
        )
        .await;
    assert_eq!(article["featured_image"], image);
    assert_eq!(
        app.get(&path_of(&article)).await.body["featured_image"],
        image
    );
    let list = app.get(ARTICLES).await;
    assert_eq!(list.body["data"][0]["featured_image"], image);
}

// Sanitization

#[actix_web::test]
async fn hostile_html_never_reaches_content_html() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let hostile = r#"<p onclick="steal()">Hi<script>alert(1)</script> <a href="javascript:alert(2)">link</a><img src="https://x.example/a.png" onerror="alert(3)"></p>"#;
    let article = app
        .article(
            &author,
            json!({"title": "Hostile", "content": hostile, "status": "published"}),
        )
        .await;
    let public = app.get(&path_of(&article)).await;
    assert_eq!(public.status, 200, "{}", public.text);
    let html = public.body["content_html"].as_str().expect("content_html");
    for bad in ["<script", "alert(1)", "onclick", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived in {html}");
    }
    assert!(html.contains("Hi") && html.contains("link"), "{html}");
    assert!(
        !public.body["excerpt"]
            .as_str()
            .unwrap_or_default()
            .contains("alert"),
        "{}",
        public.body["excerpt"]
    );
    let patched = app
        .patch_as(
            &path_of(&article),
            &author,
            json!({"content": "<div><iframe src=\"https://evil.example\"></iframe><b onmouseover=\"x()\">bold</b></div>"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let html = patched.body["content_html"].as_str().expect("content_html");
    for bad in ["<iframe", "onmouseover"] {
        assert!(!html.contains(bad), "{bad} survived in {html}");
    }
    assert!(html.contains("<b>bold</b>"), "{html}");
}

#[actix_web::test]
async fn markdown_is_rendered_and_its_scripts_stripped() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let article = app
        .article(
            &author,
            json!({
                "title": "Markdown",
                "content_format": "markdown",
                "content": "# Heading\n\nSome **bold** text. <script>alert(1)</script>\n\n[bad](javascript:alert(2))",
            }),
        )
        .await;
    let html = article["content_html"].as_str().expect("content_html");
    assert!(html.contains("<h1>Heading</h1>"), "{html}");
    assert!(html.contains("<strong>bold</strong>"), "{html}");
    for bad in ["<script", "alert(1)", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived in {html}");
    }
    assert!(
        article["excerpt"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Heading Some bold text."),
        "{}",
        article["excerpt"]
    );
}

// Validation

#[actix_web::test]
async fn a_blank_title_is_422() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    for title in ["", "   "] {
        let response = app
            .post_as(ARTICLES, &author, json!({"title": title, "content": "x"}))
            .await;
        assert_eq!(response.error_fields(), vec!["title"], "title {title:?}");
    }
    let article = app.article(&author, story("Fine", json!({}))).await;
    let blank = app
        .patch_as(&path_of(&article), &author, json!({"title": "  "}))
        .await;
    assert_eq!(blank.error_fields(), vec!["title"]);
}

#[actix_web::test]
async fn invalid_values_are_all_reported_by_field() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let response = app
        .post_as(
            ARTICLES,
            &author,
            json!({"title": " ", "content": "x", "slug": "Not A Slug", "featured_image": {"url": "ftp://images.example.com/a.jpg"}}),
        )
        .await;
    let mut fields = response.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["featured_image.url", "slug", "title"]);
    let script_url = app
        .post_as(
            ARTICLES,
            &author,
            story(
                "X",
                json!({"featured_image": {"url": "javascript:alert(1)"}}),
            ),
        )
        .await;
    assert_eq!(script_url.error_fields(), vec!["featured_image.url"]);
}

#[actix_web::test]
async fn values_of_the_wrong_kind_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    for (field, value) in [
        ("status", json!("live")),
        ("content_format", json!("rtf")),
        ("published_at", json!("yesterday")),
        ("published_at", json!("2022-10-21 14:03:00")),
        ("category_id", json!(999)),
    ] {
        let response = app
            .post_as(ARTICLES, &author, story("X", json!({field: value})))
            .await;
        assert_eq!(response.error_fields(), vec![field], "{field}: {value}");
    }
}

#[actix_web::test]
async fn unknown_fields_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let response = app
        .post_as(ARTICLES, &author, story("X", json!({"colour": "red"})))
        .await;
    assert_eq!(response.error_fields(), vec!["colour"]);
    let article = app.article(&author, story("Y", json!({}))).await;
    let patch = app
        .patch_as(&path_of(&article), &author, json!({"view_count": 5}))
        .await;
    assert_eq!(patch.error_fields(), vec!["view_count"]);
}

#[actix_web::test]
async fn anonymous_writes_are_401() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let anonymous = app
        .send(Method::POST, ARTICLES, None, Some(story("X", json!({}))))
        .await;
    anonymous.assert_problem(401);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    let article = app
        .article(&author, story("Y", json!({"status": "published"})))
        .await;
    let path = path_of(&article);
    app.send(Method::PATCH, &path, None, Some(json!({"title": "Z"})))
        .await
        .assert_problem(401);
    app.send(Method::DELETE, &path, None, None)
        .await
        .assert_problem(401);
    assert_eq!(app.get(&path).await.body["title"], "Y");
}

// Ownership

#[actix_web::test]
async fn authors_cannot_change_or_delete_another_authors_published_article() {
    let app = TestApp::spawn().await;
    let (_, owner) = app.user("author").await;
    let (_, other) = app.user("author").await;
    let article = app
        .article(&owner, story("Mine", json!({"status": "published"})))
        .await;
    let path = path_of(&article);
    app.patch_as(&path, &other, json!({"title": "Stolen"}))
        .await
        .assert_problem(403);
    app.delete_as(&path, &other).await.assert_problem(403);
    assert_eq!(app.get(&path).await.body["title"], "Mine");
}

#[actix_web::test]
async fn another_authors_draft_is_404_even_to_authors() {
    let app = TestApp::spawn().await;
    let (_, owner) = app.user("author").await;
    let (_, other) = app.user("author").await;
    let draft = app.article(&owner, story("Secret plans", json!({}))).await;
    let path = path_of(&draft);
    app.get_as(&path, &other).await.assert_problem(404);
    app.get_as(&slug_path_of(&draft), &other)
        .await
        .assert_problem(404);
    app.patch_as(&path, &other, json!({"title": "Stolen"}))
        .await
        .assert_problem(404);
    app.delete_as(&path, &other).await.assert_problem(404);
    assert_eq!(
        app.get_as(&path, &owner).await.body["title"],
        "Secret plans"
    );
}

#[actix_web::test]
async fn editors_and_admins_edit_and_delete_any_article() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let (_, editor) = app.user("editor").await;
    let draft = app.article(&author, story("Draft", json!({}))).await;
    let edited = app
        .patch_as(&path_of(&draft), &editor, json!({"title": "Edited draft"}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.body["title"], "Edited draft");
    let live = app
        .article(&author, story("Live", json!({"status": "published"})))
        .await;
    let by_admin = app
        .patch_as(&path_of(&live), &app.admin_token, json!({"featured": true}))
        .await;
    assert_eq!(by_admin.status, 200, "{}", by_admin.text);
    assert_eq!(by_admin.body["featured"], true);
    assert_eq!(app.delete_as(&path_of(&draft), &editor).await.status, 204);
    assert_eq!(
        app.delete_as(&path_of(&live), &app.admin_token)
            .await
            .status,
        204
    );
    app.get_as(&path_of(&draft), &author)
        .await
        .assert_problem(404);
    app.get(&path_of(&live)).await.assert_problem(404);
}

#[actix_web::test]
async fn authors_edit_their_own_articles_and_publish_them() {
    let app = TestApp::spawn().await;
    let (author_id, author) = app.user("author").await;
    let draft = app.article(&author, story("Draft", json!({}))).await;
    let path = path_of(&draft);
    let published = app
        .patch_as(
            &path,
            &author,
            json!({"title": "Final", "status": "published"}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.text);
    assert_eq!(published.body["title"], "Final");
    assert_eq!(published.body["status"], "published");
    assert_eq!(published.body["author"]["id"], author_id);
    assert!(published.body["published_at"].is_string());
    assert_eq!(app.get(&path).await.body["title"], "Final");
}

#[actix_web::test]
async fn patch_changes_only_the_fields_sent() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let category = app.category(json!({"name": "Weather"})).await;
    let image =
        json!({"url": "https://images.example.com/rain.jpg", "alt": "Rain", "caption": null});
    let created = app
        .article(
            &author,
            json!({
                "title": "Rain",
                "content": "<p>It rained all day.</p>",
                "excerpt": "Wet.",
                "category_id": category["id"],
                "featured": true,
                "comments_open": false,
                "featured_image": image,
            }),
        )
        .await;
    let renamed = app
        .patch_as(&path_of(&created), &author, json!({"title": "More rain"}))
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["title"], "More rain");
    for unchanged in [
        "slug",
        "content_html",
        "excerpt",
        "category",
        "featured",
        "comments_open",
        "featured_image",
        "status",
        "published_at",
        "reading_time_minutes",
        "author",
        "created_at",
    ] {
        assert_eq!(renamed.body[unchanged], created[unchanged], "{unchanged}");
    }
}

#[actix_web::test]
async fn a_null_excerpt_is_derived_again_and_a_derived_one_follows_the_content() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let written = app
        .article(
            &author,
            json!({"title": "A", "content": "<p>First words.</p>", "excerpt": "Mine."}),
        )
        .await;
    let path = path_of(&written);
    let kept = app
        .patch_as(&path, &author, json!({"content": "<p>Second words.</p>"}))
        .await;
    assert_eq!(kept.body["excerpt"], "Mine.");
    let cleared = app.patch_as(&path, &author, json!({"excerpt": null})).await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.body["excerpt"], "Second words.");
    let followed = app
        .patch_as(&path, &author, json!({"content": "<p>Third words.</p>"}))
        .await;
    assert_eq!(followed.body["excerpt"], "Third words.");
}

#[actix_web::test]
async fn null_category_and_null_image_clear_them() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let category = app.category(json!({"name": "Weather"})).await;
    let created = app
        .article(
            &author,
            story(
                "Rain",
                json!({"category_id": category["id"], "featured_image": {"url": "https://images.example.com/rain.jpg"}}),
            ),
        )
        .await;
    assert_eq!(created["category"]["id"], category["id"]);
    assert_eq!(
        created["featured_image"]["url"],
        "https://images.example.com/rain.jpg"
    );
    let cleared = app
        .patch_as(
            &path_of(&created),
            &author,
            json!({"category_id": null, "featured_image": null}),
        )
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.body["category"], Value::Null);
    assert_eq!(cleared.body["featured_image"], Value::Null);
    assert_eq!(cleared.body["title"], "Rain");
    let missing = app
        .patch_as(&path_of(&created), &author, json!({"category_id": 999}))
        .await;
    assert_eq!(missing.error_fields(), vec!["category_id"]);
}

#[actix_web::test]
async fn deleted_articles_are_gone() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let article = app
        .article(&author, story("Gone", json!({"status": "published"})))
        .await;
    let path = path_of(&article);
    let deleted = app.delete_as(&path, &author).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert!(deleted.text.is_empty(), "{}", deleted.text);
    app.get(&path).await.assert_problem(404);
    app.get_as(&path, &author).await.assert_problem(404);
    app.get(&slug_path_of(&article)).await.assert_problem(404);
    app.delete_as(&path, &author).await.assert_problem(404);
    assert_eq!(app.get(ARTICLES).await.body["meta"]["total"], 0);
}

// Visibility

#[actix_web::test]
async fn unpublished_and_scheduled_articles_are_hidden_from_the_public() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let (_, editor) = app.user("editor").await;
    let live = app
        .article(&author, story("Live", json!({"status": "published"})))
        .await;
    let hidden = [
        app.article(&author, story("Draft", json!({}))).await,
        app.article(&author, story("Archived", json!({"status": "archived"})))
            .await,
        app.article(
            &author,
            published_at("Scheduled", "2099-01-01T00:00:00Z", json!({})),
        )
        .await,
    ];
    for article in &hidden {
        app.get(&path_of(article)).await.assert_problem(404);
        app.get(&slug_path_of(article)).await.assert_problem(404);
        for token in [&author, &editor] {
            let seen = app.get_as(&path_of(article), token).await;
            assert_eq!(seen.status, 200, "{}", seen.text);
            assert_eq!(seen.body["id"], article["id"]);
        }
    }
    let list = app.get(ARTICLES).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(titles(&list.body), ["Live"]);
    assert_eq!(list.body["meta"]["total"], 1);
    assert_eq!(list.header("x-total-count"), Some("1"));
    assert_eq!(app.get(&slug_path_of(&live)).await.body["id"], live["id"]);
}

#[actix_web::test]
async fn a_scheduled_article_appears_once_its_time_has_come() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let at = Utc::now() + TimeDelta::seconds(3);
    let article = app
        .article(&author, published_at("Soon", &rfc3339(at), json!({})))
        .await;
    app.get(&path_of(&article)).await.assert_problem(404);
    assert_eq!(app.get(ARTICLES).await.body["meta"]["total"], 0);
    let due = instant(&article["published_at"]) + TimeDelta::milliseconds(1100);
    let wait = (due - Utc::now()).to_std().unwrap_or_default();
    actix_web::rt::time::sleep(wait).await;
    let visible = app.get(&path_of(&article)).await;
    assert_eq!(visible.status, 200, "{}", visible.text);
    assert_eq!(titles(&app.get(ARTICLES).await.body), ["Soon"]);
}

#[actix_web::test]
async fn listing_by_status_needs_a_token() {
    let app = TestApp::spawn().await;
    let response = app.get(&format!("{ARTICLES}?status=draft")).await;
    response.assert_problem(401);
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
}

#[actix_web::test]
async fn editors_see_every_draft_and_authors_only_their_own() {
    let app = TestApp::spawn().await;
    let (_, first) = app.user("author").await;
    let (_, second) = app.user("author").await;
    let (_, editor) = app.user("editor").await;
    app.article(&first, story("First draft", json!({}))).await;
    app.article(&second, story("Second draft", json!({}))).await;
    app.article(&first, story("Published", json!({"status": "published"})))
        .await;
    let drafts = format!("{ARTICLES}?status=draft&sort=title");
    let all = app.get_as(&drafts, &editor).await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(titles(&all.body), ["First draft", "Second draft"]);
    assert_eq!(all.body["meta"]["total"], 2);
    let own = app.get_as(&drafts, &first).await;
    assert_eq!(titles(&own.body), ["First draft"]);
    assert_eq!(own.header("x-total-count"), Some("1"));
    assert_eq!(
        titles(&app.get_as(&drafts, &second).await.body),
        ["Second draft"]
    );
}

#[actix_web::test]
async fn drafts_without_a_date_sort_as_the_oldest_on_every_database() {
    let app = TestApp::spawn().await;
    let token = &app.admin_token;
    app.article(token, story("Undated", json!({}))).await;
    for (title, at) in [
        ("Later", "2030-02-01T00:00:00Z"),
        ("Sooner", "2030-01-01T00:00:00Z"),
    ] {
        app.article(token, story(title, json!({"published_at": at})))
            .await;
    }
    let newest_first = app.get_as(&format!("{ARTICLES}?status=draft"), token).await;
    assert_eq!(titles(&newest_first.body), ["Later", "Sooner", "Undated"]);
    let oldest_first = app
        .get_as(&format!("{ARTICLES}?status=draft&sort=published_at"), token)
        .await;
    assert_eq!(titles(&oldest_first.body), ["Undated", "Sooner", "Later"]);
}

// Lists

/// Three published articles out of date order, and a draft.
async fn three_published(app: &TestApp, token: &str) {
    for (title, at) in [
        ("Banana", "2022-02-01T00:00:00Z"),
        ("Cherry", "2022-01-01T00:00:00Z"),
        ("Apple", "2022-03-01T00:00:00Z"),
    ] {
        app.article(token, published_at(title, at, json!({}))).await;
    }
    app.article(token, story("Draft", json!({}))).await;
}

#[actix_web::test]
async fn lists_are_newest_first_by_default() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    three_published(&app, &author).await;
    let list = app.get(ARTICLES).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(titles(&list.body), ["Apple", "Banana", "Cherry"]);
}

#[actix_web::test]
async fn lists_sort_by_each_allowed_field() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    three_published(&app, &author).await;
    for (sort, expected) in [
        ("title", ["Apple", "Banana", "Cherry"]),
        ("-title", ["Cherry", "Banana", "Apple"]),
        ("published_at", ["Cherry", "Banana", "Apple"]),
        ("-published_at", ["Apple", "Banana", "Cherry"]),
    ] {
        let list = app.get(&format!("{ARTICLES}?sort={sort}")).await;
        assert_eq!(titles(&list.body), expected, "sort={sort}");
    }
    for sort in [
        "updated_at",
        "-updated_at",
        "view_count",
        "-view_count",
        "comment_count",
        "-comment_count",
    ] {
        let response = app.get(&format!("{ARTICLES}?sort={sort}")).await;
        assert_eq!(response.status, 200, "sort={sort}: {}", response.text);
        assert_eq!(response.body["meta"]["total"], 3, "sort={sort}");
    }
}

#[actix_web::test]
async fn an_unknown_sort_or_an_out_of_range_page_is_422() {
    let app = TestApp::spawn().await;
    for sort in ["colour", "-content", "status"] {
        let response = app.get(&format!("{ARTICLES}?sort={sort}")).await;
        assert_eq!(response.error_fields(), vec!["sort"], "sort={sort}");
    }
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
    ] {
        let response = app.get(&format!("{ARTICLES}?{query}")).await;
        assert_eq!(response.error_fields(), vec![field], "{query}");
    }
}

#[actix_web::test]
async fn list_items_are_summaries_without_content() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    app.article(&author, story("Summary", json!({"status": "published"})))
        .await;
    let list = app.get(ARTICLES).await;
    let item = &list.body["data"][0];
    assert_eq!(
        keys(item),
        [
            "author",
            "category",
            "comment_count",
            "comments_open",
            "created_at",
            "excerpt",
            "featured",
            "featured_image",
            "id",
            "published_at",
            "reading_time_minutes",
            "slug",
            "status",
            "tags",
            "title",
            "updated_at",
            "url",
            "view_count",
        ]
    );
    assert!(!list.text.contains("content_html"), "{}", list.text);
}

#[actix_web::test]
async fn the_category_filter_takes_an_id_or_a_slug_and_includes_children() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let world = app.category(json!({"name": "World"})).await;
    let asia = app
        .category(json!({"name": "Asia", "parent_id": world["id"]}))
        .await;
    let sport = app.category(json!({"name": "Sport"})).await;
    for (title, category) in [
        ("In world", &world),
        ("In asia", &asia),
        ("In sport", &sport),
    ] {
        app.article(
            &author,
            story(
                title,
                json!({"status": "published", "category_id": category["id"]}),
            ),
        )
        .await;
    }
    app.article(&author, story("Nowhere", json!({"status": "published"})))
        .await;
    for filter in [world["id"].to_string(), "world".to_owned()] {
        let list = app
            .get(&format!("{ARTICLES}?category={filter}&sort=title"))
            .await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(titles(&list.body), ["In asia", "In world"], "{filter}");
        assert_eq!(list.body["meta"]["total"], 2);
    }
    let child = app.get(&format!("{ARTICLES}?category=asia")).await;
    assert_eq!(titles(&child.body), ["In asia"]);
}

#[actix_web::test]
async fn an_unknown_category_or_author_gives_an_empty_page() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    app.article(&author, story("Any", json!({"status": "published"})))
        .await;
    for query in [
        "category=nothing",
        "category=999",
        "author=nobody",
        "author=999",
    ] {
        let list = app.get(&format!("{ARTICLES}?{query}")).await;
        assert_eq!(list.status, 200, "{query}: {}", list.text);
        assert_eq!(list.body["data"], json!([]), "{query}");
        assert_eq!(list.body["meta"]["total"], 0, "{query}");
    }
}

#[actix_web::test]
async fn the_author_filter_takes_an_id_or_a_slug() {
    let app = TestApp::spawn().await;
    let (first_id, first) = app.user("author").await;
    let (_, second) = app.user("author").await;
    let mine = app
        .article(&first, story("Mine", json!({"status": "published"})))
        .await;
    app.article(&second, story("Theirs", json!({"status": "published"})))
        .await;
    let slug = mine["author"]["slug"].as_str().expect("an author slug");
    for filter in [first_id.to_string(), slug.to_owned()] {
        let list = app.get(&format!("{ARTICLES}?author={filter}")).await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(titles(&list.body), ["Mine"], "author={filter}");
    }
}

#[actix_web::test]
async fn the_featured_filter_picks_featured_articles() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    app.article(
        &author,
        story(
            "Front page",
            json!({"status": "published", "featured": true}),
        ),
    )
    .await;
    app.article(&author, story("Inside", json!({"status": "published"})))
        .await;
    let featured = app.get(&format!("{ARTICLES}?featured=true")).await;
    assert_eq!(titles(&featured.body), ["Front page"]);
    let plain = app.get(&format!("{ARTICLES}?featured=false")).await;
    assert_eq!(titles(&plain.body), ["Inside"]);
}

#[actix_web::test]
async fn published_after_and_before_bound_the_dates() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    three_published(&app, &author).await;
    let after = app
        .get(&format!("{ARTICLES}?published_after=2022-01-15T00:00:00Z"))
        .await;
    assert_eq!(after.status, 200, "{}", after.text);
    assert_eq!(titles(&after.body), ["Apple", "Banana"]);
    let before = app
        .get(&format!("{ARTICLES}?published_before=2022-02-15T00:00:00Z"))
        .await;
    assert_eq!(titles(&before.body), ["Banana", "Cherry"]);
    let between = app
        .get(&format!(
            "{ARTICLES}?published_after=2022-01-15T00:00:00Z&published_before=2022-02-15T00:00:00Z"
        ))
        .await;
    assert_eq!(titles(&between.body), ["Banana"]);
    assert_eq!(between.body["meta"]["total"], 1);
    for query in ["published_after=notadate", "published_before=2022-13-01"] {
        let response = app.get(&format!("{ARTICLES}?{query}")).await;
        let field = query.split('=').next().unwrap_or_default();
        assert_eq!(response.error_fields(), vec![field], "{query}");
    }
}

#[actix_web::test]
async fn list_totals_count_published_articles_and_link_the_pages() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    for n in 0..5 {
        app.article(
            &author,
            story(&format!("Story {n}"), json!({"status": "published"})),
        )
        .await;
    }
    app.article(&author, story("Draft", json!({}))).await;
    app.article(&author, story("Old", json!({"status": "archived"})))
        .await;
    let page = app.get(&format!("{ARTICLES}?per_page=2")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.header("x-total-count"), Some("5"));
    assert_eq!(
        page.body["meta"],
        json!({"page": 1, "per_page": 2, "total": 5, "total_pages": 3})
    );
    assert_eq!(page.body["data"].as_array().map(Vec::len), Some(2));
    let link = page.header("link").expect("a Link header");
    assert!(link.contains("page=2&per_page=2>; rel=\"next\""), "{link}");
    assert!(link.contains("page=3&per_page=2>; rel=\"last\""), "{link}");
    let last = app.get(&format!("{ARTICLES}?per_page=2&page=3")).await;
    assert_eq!(last.body["data"].as_array().map(Vec::len), Some(1));
    assert!(
        !last
            .header("link")
            .unwrap_or_default()
            .contains("rel=\"next\""),
        "{:?}",
        last.header("link")
    );
}

// Adjacent

#[actix_web::test]
async fn adjacent_articles_are_the_published_neighbours_by_date() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let oldest = app
        .article(
            &author,
            published_at("Oldest", "2022-01-01T00:00:00Z", json!({})),
        )
        .await;
    let middle = app
        .article(
            &author,
            published_at("Middle", "2022-02-01T00:00:00Z", json!({})),
        )
        .await;
    let newest = app
        .article(
            &author,
            published_at("Newest", "2022-03-01T00:00:00Z", json!({})),
        )
        .await;
    // A draft dated between the middle and the newest is never a neighbour.
    app.article(
        &author,
        story(
            "Draft",
            json!({"status": "draft", "published_at": "2022-02-15T00:00:00Z"}),
        ),
    )
    .await;
    let adjacent = |article: &Value| format!("{}/adjacent", path_of(article));
    let around = app.get(&adjacent(&middle)).await;
    assert_eq!(around.status, 200, "{}", around.text);
    assert_eq!(around.body["previous"]["id"], oldest["id"]);
    assert_eq!(around.body["next"]["id"], newest["id"]);
    assert!(around.body["next"].get("content_html").is_none());
    let first = app.get(&adjacent(&oldest)).await;
    assert_eq!(first.body["previous"], Value::Null);
    assert_eq!(first.body["next"]["id"], middle["id"]);
    let last = app.get(&adjacent(&newest)).await;
    assert_eq!(last.body["previous"]["id"], middle["id"]);
    assert_eq!(last.body["next"], Value::Null);
}

#[actix_web::test]
async fn same_category_restricts_the_neighbours() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let news = app.category(json!({"name": "News"})).await;
    let sport = app.category(json!({"name": "Sport"})).await;
    let in_news = json!({"category_id": news["id"]});
    let first = app
        .article(
            &author,
            published_at("First", "2022-01-01T00:00:00Z", in_news.clone()),
        )
        .await;
    app.article(
        &author,
        published_at(
            "Match",
            "2022-02-01T00:00:00Z",
            json!({"category_id": sport["id"]}),
        ),
    )
    .await;
    let second = app
        .article(
            &author,
            published_at("Second", "2022-03-01T00:00:00Z", in_news.clone()),
        )
        .await;
    let path = format!("{}/adjacent", path_of(&second));
    let anywhere = app.get(&path).await;
    assert_eq!(anywhere.body["previous"]["title"], "Match");
    let same = app.get(&format!("{path}?same_category=true")).await;
    assert_eq!(same.status, 200, "{}", same.text);
    assert_eq!(same.body["previous"]["id"], first["id"]);
    assert_eq!(same.body["next"], Value::Null);
}

#[actix_web::test]
async fn adjacent_of_a_draft_is_404_to_the_public() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    app.article(
        &author,
        published_at("Live", "2022-01-01T00:00:00Z", json!({})),
    )
    .await;
    let draft = app.article(&author, story("Draft", json!({}))).await;
    app.get(&format!("{}/adjacent", path_of(&draft)))
        .await
        .assert_problem(404);
    app.get(&format!("{ARTICLES}/999/adjacent"))
        .await
        .assert_problem(404);
}

// Related

#[actix_web::test]
async fn related_articles_share_the_category_and_rank_shared_terms_first() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let politics = app.category(json!({"name": "Politics"})).await;
    let sport = app.category(json!({"name": "Sport"})).await;
    let in_politics = json!({"category_id": politics["id"]});
    let article = app
        .article(
            &author,
            published_at(
                "Ohio election results",
                "2022-05-01T00:00:00Z",
                in_politics.clone(),
            ),
        )
        .await;
    app.article(
        &author,
        published_at(
            "Ohio election recount",
            "2022-01-01T00:00:00Z",
            in_politics.clone(),
        ),
    )
    .await;
    app.article(
        &author,
        published_at(
            "Budget talks stall",
            "2022-04-01T00:00:00Z",
            in_politics.clone(),
        ),
    )
    .await;
    app.article(
        &author,
        published_at(
            "Ohio election sports betting",
            "2022-03-01T00:00:00Z",
            json!({"category_id": sport["id"]}),
        ),
    )
    .await;
    app.article(&author, story("Ohio election draft", in_politics.clone()))
        .await;
    let related = app.get(&format!("{}/related", path_of(&article))).await;
    assert_eq!(related.status, 200, "{}", related.text);
    assert_eq!(
        titles(&related.body),
        ["Ohio election recount", "Budget talks stall"]
    );
    for summary in related.body.as_array().expect("a list") {
        assert_ne!(summary["id"], article["id"]);
        assert_eq!(summary["status"], "published");
        assert_eq!(summary["category"]["id"], politics["id"]);
        assert!(summary.get("content_html").is_none());
    }
    let one = app
        .get(&format!("{}/related?limit=1", path_of(&article)))
        .await;
    assert_eq!(titles(&one.body), ["Ohio election recount"]);
}

#[actix_web::test]
async fn related_limit_must_be_between_1_and_20() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let article = app
        .article(
            &author,
            published_at("Main", "2022-05-01T00:00:00Z", json!({})),
        )
        .await;
    for n in 0..3 {
        app.article(
            &author,
            published_at(&format!("Other {n}"), "2022-04-01T00:00:00Z", json!({})),
        )
        .await;
    }
    let path = format!("{}/related", path_of(&article));
    for limit in ["0", "21", "-1"] {
        let response = app.get(&format!("{path}?limit={limit}")).await;
        assert_eq!(response.error_fields(), vec!["limit"], "limit={limit}");
    }
    let two = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(two.status, 200, "{}", two.text);
    assert_eq!(two.body.as_array().map(Vec::len), Some(2));
    let all = app.get(&format!("{path}?limit=20")).await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(3));
}

// Knock-on effects

#[actix_web::test]
async fn article_counts_include_only_visible_published_articles() {
    let app = TestApp::spawn().await;
    let (author_id, author) = app.user("author").await;
    let category = app.category(json!({"name": "Local"})).await;
    let here = json!({"category_id": category["id"]});
    app.article(
        &author,
        story(
            "Live",
            json!({"status": "published", "category_id": category["id"]}),
        ),
    )
    .await;
    app.article(&author, story("Draft", here.clone())).await;
    app.article(
        &author,
        story(
            "Archived",
            json!({"status": "archived", "category_id": category["id"]}),
        ),
    )
    .await;
    app.article(
        &author,
        published_at("Scheduled", "2099-01-01T00:00:00Z", here.clone()),
    )
    .await;
    let counted = app
        .get(&format!("/api/v1/categories/{}", category["id"]))
        .await;
    assert_eq!(counted.body["article_count"], 1, "{}", counted.text);
    let listed = app.get("/api/v1/categories").await;
    assert_eq!(
        listed.body["data"][0]["article_count"], 1,
        "{}",
        listed.text
    );
    let profile = app.get(&format!("/api/v1/authors/{author_id}")).await;
    assert_eq!(profile.body["article_count"], 1, "{}", profile.text);
}

#[actix_web::test]
async fn deleting_a_category_with_articles_needs_reassign_to() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let old = app.category(json!({"name": "Old"})).await;
    let new = app.category(json!({"name": "New"})).await;
    let live = app
        .article(
            &author,
            story(
                "Live",
                json!({"status": "published", "category_id": old["id"]}),
            ),
        )
        .await;
    let draft = app
        .article(&author, story("Draft", json!({"category_id": old["id"]})))
        .await;
    let path = format!("/api/v1/categories/{}", old["id"]);
    app.delete_as(&path, &app.admin_token)
        .await
        .assert_problem(409);
    let moved = app
        .delete_as(
            &format!("{path}?reassign_to={}", new["id"]),
            &app.admin_token,
        )
        .await;
    assert_eq!(moved.status, 204, "{}", moved.text);
    app.get(&path).await.assert_problem(404);
    for article in [&live, &draft] {
        let fetched = app.get_as(&path_of(article), &author).await;
        assert_eq!(
            fetched.body["category"]["id"], new["id"],
            "{}",
            fetched.text
        );
    }
    let counted = app.get(&format!("/api/v1/categories/{}", new["id"])).await;
    assert_eq!(counted.body["article_count"], 1);
}

#[actix_web::test]
async fn deleting_an_author_with_articles_needs_reassign_to() {
    let app = TestApp::spawn().await;
    let (leaving_id, leaving) = app.user("author").await;
    let heir = app.create_user("editor").await;
    let article = app
        .article(&leaving, story("Legacy", json!({"status": "published"})))
        .await;
    let path = format!("/api/v1/users/{leaving_id}");
    app.delete_as(&path, &app.admin_token)
        .await
        .assert_problem(409);
    assert_eq!(app.get(&path_of(&article)).await.status, 200);
    let deleted = app
        .delete_as(
            &format!("{path}?reassign_to={}", heir["id"]),
            &app.admin_token,
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let fetched = app.get(&path_of(&article)).await;
    assert_eq!(fetched.body["author"]["id"], heir["id"], "{}", fetched.text);
    assert_eq!(fetched.body["author"]["display_name"], heir["display_name"]);
    let profile = app.get(&format!("/api/v1/authors/{}", heir["id"])).await;
    assert_eq!(profile.body["article_count"], 1);
}

#[actix_web::test]
async fn the_etag_of_an_article_changes_after_a_patch() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let article = app
        .article(&author, story("Tagged", json!({"status": "published"})))
        .await;
    let path = path_of(&article);
    let first = app.get(&path).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let stale = first.header("etag").expect("an ETag").to_owned();
    let unchanged = app
        .send_raw(Method::GET, &path, &[("If-None-Match", &stale)], b"")
        .await;
    assert_eq!(unchanged.status, 304);
    let patched = app
        .patch_as(&path, &author, json!({"title": "Retagged"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let changed = app
        .send_raw(Method::GET, &path, &[("If-None-Match", &stale)], b"")
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["title"], "Retagged");
    let current = changed.header("etag").expect("an ETag").to_owned();
    assert_ne!(current, stale);
    let fresh = app
        .send_raw(Method::GET, &path, &[("If-None-Match", &current)], b"")
        .await;
    assert_eq!(fresh.status, 304);
    assert!(fresh.text.is_empty(), "{}", fresh.text);
}

#[actix_web::test]
async fn deep_pages_list_exactly_the_articles_a_full_walk_finds() {
    let app = TestApp::spawn_seeded(&[], 2_300).await;
    let ids = |body: &Value| -> Vec<i64> {
        body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|a| a["id"].as_i64().expect("id"))
            .collect()
    };
    let public_total = app.get("/api/v1/articles?per_page=1").await;
    assert!(public_total.body["meta"]["total"].as_i64() > Some(2_000));
    // The staff view of the same set (published, due) is the reference.
    let due = (Utc::now() + TimeDelta::seconds(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    for (page, per_page) in [(10, 100), (11, 100), (21, 100), (51, 20), (99, 21)] {
        for sort in ["-published_at", "published_at"] {
            let query = format!("page={page}&per_page={per_page}&sort={sort}");
            let public = app.get(&format!("/api/v1/articles?{query}")).await;
            let reference = app
                .get_as(
                    &format!("/api/v1/articles?{query}&status=published&published_before={due}"),
                    &app.admin_token,
                )
                .await;
            assert_eq!(public.status, 200, "{}", public.text);
            assert_eq!(public.body["data"].as_array().map(Vec::len), Some(per_page));
            assert_eq!(ids(&public.body), ids(&reference.body), "{query}");
        }
    }
}

#[actix_web::test]
async fn a_category_whose_slug_is_digits_can_be_filtered_by_it() {
    let app = TestApp::spawn().await;
    let year = app.category(json!({"name": "2024"})).await;
    assert_eq!(year["slug"], "2024");
    let article = app
        .article(
            &app.admin_token,
            json!({"title": "The year in review", "content": "<p>All of it.</p>", "category_id": year["id"], "status": "published"}),
        )
        .await;
    let listed = app.get("/api/v1/articles?category=2024").await;
    assert_eq!(listed.body["meta"]["total"], 1, "{}", listed.text);
    assert_eq!(listed.body["data"][0]["id"], article["id"]);
}
