//! The HTTP conventions every operation shares, written into the spec once rather than on
//! each handler: error responses (each with an example that `ApiError` itself renders),
//! the headers of lists, creations, caching and rate limits, and conditional GETs
//! (`If-None-Match` and `304`), which `http::cache` gives every public read.

use utoipa::Modify;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, PathItem, Ref, RefOr, Required, Response};

use crate::error::{ApiError, FieldError, PROBLEM_JSON};

/// Adds the shared responses, headers and parameters to every operation.
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, header) in headers() {
            components.headers.insert(name.to_owned(), header.into());
        }
        components
            .parameters
            .insert("IfNoneMatch".to_owned(), if_none_match().into());
        for (path, item) in &mut openapi.paths.paths {
            let under_api = path.starts_with("/api/v1/");
            let resource = resource_of(path);
            for (is_get, operation) in operations(item) {
                add_common_errors(operation);
                for (status, response) in &mut operation.responses.responses {
                    if let RefOr::T(response) = response {
                        document_response(status, response, resource);
                    }
                }
                if under_api && is_get && is_public(operation) && !is_event_stream(operation) {
                    make_conditional(operation);
                }
            }
        }
    }
}

/// Points the items of each `Paginated_X` at the named schema `X`. utoipa inlines a generic
/// argument, which would give typed clients an anonymous copy of `ArticleSummary` in every
/// list instead of the named type.
pub struct NamedListItems;

impl Modify for NamedListItems {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for name in names {
            let Some(item) = name.strip_prefix("Paginated_") else {
                continue;
            };
            if !components.schemas.contains_key(item) {
                continue;
            }
            if let Some(RefOr::T(Schema::Object(page))) = components.schemas.get_mut(&name)
                && let Some(RefOr::T(Schema::Array(data))) = page.properties.get_mut("data")
            {
                data.items = ArrayItems::RefOrSchema(Box::new(Ref::from_schema_name(item).into()));
            }
        }
    }
}

/// Every operation of a path, with whether it is a GET.
fn operations(item: &mut PathItem) -> impl Iterator<Item = (bool, &mut Operation)> {
    [
        (true, &mut item.get),
        (false, &mut item.post),
        (false, &mut item.put),
        (false, &mut item.patch),
        (false, &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(is_get, operation)| operation.as_mut().map(|op| (is_get, op)))
}

/// The resource a path is about, as its 404 names it: `/api/v1/articles/{id}/comments`
/// answers "article not found".
fn resource_of(path: &str) -> &'static str {
    let first = path.trim_start_matches("/api/v1/").split('/').next();
    match first {
        Some("articles" | "search") => "article",
        Some("categories") => "category",
        Some("comments") => "comment",
        Some("users") => "user",
        Some("authors") => "author",
        _ => "resource",
    }
}

/// For each security requirement of an operation, whether it is `security(())`: the
/// explicit "no token needed" (any other names a scheme).
fn requirements_without_token(operation: &Operation) -> Option<Vec<bool>> {
    operation.security.as_ref().map(|requirements| {
        requirements
            .iter()
            .map(|requirement| {
                serde_json::to_value(requirement).is_ok_and(|value| value == serde_json::json!({}))
            })
            .collect()
    })
}

/// A live stream (`text/event-stream`): never cached, so never conditional.
fn is_event_stream(operation: &Operation) -> bool {
    matches!(operation.responses.responses.get("200"), Some(RefOr::T(ok))
        if ok.content.contains_key("text/event-stream"))
}

/// Public: callable without a token (no requirements at all, or `security(())` among them).
fn is_public(operation: &Operation) -> bool {
    requirements_without_token(operation).is_none_or(|kinds| kinds.contains(&true))
}

/// Secured: a token is accepted or needed (some requirement names a scheme).
fn is_secured(operation: &Operation) -> bool {
    requirements_without_token(operation).is_some_and(|kinds| kinds.contains(&false))
}

