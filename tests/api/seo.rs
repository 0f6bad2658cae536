//! Share and SEO metadata: `meta_title`, `meta_description`, `og_image` and `canonical_url`
//! on articles, and the `seo` object every full article carries.

use serde_json::{Value, json};

use crate::common::{SITE_URL, TestApp};

async fn published(app: &TestApp, body: Value) -> Value {
    let mut body = body;
    body["status"] = json!("published");
    body["content"] = json!("<p>The council approved the expansion by seven votes to two.</p>");
    app.article(&app.admin_token, body).await
}

#[actix_web::test]
async fn seo_falls_back_to_the_title_excerpt_page_and_featured_image() {
    let app = TestApp::spawn().await;
    let category = app.category(json!({"name": "Local"})).await;
    let tag = app
        .post_as("/api/v1/tags", &app.admin_token, json!({"name": "Port"}))
        .await;
    assert_eq!(tag.status, 201);
    let media = app
        .media(&app.admin_token, &crate::media::jpeg(640, 400))
        .await;
    let article = published(
        &app,
        json!({"title": "Port expansion approved", "category_id": category["id"],
               "tags": ["port"], "featured_image": media["id"]}),
    )
    .await;
    for path in [
        format!("/api/v1/articles/{}", article["id"]),
        format!(
            "/api/v1/articles/slug/{}",
            article["slug"].as_str().unwrap_or_default()
        ),
    ] {
        let got = app.get(&path).await;
        assert_eq!(got.status, 200);
        assert_eq!(got.body["seo"], article["seo"], "{path}");
    }
    let page = format!("{SITE_URL}/local/port-expansion-approved");
    let seo = &article["seo"];
    assert_eq!(article["meta_title"], Value::Null);
    assert_eq!(article["og_image"], Value::Null);
    assert_eq!(seo["title"], "Port expansion approved");
    assert_eq!(
        seo["description"],
        "The council approved the expansion by seven votes to two."
    );
    assert_eq!(seo["canonical_url"], page);
    assert_eq!(
        seo["image"],
        json!({"url": format!("{SITE_URL}{}", media["url"].as_str().unwrap_or_default()),
               "width": 640, "height": 400, "alt": "Cranes at the port"})
    );
    assert_eq!(seo["og_type"], "article");
    assert_eq!(seo["twitter_card"], "summary_large_image");
    assert_eq!(seo["published_time"], article["published_at"]);
    assert_eq!(seo["modified_time"], article["updated_at"]);
    assert_eq!(seo["author"], "Test Admin");
    assert_eq!(seo["section"], "Local");
    assert_eq!(seo["tags"], json!(["Port"]));
    assert_eq!(
        seo["share"]["facebook"],
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fnews.example.com%2Flocal%2Fport-expansion-approved"
    );
}

#[actix_web::test]
async fn overrides_win_and_null_goes_back_to_the_fallback() {
    let app = TestApp::spawn().await;
    let featured = app
        .media(&app.admin_token, &crate::media::jpeg(300, 300))
        .await;
    let share = app
        .media(&app.admin_token, &crate::media::jpeg(1200, 630))
        .await;
    let article = published(
        &app,
        json!({"title": "Port expansion approved", "featured_image": featured["id"],
               "meta_title": "  The port vote, explained  ", "meta_description": "Seven to two.",
               "og_image": share["id"],
               "canonical_url": "https://agency.example.org/2026/port?ref=wire"}),
    )
    .await;
    assert_eq!(article["meta_title"], "The port vote, explained");
    assert_eq!(article["meta_description"], "Seven to two.");
    assert_eq!(
        article["canonical_url"],
        "https://agency.example.org/2026/port?ref=wire"
    );
    // The share image reads as the featured image does.
    assert_eq!(article["og_image"]["id"], share["id"]);
    assert_eq!(article["og_image"]["width"], 1200);
    let shape = |image: &Value| {
        let mut keys: Vec<String> = image
            .as_object()
            .expect("an image")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(
        shape(&article["og_image"]),
        shape(&article["featured_image"])
    );
    let seo = &article["seo"];
    assert_eq!(seo["title"], "The port vote, explained");
    assert_eq!(seo["description"], "Seven to two.");
    assert_eq!(
        seo["canonical_url"],
        "https://agency.example.org/2026/port?ref=wire"
    );
    assert_eq!(seo["image"]["width"], 1200);
    assert_eq!(
        seo["share"]["linkedin"],
        "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fagency.example.org%2F2026%2Fport%3Fref%3Dwire"
    );

    let path = format!("/api/v1/articles/{}", article["id"]);
    let kept = app
        .patch_as(&path, &app.admin_token, json!({"featured": true}))
        .await;
    assert_eq!(kept.body["seo"]["title"], "The port vote, explained");
    assert_eq!(kept.body["og_image"]["id"], share["id"]);
    let cleared = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"meta_title": null, "meta_description": "", "og_image": null, "canonical_url": null}),
        )
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    let body = &cleared.body;
    assert_eq!(body["meta_title"], Value::Null);
    assert_eq!(body["meta_description"], Value::Null);
    assert_eq!(body["og_image"], Value::Null);
    assert_eq!(body["canonical_url"], Value::Null);
    assert_eq!(body["seo"]["title"], "Port expansion approved");
    assert_eq!(body["seo"]["image"]["width"], 300);
    assert_eq!(
        body["seo"]["canonical_url"],
        format!("{SITE_URL}/uncategorized/port-expansion-approved")
    );
    let set = app
        .patch_as(&path, &app.admin_token, json!({"meta_title": "Again"}))
        .await;
    assert_eq!(set.body["seo"]["title"], "Again");
}

