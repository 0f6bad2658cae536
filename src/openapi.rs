//! The OpenAPI document: every path and schema, collected from the code.

mod conventions;

use conventions::{Conventions, NamedListItems};

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsroom content API",
        description = "A headless content API for news sites: articles, categories, authors, \
                       comments, view counts and search. Errors are RFC 9457 problem details; \
                       lists are paginated with `X-Total-Count` and `Link` headers. Reads without a \
                       token are served from a response cache that is exact for content; view \
                       counts in them may lag by up to `COUNTERS_MAX_LAG_SECONDS`.",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "Newsroom API maintainers"),
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
    // Schemas that only query parameters use are not collected from the paths.
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::views::model::PopularBy,
        crate::views::model::Window,
    )),
    servers((url = "/", description = "The server that serves this document")),
    modifiers(&BearerScheme, &Conventions, &NamedListItems),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", Value::String(target)) => found.push(target),
                        _ => refs(child, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves() -> Result<(), serde_json::Error> {
        let spec: Value = serde_json::from_str(&to_json()?)?;
        let mut found = Vec::new();
        refs(&spec, &mut found);
        assert!(!found.is_empty());
        for target in found {
            let pointer = target.trim_start_matches('#');
            assert!(
                spec.pointer(pointer).is_some(),
                "{target} is referenced but not defined"
            );
        }
        Ok(())
    }
}
