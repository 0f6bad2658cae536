//! The `405` of a path that is served, but not with the method asked. What is mounted is
//! read from the spec, which utoipa-actix-web collects as each handler is mounted, so the
//! methods of a path are never listed by hand.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::{Operation, PathItem};

use crate::error::ApiError;

/// Every mounted path template with the methods it serves.
pub struct MountedPaths(Vec<MountedPath>);

struct MountedPath {
    pattern: ResourceDef,
    /// Per segment, whether it is a parameter: fixed segments sort first.
    shape: Vec<bool>,
    /// As `Allow` lists them.
    allow: String,
    methods: Vec<Method>,
}

impl MountedPaths {
    pub fn of(spec: &OpenApi) -> Self {
        let paths = spec.paths.paths.iter().map(|(template, item)| {
            let methods: Vec<Method> = operations(item).map(|(method, _)| method).collect();
            MountedPath {
                pattern: ResourceDef::new(template.as_str()),
                shape: template.split('/').map(|s| s.starts_with('{')).collect(),
                allow: methods
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                methods,
            }
        });
        Self(paths.collect())
    }

    /// The template that names `path`: of those that match it, the one with a fixed
    /// segment where the others have a parameter (`/articles/popular`, not `/articles/{id}`).
    fn resolve(&self, path: &str) -> Option<&MountedPath> {
        // Counting segments first spares most of the patterns' regular expressions.
        let segments = path.split('/').count();
        self.0
            .iter()
            .filter(|mounted| mounted.shape.len() == segments && mounted.pattern.is_match(path))
            .min_by(|a, b| a.shape.cmp(&b.shape))
    }

    /// The `405` for a `method` that the template naming `path` does not serve.
    pub fn refusal(&self, path: &str, method: &Method) -> Option<ApiError> {
        self.resolve(path)
            .filter(|mounted| !mounted.methods.contains(method))
            .map(|mounted| ApiError::MethodNotAllowed {
                allow: mounted.allow.clone(),
            })
    }
}

/// The operations of a path item with their methods, in the order `Allow` lists them.
pub fn operations(item: &PathItem) -> impl Iterator<Item = (Method, &Operation)> {
    [
        (Method::GET, &item.get),
        (Method::POST, &item.post),
        (Method::PUT, &item.put),
        (Method::PATCH, &item.patch),
        (Method::DELETE, &item.delete),
        (Method::OPTIONS, &item.options),
        (Method::TRACE, &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_ref().map(|operation| (method, operation)))
}

/// In front of the router, so that a looser template never takes a method that the path's
/// own template lacks (`PATCH /articles/popular` is a `405`, not `PATCH /articles/{id}`).
/// Paths that no template matches go on to the router (the docs, or the `404` fallback).
pub async fn method_not_allowed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let refusal = req
        .app_data::<web::Data<MountedPaths>>()
        .and_then(|paths| paths.refusal(req.match_info().as_str(), req.method()));
    match refusal {
        Some(error) => Ok(req
            .into_response(error.error_response())
            .map_into_right_body()),
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathsBuilder};
    use utoipa::openapi::{InfoBuilder, OpenApiBuilder};

    fn spec(paths: &[(&str, HttpMethod)]) -> OpenApi {
        let paths = paths
            .iter()
            .fold(PathsBuilder::new(), |builder, (path, method)| {
                builder.path(
                    *path,
                    PathItem::new(method.clone(), OperationBuilder::new().build()),
                )
            });
        OpenApiBuilder::new()
            .info(InfoBuilder::new().title("t").version("1").build())
            .paths(paths.build())
            .build()
    }

    fn allow(error: Option<ApiError>) -> Option<String> {
        match error {
            Some(ApiError::MethodNotAllowed { allow }) => Some(allow),
            _ => None,
        }
    }

    #[test]
    fn a_fixed_segment_names_the_path_before_a_parameter() {
        let paths = MountedPaths::of(&spec(&[
            ("/articles/{id}", HttpMethod::Get),
            ("/articles/{id}", HttpMethod::Patch),
            ("/articles/popular", HttpMethod::Get),
        ]));
        let refuse = |path, method| allow(paths.refusal(path, &method));
        assert_eq!(
            refuse("/articles/popular", Method::PATCH).as_deref(),
            Some("GET")
        );
        assert_eq!(refuse("/articles/popular", Method::GET), None);
        assert_eq!(refuse("/articles/7", Method::PATCH), None);
        assert_eq!(
            refuse("/articles/7", Method::PUT).as_deref(),
            Some("GET, PATCH")
        );
        // Not mounted at all: the router's `404`, not a `405`.
        assert_eq!(refuse("/articles", Method::PUT), None);
        assert_eq!(refuse("/articles/7/other", Method::GET), None);
    }
}
