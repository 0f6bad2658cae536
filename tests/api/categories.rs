//! `/categories`: the site's sections.

use serde_json::json;

use crate::common::TestApp;

#[actix_web::test]
async fn editors_create_categories_with_generated_unique_slugs() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.user("editor").await;
    let first = app
        .post_as("/api/v1/categories", &editor, json!({"name": "World News"}))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["slug"], "world-news");
    assert_eq!(first.body["article_count"], 0);
    let location = first
        .header("location")
        .expect("a Location header")
        .to_owned();
    assert_eq!(location, format!("/api/v1/categories/{}", first.body["id"]));
    assert_eq!(app.get(&location).await.body, first.body);
    let second = app
        .post_as(
            "/api/v1/categories",
            &editor,
            json!({"name": "World  News!"}),
        )
        .await;
    assert_eq!(second.body["slug"], "world-news-2");
    let third = app
        .post_as("/api/v1/categories", &editor, json!({"name": "World News"}))
        .await;
    assert_eq!(third.body["slug"], "world-news-3");
}

#[actix_web::test]
async fn a_taken_explicit_slug_is_a_409() {
    let app = TestApp::spawn().await;
    app.category(json!({"name": "Crime", "slug": "crime"}))
        .await;
    let taken = app
        .post_as(
            "/api/v1/categories",
            &app.admin_token,
            json!({"name": "Other", "slug": "crime"}),
        )
        .await;
    taken.assert_problem(409);
}

#[actix_web::test]
async fn categories_are_found_by_id_and_by_slug() {
    let app = TestApp::spawn().await;
    let created = app
        .category(json!({"name": "Finance", "description": "Money"}))
        .await;
    let by_slug = app.get("/api/v1/categories/slug/finance").await;
    assert_eq!(by_slug.body, created);
    app.get("/api/v1/categories/slug/nothing")
        .await
        .assert_problem(404);
    app.get("/api/v1/categories/4242").await.assert_problem(404);
}

#[actix_web::test]
async fn writes_need_a_token_and_an_editor_role() {
    let app = TestApp::spawn().await;
    let anonymous = app
        .send(
            actix_web::http::Method::POST,
            "/api/v1/categories",
            None,
            Some(json!({"name": "X"})),
        )
        .await;
    anonymous.assert_problem(401);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    let bad_token = app
        .post_as("/api/v1/categories", "not-a-jwt", json!({"name": "X"}))
        .await;
    bad_token.assert_problem(401);
    let (_, author) = app.user("author").await;
    app.post_as("/api/v1/categories", &author, json!({"name": "X"}))
        .await
        .assert_problem(403);
    let category = app.category(json!({"name": "Y"})).await;
    let path = format!("/api/v1/categories/{}", category["id"]);
    app.patch_as(&path, &author, json!({"name": "Z"}))
        .await
        .assert_problem(403);
    app.delete_as(&path, &author).await.assert_problem(403);
}

#[actix_web::test]
async fn invalid_fields_are_all_reported() {
    let app = TestApp::spawn().await;
    let response = app
        .post_as(
            "/api/v1/categories",
            &app.admin_token,
            json!({"name": "   ", "slug": "Not A Slug", "description": "d".repeat(2001)}),
        )
        .await;
    let mut fields = response.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["description", "name", "slug"]);
    let missing = app
        .post_as("/api/v1/categories", &app.admin_token, json!({}))
        .await;
    assert_eq!(missing.error_fields(), vec!["body"]);
    assert!(missing.text.contains("name"), "{}", missing.text);
}

#[actix_web::test]
async fn patch_changes_only_the_fields_sent_and_null_clears() {
    let app = TestApp::spawn().await;
    let created = app
        .category(json!({"name": "Politics", "description": "Government"}))
        .await;
    let path = format!("/api/v1/categories/{}", created["id"]);
    let renamed = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"name": "Politics & Policy"}),
        )
        .await;
    assert_eq!(renamed.status, 200);
    assert_eq!(renamed.body["name"], "Politics & Policy");
    assert_eq!(renamed.body["slug"], "politics");
    assert_eq!(renamed.body["description"], "Government");
    let cleared = app
        .patch_as(&path, &app.admin_token, json!({"description": null}))
        .await;
    assert_eq!(cleared.body["description"], serde_json::Value::Null);
    assert_eq!(cleared.body["name"], "Politics & Policy");
    let null_name = app
        .patch_as(&path, &app.admin_token, json!({"name": null}))
        .await;
    assert_eq!(null_name.error_fields(), vec!["name"]);
}

