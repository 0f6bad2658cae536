//! Category types: what the API shows and what editors send.

use diesel::Queryable;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{self, Checks, Slug, SlugInput};
use crate::error::ApiError;
use crate::http::patch::present;
use crate::http::{Change, Timestamp};

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// A category with its number of published articles.
#[derive(Debug, Clone, Serialize, Queryable, ToSchema)]
pub struct Category {
    #[schema(example = 9)]
    pub id: i64,
    #[schema(example = "World News")]
    pub name: String,
    #[schema(example = "world-news")]
    pub slug: String,
    #[schema(required = true)]
    pub description: Option<String>,
    /// The parent category, for a hierarchy; `null` at the top.
    #[schema(required = true)]
    pub parent_id: Option<i64>,
    #[diesel(deserialize_as = chrono::NaiveDateTime)]
    pub created_at: Timestamp,
    #[diesel(deserialize_as = chrono::NaiveDateTime)]
    pub updated_at: Timestamp,
    /// Published articles in this category (not counting its children).
    pub article_count: i64,
}

/// The body of `POST /categories`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Science", "description": "Research and discovery"}))]
pub struct NewCategoryBody {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"\S",
        example = "World News"
    )]
    pub name: String,
    /// Generated from `name` when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub parent_id: Option<i64>,
}

/// A validated new category.
#[derive(Debug)]
pub struct NewCategory {
    pub name: String,
    pub slug: Option<Slug>,
    pub description: Option<String>,
    pub parent_id: Option<i64>,
}

impl TryFrom<NewCategoryBody> for NewCategory {
    type Error = ApiError;

    fn try_from(body: NewCategoryBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let name = checks.take(domain::text("name", &body.name, MAX_NAME_CHARS));
        let slug = checks.take(body.slug.map(SlugInput::checked).transpose());
        let description = checks.take(
            body.description
                .map(|d| domain::optional_text("description", &d, MAX_DESCRIPTION_CHARS))
                .transpose(),
        );
        checks.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                description: description?.flatten(),
                parent_id: body.parent_id,
            })
        })
    }
}

/// The body of `PATCH /categories/{id}`: only the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Research, health and discovery"}))]
pub struct CategoryPatchBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Change<String>,
    /// `null` moves the category to the top.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub parent_id: Change<i64>,
}

/// A validated category change.
#[derive(Debug)]
pub struct CategoryPatch {
    pub name: Option<String>,
    pub slug: Option<Slug>,
    pub description: Change<String>,
    pub parent_id: Change<i64>,
}

impl TryFrom<CategoryPatchBody> for CategoryPatch {
    type Error = ApiError;

    fn try_from(body: CategoryPatchBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let name = checks.take(
            body.name
                .map(|n| domain::text("name", &n, MAX_NAME_CHARS))
                .transpose(),
        );
        let slug = checks.take(body.slug.map(SlugInput::checked).transpose());
        let description = checks.take(
            body.description
                .try_map(|d| domain::optional_text("description", &d, MAX_DESCRIPTION_CHARS)),
        );
        checks.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                description: description?,
                parent_id: body.parent_id,
            })
        })
    }
}
