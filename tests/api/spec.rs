//! The spec as a front-end team uses it: the docs' pre-filled values find demo content,
//! what a response declares (headers, `304`) is what the server sends, and the types a
//! client generator reads say what the JSON holds.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

use crate::common::TestApp;

/// Whether an operation may be called without a token (`security` lists `{}`).
fn is_public(operation: &Value) -> bool {
    operation["security"]
        .as_array()
        .is_none_or(|requirements| requirements.iter().any(|r| r == &Value::Object(Map::new())))
}

/// The URL "Try it out" builds from the parameters' examples; `None` when a path
/// parameter has none (the reader must type one).
fn example_url(path: &str, operation: &Value) -> Option<String> {
    let mut url = path.to_owned();
    let mut query = Vec::new();
    for param in operation["parameters"].as_array().into_iter().flatten() {
        let name = param["name"].as_str().unwrap_or_default();
        let example = param.get("example").map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        });
        match (param["in"].as_str(), example) {
            (Some("path"), Some(value)) => url = url.replace(&format!("{{{name}}}"), &value),
            (Some("path"), None) => return None,
            (Some("query"), Some(value)) => query.push(format!(
                "{name}={}",
                form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
            )),
            _ => {}
        }
    }
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    Some(url)
}

/// Every public GET of the API that the docs can call with their pre-filled values, with
/// the headers its `200` declares.
fn public_examples(spec: &Value) -> Vec<(String, Vec<String>, bool)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        let get = &item["get"];
        if !path.starts_with("/api/v1/") || !get.is_object() || !is_public(get) {
            continue;
        }
        // The live stream never ends: tests/api/stream.rs reads it event by event.
        if get["responses"]["200"]["content"]["text/event-stream"].is_object() {
            continue;
        }
        if let Some(url) = example_url(path, get) {
            let headers = get["responses"]["200"]["headers"]
                .as_object()
                .map(|headers| headers.keys().cloned().collect())
                .unwrap_or_default();
            found.push((url, headers, get["responses"]["304"].is_object()));
        }
    }
    found
}

#[actix_web::test]
async fn the_docs_pre_filled_values_find_demo_content() {
    let app = TestApp::spawn_seeded(&[], 500).await;
    let spec = app.get("/openapi.json").await.body;
    let examples = public_examples(&spec);
    assert!(
        examples.len() >= 8,
        "only {} public GETs have examples",
        examples.len()
    );
    for (url, _, _) in &examples {
        let response = app.get(url).await;
        assert_eq!(response.status, 200, "GET {url}: {}", response.text);
        if let Some(items) = response.body["data"].as_array() {
            assert!(!items.is_empty(), "GET {url} finds nothing in the demo");
        }
        if let Some(items) = response.body.as_array() {
            assert!(!items.is_empty(), "GET {url} finds nothing in the demo");
        }
    }
}

#[actix_web::test]
async fn declared_headers_are_sent_and_a_repeated_get_is_304() {
    let app = TestApp::spawn_seeded(&[], 20).await;
    let spec = app.get("/openapi.json").await.body;
    let mut seen = BTreeSet::new();
    for (url, declared, has_304) in public_examples(&spec) {
        let first = app.get(&url).await;
        if first.status != 200 {
            continue; // a slug example may name an article a small demo lacks
        }
        for header in &declared {
            assert!(
                first.header(header).is_some(),
                "GET {url} declares {header} but does not send it"
            );
            seen.insert(header.clone());
        }
        let etag = first.header("etag").expect("a public read has an ETag");
        let again = app
            .send_raw(
                actix_web::http::Method::GET,
                &url,
                &[("If-None-Match", etag)],
                b"",
            )
            .await;
        assert_eq!(again.status, 304, "GET {url} with If-None-Match: {etag}");
        assert!(again.text.is_empty(), "a 304 has no body");
        assert!(has_304, "GET {url} answers 304 but does not declare it");
        assert!(
            declared.contains(&"ETag".to_owned()),
            "GET {url} sends an ETag it does not declare"
        );
    }
    for header in [
        "ETag",
        "Cache-Control",
        "X-Request-Id",
        "X-Total-Count",
        "Link",
    ] {
        assert!(seen.contains(header), "no public read declares {header}");
    }
}

#[actix_web::test]
async fn a_created_resource_declares_and_sends_its_location() {
    let app = TestApp::spawn().await;
    let spec = app.get("/openapi.json").await.body;
    let created = &spec["paths"]["/api/v1/categories"]["post"]["responses"]["201"];
    assert!(created["headers"]["Location"].is_object(), "{created}");
    let response = app
        .post_as(
            "/api/v1/categories",
            &app.admin_token,
            serde_json::json!({"name": "Science"}),
        )
        .await;
    assert_eq!(response.status, 201);
    let id = response.body["id"].as_i64().expect("an id");
    assert_eq!(
        response.header("location"),
        Some(format!("/api/v1/categories/{id}").as_str())
    );
}

