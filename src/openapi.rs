//! The OpenAPI document around the paths that app.rs collects as it mounts the handlers:
//! the info, tags and servers, and what every operation shares (openapi/conventions.rs).

mod conventions;

use conventions::{Conventions, NamedListItems};

use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi as _};

#[derive(utoipa::OpenApi)]
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
    // Schemas that only query parameters use are not collected from the paths.
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::views::model::PopularBy,
        crate::views::model::Window,
    )),
    servers((url = "/", description = "The server that serves this document")),
    tags(
        (name = "auth", description = "Log in, refresh and log out"),
        (name = "users", description = "User accounts (admins only)"),
        (name = "authors", description = "Public author profiles"),
        (name = "categories", description = "Site sections"),
        (name = "tags", description = "Labels across sections, several per article"),
        (name = "media", description = "The media library: uploaded images and their renditions"),
        (name = "articles", description = "Articles and the lists pages are built from"),
        (name = "comments", description = "Replies to articles, and their moderation"),
        (name = "views", description = "View counts and the Trending / Most commented lists"),
        (name = "search", description = "Full-text search over published articles"),
        (name = "pages", description = "One request per page: everything a page of a news site shows, in one cacheable response"),
        (name = "distribution", description = "RSS and Atom feeds, sitemaps and the Google News sitemap, for readers and search engines"),
        (name = "webhooks", description = "Endpoints that receive events, signed as Standard Webhooks says (admins only)"),
        (name = "stream", description = "The live stream of public events (Server-Sent Events)"),
        (name = "service", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The whole spec: the paths utoipa-actix-web collected as the handlers were mounted
/// (`app::spec`), in the `ApiDoc`, with what every operation shares written into them.
pub fn document(mounted: OpenApi) -> OpenApi {
    let mut spec = ApiDoc::openapi().merge_from(mounted);
    // After the merge: the conventions are written into every collected operation.
    let modifiers: [&dyn Modify; 3] = [&BearerScheme, &Conventions, &NamedListItems];
    for modifier in modifiers {
        modifier.modify(&mut spec);
    }
    // What receivers of each event type get (OpenAPI 3.1 `webhooks`).
    spec.webhooks = Some(crate::webhooks::spec::webhooks());
    spec
}

/// The spec as pretty JSON, exactly as served at `/openapi.json` and committed.
pub fn to_json(spec: &OpenApi) -> Result<String, serde_json::Error> {
    spec.to_pretty_json().map(|json| json + "\n")
}

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApi) {
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
        let spec: Value = serde_json::from_str(&to_json(&crate::app::spec())?)?;
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
