//! Turns the error responses that actix makes itself (wrong method, bad query or path,
//! oversized body) into problem+json, so that clients only ever see one error shape.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, ResponseError, error};

use crate::error::{ApiError, PROBLEM_JSON};
use crate::http::json::{BodyLimit, BodyTimeout, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT};

pub async fn framework_errors_as_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let body_limit = req
        .app_data::<BodyLimit>()
        .map_or(DEFAULT_BODY_LIMIT, |limit| limit.0);
    let body_timeout = req
        .app_data::<BodyTimeout>()
        .map_or(DEFAULT_BODY_TIMEOUT, |timeout| timeout.0);
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes());
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return Ok(response);
    }
    let detail = response
        .response()
        .error()
        .map(ToString::to_string)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase());
    let error = match status.as_u16() {
        400 => ApiError::BadRequest(detail),
        404 => ApiError::NotFound(detail),
        405 => ApiError::MethodNotAllowed {
            allow: allowed_methods(response.headers()),
        },
        408 => ApiError::RequestTimeout(body_timeout.as_secs()),
        413 => ApiError::PayloadTooLarge(body_limit),
        _ if status.is_server_error() => ApiError::internal(detail),
        _ => ApiError::BadRequest(detail),
    };
    let (request, _) = response.into_parts();
    Ok(ServiceResponse::new(request, error.error_response()))
}

/// Path segments that do not parse (`/categories/abc`) are a `400`.
pub fn path_error(error: error::PathError, _: &HttpRequest) -> Error {
    ApiError::BadRequest(format!("invalid path parameter: {error}")).into()
}

/// The fallback for paths that match no route.
pub async fn no_route(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!("no resource at {}", req.path())))
}

fn allowed_methods(headers: &header::HeaderMap) -> String {
    headers
        .get(header::ALLOW)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
