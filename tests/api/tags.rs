//! `/tags`: labels across sections, and the `tags` of articles.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

const TAGS: &str = "/api/v1/tags";
const ARTICLES: &str = "/api/v1/articles";

async fn tag(app: &TestApp, name: &str) -> Value {
    let created = app
        .post_as(TAGS, &app.admin_token, json!({"name": name}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body
}

fn slugs(article: &Value) -> Vec<String> {
    article["tags"]
        .as_array()
        .expect("an article's tags")
        .iter()
        .filter_map(|tag| tag["slug"].as_str().map(str::to_owned))
        .collect()
}

fn titles(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .expect("a page")
        .iter()
        .filter_map(|item| item["title"].as_str().map(str::to_owned))
        .collect()
}

async fn published(app: &TestApp, title: &str, tags: Value) -> Value {
    app.article(
        &app.admin_token,
        json!({"title": title, "content": "<p>Text.</p>", "status": "published", "tags": tags}),
    )
    .await
}

#[actix_web::test]
async fn editors_create_read_update_and_delete_tags() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.user("editor").await;
    let created = app
        .post_as(
            TAGS,
            &editor,
            json!({"name": "Kherson", "description": "The city and its region"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["slug"], "kherson");
    assert_eq!(created.body["article_count"], 0);
    let location = created.header("location").expect("a Location").to_owned();
    assert_eq!(location, format!("{TAGS}/{}", created.body["id"]));
    assert_eq!(app.get(&location).await.body, created.body);
    assert_eq!(
        app.get(&format!("{TAGS}/slug/kherson")).await.body,
        created.body
    );

    let changed = app
        .patch_as(
            &location,
            &editor,
            json!({"name": "Kherson Oblast", "description": null}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["name"], "Kherson Oblast");
    assert_eq!(changed.body["slug"], "kherson");
    assert_eq!(changed.body["description"], Value::Null);

    assert_eq!(app.delete_as(&location, &editor).await.status, 204);
    app.get(&location).await.assert_problem(404);
    app.get(&format!("{TAGS}/slug/kherson"))
        .await
        .assert_problem(404);
    app.delete_as(&location, &editor).await.assert_problem(404);
}

#[actix_web::test]
async fn writes_need_a_token_and_an_editor_role() {
    let app = TestApp::spawn().await;
    let existing = tag(&app, "NATO").await;
    let path = format!("{TAGS}/{}", existing["id"]);
    let anonymous = app
        .send(Method::POST, TAGS, None, Some(json!({"name": "X"})))
        .await;
    anonymous.assert_problem(401);
    app.send(Method::PATCH, &path, None, Some(json!({"name": "X"})))
        .await
        .assert_problem(401);
    app.send(Method::DELETE, &path, None, None)
        .await
        .assert_problem(401);

    let (_, author) = app.user("author").await;
    app.post_as(TAGS, &author, json!({"name": "X"}))
        .await
        .assert_problem(403);
    app.patch_as(&path, &author, json!({"name": "X"}))
        .await
        .assert_problem(403);
    app.delete_as(&path, &author).await.assert_problem(403);
    assert_eq!(app.get(&path).await.body["name"], "NATO");
}

#[actix_web::test]
async fn slugs_are_generated_unique_and_a_taken_one_is_a_409() {
    let app = TestApp::spawn().await;
    assert_eq!(tag(&app, "Oil Prices").await["slug"], "oil-prices");
    assert_eq!(tag(&app, "Oil  prices!").await["slug"], "oil-prices-2");
    app.post_as(
        TAGS,
        &app.admin_token,
        json!({"name": "Other", "slug": "oil-prices"}),
    )
    .await
    .assert_problem(409);
    let other = tag(&app, "Energy").await;
    app.patch_as(
        &format!("{TAGS}/{}", other["id"]),
        &app.admin_token,
        json!({"slug": "oil-prices"}),
    )
    .await
    .assert_problem(409);
    let bad = app
        .post_as(
            TAGS,
            &app.admin_token,
            json!({"name": " ", "slug": "Bad Slug"}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["name", "slug"]);
}

#[actix_web::test]
async fn article_count_counts_only_what_the_public_sees() {
    let app = TestApp::spawn().await;
    let kherson = tag(&app, "Kherson").await;
    let id = &kherson["id"];
    published(&app, "Public one", json!([id])).await;
    published(&app, "Public two", json!(["kherson"])).await;
    for extra in [
        json!({}),
        json!({"status": "archived"}),
        json!({"status": "published", "published_at": "2099-01-01T00:00:00Z"}),
    ] {
        let mut body = json!({"title": "Hidden", "content": "<p>Text.</p>", "tags": [id]});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let hidden = app.article(&app.admin_token, body).await;
        assert_eq!(slugs(&hidden), ["kherson"], "{hidden}");
    }
    let path = format!("{TAGS}/{id}");
    assert_eq!(app.get(&path).await.body["article_count"], 2);
    assert_eq!(app.get(TAGS).await.body["data"][0]["article_count"], 2);
    let listed = app.get(&format!("{ARTICLES}?tag=kherson")).await;
    assert_eq!(titles(&listed.body), ["Public two", "Public one"]);
}

#[actix_web::test]
async fn lists_sort_by_name_or_article_count_and_paginate() {
    let app = TestApp::spawn().await;
    for name in ["Taiwan", "Congress", "Beijing", "Ukraine"] {
        tag(&app, name).await;
    }
    published(&app, "One", json!(["ukraine", "taiwan"])).await;
    published(&app, "Two", json!(["ukraine"])).await;
    let names = |list: &Value| -> Vec<String> {
        list["data"]
            .as_array()
            .expect("a page")
            .iter()
            .filter_map(|tag| tag["name"].as_str().map(str::to_owned))
            .collect()
    };
    let by_name = app.get(TAGS).await;
    assert_eq!(
        names(&by_name.body),
        ["Beijing", "Congress", "Taiwan", "Ukraine"]
    );
    // Ties in order of creation.
    let by_count = app.get(&format!("{TAGS}?sort=-article_count")).await;
    assert_eq!(
        names(&by_count.body),
        ["Ukraine", "Taiwan", "Congress", "Beijing"]
    );
    let page = app.get(&format!("{TAGS}?per_page=3&page=2")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(names(&page.body), ["Ukraine"]);
    assert_eq!(page.header("x-total-count"), Some("4"));
    let link = page.header("link").expect("a Link header");
    assert!(link.contains("rel=\"prev\""), "{link}");
    assert!(link.contains("rel=\"first\""), "{link}");
    app.get(&format!("{TAGS}?sort=title"))
        .await
        .assert_problem(422);
}

#[actix_web::test]
async fn articles_take_tags_by_id_or_slug_in_their_order_each_once() {
    let app = TestApp::spawn().await;
    let nato = tag(&app, "NATO").await;
    tag(&app, "Kherson").await;
    let kyiv = tag(&app, "Kyiv").await;
    let created = published(
        &app,
        "Tagged",
        json!(["kherson", nato["id"], kyiv["id"], "nato", "kherson"]),
    )
    .await;
    assert_eq!(slugs(&created), ["kherson", "nato", "kyiv"]);
    assert_eq!(
        created["tags"][1],
        json!({"id": nato["id"], "name": "NATO", "slug": "nato"})
    );
    let path = format!("{ARTICLES}/{}", created["id"]);
    assert_eq!(
        slugs(&app.get(&path).await.body),
        ["kherson", "nato", "kyiv"]
    );
    let listed = app.get(ARTICLES).await;
    assert_eq!(slugs(&listed.body["data"][0]), ["kherson", "nato", "kyiv"]);

    let untouched = app
        .patch_as(&path, &app.admin_token, json!({"title": "Retitled"}))
        .await;
    assert_eq!(slugs(&untouched.body), ["kherson", "nato", "kyiv"]);
    let reordered = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"tags": [kyiv["id"], "kherson"]}),
        )
        .await;
    assert_eq!(reordered.status, 200, "{}", reordered.text);
    assert_eq!(slugs(&reordered.body), ["kyiv", "kherson"]);
    assert_eq!(slugs(&app.get(&path).await.body), ["kyiv", "kherson"]);
    let cleared = app
        .patch_as(&path, &app.admin_token, json!({"tags": []}))
        .await;
    assert_eq!(cleared.body["tags"], json!([]));
    let untagged = published(&app, "Untagged", json!([])).await;
    assert_eq!(untagged["tags"], json!([]));
}

#[actix_web::test]
async fn unknown_tags_are_a_422_naming_each_and_change_nothing() {
    let app = TestApp::spawn().await;
    let nato = tag(&app, "NATO").await;
    let refused = app
        .post_as(
            ARTICLES,
            &app.admin_token,
            json!({"title": "T", "content": "<p>x</p>", "tags": ["nato", "atlantis", 4242]}),
        )
        .await;
    assert_eq!(refused.error_fields(), ["tags", "tags"]);
    assert!(refused.text.contains("atlantis"), "{}", refused.text);
    assert!(refused.text.contains("4242"), "{}", refused.text);
    assert_eq!(app.get(ARTICLES).await.body["meta"]["total"], 0);

    let article = published(&app, "Kept", json!([nato["id"]])).await;
    let path = format!("{ARTICLES}/{}", article["id"]);
    let patch = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"title": "Changed", "tags": ["nowhere"]}),
        )
        .await;
    assert_eq!(patch.error_fields(), ["tags"]);
    assert!(patch.text.contains("nowhere"), "{}", patch.text);
    let unchanged = app.get(&path).await;
    assert_eq!(unchanged.body["title"], "Kept");
    assert_eq!(slugs(&unchanged.body), ["nato"]);
    app.patch_as(&path, &app.admin_token, json!({"tags": null}))
        .await
        .assert_problem(422);
    app.patch_as(&path, &app.admin_token, json!({"tags": [true]}))
        .await
        .assert_problem(422);
}

