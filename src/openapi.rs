//! The OpenAPI document: every path and schema, collected from the code.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::error::PROBLEM_JSON;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsroom content API",
        description = "A headless content API for news sites: articles, categories, authors, \
                       comments, view counts and search. Errors are RFC 9457 problem details; \
                       lists are paginated with `X-Total-Count` and `Link` headers.",
        license(name = "MIT", identifier = "MIT"),
    ),
    paths(
        crate::app::health,
        crate::app::ready,
        crate::auth::routes::login,
        crate::auth::routes::refresh,
        crate::auth::routes::logout,
        crate::auth::routes::me,
        crate::users::routes::list_users,
        crate::users::routes::create_user,
        crate::users::routes::get_user,
        crate::users::routes::update_user,
        crate::users::routes::delete_user,
        crate::authors::routes::list_authors,
        crate::authors::routes::get_author,
        crate::authors::routes::get_author_by_slug,
        crate::categories::routes::list_categories,
        crate::categories::routes::get_category,
        crate::categories::routes::get_category_by_slug,
        crate::categories::routes::create_category,
        crate::categories::routes::update_category,
        crate::categories::routes::delete_category,
        crate::articles::routes::list_articles,
        crate::articles::routes::get_article,
        crate::articles::routes::get_article_by_slug,
        crate::articles::routes::create_article,
        crate::articles::routes::update_article,
        crate::articles::routes::delete_article,
        crate::articles::routes::adjacent_articles,
        crate::articles::routes::related_articles,
        crate::views::routes::record_view,
        crate::views::routes::view_stats,
        crate::views::routes::popular_articles,
        crate::comments::routes::list_article_comments,
        crate::comments::routes::post_comment,
        crate::comments::routes::list_comments,
        crate::comments::routes::get_comment,
        crate::comments::routes::moderate_comment,
        crate::comments::routes::delete_comment,
        crate::search::routes::search,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerScheme, &CommonErrors),
    tags(
        (name = "auth", description = "Log in, refresh and log out"),
        (name = "users", description = "User accounts (admins only)"),
        (name = "authors", description = "Public author profiles"),
        (name = "categories", description = "Site sections"),
        (name = "articles", description = "Articles and the lists pages are built from"),
        (name = "comments", description = "Replies to articles, and their moderation"),
        (name = "views", description = "View counts and the Trending / Most commented lists"),
        (name = "search", description = "Full-text search over published articles"),
        (name = "service", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The spec as pretty JSON, exactly as served at `/openapi.json` and committed.
pub fn to_json() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json().map(|json| json + "\n")
}

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/login`."))
                    .build(),
            ),
        );
    }
}

/// Adds the error responses every operation of a kind can give, so each handler documents
/// only what is particular to it.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                add_common_errors(operation);
            }
        }
    }
}

fn add_common_errors(operation: &mut Operation) {
    let secured = operation.security.as_ref().is_some_and(|requirements| {
        // `security(())` is the explicit "no token needed"; anything else names a scheme.
        requirements.iter().any(|requirement| {
            serde_json::to_value(requirement).is_ok_and(|value| value != serde_json::json!({}))
        })
    });
    let has_path_params = operation.parameters.as_ref().is_some_and(|params| {
        params.iter().any(
            |param| matches!(param, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path)),
        )
    });
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
    if secured {
        add("401", "Missing, invalid or expired access token");
        add("403", "The caller's role does not allow this");
    }
    if has_path_params {
        add("404", "No such resource, or not visible to the caller");
    }
    if operation.request_body.is_some() {
        add("413", "The request body is over the size limit");
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
