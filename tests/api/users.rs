//! `/users`: account management, for admins only.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::{ADMIN_EMAIL, TestApp, USER_PASSWORD};

const USERS: &str = "/api/v1/users";

fn user_path(id: &Value) -> String {
    format!("{USERS}/{id}")
}

fn emails(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|user| user["email"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn my_id(app: &TestApp, token: &str) -> Value {
    app.get_as("/api/v1/auth/me", token).await.body["id"].clone()
}

#[actix_web::test]
async fn admins_create_users_with_a_location_and_a_generated_slug() {
    let app = TestApp::spawn().await;
    let created = app
        .post_as(
            USERS,
            &app.admin_token,
            json!({"email": "ann@example.com", "password": "a long passphrase", "display_name": "Ann Example", "role": "author"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let user = &created.body;
    assert_eq!(user["email"], "ann@example.com");
    assert_eq!(user["display_name"], "Ann Example");
    assert_eq!(user["slug"], "ann-example");
    assert_eq!(user["role"], "author");
    assert_eq!(user["bio"], Value::Null);
    assert_eq!(user["avatar_url"], Value::Null);
    assert!(
        user["created_at"]
            .as_str()
            .is_some_and(|at| at.ends_with('Z'))
    );
    assert!(
        !created.text.contains("password"),
        "the password is write-only: {}",
        created.text
    );
    let location = created
        .header("location")
        .expect("a Location header")
        .to_owned();
    assert_eq!(location, user_path(&user["id"]));
    let fetched = app.get_as(&location, &app.admin_token).await;
    assert_eq!(fetched.body, created.body);
    let namesake = app
        .post_as(
            USERS,
            &app.admin_token,
            json!({"email": "ann2@example.com", "password": "a long passphrase", "display_name": "Ann Example", "role": "author"}),
        )
        .await;
    assert_eq!(namesake.body["slug"], "ann-example-2");
}

#[actix_web::test]
async fn a_taken_email_is_a_409_whatever_its_case() {
    let app = TestApp::spawn().await;
    for email in [ADMIN_EMAIL, "Admin@Example.com"] {
        let response = app
            .post_as(
                USERS,
                &app.admin_token,
                json!({"email": email, "password": "a long passphrase", "display_name": "Twin", "role": "editor"}),
            )
            .await;
        response.assert_problem(409);
    }
}

#[actix_web::test]
async fn invalid_fields_are_422_naming_each_field() {
    let app = TestApp::spawn().await;
    let invalid = app
        .post_as(
            USERS,
            &app.admin_token,
            json!({"email": "not-an-email", "password": "short", "display_name": "  ", "role": "author"}),
        )
        .await;
    let mut fields = invalid.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["display_name", "email", "password"]);
    let bad_role = app
        .post_as(
            USERS,
            &app.admin_token,
            json!({"email": "bo@example.com", "password": "a long passphrase", "display_name": "Bo", "role": "owner"}),
        )
        .await;
    assert_eq!(bad_role.error_fields(), vec!["role"]);
    let unknown = app
        .post_as(
            USERS,
            &app.admin_token,
            json!({"email": "bo@example.com", "password": "a long passphrase", "display_name": "Bo", "role": "author", "nickname": "B"}),
        )
        .await;
    unknown.assert_problem(422);
    assert!(unknown.text.contains("nickname"), "{}", unknown.text);
    let user = app.create_user("author").await;
    let bad_patch = app
        .patch_as(
            &user_path(&user["id"]),
            &app.admin_token,
            json!({"password": "short", "avatar_url": "ftp://x"}),
        )
        .await;
    let mut fields = bad_patch.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["avatar_url", "password"]);
}

#[actix_web::test]
async fn editors_and_authors_are_forbidden_to_manage_users() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.user("editor").await;
    let (author_id, author) = app.user("author").await;
    let path = format!("{USERS}/{author_id}");
    let body = json!({"email": "x@example.com", "password": "a long passphrase", "display_name": "X", "role": "admin"});
    for token in [&editor, &author] {
        app.get_as(USERS, token).await.assert_problem(403);
        app.post_as(USERS, token, body.clone())
            .await
            .assert_problem(403);
        app.get_as(&path, token).await.assert_problem(403);
        app.patch_as(&path, token, json!({"role": "admin"}))
            .await
            .assert_problem(403);
        app.delete_as(&path, token).await.assert_problem(403);
    }
    let me = app.get_as("/api/v1/auth/me", &author).await;
    assert_eq!(me.body["role"], "author", "nothing changed");
}

#[actix_web::test]
async fn anonymous_callers_get_401() {
    let app = TestApp::spawn().await;
    let (id, _) = app.user("author").await;
    let path = format!("{USERS}/{id}");
    for (method, path) in [
        (Method::GET, USERS),
        (Method::POST, USERS),
        (Method::GET, path.as_str()),
        (Method::PATCH, path.as_str()),
        (Method::DELETE, path.as_str()),
    ] {
        let body = matches!(method, Method::POST | Method::PATCH).then(|| json!({}));
        let response = app.send(method.clone(), path, None, body).await;
        response.assert_problem(401);
        assert_eq!(
            response.header("www-authenticate"),
            Some("Bearer"),
            "{method} {path}"
        );
    }
}

#[actix_web::test]
async fn user_lists_are_paginated() {
    let app = TestApp::spawn().await;
    for role in ["editor", "editor", "author"] {
        app.create_user(role).await;
    }
    let page = app
        .get_as(&format!("{USERS}?per_page=3&page=2"), &app.admin_token)
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.header("x-total-count"), Some("4"));
    assert_eq!(
        page.body["meta"],
        json!({"page": 2, "per_page": 3, "total": 4, "total_pages": 2})
    );
    assert_eq!(page.body["data"].as_array().map(Vec::len), Some(1));
    assert!(!page.text.contains("password"), "{}", page.text);
    assert!(
        page.header("link")
            .is_some_and(|link| link.contains("rel=\"first\"")),
        "{:?}",
        page.header("link")
    );
}

#[actix_web::test]
async fn user_lists_filter_by_role() {
    let app = TestApp::spawn().await;
    for role in ["editor", "editor", "author"] {
        app.create_user(role).await;
    }
    let editors = app
        .get_as(&format!("{USERS}?role=editor"), &app.admin_token)
        .await;
    assert_eq!(editors.status, 200, "{}", editors.text);
    assert_eq!(editors.body["meta"]["total"], 2);
    let roles: Vec<&Value> = editors.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|user| &user["role"])
        .collect();
    assert_eq!(roles, [&json!("editor"), &json!("editor")]);
}