#[actix_web::test]
async fn the_tag_filter_takes_ids_and_slugs_and_matches_any() {
    let app = TestApp::spawn().await;
    let nato = tag(&app, "NATO").await;
    tag(&app, "Kherson").await;
    tag(&app, "Unused").await;
    published(&app, "Alliance", json!(["nato"])).await;
    published(&app, "Front", json!(["kherson"])).await;
    published(&app, "Both", json!(["kherson", "nato"])).await;
    published(&app, "Neither", json!([])).await;
    let list = |query: String| {
        let app = &app;
        async move {
            let found = app.get(&format!("{ARTICLES}?{query}")).await;
            assert_eq!(found.status, 200, "{query}: {}", found.text);
            (titles(&found.body), found.body["meta"]["total"].clone())
        }
    };
    let by_id = list(format!("tag={}", nato["id"])).await;
    assert_eq!(
        by_id,
        (vec!["Both".to_owned(), "Alliance".to_owned()], json!(2))
    );
    assert_eq!(list("tag=nato".to_owned()).await, by_id);
    let (any, total) = list(format!("tag=kherson&tag={}", nato["id"])).await;
    assert_eq!(any, ["Both", "Front", "Alliance"]);
    assert_eq!(total, 3);
    assert_eq!(list("tag=unused".to_owned()).await.1, 0);
    assert_eq!(list("tag=atlantis".to_owned()).await.1, 0);
    assert_eq!(list("tag=atlantis&tag=kherson".to_owned()).await.1, 2);
    let (combined, _) = list("tag=kherson&search=front".to_owned()).await;
    assert_eq!(combined, ["Front"]);
}

