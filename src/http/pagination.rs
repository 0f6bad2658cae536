//! Page parameters and the paginated list envelope with `X-Total-Count` and `Link` headers.

use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError};

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

/// `page` and `per_page` as they arrive in the query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000000, example = 1)]
    pub page: Option<i64>,
    /// Items per page, at most 100.
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<i64>,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: i64,
    pub per_page: i64,
}

impl Page {
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl TryFrom<PageQuery> for Page {
    type Error = ApiError;

    fn try_from(query: PageQuery) -> Result<Self, ApiError> {
        let page = query.page.unwrap_or(1);
        let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut errors = Vec::new();
        // Deep pages beyond any real total still answer an empty page; this bound only keeps
        // the offset arithmetic far from overflow.
        if !(1..=1_000_000_000).contains(&page) {
            errors.push(FieldError::new("page", "must be between 1 and 1000000000"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(FieldError::new(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        if errors.is_empty() {
            Ok(Self { page, per_page })
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// Where a list is in the whole collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub total_pages: i64,
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T: ToSchema> {
    pub data: Vec<T>,
    pub meta: PageMeta,
}

impl<T: ToSchema> Paginated<T> {
    /// The envelope of one page of a list of `total` items.
    pub fn new(page: Page, total: i64, data: Vec<T>) -> Self {
        let total_pages = pages_for(total, page.per_page);
        Self {
            data,
            meta: PageMeta {
                page: page.page,
                per_page: page.per_page,
                total,
                total_pages,
            },
        }
    }
}

/// How many pages `total` items fill, `per_page` (at least 1) a page: 0 when there are none.
pub fn pages_for(total: i64, per_page: i64) -> i64 {
    (total + per_page - 1) / per_page
}

/// Renders a page of items with the envelope, `X-Total-Count` and an RFC 8288 `Link` header.
pub fn respond<T: Serialize + ToSchema>(
    req: &HttpRequest,
    page: Page,
    total: i64,
    data: Vec<T>,
) -> HttpResponse {
    let body = Paginated::new(page, total, data);
    let link = link_header(req, page, body.meta.total_pages);
    HttpResponse::Ok()
        .insert_header(("X-Total-Count", total.to_string()))
        .insert_header(("Link", link))
        .json(body)
}

fn link_header(req: &HttpRequest, page: Page, total_pages: i64) -> String {
    let last = total_pages.max(1);
    let mut links = vec![(1, "first")];
    if page.page > 1 {
        links.push(((page.page - 1).min(last), "prev"));
    }
    if page.page < total_pages {
        links.push((page.page + 1, "next"));
    }
    links.push((last, "last"));
    let kept: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            !pair.is_empty() && key != "page" && key != "per_page"
        })
        .collect();
    links
        .into_iter()
        .map(|(number, rel)| {
            let mut query = kept.clone();
            let page_pair = format!("page={number}");
            let per_page_pair = format!("per_page={}", page.per_page);
            query.push(&page_pair);
            query.push(&per_page_pair);
            format!("<{}?{}>; rel=\"{rel}\"", req.path(), query.join("&"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(page: Option<i64>, per_page: Option<i64>) -> Result<Page, ApiError> {
        Page::try_from(PageQuery { page, per_page })
    }

    #[test]
    fn defaults_to_the_first_page_of_twenty() {
        assert_eq!(
            page(None, None).ok(),
            Some(Page {
                page: 1,
                per_page: 20
            })
        );
    }

    #[test]
    fn out_of_range_values_are_rejected_not_clamped() {
        assert!(page(Some(0), None).is_err());
        assert!(page(None, Some(101)).is_err());
        assert!(page(None, Some(0)).is_err());
    }
}
