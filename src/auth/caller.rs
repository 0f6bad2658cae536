//! The caller of a request, read from its bearer token. Handlers that need a signed-in user
//! take `Caller` (absent or bad token: `401`); public handlers take `Option<Caller>`-like
//! `MaybeCaller` (absent token: anonymous; bad token: still `401`).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::{Ready, ready};

use crate::app::AppState;
use crate::error::ApiError;
use crate::users::model::Role;

/// A signed-in user, as their access token describes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub role: Role,
}

/// The caller of a public endpoint, who may be anonymous.
#[derive(Debug, Clone, Copy)]
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_of(req).and_then(|caller| {
            caller.ok_or_else(|| {
                ApiError::Unauthorized("this endpoint needs a bearer access token".to_owned())
            })
        }))
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_of(req).map(MaybeCaller))
    }
}

fn caller_of(req: &HttpRequest) -> Result<Option<Caller>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header must be `Bearer <token>`".to_owned())
        })?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state is missing"))?;
    let claims = state.tokens.verify(token)?;
    let user_id = claims
        .sub
        .parse()
        .map_err(|_| ApiError::Unauthorized("the access token is invalid".to_owned()))?;
    Ok(Some(Caller {
        user_id,
        role: claims.role,
    }))
}