#[actix_web::test]
async fn deleting_a_tag_detaches_it_from_its_articles() {
    let app = TestApp::spawn().await;
    let doomed = tag(&app, "Doomed").await;
    tag(&app, "Kept").await;
    let article = published(&app, "Story", json!(["doomed", "kept"])).await;
    let path = format!("{ARTICLES}/{}", article["id"]);
    assert_eq!(slugs(&app.get(&path).await.body), ["doomed", "kept"]);
    let tag_path = format!("{TAGS}/{}", doomed["id"]);
    assert_eq!(app.delete_as(&tag_path, &app.admin_token).await.status, 204);
    assert_eq!(slugs(&app.get(&path).await.body), ["kept"]);
    assert_eq!(
        app.get(&format!("{ARTICLES}?tag=doomed")).await.body["meta"]["total"],
        0
    );
    assert_eq!(app.get(TAGS).await.body["meta"]["total"], 1);
    app.get(&tag_path).await.assert_problem(404);
}

#[actix_web::test]
async fn a_renamed_tag_shows_at_once_in_cached_public_answers() {
    let app = TestApp::spawn().await;
    let renamed = tag(&app, "Kherson").await;
    let article = published(&app, "Story", json!(["kherson"])).await;
    let path = format!("{ARTICLES}/{}", article["id"]);
    let list = format!("{ARTICLES}?tag=kherson");
    // Read twice, so that both answers are in the cache.
    for _ in 0..2 {
        assert_eq!(app.get(&path).await.body["tags"][0]["name"], "Kherson");
        assert_eq!(
            app.get(&list).await.body["data"][0]["tags"][0]["name"],
            "Kherson"
        );
        assert_eq!(app.get(TAGS).await.body["data"][0]["name"], "Kherson");
    }
    let changed = app
        .patch_as(
            &format!("{TAGS}/{}", renamed["id"]),
            &app.admin_token,
            json!({"name": "Kherson Oblast"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(
        app.get(&path).await.body["tags"][0]["name"],
        "Kherson Oblast"
    );
    assert_eq!(
        app.get(&list).await.body["data"][0]["tags"][0]["name"],
        "Kherson Oblast"
    );
    assert_eq!(
        app.get(TAGS).await.body["data"][0]["name"],
        "Kherson Oblast"
    );

    // Tagging a published article shows at once too.
    tag(&app, "NATO").await;
    assert_eq!(
        app.get(&format!("{ARTICLES}?tag=nato")).await.body["meta"]["total"],
        0
    );
    app.patch_as(&path, &app.admin_token, json!({"tags": ["nato"]}))
        .await;
    assert_eq!(
        app.get(&format!("{ARTICLES}?tag=nato")).await.body["meta"]["total"],
        1
    );
    assert_eq!(slugs(&app.get(&path).await.body), ["nato"]);
}
