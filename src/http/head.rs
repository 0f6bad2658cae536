//! `HEAD` is `GET` without the body (RFC 9110, section 9.3.2), everywhere.
//!
//! Routes are declared for `GET` only; this middleware, in front of routing, hands every
//! `HEAD` to them as a `GET`, so a `HEAD` gets the status and the headers (`Content-Type`,
//! `Content-Length`, `ETag`, `Cache-Control`…) that the `GET` would, and a path that has no
//! `GET` answers `405` (or `404`) as a `GET` would. The body is left out by actix's HTTP
//! layer, which decided from the method on the wire, before any middleware ran, that this
//! response has none; `Content-Length` still says how long the `GET`'s body is.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
