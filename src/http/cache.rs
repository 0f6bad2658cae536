//! Caching of public reads: a weak `ETag` on every `200`, `304` for a matching
//! `If-None-Match`, and `Cache-Control` that never lets a shared cache keep a response
//! that was made for a token.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use std::hash::{DefaultHasher, Hasher};

/// `Cache-Control: max-age` of public responses, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct CacheMaxAge(pub u32);

pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let with_token = req.headers().contains_key(header::AUTHORIZATION);
    let max_age = req.app_data::<CacheMaxAge>().map_or(60, |age| age.0);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.call(req).await?.map_into_boxed_body();
    if !is_read {
        // Writes and token responses must never be stored by a cache.
        return Ok(with_cache_control(response, "no-store"));
    }
    if with_token {
        return Ok(with_cache_control(response, "private, no-store"));
    }
    if response.status() != StatusCode::OK {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.map_err(Error::from)?;
    let etag = etag_of(&bytes);
    let cache_control = format!("public, max-age={max_age}");
    let matches = if_none_match.is_some_and(|value| etag_matches(&value, &etag));
    let mut response = if matches {
        HttpResponse::NotModified().finish()
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    Ok(ServiceResponse::new(request, response))
}

fn with_cache_control(
    mut response: ServiceResponse<BoxBody>,
    value: &'static str,
) -> ServiceResponse<BoxBody> {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Weak, because the same representation may travel gzip- or brotli-encoded.
fn etag_of(bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// `If-None-Match` uses weak comparison: `W/` prefixes are ignored, `*` matches anything.
fn etag_matches(if_none_match: &HeaderValue, etag: &str) -> bool {
    let Ok(value) = if_none_match.to_str() else {
        return false;
    };
    let ours = etag.trim_start_matches("W/");
    value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_strong_forms_of_the_same_tag_match() {
        let tag = etag_of(b"{}");
        let strong = HeaderValue::from_str(tag.trim_start_matches("W/")).ok();
        assert!(strong.is_some_and(|value| etag_matches(&value, &tag)));
        assert!(!etag_matches(&HeaderValue::from_static("\"other\""), &tag));
    }
}
