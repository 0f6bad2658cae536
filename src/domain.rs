//! Small validated types that request bodies are parsed into, and the collector that
//! gathers every invalid field of a body into one `422`.

use crate::error::{ApiError, FieldError};

pub const MAX_SLUG_CHARS: usize = 200;

/// Collects field errors so that a client learns about every bad field at once.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// Keeps the value when it parsed, records the error when it did not.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// `422` with every recorded error, or the value built from the parsed parts.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        match (self.0.is_empty(), build()) {
            (true, Some(value)) => Ok(value),
            (true, None) => Err(ApiError::internal("validation lost a field")),
            (false, _) => Err(ApiError::Validation(self.0)),
        }
    }
}

/// A trimmed, non-empty text of at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Optional free text: trimmed, at most `max` characters, empty meaning none.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// The pattern of accepted URLs, as documented in the OpenAPI spec: an `http(s)` URL with
/// a plain host name or address, an optional port, and a path of printable ASCII
/// (non-ASCII must be percent-encoded).
pub const URL_PATTERN: &str = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$";

/// An absolute `http(s)` URL matching [`URL_PATTERN`].
pub fn url(field: &str, value: &str) -> Result<String, FieldError> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let valid = value.len() <= 2000
        && rest.is_some_and(|rest| {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let (host, port) = match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                && port.is_none_or(|p| {
                    (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
                })
                && path.bytes().all(|b| b.is_ascii_graphic())
        });
    if valid {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "must be an absolute http or https URL",
        ))
    }
}

/// A URL slug: lowercase ASCII letters and digits in groups joined by single dashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

/// The pattern a slug matches, as documented in the OpenAPI spec.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// Where a resource is looked up: by id (`/articles/42`) or by slug (`/articles/slug/…`).
pub enum Key {
    Id(i64),
    Slug(String),
}

/// A slug as a request body sends it, before it is checked: the one schema of every slug a
/// client writes (`Slug` in the spec), with the pattern [`Slug::parse`] applies.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct SlugInput(String);

impl SlugInput {
    /// The slug, or the `slug` field's error.
    pub fn checked(self) -> Result<Slug, FieldError> {
        Slug::parse("slug", &self.0)
    }
}

impl utoipa::PartialSchema for SlugInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(
                "Lowercase letters and digits in groups joined by single dashes, as in a URL.",
            ))
            .pattern(Some(SLUG_PATTERN))
            .max_length(Some(MAX_SLUG_CHARS))
            .examples([serde_json::json!("world-news")])
            .into()
    }
}

impl utoipa::ToSchema for SlugInput {
    fn name() -> std::borrow::Cow<'static, str> {
        "Slug".into()
    }
}

/// Apostrophes, primes and quotation marks in their typewriter, typographic and
/// language-specific forms: the characters WordPress removes from a title's slug.
const SLUG_DROPPED: &[char] = &[
    '\'', '"', '`', '\u{B4}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}', '\u{201C}',
    '\u{201D}', '\u{201E}', '\u{201F}', '\u{2032}', '\u{2033}', '\u{2BB}', '\u{2BC}', '\u{AB}',
    '\u{BB}', '\u{2039}', '\u{203A}', '\u{FF02}', '\u{FF07}',
];

