//! The conventions every endpoint shares: problem+json errors, request ids, CORS,
//! compression, pagination headers and caching.

use actix_web::http::Method;
use serde_json::json;

use crate::common::TestApp;

#[actix_web::test]
async fn unknown_route_is_a_404_problem() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/nothing-here").await.assert_problem(404);
}

#[actix_web::test]
async fn wrong_method_is_a_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .send(Method::PUT, "/api/v1/categories", None, None)
        .await;
    response.assert_problem(405);
    let allow = response.header("allow").unwrap_or_default().to_owned();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow}"
    );
}

/// `/articles/popular` is its own resource: `/articles/{id}` beside it, which has `PATCH`
/// and `DELETE`, never takes them.
#[actix_web::test]
async fn a_fixed_path_allows_its_own_methods_not_those_of_a_template_beside_it() {
    let app = TestApp::spawn().await;
    for (method, path, allow) in [
        (Method::PATCH, "/api/v1/articles/popular", "GET"),
        (Method::DELETE, "/api/v1/articles/popular", "GET"),
        (Method::PUT, "/api/v1/articles/1", "GET, PATCH, DELETE"),
        (Method::DELETE, "/api/v1/articles/1/views", "GET, POST"),
        (Method::POST, "/health", "GET"),
        (Method::PUT, "/docs", "GET"),
    ] {
        let response = app.send(method.clone(), path, None, None).await;
        response.assert_problem(405);
        assert_eq!(response.header("allow"), Some(allow), "{method} {path}");
    }
}

#[actix_web::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let token = format!("Bearer {}", app.admin_token);
    let headers = [
        ("Authorization", token.as_str()),
        ("Content-Type", "application/json"),
    ];
    let response = app
        .send_raw(Method::POST, "/api/v1/categories", &headers, b"{\"name\": ")
        .await;
    response.assert_problem(400);
}

#[actix_web::test]
async fn wrong_content_type_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let token = format!("Bearer {}", app.admin_token);
    let headers = [
        ("Authorization", token.as_str()),
        ("Content-Type", "text/plain"),
    ];
    let response = app
        .send_raw(
            Method::POST,
            "/api/v1/categories",
            &headers,
            b"{\"name\":\"x\"}",
        )
        .await;
    response.assert_problem(400);
}

#[actix_web::test]
async fn wrong_field_types_and_unknown_fields_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let wrong_type = app
        .post_as("/api/v1/categories", &app.admin_token, json!({"name": 5}))
        .await;
    assert_eq!(wrong_type.error_fields(), vec!["name"]);
    let unknown = app
        .post_as(
            "/api/v1/categories",
            &app.admin_token,
            json!({"name": "x", "colour": "red"}),
        )
        .await;
    unknown.assert_problem(422);
    assert!(unknown.text.contains("colour"), "{}", unknown.text);
}

#[actix_web::test]
async fn body_over_the_limit_is_a_413_problem() {
    let app = TestApp::spawn_with(&[("MAX_BODY_BYTES", "1000")]).await;
    let description = "x".repeat(2000);
    let response = app
        .post_as(
            "/api/v1/categories",
            &app.admin_token,
            json!({"name": "Big", "description": description}),
        )
        .await;
    response.assert_problem(413);
}

#[actix_web::test]
async fn bad_query_and_path_values_are_problems_not_500s() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/api/v1/categories?page=abc").await.error_fields(),
        vec!["page"]
    );
    app.get("/api/v1/categories/abc").await.assert_problem(400);
    app.get("/api/v1/categories/99999999999999999999")
        .await
        .assert_problem(400);
    app.get("/api/v1/categories/0").await.assert_problem(404);
}

#[actix_web::test]
async fn page_parameters_out_of_range_are_422_not_clamped() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/api/v1/categories?per_page=101")
            .await
            .error_fields(),
        vec!["per_page"]
    );
    assert_eq!(
        app.get("/api/v1/categories?per_page=0")
            .await
            .error_fields(),
        vec!["per_page"]
    );
    assert_eq!(
        app.get("/api/v1/categories?page=0").await.error_fields(),
        vec!["page"]
    );
}

#[actix_web::test]
async fn unknown_sort_field_is_422() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/categories?sort=-colour").await;
    assert_eq!(response.error_fields(), vec!["sort"]);
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_echoes_the_clients() {
    let app = TestApp::spawn().await;
    let generated = app.get("/api/v1/categories").await;
    assert!(
        generated
            .header("x-request-id")
            .is_some_and(|id| id.len() >= 16)
    );
    let echoed = app
        .send_raw(
            Method::GET,
            "/api/v1/nothing",
            &[("X-Request-Id", "trace-abc-123")],
            b"",
        )
        .await;
    assert_eq!(echoed.header("x-request-id"), Some("trace-abc-123"));
}

