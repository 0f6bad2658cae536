//! `/auth`: logging in, refreshing and revoking tokens, and who the caller is.

use serde_json::json;
use std::time::Duration;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, Response, TestApp, USER_PASSWORD};

const LOGIN: &str = "/api/v1/auth/login";
const REFRESH: &str = "/api/v1/auth/refresh";
const LOGOUT: &str = "/api/v1/auth/logout";
const ME: &str = "/api/v1/auth/me";

fn refresh_token_of(response: &Response) -> String {
    assert_eq!(response.status, 200, "{}", response.text);
    response.body["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned()
}

/// A `401` problem that tells the client to send a bearer token.
fn assert_bearer_challenge(response: &Response) {
    response.assert_problem(401);
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
}

#[actix_web::test]
async fn login_returns_a_bearer_token_pair_and_the_user_without_password() {
    let app = TestApp::spawn().await;
    let response = app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = &response.body;
    assert!(
        body["access_token"]
            .as_str()
            .is_some_and(|token| token.split('.').count() == 3),
        "the access token is a JWT: {}",
        response.text
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(
        body["refresh_token"]
            .as_str()
            .is_some_and(|token| token.len() >= 32)
    );
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"]["id"].is_i64());
    assert!(
        !response.text.contains("password"),
        "a password or its hash leaked: {}",
        response.text
    );
    assert!(
        response
            .header("cache-control")
            .is_some_and(|value| value.contains("no-store")),
        "tokens must not be cached: {:?}",
        response.header("cache-control")
    );
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let app = TestApp::spawn().await;
    let wrong_password = app.try_login(ADMIN_EMAIL, "not the password").await;
    assert_bearer_challenge(&wrong_password);
    let unknown_email = app
        .try_login("nobody@example.com", "not the password")
        .await;
    assert_bearer_challenge(&unknown_email);
    assert_eq!(wrong_password.body["detail"], unknown_email.body["detail"]);
    assert_eq!(wrong_password.body, unknown_email.body);
}

#[actix_web::test]
async fn login_email_ignores_case_and_surrounding_spaces() {
    let app = TestApp::spawn().await;
    let upper = app.try_login("ADMIN@Example.COM", ADMIN_PASSWORD).await;
    assert_eq!(upper.status, 200, "{}", upper.text);
    assert_eq!(upper.body["user"]["email"], ADMIN_EMAIL);
    let padded = app.try_login(" admin@example.com ", ADMIN_PASSWORD).await;
    assert_eq!(padded.status, 200, "{}", padded.text);
}

#[actix_web::test]
async fn login_without_email_or_password_is_422() {
    let app = TestApp::spawn().await;
    let no_password = app.post(LOGIN, json!({"email": ADMIN_EMAIL})).await;
    no_password.assert_problem(422);
    assert!(
        no_password.text.contains("password"),
        "{}",
        no_password.text
    );
    let no_email = app.post(LOGIN, json!({"password": ADMIN_PASSWORD})).await;
    no_email.assert_problem(422);
    assert!(no_email.text.contains("email"), "{}", no_email.text);
    let wrong_type = app
        .post(LOGIN, json!({"email": ADMIN_EMAIL, "password": 12345678}))
        .await;
    assert_eq!(wrong_type.error_fields(), vec!["password"]);
}

#[actix_web::test]
async fn me_returns_the_caller() {
    let app = TestApp::spawn().await;
    let (id, editor) = app.user("editor").await;
    let me = app.get_as(ME, &editor).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["id"], id);
    assert_eq!(me.body["role"], "editor");
    assert!(me.body["email"].is_string());
    assert!(!me.text.contains("password"), "{}", me.text);
    assert_eq!(me.header("cache-control"), Some("private, no-store"));
}

#[actix_web::test]
async fn me_without_a_token_is_401_with_a_bearer_challenge() {
    let app = TestApp::spawn().await;
    assert_bearer_challenge(&app.get(ME).await);
}

#[actix_web::test]
async fn me_with_a_garbage_token_is_401() {
    let app = TestApp::spawn().await;
    assert_bearer_challenge(&app.get_as(ME, "garbage").await);
    assert_bearer_challenge(&app.get_as(ME, "a.b.c").await);
    let tampered = format!("{}x", app.admin_token);
    assert_bearer_challenge(&app.get_as(ME, &tampered).await);
}

#[actix_web::test]
async fn me_with_an_expired_token_is_401() {
    let app = TestApp::spawn_with(&[("ACCESS_TOKEN_TTL_SECONDS", "1")]).await;
    let login = app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.body["expires_in"], 1);
    let token = login.body["access_token"].as_str().expect("a token");
    assert_eq!(app.get_as(ME, token).await.status, 200);
    // The validator allows 5 seconds of clock skew past `exp`.
    actix_web::rt::time::sleep(Duration::from_secs(8)).await;
    assert_bearer_challenge(&app.get_as(ME, token).await);
}

