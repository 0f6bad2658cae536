//! Search types: the query parameters of `GET /search`, and a result with its highlighted
//! snippet.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::articles::model::ArticleSummary;
use crate::error::{ApiError, FieldError};
use crate::fulltext::terms::SearchTerms;
use crate::http::{Page, PageQuery};

/// The query parameters of `GET /search`, besides `page` and `per_page`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What the reader typed. Words are runs of letters and digits; anything else separates
    /// them and has no other meaning. Every word must match (case and accents are ignored);
    /// the last one also matches as the start of a longer word, from three characters on.
    /// Only punctuation and spaces is a `422`.
    #[param(
        required = true,
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x00-\x2F\x3A-\x40\x5B-\x60\x7B-\xA9\xAB-\xB1\xB4\xB6-\xB8\xBB\xBF\xD7\xF7\u2000-\u206F\u2E00-\u2E7F\u3000-\u303F\uFE10-\uFE1F\uFE30-\uFE6F\uFF00-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]",
        example = "port expan"
    )]
    pub q: Option<String>,
    /// A category id or slug (`world-news`); its child categories are included.
    pub category: Option<String>,
}

impl SearchParams {
    /// The query and the page, with every invalid parameter reported at once.
    pub fn validated(&self, page: PageQuery) -> Result<(SearchTerms, Page), ApiError> {
        let terms = match self.q.as_deref() {
            Some(text) => SearchTerms::parse("q", text),
            None => Err(FieldError::new("q", "is required")),
        };
        match (terms, Page::try_from(page)) {
            (Ok(terms), Ok(page)) => Ok((terms, page)),
            (Err(error), Err(ApiError::Validation(mut errors))) => {
                errors.insert(0, error);
                Err(ApiError::Validation(errors))
            }
            (Err(error), _) => Err(ApiError::Validation(vec![error])),
            (Ok(_), Err(error)) => Err(error),
        }
    }
}

/// A search result: the article's summary and where it matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    #[serde(flatten)]
    pub article: ArticleSummary,
    /// A short passage of the title, excerpt or text where the words matched, as HTML: the
    /// text is escaped, each match is wrapped in `<mark>…</mark>` (the only tags it ever
    /// contains), and `…` marks where the passage was cut. Safe to insert as HTML.
    #[schema(example = "…officials in <mark>Monterey</mark> approved the port expansion…")]
    pub snippet: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulltext::terms::QUERY_PATTERN;

    fn documented_pattern<P: IntoParams>(name: &str) -> Option<String> {
        let params = P::into_params(|| None);
        let param = params.into_iter().find(|param| param.name == name)?;
        let schema = serde_json::to_value(param.schema?).ok()?;
        schema
            .get("pattern")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    }

    /// The spec states the rule of what a word is (`fulltext/terms.rs`) wherever a query
    /// is taken.
    #[test]
    fn the_spec_states_the_rule_the_server_applies() {
        assert_eq!(
            documented_pattern::<SearchParams>("q").as_deref(),
            Some(QUERY_PATTERN)
        );
        assert_eq!(
            documented_pattern::<crate::articles::routes::ArticleListQuery>("search").as_deref(),
            Some(QUERY_PATTERN)
        );
    }
}