#[actix_web::test]
async fn lists_carry_total_count_and_link_headers() {
    let app = TestApp::spawn().await;
    for n in 0..5 {
        app.category(json!({"name": format!("Section {n}")})).await;
    }
    let response = app
        .get("/api/v1/categories?per_page=2&page=2&sort=name")
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("x-total-count"), Some("5"));
    assert_eq!(
        response.body["meta"],
        json!({"page": 2, "per_page": 2, "total": 5, "total_pages": 3})
    );
    let link = response.header("link").unwrap_or_default();
    for expected in [
        "</api/v1/categories?sort=name&page=1&per_page=2>; rel=\"first\"",
        "</api/v1/categories?sort=name&page=1&per_page=2>; rel=\"prev\"",
        "</api/v1/categories?sort=name&page=3&per_page=2>; rel=\"next\"",
        "</api/v1/categories?sort=name&page=3&per_page=2>; rel=\"last\"",
    ] {
        assert!(link.contains(expected), "missing {expected} in {link}");
    }
}

#[actix_web::test]
async fn public_reads_have_an_etag_and_answer_304_until_the_data_changes() {
    let app = TestApp::spawn().await;
    let category = app.category(json!({"name": "Crime"})).await;
    let path = format!("/api/v1/categories/{}", category["id"]);
    let first = app.get(&path).await;
    assert_eq!(first.header("cache-control"), Some("public, max-age=60"));
    let etag = first.header("etag").expect("an ETag").to_owned();
    let again = app
        .send_raw(Method::GET, &path, &[("If-None-Match", &etag)], b"")
        .await;
    assert_eq!(again.status, 304);
    app.patch_as(
        &path,
        &app.admin_token,
        json!({"description": "Courts and police"}),
    )
    .await;
    let changed = app
        .send_raw(Method::GET, &path, &[("If-None-Match", &etag)], b"")
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
}

#[actix_web::test]
async fn responses_to_a_token_are_private() {
    let app = TestApp::spawn().await;
    let response = app.get_as("/api/v1/categories", &app.admin_token).await;
    assert_eq!(response.header("cache-control"), Some("private, no-store"));
}

#[actix_web::test]
async fn cors_preflight_allows_any_origin_and_exposes_list_headers() {
    let app = TestApp::spawn().await;
    let preflight = app
        .send_raw(
            Method::OPTIONS,
            "/api/v1/categories",
            &[
                ("Origin", "https://front.example"),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "authorization, content-type",
                ),
            ],
            b"",
        )
        .await;
    assert_eq!(preflight.status, 200, "{}", preflight.text);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let get = app
        .send_raw(
            Method::GET,
            "/api/v1/categories",
            &[("Origin", "https://front.example")],
            b"",
        )
        .await;
    let exposed = get
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_lowercase();
    for header in ["x-total-count", "link", "etag", "x-request-id", "date"] {
        assert!(
            exposed.contains(header),
            "{header} is not exposed: {exposed}"
        );
    }
}

#[actix_web::test]
async fn cors_honours_a_configured_origin_list() {
    let app = TestApp::spawn_with(&[("CORS_ALLOWED_ORIGINS", "https://news.example")]).await;
    let allowed = app
        .send_raw(
            Method::GET,
            "/api/v1/categories",
            &[("Origin", "https://news.example")],
            b"",
        )
        .await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://news.example")
    );
    let other = app
        .send_raw(
            Method::GET,
            "/api/v1/categories",
            &[("Origin", "https://evil.example")],
            b"",
        )
        .await;
    assert_ne!(
        other.header("access-control-allow-origin"),
        Some("https://evil.example")
    );
}

#[actix_web::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = TestApp::spawn().await;
    for n in 0..9 {
        app.category(json!({"name": format!("Section {n}"), "description": "a description long enough to compress well"})).await;
    }
    for encoding in ["gzip", "br"] {
        let response = app
            .send_raw(
                Method::GET,
                "/api/v1/categories",
                &[("Accept-Encoding", encoding)],
                b"",
            )
            .await;
        assert_eq!(response.header("content-encoding"), Some(encoding));
    }
}

// JSON bodies are objects: serde would read a struct from an array of its fields in order.

#[actix_web::test]
async fn a_login_sent_as_an_array_is_422_and_signs_nobody_in() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            "/api/v1/auth/login",
            json!([crate::common::ADMIN_EMAIL, crate::common::ADMIN_PASSWORD]),
        )
        .await;
    assert_eq!(response.error_fields(), vec!["body"], "{}", response.text);
    assert!(
        response.body.get("access_token").is_none(),
        "{}",
        response.text
    );
}

