//! `/health`, `/ready`, `/openapi.json` and `/docs`.

use crate::common::TestApp;

#[actix_web::test]
async fn health_and_ready_answer_ok() {
    let app = TestApp::spawn().await;
    let health = app.get("/health").await;
    assert_eq!(
        (health.status, health.body["status"].as_str()),
        (200, Some("ok"))
    );
    let ready = app.get("/ready").await;
    assert_eq!(
        (ready.status, ready.body["status"].as_str()),
        (200, Some("ready"))
    );
}

#[actix_web::test]
async fn served_spec_is_openapi_3_1_and_matches_the_committed_file() {
    let app = TestApp::spawn().await;
    let served = app.get("/openapi.json").await;
    assert_eq!(served.status, 200);
    assert!(
        served.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed"),
    )
    .expect("the committed spec is JSON");
    assert_eq!(
        served.body, committed,
        "openapi/openapi.json is stale: regenerate it with `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[actix_web::test]
async fn committed_spec_is_byte_for_byte_what_the_openapi_command_prints() {
    let generated =
        newsroom::openapi::to_json(&newsroom::app::spec()).expect("the spec serializes");
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed");
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[actix_web::test]
async fn spec_documents_every_error_and_the_bearer_scheme() {
    let app = TestApp::spawn().await;
    let spec = app.get("/openapi.json").await.body;
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let create = &spec["paths"]["/api/v1/categories"]["post"]["responses"];
    for status in ["201", "400", "401", "403", "409", "413", "422"] {
        assert!(
            create[status].is_object(),
            "POST /categories does not document {status}"
        );
    }
    let problem = &create["422"]["content"]["application/problem+json"];
    assert!(problem.is_object(), "errors are documented as problem+json");
}

#[actix_web::test]
async fn docs_are_served_by_the_binary_without_a_cdn() {
    let app = TestApp::spawn().await;
    // The client follows the redirect from /docs to /docs/.
    let page = app.get("/docs").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    for tag in page.text.split("src=\"").skip(1) {
        let url = tag.split('"').next().unwrap_or_default();
        assert!(
            !url.starts_with("http"),
            "the docs load {url} from the internet"
        );
    }
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    assert!(
        bundle.text.len() > 100_000,
        "the Swagger UI bundle is served locally"
    );
}