#[actix_web::test]
async fn a_token_signed_with_another_secret_is_401() {
    let app = TestApp::spawn().await;
    let other =
        TestApp::spawn_with(&[("JWT_SECRET", "another secret, also long enough for HS256")]).await;
    assert_eq!(other.get_as(ME, &other.admin_token).await.status, 200);
    assert_bearer_challenge(&app.get_as(ME, &other.admin_token).await);
}

#[actix_web::test]
async fn refresh_trades_a_refresh_token_for_a_new_pair_once() {
    let app = TestApp::spawn().await;
    let first = refresh_token_of(&app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let refreshed = app.post(REFRESH, json!({"refresh_token": first})).await;
    let second = refresh_token_of(&refreshed);
    assert_ne!(second, first);
    assert_eq!(refreshed.body["token_type"], "Bearer");
    assert_eq!(refreshed.body["user"]["email"], ADMIN_EMAIL);
    let access = refreshed.body["access_token"].as_str().expect("a token");
    assert_eq!(app.get_as(ME, access).await.body["email"], ADMIN_EMAIL);
    let next = app.post(REFRESH, json!({"refresh_token": second})).await;
    assert_eq!(next.status, 200, "{}", next.text);
    let reused = app.post(REFRESH, json!({"refresh_token": first})).await;
    assert_bearer_challenge(&reused);
}

#[actix_web::test]
async fn reusing_a_rotated_refresh_token_revokes_its_whole_family() {
    let app = TestApp::spawn().await;
    let a = refresh_token_of(&app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let other_session = refresh_token_of(&app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let b = refresh_token_of(&app.post(REFRESH, json!({"refresh_token": a})).await);
    let c = refresh_token_of(&app.post(REFRESH, json!({"refresh_token": b})).await);
    // A, rotated twice already, comes back (a thief's copy, or the owner's): refused, and
    // the tokens descended from it stop working, the newest (C) included.
    let reused = app.post(REFRESH, json!({"refresh_token": a})).await;
    assert_bearer_challenge(&reused);
    assert!(
        reused.body["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("already used")),
        "{}",
        reused.text
    );
    assert_bearer_challenge(&app.post(REFRESH, json!({"refresh_token": c})).await);
    assert_bearer_challenge(&app.post(REFRESH, json!({"refresh_token": b})).await);
    // Another login is another family.
    let other = app
        .post(REFRESH, json!({"refresh_token": other_session}))
        .await;
    assert_eq!(other.status, 200, "{}", other.text);
}

#[actix_web::test]
async fn a_reused_refresh_token_revokes_the_one_it_was_traded_for() {
    let app = TestApp::spawn().await;
    let a = refresh_token_of(&app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let b = refresh_token_of(&app.post(REFRESH, json!({"refresh_token": a})).await);
    assert_bearer_challenge(&app.post(REFRESH, json!({"refresh_token": a})).await);
    assert_bearer_challenge(&app.post(REFRESH, json!({"refresh_token": b})).await);
}

#[actix_web::test]
async fn logout_with_any_token_of_a_session_ends_the_session() {
    let app = TestApp::spawn().await;
    let a = refresh_token_of(&app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let b = refresh_token_of(&app.post(REFRESH, json!({"refresh_token": a})).await);
    // A, already traded for B, still names the session.
    let logout = app.post(LOGOUT, json!({"refresh_token": a})).await;
    assert_eq!(logout.status, 204, "{}", logout.text);
    assert_bearer_challenge(&app.post(REFRESH, json!({"refresh_token": b})).await);
}

#[actix_web::test]
async fn an_unknown_refresh_token_is_401() {
    let app = TestApp::spawn().await;
    let response = app
        .post(REFRESH, json!({"refresh_token": "not-a-real-token"}))
        .await;
    assert_bearer_challenge(&response);
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let token = refresh_token_of(&app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let logout = app.post(LOGOUT, json!({"refresh_token": token})).await;
    assert_eq!(logout.status, 204, "{}", logout.text);
    assert!(logout.text.is_empty());
    let refresh = app.post(REFRESH, json!({"refresh_token": token})).await;
    assert_bearer_challenge(&refresh);
    let again = app.post(LOGOUT, json!({"refresh_token": token})).await;
    assert_eq!(again.status, 204, "logging out twice is harmless");
}

#[actix_web::test]
async fn repeated_logins_for_one_email_are_rate_limited() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_LOGINS_PER_MINUTE", "3")]).await;
    let user = app.create_user("author").await;
    let email = user["email"].as_str().expect("an email");
    for _ in 0..3 {
        assert_bearer_challenge(&app.try_login(email, "wrong password").await);
    }
    let limited = app.try_login(email, USER_PASSWORD).await;
    limited.assert_problem(429);
    let retry_after = limited
        .header("retry-after")
        .and_then(|value| value.parse::<u64>().ok())
        .expect("a Retry-After of whole seconds");
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    let other_case = app.try_login(&email.to_uppercase(), USER_PASSWORD).await;
    other_case.assert_problem(429);
    let other_email = app
        .try_login("someone.else@example.com", "wrong password")
        .await;
    assert_bearer_challenge(&other_email);
}

#[actix_web::test]
async fn a_new_password_revokes_the_users_refresh_tokens() {
    let app = TestApp::spawn().await;
    let user = app.create_user("author").await;
    let email = user["email"].as_str().expect("an email");
    let token = refresh_token_of(&app.try_login(email, USER_PASSWORD).await);
    let changed = app
        .patch_as(
            &format!("/api/v1/users/{}", user["id"]),
            &app.admin_token,
            json!({"password": "a brand new password"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let refresh = app.post(REFRESH, json!({"refresh_token": token})).await;
    assert_bearer_challenge(&refresh);
}

#[actix_web::test]
async fn other_changes_keep_the_users_refresh_tokens() {
    let app = TestApp::spawn().await;
    let user = app.create_user("author").await;
    let email = user["email"].as_str().expect("an email");
    let token = refresh_token_of(&app.try_login(email, USER_PASSWORD).await);
    app.patch_as(
        &format!("/api/v1/users/{}", user["id"]),
        &app.admin_token,
        json!({"display_name": "Renamed"}),
    )
    .await;
    let refresh = app.post(REFRESH, json!({"refresh_token": token})).await;
    assert_eq!(refresh.status, 200, "{}", refresh.text);
}

/// Login bodies with a wrong password for `n` different emails, none of them an account.
fn sprayed_logins(n: usize) -> Vec<serde_json::Value> {
    (0..n)
        .map(
            |i| json!({"email": format!("sprayed{i}@example.com"), "password": "guessed password"}),
        )
        .collect()
}

#[actix_web::test]
async fn spraying_many_emails_from_one_address_is_rate_limited() {
    // The harness's own admin login counts as the first attempt from this address.
    let app = TestApp::spawn_with(&[("RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE", "4")]).await;
    for i in 0..3 {
        let email = format!("sprayed{i}@example.com");
        assert_bearer_challenge(&app.try_login(&email, "guessed password").await);
    }
    let limited = app
        .try_login("sprayed3@example.com", "guessed password")
        .await;
    limited.assert_problem(429);
    let retry_after = limited
        .header("retry-after")
        .and_then(|value| value.parse::<u64>().ok())
        .expect("a Retry-After of whole seconds");
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    // The limit is the address's: a right password from it waits too.
    app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .assert_problem(429);
}

#[actix_web::test]
async fn logins_past_the_hashing_bound_get_503_with_retry_after() {
    // One password at a time, no waiting for a slot: concurrent logins overflow at once.
    let app = TestApp::spawn_with(&[
        ("PASSWORD_HASHING_CONCURRENCY", "1"),
        ("PASSWORD_HASHING_WAIT_MS", "0"),
    ])
    .await;
    let answers = app.post_all_at_once(LOGIN, sprayed_logins(16)).await;
    let statuses: Vec<u16> = answers.iter().map(|answer| answer.status).collect();
    assert!(
        statuses.iter().all(|status| [401, 503].contains(status)),
        "{statuses:?}"
    );
    let busy: Vec<&Response> = answers.iter().filter(|a| a.status == 503).collect();
    assert!(!busy.is_empty(), "no login was turned away: {statuses:?}");
    for answer in busy {
        answer.assert_problem(503);
        assert_eq!(answer.header("retry-after"), Some("1"), "{}", answer.text);
    }
}

#[actix_web::test]
async fn logins_wait_for_a_hashing_slot_within_the_bound() {
    let app = TestApp::spawn_with(&[("PASSWORD_HASHING_CONCURRENCY", "1")]).await;
    let answers = app.post_all_at_once(LOGIN, sprayed_logins(6)).await;
    for answer in &answers {
        assert_bearer_challenge(answer);
    }
}

#[actix_web::test]
async fn rate_limited_logins_do_no_hashing() {
    // Were the limit checked after taking a hashing slot, some of these would get 503.
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE", "1"),
        ("PASSWORD_HASHING_CONCURRENCY", "1"),
        ("PASSWORD_HASHING_WAIT_MS", "0"),
    ])
    .await;
    let answers = app.post_all_at_once(LOGIN, sprayed_logins(16)).await;
    for answer in &answers {
        answer.assert_problem(429);
    }
}

const MODERATION_QUEUE: &str = "/api/v1/comments?status=pending";

#[actix_web::test]
async fn a_deleted_editors_token_is_refused_everywhere() {
    let app = TestApp::spawn().await;
    let (id, editor) = app.user("editor").await;
    let article = app.published_article().await;
    let article_path = format!("/api/v1/articles/{}", article["id"]);
    // Used once, so that what the server remembers of the editor is in play.
    assert_eq!(app.get_as(MODERATION_QUEUE, &editor).await.status, 200);
    let deleted = app
        .delete_as(&format!("/api/v1/users/{id}"), &app.admin_token)
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_bearer_challenge(&app.get_as(MODERATION_QUEUE, &editor).await);
    assert_bearer_challenge(
        &app.post_as("/api/v1/categories", &editor, json!({"name": "Ghosts"}))
            .await,
    );
    assert_bearer_challenge(
        &app.patch_as(
            &article_path,
            &editor,
            json!({"title": "Rewritten by a ghost"}),
        )
        .await,
    );
    assert_bearer_challenge(
        &app.post_as(
            "/api/v1/articles",
            &editor,
            json!({"title": "From beyond", "content": "<p>Boo.</p>"}),
        )
        .await,
    );
    assert_bearer_challenge(&app.get_as(ME, &editor).await);
    assert_eq!(app.get(&article_path).await.body["title"], article["title"]);
}

#[actix_web::test]
async fn a_demoted_editor_loses_editor_rights_at_once() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let email = user["email"].as_str().expect("an email");
    let login = app.try_login(email, USER_PASSWORD).await;
    let editor = login.body["access_token"].as_str().expect("a token");
    let refresh = refresh_token_of(&login);
    assert_eq!(app.get_as(MODERATION_QUEUE, editor).await.status, 200);
    let demoted = app
        .patch_as(
            &format!("/api/v1/users/{}", user["id"]),
            &app.admin_token,
            json!({"role": "author"}),
        )
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.text);
    // The token issued with the editor role is refused...
    assert_bearer_challenge(&app.get_as(MODERATION_QUEUE, editor).await);
    // ...and a new one (a refresh still works) carries the author role: 403.
    let refreshed = app.post(REFRESH, json!({"refresh_token": refresh})).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    assert_eq!(refreshed.body["user"]["role"], "author");
    let author = refreshed.body["access_token"].as_str().expect("a token");
    app.get_as(MODERATION_QUEUE, author)
        .await
        .assert_problem(403);
    app.post_as("/api/v1/categories", author, json!({"name": "Demoted"}))
        .await
        .assert_problem(403);
    let fresh = app.login(email, USER_PASSWORD).await;
    app.get_as(MODERATION_QUEUE, &fresh)
        .await
        .assert_problem(403);
    assert_eq!(app.get_as(ME, &fresh).await.body["role"], "author");
}

#[actix_web::test]
async fn an_access_token_issued_before_a_new_password_is_401() {
    let app = TestApp::spawn().await;
    let (id, author) = app.user("author").await;
    assert_eq!(app.get_as(ME, &author).await.status, 200);
    let path = format!("/api/v1/users/{id}");
    // Other changes leave the token alone.
    let renamed = app
        .patch_as(&path, &app.admin_token, json!({"display_name": "Renamed"}))
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(app.get_as(ME, &author).await.status, 200);
    let changed = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"password": "a brand new password"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_bearer_challenge(&app.get_as(ME, &author).await);
    let email = renamed.body["email"].as_str().expect("an email");
    let fresh = app.login(email, "a brand new password").await;
    assert_eq!(app.get_as(ME, &fresh).await.status, 200);
}

#[actix_web::test]
async fn a_deleted_users_refresh_token_no_longer_refreshes() {
    let app = TestApp::spawn().await;
    let user = app.create_user("author").await;
    let email = user["email"].as_str().expect("an email");
    let token = refresh_token_of(&app.try_login(email, USER_PASSWORD).await);
    let deleted = app
        .delete_as(&format!("/api/v1/users/{}", user["id"]), &app.admin_token)
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_bearer_challenge(&app.post(REFRESH, json!({"refresh_token": token})).await);
}

#[actix_web::test]
async fn a_login_flood_from_one_address_leaves_room_for_other_addresses() {
    let app = TestApp::spawn_with(&[
        ("TRUST_FORWARDED_FOR", "true"),
        ("PASSWORD_HASHING_CONCURRENCY", "2"),
        ("PASSWORD_HASHING_WAIT_MS", "60000"),
    ])
    .await;
    let started = std::time::Instant::now();
    let flood = app.start_posts(LOGIN, sprayed_logins(32));
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    let body = json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).to_string();
    let asked = std::time::Instant::now();
    let elsewhere = app
        .send_raw(
            actix_web::http::Method::POST,
            LOGIN,
            &[
                ("Content-Type", "application/json"),
                ("X-Forwarded-For", "198.51.100.7"),
            ],
            body.as_bytes(),
        )
        .await;
    let waited = asked.elapsed();
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.text);
    for answer in flood {
        assert_bearer_challenge(&answer.await.expect("the request task ends"));
    }
    let flooded_for = started.elapsed();
    // First come, first served alone, the other address would queue behind most of the
    // flood; with the flood held to its share, it waits for at most one hash.
    assert!(
        waited * 4 < flooded_for,
        "the login from elsewhere took {waited:?}, the flood {flooded_for:?}"
    );
}
