//! User types: the stored row, what admins see, and what they send.

use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Role;
use crate::auth::password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::db::schema::users;
use crate::domain::{self, Checks, Email, Slug, SlugInput};
use crate::error::FieldError;
use crate::http::patch::present;
use crate::http::{Change, Timestamp};

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_BIO_CHARS: usize = 5000;

/// A row of the `users` table.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub slug: String,
    pub role: Role,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// Moves on with every new password or role; access tokens of another version are
    /// refused (`auth::caller`).
    pub token_version: i64,
}

/// A user account as admins (and the user themself) see it. Never includes the password.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct User {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "ann@example.com")]
    pub email: String,
    #[schema(example = "Ann Example")]
    pub display_name: String,
    #[schema(example = "ann-example")]
    pub slug: String,
    pub role: Role,
    #[schema(required = true)]
    pub bio: Option<String>,
    #[schema(required = true)]
    pub avatar_url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            slug: row.slug,
            role: row.role,
            bio: row.bio,
            avatar_url: row.avatar_url,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        }
    }
}

/// The body of `POST /users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ed@example.com", "password": "a long passphrase", "display_name": "Ed Itor", "role": "editor"}))]
pub struct NewUserBody {
    #[schema(format = Email, example = "ann@example.com")]
    pub email: String,
    /// Write-only; 8 to 256 characters.
    #[schema(min_length = 8, max_length = 256, example = "a long passphrase")]
    pub password: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"\S",
        example = "Ann Example"
    )]
    pub display_name: String,
    pub role: Role,
    /// Generated from `display_name` when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub bio: Option<String>,
    #[serde(default)]
    #[schema(
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$",
        max_length = 2000,
        example = "https://example.com/ann.jpg"
    )]
    pub avatar_url: Option<String>,
}

/// A new user, validated.
#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub slug: Option<Slug>,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
}

impl TryFrom<NewUserBody> for NewUser {
    type Error = crate::error::ApiError;

    fn try_from(body: NewUserBody) -> Result<Self, Self::Error> {
        let mut checks = Checks::default();
        let email = checks.take(Email::parse("email", &body.email));
        let password = checks.take(password("password", body.password));
        let display_name = checks.take(domain::text(
            "display_name",
            &body.display_name,
            MAX_NAME_CHARS,
        ));
        let slug = checks.take(body.slug.map(SlugInput::checked).transpose());
        let bio = checks.take(
            body.bio
                .map(|b| domain::optional_text("bio", &b, MAX_BIO_CHARS))
                .transpose(),
        );
        let avatar_url = checks.take(
            body.avatar_url
                .map(|u| domain::url("avatar_url", &u))
                .transpose(),
        );
        checks.finish(|| {
            Some(Self {
                email: email?,
                password: password?,
                display_name: display_name?,
                role: body.role,
                slug: slug?,
                bio: bio?.flatten(),
                avatar_url: avatar_url?,
            })
        })
    }
}

/// The body of `PATCH /users/{id}`: only the fields sent change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"bio": "Covers the city council."}))]
pub struct UserPatchBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, format = Email)]
    pub email: Option<String>,
    /// Write-only; 8 to 256 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 8, max_length = 256)]
    pub password: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 1, max_length = 200, pattern = r"\S")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub bio: Change<String>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$", max_length = 2000)]
    pub avatar_url: Change<String>,
}

/// A validated user change.
#[derive(Debug, Default)]
pub struct UserPatch {
    pub email: Option<Email>,
    pub password: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub slug: Option<Slug>,
    pub bio: Change<String>,
    pub avatar_url: Change<String>,
}

impl TryFrom<UserPatchBody> for UserPatch {
    type Error = crate::error::ApiError;

    fn try_from(body: UserPatchBody) -> Result<Self, Self::Error> {
        let mut checks = Checks::default();
        let email = checks.take(body.email.map(|e| Email::parse("email", &e)).transpose());
        let password = checks.take(body.password.map(|p| password("password", p)).transpose());
        let display_name = checks.take(
            body.display_name
                .map(|n| domain::text("display_name", &n, MAX_NAME_CHARS))
                .transpose(),
        );
        let slug = checks.take(body.slug.map(SlugInput::checked).transpose());
        let bio = checks.take(
            body.bio
                .try_map(|b| domain::optional_text("bio", &b, MAX_BIO_CHARS)),
        );
        let avatar_url = checks.take(
            body.avatar_url
                .try_map(|u| domain::url("avatar_url", &u).map(Some)),
        );
        checks.finish(|| {
            Some(Self {
                email: email?,
                password: password?,
                display_name: display_name?,
                role: body.role,
                slug: slug?,
                bio: bio?,
                avatar_url: avatar_url?,
            })
        })
    }
}

fn password(field: &str, value: String) -> Result<String, FieldError> {
    let length = value.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length) {
        Ok(value)
    } else {
        Err(FieldError::new(
            field,
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"),
        ))
    }
}
