//! `/authors`: the public profiles of users, which never show an email or a role.

use serde_json::{Value, json};

use crate::common::{ADMIN_EMAIL, TestApp};

const AUTHORS: &str = "/api/v1/authors";
const PROFILE_FIELDS: [&str; 6] = [
    "article_count",
    "avatar_url",
    "bio",
    "display_name",
    "id",
    "slug",
];

/// Creates a user as admin with these extra fields and returns the admin view of them.
async fn person(app: &TestApp, email: &str, display_name: &str, extra: Value) -> Value {
    let mut body = json!({"email": email, "password": "a long passphrase", "display_name": display_name, "role": "author"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let created = app.post_as("/api/v1/users", &app.admin_token, body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body
}

fn field_names(profile: &Value) -> Vec<String> {
    let mut names: Vec<String> = profile
        .as_object()
        .expect("a profile object")
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

fn display_names(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|author| {
            author["display_name"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[actix_web::test]
async fn the_author_list_is_public_and_never_shows_email_or_role() {
    let app = TestApp::spawn().await;
    person(
        &app,
        "dana@example.com",
        "Dana Reporter",
        json!({"bio": "Covers the courts.", "avatar_url": "https://example.com/dana.jpg"}),
    )
    .await;
    let list = app.get(AUTHORS).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.header("x-total-count"), Some("2"));
    assert!(
        list.header("cache-control")
            .is_some_and(|value| value.starts_with("public")),
        "{:?}",
        list.header("cache-control")
    );
    for profile in list.body["data"].as_array().expect("data") {
        assert_eq!(field_names(profile), PROFILE_FIELDS);
    }
    for private in [
        "dana@example.com",
        ADMIN_EMAIL,
        "\"email\"",
        "\"role\"",
        "password",
    ] {
        assert!(
            !list.text.contains(private),
            "{private} leaked: {}",
            list.text
        );
    }
    let dana = list.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|author| author["slug"] == "dana-reporter")
        .expect("Dana is listed");
    assert_eq!(dana["bio"], "Covers the courts.");
    assert_eq!(dana["avatar_url"], "https://example.com/dana.jpg");
}

#[actix_web::test]
async fn authors_are_found_by_id_and_by_slug() {
    let app = TestApp::spawn().await;
    let user = person(&app, "eli@example.com", "Eli Writer", json!({})).await;
    let by_id = app.get(&format!("{AUTHORS}/{}", user["id"])).await;
    assert_eq!(by_id.status, 200, "{}", by_id.text);
    assert_eq!(field_names(&by_id.body), PROFILE_FIELDS);
    assert_eq!(by_id.body["id"], user["id"]);
    assert_eq!(by_id.body["display_name"], "Eli Writer");
    assert_eq!(by_id.body["slug"], "eli-writer");
    assert!(!by_id.text.contains("eli@example.com"), "{}", by_id.text);
    let by_slug = app.get(&format!("{AUTHORS}/slug/eli-writer")).await;
    assert_eq!(by_slug.status, 200, "{}", by_slug.text);
    assert_eq!(by_slug.body, by_id.body);
}

#[actix_web::test]
async fn unknown_authors_are_404_problems() {
    let app = TestApp::spawn().await;
    app.get(&format!("{AUTHORS}/4242"))
        .await
        .assert_problem(404);
    app.get(&format!("{AUTHORS}/slug/nobody"))
        .await
        .assert_problem(404);
}

#[actix_web::test]
async fn new_authors_have_no_articles() {
    let app = TestApp::spawn().await;
    let user = person(&app, "fay@example.com", "Fay New", json!({})).await;
    let profile = app.get(&format!("{AUTHORS}/{}", user["id"])).await;
    assert_eq!(profile.body["article_count"], 0);
    let list = app.get(AUTHORS).await;
    for author in list.body["data"].as_array().expect("data") {
        assert_eq!(author["article_count"], 0, "{author}");
    }
}

#[actix_web::test]
async fn authors_sort_by_display_name_either_way() {
    let app = TestApp::spawn().await;
    for (email, name) in [
        ("zed@example.com", "Zed Zulu"),
        ("amy@example.com", "Amy Alpha"),
        ("mia@example.com", "Mia Mike"),
    ] {
        person(&app, email, name, json!({})).await;
    }
    let expected = ["Amy Alpha", "Mia Mike", "Test Admin", "Zed Zulu"];
    assert_eq!(display_names(&app.get(AUTHORS).await.body), expected);
    assert_eq!(
        display_names(&app.get(&format!("{AUTHORS}?sort=display_name")).await.body),
        expected
    );
    let descending = app.get(&format!("{AUTHORS}?sort=-display_name")).await;
    let mut reversed = expected;
    reversed.reverse();
    assert_eq!(display_names(&descending.body), reversed);
    let by_count = app.get(&format!("{AUTHORS}?sort=-article_count")).await;
    assert_eq!(by_count.status, 200, "{}", by_count.text);
}

#[actix_web::test]
async fn sorting_authors_by_an_unknown_or_private_field_is_422() {
    let app = TestApp::spawn().await;
    for sort in ["colour", "email", "-role"] {
        let response = app.get(&format!("{AUTHORS}?sort={sort}")).await;
        assert_eq!(response.error_fields(), vec!["sort"], "sort={sort}");
    }
}

#[actix_web::test]
async fn author_lists_are_paginated() {
    let app = TestApp::spawn().await;
    for n in 0..4 {
        person(
            &app,
            &format!("writer{n}@example.com"),
            &format!("Writer {n}"),
            json!({}),
        )
        .await;
    }
    let page = app.get(&format!("{AUTHORS}?per_page=2&page=3")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.header("x-total-count"), Some("5"));
    assert_eq!(
        page.body["meta"],
        json!({"page": 3, "per_page": 2, "total": 5, "total_pages": 3})
    );
    assert_eq!(display_names(&page.body), ["Writer 3"]);
}
