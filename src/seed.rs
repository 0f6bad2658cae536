//! Demo content: the site's nine categories and one user of each role.

use rand::Rng;
use rand::distr::Alphanumeric;

use crate::auth::password;
use crate::categories::model::NewCategory;
use crate::categories::queries as categories;
use crate::db::Db;
use crate::domain::{Email, Slug};
use crate::error::ApiError;
use crate::users::model::{NewUser, Role};
use crate::users::queries as users;

/// The sections of the reference site, with a line each.
const CATEGORIES: [(&str, &str); 9] = [
    ("Breaking News", "What is happening right now."),
    ("Business", "Companies, markets and the economy."),
    ("China", "News from and about China."),
    ("Crime", "Courts, police and investigations."),
    ("Entertainment", "Film, music, television and culture."),
    ("Finance", "Money, banking and personal finance."),
    ("Politics", "Government, elections and policy."),
    ("US", "News from across the United States."),
    ("World News", "International news and diplomacy."),
];

/// A demo account and, when this run created it, its password.
pub struct DemoAccount {
    pub email: String,
    pub role: Role,
    pub password: Option<String>,
}

/// Adds what is missing of the demo content; running it twice changes nothing.
pub fn demo(db: &Db, admin_email: &str) -> Result<Vec<DemoAccount>, ApiError> {
    let people = [
        (admin_email, "Newsroom Admin", Role::Admin),
        ("editor@example.com", "Conservative Guard", Role::Editor),
        ("author@example.com", "Dana Reporter", Role::Author),
    ];
    let mut accounts = Vec::new();
    for (email, name, role) in people {
        let password = ensure_user(db, email, name, role, None)?;
        accounts.push(DemoAccount {
            email: email.to_owned(),
            role,
            password,
        });
    }
    db.write_blocking(|conn| {
        for (name, description) in CATEGORIES {
            let slug = Slug::from_text(name, "category");
            if categories::find(
                conn,
                categories::CategoryKey::Slug(slug.as_str().to_owned()),
            )
            .is_ok()
            {
                continue;
            }
            categories::insert(
                conn,
                NewCategory {
                    name: name.to_owned(),
                    slug: Some(slug),
                    description: Some(description.to_owned()),
                    parent_id: None,
                },
            )?;
        }
        Ok(())
    })?;
    Ok(accounts)
}

/// Creates the user unless the email is taken. Returns the password when it was generated.
pub fn ensure_user(
    db: &Db,
    email: &str,
    name: &str,
    role: Role,
    password: Option<String>,
) -> Result<Option<String>, ApiError> {
    let email = Email::parse("email", email).map_err(|error| ApiError::Validation(vec![error]))?;
    let lookup = email.as_str().to_owned();
    if db
        .read_blocking(|conn| Ok(users::find_by_email(conn, &lookup)?))?
        .is_some()
    {
        return Ok(None);
    }
    let generated = password.is_none();
    let password = password.unwrap_or_else(generate_password);
    let hash = password::hash(&password)?;
    let user = NewUser {
        email,
        password: String::new(),
        display_name: name.to_owned(),
        role,
        slug: None,
        bio: None,
        avatar_url: None,
    };
    db.write_blocking(|conn| users::insert(conn, user, hash))?;
    Ok(generated.then_some(password))
}

pub fn generate_password() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}
