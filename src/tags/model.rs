//! Tag types: what the API shows, what editors send, and how an article names its tags.

use diesel::Queryable;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{self, Checks, Slug, SlugInput};
use crate::error::{ApiError, FieldError};
use crate::http::patch::present;
use crate::http::{Change, Timestamp};

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Tags one article may carry: enough for any real story, few enough that a list of
/// summaries stays small.
pub const MAX_TAGS_PER_ARTICLE: usize = 30;

/// A tag with its number of published articles.
#[derive(Debug, Serialize, Queryable, ToSchema)]
pub struct Tag {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = "Kherson")]
    pub name: String,
    #[schema(example = "kherson")]
    pub slug: String,
    #[schema(required = true)]
    pub description: Option<String>,
    #[diesel(deserialize_as = chrono::NaiveDateTime)]
    pub created_at: Timestamp,
    #[diesel(deserialize_as = chrono::NaiveDateTime)]
    pub updated_at: Timestamp,
    /// Published articles with this tag (those the public sees).
    pub article_count: i64,
}

/// A tag as embedded in articles.
#[derive(Debug, Clone, Serialize, Queryable, ToSchema)]
pub struct TagRef {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = "Kherson")]
    pub name: String,
    #[schema(example = "kherson")]
    pub slug: String,
}

/// A tag as an article's body names it: its id (`3`) or its slug (`"kherson"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(untagged)]
pub enum TagKey {
    Id(i64),
    Slug(String),
}

impl utoipa::PartialSchema for TagKey {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .description(Some("A tag's id, or its slug."))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .minimum(Some(1)),
            )
            .item(SlugInput::schema())
            .examples([serde_json::json!("kherson")])
            .into()
    }
}

impl ToSchema for TagKey {}

impl std::fmt::Display for TagKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Slug(slug) => write!(f, "`{slug}`"),
        }
    }
}

/// The tags an article's body sends, in order, duplicates dropped (a tag named twice, even
/// once by id and once by slug, is collapsed when the names are resolved).
pub fn tag_keys(keys: Vec<TagKey>) -> Result<Vec<TagKey>, FieldError> {
    let mut unique: Vec<TagKey> = Vec::with_capacity(keys.len());
    for key in keys {
        if !unique.contains(&key) {
            unique.push(key);
        }
    }
    if unique.len() > MAX_TAGS_PER_ARTICLE {
        return Err(FieldError::new(
            "tags",
            format!("at most {MAX_TAGS_PER_ARTICLE} tags"),
        ));
    }
    Ok(unique)
}

/// The body of `POST /tags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Kherson", "description": "The city and its region"}))]
pub struct NewTagBody {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S", example = "Kherson")]
    pub name: String,
    /// Generated from `name` when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
}

/// A validated new tag.
#[derive(Debug)]
pub struct NewTag {
    pub name: String,
    pub slug: Option<Slug>,
    pub description: Option<String>,
}

impl TryFrom<NewTagBody> for NewTag {
    type Error = ApiError;

    fn try_from(body: NewTagBody) -> Result<Self, ApiError> {
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
            })
        })
    }
}

/// The body of `PATCH /tags/{id}`: only the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Kherson Oblast"}))]
pub struct TagPatchBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Change<String>,
}

/// A validated tag change.
#[derive(Debug)]
pub struct TagPatch {
    pub name: Option<String>,
    pub slug: Option<Slug>,
    pub description: Change<String>,
}

impl TryFrom<TagPatchBody> for TagPatch {
    type Error = ApiError;

    fn try_from(body: TagPatchBody) -> Result<Self, ApiError> {
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
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_collapsed_in_their_first_place() {
        let keys = vec![
            TagKey::Slug("nato".to_owned()),
            TagKey::Id(3),
            TagKey::Slug("nato".to_owned()),
            TagKey::Id(3),
        ];
        assert_eq!(
            tag_keys(keys).ok(),
            Some(vec![TagKey::Slug("nato".to_owned()), TagKey::Id(3)])
        );
    }

    #[test]
    fn too_many_tags_are_refused() {
        let keys = (1..=31).map(TagKey::Id).collect();
        assert!(tag_keys(keys).is_err());
    }
}