/// Every schema a response can reach, and every schema a request can reach.
fn reachable(spec: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.rsplit('/').next().unwrap_or_default().to_owned());
                }
                map.values().for_each(|child| refs(child, found));
            }
            Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
            _ => {}
        }
    }
    let schemas = &spec["components"]["schemas"];
    let closure = |start: Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut todo = start;
        while let Some(name) = todo.pop() {
            if schemas.get(&name).is_some() && seen.insert(name.clone()) {
                refs(&schemas[&name], &mut todo);
            }
        }
        seen
    };
    let (mut outgoing, mut incoming) = (Vec::new(), Vec::new());
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            refs(&operation["responses"], &mut outgoing);
            refs(&operation["requestBody"], &mut incoming);
            refs(&operation["parameters"], &mut incoming);
        }
    }
    (closure(outgoing), closure(incoming))
}

fn may_be_null(property: &Value) -> bool {
    let null = Value::String("null".to_owned());
    property["type"]
        .as_array()
        .is_some_and(|t| t.contains(&null))
        || property["oneOf"]
            .as_array()
            .is_some_and(|alternatives| alternatives.iter().any(|a| a["type"] == null))
}

/// A generated client types a property that is always sent but may be `null` as
/// `T | null`, not as an optional `T | null | undefined`, only when it is `required`.
#[actix_web::test]
async fn response_fields_that_may_be_null_are_still_required() {
    let app = TestApp::spawn().await;
    let spec = app.get("/openapi.json").await.body;
    let (outgoing, incoming) = reachable(&spec);
    let mut checked = 0;
    // A schema that requests use too (`FeaturedImage`) keeps its optional fields optional.
    for name in outgoing.difference(&incoming) {
        let schema = &spec["components"]["schemas"][name];
        let parts = schema["allOf"].as_array().cloned().unwrap_or_default();
        for part in parts.iter().chain(std::iter::once(schema)) {
            let required: Vec<&str> = part["required"]
                .as_array()
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (field, property) in part["properties"].as_object().into_iter().flatten() {
                if may_be_null(property) && name != "Problem" {
                    checked += 1;
                    assert!(
                        required.contains(&field.as_str()),
                        "{name}.{field} may be null but is not required"
                    );
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} nullable fields found");
}

#[actix_web::test]
async fn every_error_example_has_its_own_status() {
    let app = TestApp::spawn().await;
    let spec = app.get("/openapi.json").await.body;
    let mut checked = 0;
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                let example = &response["content"]["application/problem+json"]["example"];
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        example["status"].to_string(),
                        *status,
                        "the {status} example of {} shows {example}",
                        operation["operationId"]
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} error responses");
    assert_eq!(
        spec["components"]["schemas"]["TokenType"]["enum"],
        serde_json::json!(["Bearer"])
    );
}

/// The example body "Try it out" pre-fills for an operation.
fn example_body(spec: &Value, path: &str, method: &str) -> Value {
    let schema = &spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        ["$ref"];
    let name = schema.as_str().and_then(|r| r.rsplit('/').next());
    let example = &spec["components"]["schemas"][name.unwrap_or_default()]["example"];
    assert!(example.is_object(), "{method} {path} has no example body");
    example.clone()
}

#[actix_web::test]
async fn the_docs_example_bodies_are_accepted() {
    let app = TestApp::spawn_seeded(&[], 20).await;
    let spec = app.get("/openapi.json").await.body;
    let token = app.admin_token.clone();
    let mut ids = std::collections::HashMap::new();
    for path in ["/api/v1/categories", "/api/v1/articles", "/api/v1/users"] {
        let created = app
            .post_as(path, &token, example_body(&spec, path, "post"))
            .await;
        assert_eq!(created.status, 201, "POST {path}: {}", created.text);
        ids.insert(path, created.body["id"].as_i64().expect("an id"));
    }
    let article = ids["/api/v1/articles"];
    let path = "/api/v1/articles/{id}/comments";
    let comment = app
        .post(
            &path.replace("{id}", &article.to_string()),
            example_body(&spec, path, "post"),
        )
        .await;
    assert_eq!(comment.status, 201, "POST {path}: {}", comment.text);
    let comment = comment.body["id"].as_i64().expect("an id");
    for (path, id) in [
        ("/api/v1/categories/{id}", ids["/api/v1/categories"]),
        ("/api/v1/articles/{id}", article),
        ("/api/v1/users/{id}", ids["/api/v1/users"]),
        ("/api/v1/comments/{id}", comment),
    ] {
        let url = path.replace("{id}", &id.to_string());
        let changed = app
            .patch_as(&url, &token, example_body(&spec, path, "patch"))
            .await;
        assert_eq!(changed.status, 200, "PATCH {url}: {}", changed.text);
    }
}