#[actix_web::test]
async fn hierarchy_never_forms_a_cycle() {
    let app = TestApp::spawn().await;
    let world = app.category(json!({"name": "World"})).await;
    let asia = app
        .category(json!({"name": "Asia", "parent_id": world["id"]}))
        .await;
    let china = app
        .category(json!({"name": "China", "parent_id": asia["id"]}))
        .await;
    assert_eq!(china["parent_id"], asia["id"]);
    let world_path = format!("/api/v1/categories/{}", world["id"]);
    let cycle = app
        .patch_as(
            &world_path,
            &app.admin_token,
            json!({"parent_id": china["id"]}),
        )
        .await;
    assert_eq!(cycle.error_fields(), vec!["parent_id"]);
    let own = app
        .patch_as(
            &world_path,
            &app.admin_token,
            json!({"parent_id": world["id"]}),
        )
        .await;
    assert_eq!(own.error_fields(), vec!["parent_id"]);
    let missing = app
        .post_as(
            "/api/v1/categories",
            &app.admin_token,
            json!({"name": "Orphan", "parent_id": 999}),
        )
        .await;
    assert_eq!(missing.error_fields(), vec!["parent_id"]);
}

#[actix_web::test]
async fn deleting_a_parent_moves_its_children_up() {
    let app = TestApp::spawn().await;
    let world = app.category(json!({"name": "World"})).await;
    let asia = app
        .category(json!({"name": "Asia", "parent_id": world["id"]}))
        .await;
    let china = app
        .category(json!({"name": "China", "parent_id": asia["id"]}))
        .await;
    let deleted = app
        .delete_as(
            &format!("/api/v1/categories/{}", asia["id"]),
            &app.admin_token,
        )
        .await;
    assert_eq!(deleted.status, 204);
    app.get(&format!("/api/v1/categories/{}", asia["id"]))
        .await
        .assert_problem(404);
    let moved = app
        .get(&format!("/api/v1/categories/{}", china["id"]))
        .await;
    assert_eq!(moved.body["parent_id"], world["id"]);
}

#[actix_web::test]
async fn reassign_to_must_name_another_existing_category() {
    let app = TestApp::spawn().await;
    let category = app.category(json!({"name": "Crime"})).await;
    let path = format!("/api/v1/categories/{}", category["id"]);
    let to_self = app
        .delete_as(
            &format!("{path}?reassign_to={}", category["id"]),
            &app.admin_token,
        )
        .await;
    assert_eq!(to_self.error_fields(), vec!["reassign_to"]);
    let to_nothing = app
        .delete_as(&format!("{path}?reassign_to=999"), &app.admin_token)
        .await;
    assert_eq!(to_nothing.error_fields(), vec!["reassign_to"]);
    app.delete_as(&path, &app.admin_token).await;
    app.delete_as(&path, &app.admin_token)
        .await
        .assert_problem(404);
}

#[actix_web::test]
async fn lists_sort_by_name_either_way() {
    let app = TestApp::spawn().await;
    for name in ["Business", "Crime", "Arts"] {
        app.category(json!({"name": name})).await;
    }
    let names = |body: &serde_json::Value| -> Vec<String> {
        body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        names(&app.get("/api/v1/categories").await.body),
        ["Arts", "Business", "Crime"]
    );
    assert_eq!(
        names(&app.get("/api/v1/categories?sort=-name").await.body),
        ["Crime", "Business", "Arts"]
    );
    let by_count = app.get("/api/v1/categories?sort=-article_count").await;
    assert_eq!(by_count.status, 200);
    assert_eq!(by_count.body["meta"]["total"], 3);
}
