//! The public author profile.

use diesel::Queryable;
use serde::Serialize;
use utoipa::ToSchema;

/// A user as the public sees them: never an email or a role.
#[derive(Debug, Serialize, Queryable, ToSchema)]
pub struct Author {
    #[schema(example = 2)]
    pub id: i64,
    #[schema(example = "Conservative Guard")]
    pub display_name: String,
    #[schema(example = "conservative-guard")]
    pub slug: String,
    #[schema(required = true)]
    pub bio: Option<String>,
    #[schema(required = true)]
    pub avatar_url: Option<String>,
    /// Published articles by this author.
    pub article_count: i64,
}