/// The error responses every operation of a kind can give, so each handler documents only
/// what is particular to it.
fn add_common_errors(operation: &mut Operation) {
    let secured = is_secured(operation);
    let has_path_params = operation.parameters.as_ref().is_some_and(|params| {
        params.iter().any(
            |param| matches!(param, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path)),
        )
    });
    let has_body = operation.request_body.is_some();
    let mut add = |status: &str, description: &str| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    add(
        "400",
        "Malformed request: bad JSON, wrong content type or bad query syntax",
    );
    add(
        "422",
        "Well-formed but invalid values; `errors` lists each field",
    );
    add(
        "500",
        "Unexpected server failure; the body reveals no internals",
    );
    add(
        "503",
        "The database is briefly unavailable; retry after `Retry-After` seconds",
    );
    if secured {
        add(
            "401",
            "Missing, invalid, expired or revoked access token (its user was deleted, or their password or role changed)",
        );
        add("403", "The caller's role does not allow this");
    }
    if has_path_params {
        add("404", "No such resource, or not visible to the caller");
    }
    if has_body {
        add("413", "The request body is over the size limit");
        add(
            "408",
            "The request body did not arrive whole within `REQUEST_BODY_TIMEOUT` seconds",
        );
    }
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// The headers a response of this status carries, and for an error an example body.
fn document_response(status: &str, response: &mut Response, resource: &str) {
    let page = status == "200" && is_page(response);
    // A header the handler documents itself (the stream's `Cache-Control`) is kept.
    let mut add = |name: &str, component: &str| {
        response
            .headers
            .entry(name.to_owned())
            .or_insert_with(|| header_ref(component));
    };
    add("X-Request-Id", "XRequestId");
    match status {
        "200" | "201" | "202" | "204" | "304" => add("Cache-Control", "CacheControl"),
        "401" => add("WWW-Authenticate", "WWWAuthenticate"),
        "429" | "503" => add("Retry-After", "RetryAfter"),
        _ => {}
    }
    if status == "201" {
        add("Location", "Location");
    }
    if page {
        add("X-Total-Count", "XTotalCount");
        add("Link", "Link");
    }
    if let Some(example) = example_problem(status, resource)
        && let Some(RefOr::T(content)) = response.content.get_mut(PROBLEM_JSON)
    {
        content.example = serde_json::to_value(example.problem()).ok();
    }
}

/// Whether the body is one page of a list (`Paginated_*`).
fn is_page(response: &Response) -> bool {
    response.content.values().any(|content| {
        matches!(content, RefOr::T(content)
            if matches!(&content.schema, Some(RefOr::Ref(r))
                if r.ref_location.starts_with("#/components/schemas/Paginated_")))
    })
}

/// A typical error of each status, rendered by the same code that renders real ones.
fn example_problem(status: &str, resource: &str) -> Option<ApiError> {
    Some(match status {
        "400" => ApiError::BadRequest(
            "the body is not valid JSON: expected value at line 1 column 1".to_owned(),
        ),
        "401" => ApiError::Unauthorized("the access token is invalid".to_owned()),
        "403" => ApiError::Forbidden("your role does not allow this".to_owned()),
        "404" => ApiError::not_found(resource),
        "409" => ApiError::Conflict("the slug is already taken".to_owned()),
        "408" => ApiError::RequestTimeout(10),
        "413" => ApiError::PayloadTooLarge(1_048_576),
        "415" => ApiError::UnsupportedMediaType(
            "the file is not an image of an allowed type: JPEG, PNG, WebP or GIF".to_owned(),
        ),
        "422" => ApiError::Validation(vec![FieldError::new(
            "per_page",
            "must be between 1 and 100",
        )]),
        "429" => ApiError::TooManyRequests {
            retry_after_secs: 42,
        },
        "503" => ApiError::Unavailable,
        "500" => ApiError::internal("the cause, which is logged and never sent"),
        _ => return None,
    })
}