#[actix_web::test]
async fn an_unknown_role_filter_is_422() {
    let app = TestApp::spawn().await;
    let response = app
        .get_as(&format!("{USERS}?role=owner"), &app.admin_token)
        .await;
    assert_eq!(response.error_fields(), vec!["role"]);
}

#[actix_web::test]
async fn user_lists_sort_by_email_either_way() {
    let app = TestApp::spawn().await;
    for role in ["editor", "author"] {
        app.create_user(role).await;
    }
    let ascending = app
        .get_as(&format!("{USERS}?sort=email"), &app.admin_token)
        .await;
    let mut expected = emails(&ascending.body);
    expected.sort();
    assert_eq!(emails(&ascending.body), expected);
    let descending = app
        .get_as(&format!("{USERS}?sort=-email"), &app.admin_token)
        .await;
    expected.reverse();
    assert_eq!(emails(&descending.body), expected);
    assert_eq!(expected.len(), 3);
    for unknown in ["colour", "-password", "password_hash"] {
        let response = app
            .get_as(&format!("{USERS}?sort={unknown}"), &app.admin_token)
            .await;
        assert_eq!(response.error_fields(), vec!["sort"], "sort={unknown}");
    }
}

#[actix_web::test]
async fn unknown_users_are_404() {
    let app = TestApp::spawn().await;
    let path = format!("{USERS}/4242");
    app.get_as(&path, &app.admin_token)
        .await
        .assert_problem(404);
    app.patch_as(&path, &app.admin_token, json!({"display_name": "X"}))
        .await
        .assert_problem(404);
    app.delete_as(&path, &app.admin_token)
        .await
        .assert_problem(404);
}