impl Slug {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let valid = !value.is_empty()
            && value.len() <= MAX_SLUG_CHARS
            && value.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "must be lowercase letters and digits separated by single dashes",
            ))
        }
    }

    /// A slug made from a name or title; `fallback` when nothing of it is usable.
    /// Apostrophes and quotation marks are dropped, not made into word breaks, as WordPress
    /// does: "Russia’s" becomes `russias`, not `russia-s`.
    pub fn from_text(text: &str, fallback: &str) -> Self {
        let text: String = text.chars().filter(|c| !SLUG_DROPPED.contains(c)).collect();
        let slug = slug::slugify(text);
        let mut slug: String = slug.chars().take(MAX_SLUG_CHARS - 12).collect();
        while slug.ends_with('-') {
            slug.pop();
        }
        if slug.is_empty() {
            Self(fallback.to_owned())
        } else {
            Self(slug)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug of a new resource: a given one must be free (`409`), a generated one from
    /// `text` gets a number until it is.
    pub fn claim(
        given: Option<Self>,
        text: &str,
        fallback: &str,
        is_taken: impl FnMut(&str) -> diesel::QueryResult<bool>,
    ) -> Result<Self, ApiError> {
        match given {
            Some(slug) => {
                slug.check_free(None, is_taken)?;
                Ok(slug)
            }
            None => Ok(Self::from_text(text, fallback).first_free(is_taken)?),
        }
    }

    /// `409` when another resource than the one whose slug is `current` has this slug.
    pub fn check_free(
        &self,
        current: Option<&str>,
        mut is_taken: impl FnMut(&str) -> diesel::QueryResult<bool>,
    ) -> Result<(), ApiError> {
        if current != Some(self.as_str()) && is_taken(self.as_str())? {
            return Err(ApiError::Conflict(format!(
                "the slug `{}` is taken",
                self.0
            )));
        }
        Ok(())
    }

    /// The first of `slug`, `slug-2`, `slug-3`… that `is_taken` does not know.
    pub fn first_free<E>(
        self,
        mut is_taken: impl FnMut(&str) -> Result<bool, E>,
    ) -> Result<Self, E> {
        if !is_taken(&self.0)? {
            return Ok(self);
        }
        let mut n = 2u64;
        loop {
            let candidate = format!("{}-{n}", self.0);
            if !is_taken(&candidate)? {
                return Ok(Self(candidate));
            }
            n += 1;
        }
    }
}

/// An email address, lowercased so that lookups ignore case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        if value.len() <= 254 && email_address::EmailAddress::is_valid(value) && value.contains('.')
        {
            Ok(Self(value.to_lowercase()))
        } else {
            Err(FieldError::new(field, "must be a valid email address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

crate::text_enum! {
    /// Where an article is in its life. A `published` article whose `published_at` is in
    /// the future is scheduled: the public sees it from then on.
    pub enum ArticleStatus {
        Draft => "draft",
        Published => "published",
        Archived => "archived",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_from_any_text() {
        assert_eq!(Slug::from_text("World News!", "x").as_str(), "world-news");
        assert_eq!(
            Slug::from_text("Café au lait", "x").as_str(),
            "cafe-au-lait"
        );
        assert_eq!(Slug::from_text("!!!", "category").as_str(), "category");
    }

    #[test]
    fn apostrophes_and_quotes_are_dropped_not_word_breaks() {
        assert_eq!(
            Slug::from_text("Ukraine attacks Russia’s hold on Kherson", "x").as_str(),
            "ukraine-attacks-russias-hold-on-kherson"
        );
        for text in [
            "Don't stop",
            "Don‘t stop",
            "Don`t stop",
            "Don´t stop",
            "Donʼt stop",
            "\"Don't\" stop",
            "“Don’t” stop",
            "„Don‚t‟ stop",
            "«Don't» stop",
        ] {
            assert_eq!(Slug::from_text(text, "x").as_str(), "dont-stop", "{text}");
        }
        assert_eq!(Slug::from_text("’’’", "article").as_str(), "article");
    }

    #[test]
    fn given_slugs_must_be_clean() {
        assert!(Slug::parse("slug", "world-news-2").is_ok());
        for bad in ["", "World", "a--b", "-a", "a-", "a b", "é"] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn taken_slugs_get_a_number() -> Result<(), ()> {
        let taken = ["news", "news-2"];
        let slug = Slug::from_text("News", "x").first_free(|s| Ok::<_, ()>(taken.contains(&s)))?;
        assert_eq!(slug.as_str(), "news-3");
        Ok(())
    }

    #[test]
    fn urls_need_a_scheme_and_a_plain_host() {
        for good in [
            "https://example.com",
            "http://a.b:8080/x?y=1#z",
            "https://1.2.3.4/",
        ] {
            assert!(url("u", good).is_ok(), "{good}");
        }
        for bad in [
            "example.com",
            "ftp://x",
            "http://",
            "http://[::1]/",
            "https://a b",
            "http://a:",
        ] {
            assert!(url("u", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(
            Email::parse("email", " Ann@Example.COM ").map(Email::into_inner),
            Ok("ann@example.com".to_owned())
        );
        assert!(Email::parse("email", "not-an-email").is_err());
    }
}
