//! HTTP conventions shared by every endpoint: JSON bodies, lists, sorting, caching,
//! request ids and problem+json for the framework's own errors.

pub mod cache;
pub mod client_ip;
pub mod front_end;
pub mod head;
pub mod html;
pub mod json;
pub mod methods;
pub mod pagination;
pub mod patch;
pub mod problems;
pub mod query;
pub mod rate_limit;
pub mod request_id;
pub mod sort;
mod strict;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::Deserialize;
use std::future::{Ready, ready};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};

use crate::error::ApiError;
pub use crate::time::Timestamp;
pub use json::Json;
pub use pagination::{Page, PageQuery, Paginated};
pub use patch::Change;
pub use query::Query;
pub use sort::{Sort, SortField};

/// The `page`, `per_page` and `sort` parameters of a list, validated.
#[derive(Debug, Clone, Copy)]
pub struct ListParams<F> {
    pub page: Page,
    pub sort: Sort<F>,
}

#[derive(Debug, Deserialize)]
struct RawListParams {
    page: Option<i64>,
    per_page: Option<i64>,
    sort: Option<String>,
}

impl<F: SortField> FromRequest for ListParams<F> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            query::parse::<RawListParams>(req.query_string()).and_then(|raw| {
                let page = Page::try_from(PageQuery {
                    page: raw.page,
                    per_page: raw.per_page,
                });
                let sort = Sort::parse(raw.sort.as_deref());
                match (page, sort) {
                    (Ok(page), Ok(sort)) => Ok(Self { page, sort }),
                    (Err(ApiError::Validation(mut a)), Err(ApiError::Validation(b))) => {
                        a.extend(b);
                        Err(ApiError::Validation(a))
                    }
                    (Err(error), _) | (_, Err(error)) => Err(error),
                }
            }),
        )
    }
}

impl<F: SortField> IntoParams for ListParams<F> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = PageQuery::into_params(&parameter_in);
        params.extend(Sort::<F>::into_params(parameter_in));
        params
    }
}

/// `201 Created` with the new resource and its `Location`.
pub fn created<T: serde::Serialize>(location: String, body: &T) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(body)
}

/// The `?reassign_to=` of deletes that must first move articles elsewhere.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReassignQuery {
    /// Where the articles of the deleted resource go.
    #[param(minimum = 1)]
    pub reassign_to: Option<i64>,
}