#[actix_web::test]
async fn patch_changes_only_the_fields_sent_and_null_clears() {
    let app = TestApp::spawn().await;
    let created = app
        .post_as(
            USERS,
            &app.admin_token,
            json!({"email": "cy@example.com", "password": "a long passphrase", "display_name": "Cy Writer", "role": "author", "bio": "Writes about courts.", "avatar_url": "https://example.com/cy.jpg"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let path = user_path(&created.body["id"]);
    let renamed = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"display_name": "Cy Reporter"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["display_name"], "Cy Reporter");
    for unchanged in ["email", "slug", "role", "bio", "avatar_url", "created_at"] {
        assert_eq!(
            renamed.body[unchanged], created.body[unchanged],
            "{unchanged}"
        );
    }
    let promoted = app
        .patch_as(&path, &app.admin_token, json!({"role": "editor"}))
        .await;
    assert_eq!(promoted.body["role"], "editor");
    assert_eq!(promoted.body["display_name"], "Cy Reporter");
    let cleared = app
        .patch_as(&path, &app.admin_token, json!({"bio": null}))
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.body["bio"], Value::Null);
    assert_eq!(cleared.body["avatar_url"], "https://example.com/cy.jpg");
    assert_eq!(app.get_as(&path, &app.admin_token).await.body, cleared.body);
}

#[actix_web::test]
async fn patch_to_a_taken_email_or_slug_is_409() {
    let app = TestApp::spawn().await;
    let first = app.create_user("author").await;
    let second = app.create_user("author").await;
    let path = user_path(&second["id"]);
    app.patch_as(&path, &app.admin_token, json!({"email": first["email"]}))
        .await
        .assert_problem(409);
    app.patch_as(&path, &app.admin_token, json!({"slug": first["slug"]}))
        .await
        .assert_problem(409);
    let own = app
        .patch_as(&path, &app.admin_token, json!({"email": second["email"]}))
        .await;
    assert_eq!(own.status, 200, "{}", own.text);
}

#[actix_web::test]
async fn a_new_password_works_and_the_old_one_stops_working() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let email = user["email"].as_str().expect("an email");
    let changed = app
        .patch_as(
            &user_path(&user["id"]),
            &app.admin_token,
            json!({"password": "a brand new password"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert!(!changed.text.contains("password"), "{}", changed.text);
    app.try_login(email, USER_PASSWORD)
        .await
        .assert_problem(401);
    let login = app.try_login(email, "a brand new password").await;
    assert_eq!(login.status, 200, "{}", login.text);
}

#[actix_web::test]
async fn the_last_admin_cannot_be_demoted_or_deleted() {
    let app = TestApp::spawn().await;
    let first = user_path(&my_id(&app, &app.admin_token).await);
    app.patch_as(&first, &app.admin_token, json!({"role": "editor"}))
        .await
        .assert_problem(409);
    app.delete_as(&first, &app.admin_token)
        .await
        .assert_problem(409);
    let still = app.get_as(&first, &app.admin_token).await;
    assert_eq!(still.body["role"], "admin");
}

#[actix_web::test]
async fn an_admin_can_be_demoted_and_deleted_while_another_remains() {
    let app = TestApp::spawn().await;
    let first = user_path(&my_id(&app, &app.admin_token).await);
    let (second_id, second) = app.user("admin").await;
    let demoted = app
        .patch_as(&first, &second, json!({"role": "editor"}))
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.text);
    assert_eq!(demoted.body["role"], "editor");
    let second_path = format!("{USERS}/{second_id}");
    app.delete_as(&second_path, &second)
        .await
        .assert_problem(409);
    app.patch_as(&first, &second, json!({"role": "admin"}))
        .await;
    let deleted = app.delete_as(&first, &second).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
}

#[actix_web::test]
async fn deleted_users_are_gone() {
    let app = TestApp::spawn().await;
    let user = app.create_user("author").await;
    let path = user_path(&user["id"]);
    let deleted = app.delete_as(&path, &app.admin_token).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert!(deleted.text.is_empty());
    app.get_as(&path, &app.admin_token)
        .await
        .assert_problem(404);
    app.delete_as(&path, &app.admin_token)
        .await
        .assert_problem(404);
    let email = user["email"].as_str().expect("an email");
    app.try_login(email, USER_PASSWORD)
        .await
        .assert_problem(401);
    app.get(&format!("/api/v1/authors/{}", user["id"]))
        .await
        .assert_problem(404);
}

#[actix_web::test]
async fn reassign_to_must_name_another_existing_user() {
    let app = TestApp::spawn().await;
    let user = app.create_user("author").await;
    let path = user_path(&user["id"]);
    let to_self = app
        .delete_as(
            &format!("{path}?reassign_to={}", user["id"]),
            &app.admin_token,
        )
        .await;
    assert_eq!(to_self.error_fields(), vec!["reassign_to"]);
    let to_nobody = app
        .delete_as(&format!("{path}?reassign_to=99999"), &app.admin_token)
        .await;
    assert_eq!(to_nobody.error_fields(), vec!["reassign_to"]);
    assert_eq!(app.get_as(&path, &app.admin_token).await.status, 200);
}