#[actix_web::test]
async fn a_nested_object_sent_as_an_array_is_422_naming_it() {
    let app = TestApp::spawn().await;
    let response = app
        .post_as(
            "/api/v1/articles",
            &app.admin_token,
            json!({"title": "Arrays", "content": "<p>x</p>", "featured_image": ["https://images.example.com/a.jpg", "alt", "caption"]}),
        )
        .await;
    assert_eq!(
        response.error_fields(),
        vec!["featured_image"],
        "{}",
        response.text
    );
    let listed = app.get_as("/api/v1/articles", &app.admin_token).await;
    assert_eq!(listed.body["meta"]["total"], 0, "{}", listed.text);
}

// HEAD is GET without the body (RFC 9110), on every path that answers GET.

/// A request with `method`, uncompressed so that `Content-Length` is the body's length.
async fn uncompressed(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> (u16, actix_web::http::header::HeaderMap, Vec<u8>) {
    let mut request = app
        .server
        .request(method, app.server.url(path))
        .no_decompress()
        .insert_header(("Accept-Encoding", "identity"));
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let mut response = request.send().await.expect("the server answers");
    let body = response.body().limit(1 << 24).await.expect("a body");
    (
        response.status().as_u16(),
        response.headers().clone(),
        body.to_vec(),
    )
}

#[actix_web::test]
async fn head_answers_as_get_without_the_body() {
    let app = TestApp::spawn().await;
    let article = app.published_article().await;
    let by_slug = format!(
        "/api/v1/articles/slug/{}",
        article["slug"].as_str().expect("a slug")
    );
    let token = app.admin_token.clone();
    for (path, token) in [
        ("/health", None),
        ("/ready", None),
        ("/openapi.json", None),
        ("/docs/", None),
        ("/api/v1/articles", None),
        ("/api/v1/articles", Some(token.as_str())),
        (by_slug.as_str(), None),
        ("/api/v1/nothing-here", None),
        // Only POST: a 405 with the same Allow as a GET gets.
        ("/api/v1/auth/login", None),
    ] {
        let (get_status, get_headers, get_body) =
            uncompressed(&app, Method::GET, path, token).await;
        let (status, headers, body) = uncompressed(&app, Method::HEAD, path, token).await;
        assert_eq!(status, get_status, "HEAD {path}");
        assert!(body.is_empty(), "HEAD {path} has a body");
        assert_eq!(
            headers
                .get("content-length")
                .and_then(|value| value.to_str().ok()),
            Some(get_body.len().to_string().as_str()),
            "HEAD {path}"
        );
        for name in ["content-type", "etag", "cache-control", "allow"] {
            assert_eq!(
                headers.get(name),
                get_headers.get(name),
                "HEAD {path}: {name}"
            );
        }
    }
    let (status, headers, _) = uncompressed(&app, Method::HEAD, "/api/v1/auth/login", None).await;
    assert_eq!(status, 405);
    assert_eq!(
        headers.get("allow").and_then(|value| value.to_str().ok()),
        Some("POST")
    );
    let (_, headers, _) = uncompressed(&app, Method::HEAD, "/api/v1/articles", None).await;
    assert!(
        headers.contains_key("etag"),
        "an anonymous list has an ETag"
    );
}

// Slow bodies: the whole body must arrive within REQUEST_BODY_TIMEOUT.

#[actix_web::test]
async fn a_body_that_trickles_in_is_a_408_problem_after_the_timeout() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let app = TestApp::spawn_with(&[("REQUEST_BODY_TIMEOUT", "1")]).await;
    let mut stream = std::net::TcpStream::connect(app.server.addr()).expect("a connection");
    stream
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        )
        .expect("the head is sent");
    let started = Instant::now();
    // A byte every 200 ms: each wait is short, only the whole read is too long.
    let mut writer = stream.try_clone().expect("a second handle");
    let trickle = std::thread::spawn(move || {
        for _ in 0..25 {
            std::thread::sleep(Duration::from_millis(200));
            if writer.write_all(b" ").is_err() {
                break;
            }
        }
    });
    stream
        .set_read_timeout(Some(Duration::from_secs(4)))
        .expect("a read timeout");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    // Up to the end of the problem body (the connection may stay open).
    while !answer.ends_with(b"}") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
    }
    let elapsed = started.elapsed();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer
            .to_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(answer.contains("\"status\":408"), "{answer}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_millis(3000),
        "answered after {elapsed:?}"
    );
    // The connection is closed rather than kept for the rest of the body.
    match stream.read(&mut buffer) {
        Ok(0) => {}
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("the connection is still open: {other:?}"),
    }
    drop(stream);
    trickle.join().expect("the writer ends");
}