#[actix_web::test]
async fn share_links_are_url_encoded_and_the_card_follows_the_image() {
    let app = TestApp::spawn().await;
    let article = published(&app, json!({"title": "Rates & taxes: 100% up?"})).await;
    let seo = &article["seo"];
    assert_eq!(seo["image"], Value::Null);
    assert_eq!(seo["twitter_card"], "summary");
    let url = "https%3A%2F%2Fnews.example.com%2Funcategorized%2Frates-taxes-100-up";
    let title = "Rates%20%26%20taxes%3A%20100%25%20up%3F";
    assert_eq!(
        seo["share"],
        json!({
            "facebook": format!("https://www.facebook.com/sharer/sharer.php?u={url}"),
            "x": format!("https://x.com/intent/tweet?url={url}&text={title}"),
            "linkedin": format!("https://www.linkedin.com/sharing/share-offsite/?url={url}"),
            "whatsapp": format!("https://wa.me/?text={title}%20{url}"),
            "mailto": format!("mailto:?subject={title}&body={url}"),
        })
    );
}

#[actix_web::test]
async fn a_linked_featured_image_keeps_its_address_and_has_no_size() {
    let app = TestApp::spawn().await;
    let article = published(
        &app,
        json!({"title": "Linked", "featured_image": {"url": "https://images.example.com/a.jpg", "alt": "A"}}),
    )
    .await;
    assert_eq!(
        article["seo"]["image"],
        json!({"url": "https://images.example.com/a.jpg", "width": null, "height": null, "alt": "A"})
    );
}

#[actix_web::test]
async fn without_site_url_there_is_no_canonical_address_nor_share_links() {
    let app = TestApp::spawn_with(&[("SITE_URL", "")]).await;
    let article = published(&app, json!({"title": "Nowhere"})).await;
    assert_eq!(article["seo"]["canonical_url"], Value::Null);
    assert_eq!(article["seo"]["share"], Value::Null);
    let syndicated = published(
        &app,
        json!({"title": "Elsewhere", "canonical_url": "https://agency.example.org/x"}),
    )
    .await;
    assert_eq!(
        syndicated["seo"]["canonical_url"],
        "https://agency.example.org/x"
    );
    assert!(syndicated["seo"]["share"]["x"].is_string());
}

#[actix_web::test]
async fn bad_metadata_is_a_422_naming_each_field() {
    let app = TestApp::spawn().await;
    let bad = app
        .post_as(
            "/api/v1/articles",
            &app.admin_token,
            json!({"title": "T", "content": "c", "meta_title": "x".repeat(71),
                   "meta_description": "y".repeat(201), "og_image": 0,
                   "canonical_url": "javascript:alert(1)"}),
        )
        .await;
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "canonical_url",
            "meta_description",
            "meta_title",
            "og_image"
        ]
    );
    let unknown = app
        .post_as(
            "/api/v1/articles",
            &app.admin_token,
            json!({"title": "T", "content": "c", "og_image": 424242}),
        )
        .await;
    assert_eq!(unknown.error_fields(), ["og_image"]);
    let article = published(&app, json!({"title": "Fine"})).await;
    let path = format!("/api/v1/articles/{}", article["id"]);
    let patched = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"canonical_url": "/relative/path", "og_image": 424242}),
        )
        .await;
    assert_eq!(patched.error_fields(), ["canonical_url"]);
    let patched = app
        .patch_as(&path, &app.admin_token, json!({"og_image": 424242}))
        .await;
    assert_eq!(patched.error_fields(), ["og_image"]);
}

#[actix_web::test]
async fn deleting_a_share_image_in_use_is_a_conflict_unless_forced() {
    let app = TestApp::spawn().await;
    let media = app
        .media(&app.admin_token, &crate::media::jpeg(200, 100))
        .await;
    let article = published(&app, json!({"title": "Shared", "og_image": media["id"]})).await;
    let media_path = format!("/api/v1/media/{}", media["id"]);
    let refused = app.delete_as(&media_path, &app.admin_token).await;
    refused.assert_problem(409);
    let forced = app
        .delete_as(&format!("{media_path}?force=true"), &app.admin_token)
        .await;
    assert_eq!(forced.status, 204);
    let after = app
        .get(&format!("/api/v1/articles/{}", article["id"]))
        .await;
    assert_eq!(after.body["og_image"], Value::Null);
}

/// Every summary carries its page's address, by the site's template, wherever articles are
/// listed: front ends link there, as feeds and sitemaps do.
#[actix_web::test]
async fn every_listed_article_carries_its_page_address_by_the_template() {
    let app = TestApp::spawn_with(&[("ARTICLE_URL_TEMPLATE", "{site}/{year}/{slug}-{id}")]).await;
    let article = published(&app, json!({"title": "Harbour cranes arrive"})).await;
    let id = article["id"].as_i64().expect("an id");
    let year = &article["published_at"].as_str().expect("a date")[..4];
    let wanted = format!("{SITE_URL}/{year}/harbour-cranes-arrive-{id}");
    assert_eq!(article["url"], wanted.as_str());
    assert_eq!(article["seo"]["canonical_url"], wanted.as_str());
    let listed = app.get("/api/v1/articles").await;
    assert_eq!(listed.body["data"][0]["url"], wanted.as_str());
    let found = app.get("/api/v1/search?q=harbour").await;
    assert_eq!(found.body["data"][0]["url"], wanted.as_str());
    let home = app.get("/api/v1/pages/home").await;
    assert_eq!(home.body["latest"][0]["url"], wanted.as_str());

    let nowhere = TestApp::spawn_with(&[("SITE_URL", "")]).await;
    let article = published(&nowhere, json!({"title": "Nowhere"})).await;
    assert_eq!(article["url"], Value::Null);
    let listed = nowhere.get("/api/v1/articles").await;
    assert_eq!(listed.body["data"][0]["url"], Value::Null);
}