/// Public reads answer `304` to a matching `If-None-Match`, and carry `ETag` on `200`.
fn make_conditional(operation: &mut Operation) {
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::Ref(Ref::new("#/components/parameters/IfNoneMatch")));
    let responses = &mut operation.responses.responses;
    if let Some(RefOr::T(ok)) = responses.get_mut("200") {
        ok.headers.insert("ETag".to_owned(), header_ref("ETag"));
    }
    let mut not_modified = ResponseBuilder::new()
        .description(
            "Not modified: the `If-None-Match` sent matches the current `ETag`; no body. \
             Only for requests without a token.",
        )
        .build();
    for (name, component) in [("ETag", "ETag"), ("Cache-Control", "CacheControl")] {
        not_modified
            .headers
            .insert(name.to_owned(), header_ref(component));
    }
    responses.insert("304".to_owned(), not_modified.into());
}

fn header_ref(component: &str) -> RefOr<Header> {
    RefOr::Ref(Ref::new(format!("#/components/headers/{component}")))
}

fn string_schema() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn integer_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(0))
}

fn if_none_match() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("If-None-Match")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "The `ETag` of a response you hold. When it still matches, the answer is `304` \
             with no body. Only requests without a token get ETags.",
        ))
        .schema(Some(string_schema()))
        .build()
}

/// The reusable headers, under `#/components/headers`.
fn headers() -> Vec<(&'static str, Header)> {
    let header = |schema: ObjectBuilder, description: &str, example: serde_json::Value| {
        HeaderBuilder::new()
            .schema(Some(schema))
            .description(Some(description))
            .example(Some(example))
            .build()
    };
    vec![
        (
            "XTotalCount",
            header(
                integer_schema(),
                "How many items the whole list holds, across every page.",
                serde_json::json!(1234),
            ),
        ),
        (
            "Link",
            header(
                string_schema(),
                "RFC 8288 links to the `first`, `prev`, `next` and `last` pages, keeping the \
                 other query parameters.",
                serde_json::json!(
                    "</api/v1/articles?page=1&per_page=20>; rel=\"first\", \
                     </api/v1/articles?page=3&per_page=20>; rel=\"next\", \
                     </api/v1/articles?page=62&per_page=20>; rel=\"last\""
                ),
            ),
        ),
        (
            "ETag",
            header(
                string_schema(),
                "A weak validator of this response; send it back in `If-None-Match`.",
                serde_json::json!("W/\"5f3c2a1b9d8e7f60\""),
            ),
        ),
        (
            "CacheControl",
            header(
                string_schema(),
                "`public, max-age=N` on reads without a token (`CACHE_MAX_AGE_SECONDS`), \
                 `private, no-store` on reads with one, `no-store` on writes. Reads without a \
                 token come from the server's response cache: content is exact, but view \
                 counts inside them may be up to `COUNTERS_MAX_LAG_SECONDS` (10) old.",
                serde_json::json!("public, max-age=60"),
            ),
        ),
        (
            "Location",
            header(
                string_schema(),
                "The path of the resource just created.",
                serde_json::json!("/api/v1/articles/501"),
            ),
        ),
        (
            "RetryAfter",
            header(
                integer_schema(),
                "Seconds to wait before trying again.",
                serde_json::json!(42),
            ),
        ),
        (
            "XRequestId",
            header(
                string_schema(),
                "The request's id: the `X-Request-Id` sent (when it is 1 to 128 visible \
                 characters) or a new one. Every log line of the request carries it.",
                serde_json::json!("3f2b8c1e-6a4d-4e2f-9b7a-1c2d3e4f5a6b"),
            ),
        ),
        (
            "WWWAuthenticate",
            header(
                string_schema(),
                "The scheme to authenticate with.",
                serde_json::json!("Bearer"),
            ),
        ),
    ]
}
