//! The public web site the API serves: its address (`SITE_URL`) and where an article's page
//! is (`ARTICLE_URL_TEMPLATE`). Feeds, sitemaps, share metadata, webhooks and the live
//! stream all give readers addresses on the site, never on the API, and all of them build
//! them here.

use chrono::{Datelike, NaiveDateTime};

/// A site setting that is present but unusable; the message names it. `config.rs` turns
/// it into its `ConfigError` (this module sits below the configuration it is part of).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingError(pub String);

/// The default of `ARTICLE_URL_TEMPLATE`: the front end's article page (`examples/news-site`).
pub const DEFAULT_ARTICLE_URL_TEMPLATE: &str = "{site}/{category}/{slug}";
/// What `{category}` becomes for an article without one, as in WordPress.
pub const UNCATEGORIZED: &str = "uncategorized";

/// The site's settings, checked at start.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// `SITE_URL`: scheme and host (and a path prefix), without a trailing `/`.
    pub url: Option<String>,
    /// `SITE_NAME`: the publication's name in feeds and the news sitemap.
    pub name: String,
    /// `ARTICLE_URL_TEMPLATE`.
    pub article_url: UrlTemplate,
    /// `FEED_CONTENT=full` puts each article's whole content in feeds; `excerpt` only the
    /// excerpt.
    pub feed_full_content: bool,
    /// `SITE_LANGUAGE`: the language of the site's articles (a BCP 47 tag such as `en` or
    /// `pt-BR`), for feeds and the news sitemap.
    pub language: String,
    /// `SITEMAP_PAGE_SIZE`: article addresses per sitemap page, 1 to 50,000 (the protocol's
    /// limit).
    pub sitemap_page_size: i64,
    /// `API_URL`: the API's public address (scheme, host, optional path prefix in front of
    /// `/api/v1`), for the links feeds and the sitemap index give to themselves. Unset: the
    /// address each request came to (its `Host`, or `Forwarded`/`X-Forwarded-Host` from a
    /// proxy).
    pub api_url: Option<String>,
}

/// The protocol's limit of addresses in one sitemap file.
pub const MAX_SITEMAP_PAGE_SIZE: i64 = 50_000;

/// What an article's address is made of.
#[derive(Debug, Clone, Copy)]
pub struct ArticlePlace<'a> {
    pub id: i64,
    pub slug: &'a str,
    /// The category's slug; `None` for an uncategorized article.
    pub category: Option<&'a str>,
    pub author: &'a str,
    /// The publication date (`created_at` for an article never published).
    pub date: NaiveDateTime,
}

impl SiteSettings {
    /// Reads `SITE_URL`, `SITE_NAME`, `ARTICLE_URL_TEMPLATE` and `FEED_CONTENT`. A setting
    /// that only makes sense with `SITE_URL` is refused without it, naming it.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, SettingError> {
        let url = lookup("SITE_URL")
            .filter(|url| !url.trim().is_empty())
            .map(|url| site_url(&url))
            .transpose()?;
        let template = lookup("ARTICLE_URL_TEMPLATE");
        let article_url =
            UrlTemplate::parse(template.as_deref().unwrap_or(DEFAULT_ARTICLE_URL_TEMPLATE))?;
        if url.is_none() && article_url.uses_site() && template.is_some() {
            return Err(SettingError(
                "ARTICLE_URL_TEMPLATE uses {site} but SITE_URL is not set: set SITE_URL to the \
                 public address of the site (such as https://news.example.com)"
                    .to_owned(),
            ));
        }
        let feed_full_content = match lookup("FEED_CONTENT").as_deref().map(str::trim) {
            None | Some("full") => true,
            Some("excerpt") => false,
            Some(other) => {
                return Err(SettingError(format!(
                    "FEED_CONTENT must be full or excerpt, not `{other}`"
                )));
            }
        };
        if url.is_none() && lookup("FEED_CONTENT").is_some() {
            return Err(SettingError(
                "FEED_CONTENT is set but SITE_URL is not: feeds need the site's address; set \
                 SITE_URL (such as https://news.example.com)"
                    .to_owned(),
            ));
        }
        Ok(Self {
            url,
            name: lookup("SITE_NAME").unwrap_or_else(|| "Newsroom".to_owned()),
            article_url,
            feed_full_content,
            language: language(lookup("SITE_LANGUAGE").as_deref())?,
            sitemap_page_size: sitemap_page_size(lookup("SITEMAP_PAGE_SIZE").as_deref())?,
            api_url: lookup("API_URL")
                .filter(|url| !url.trim().is_empty())
                .map(|url| absolute_url("API_URL", &url, "https://api.example.com"))
                .transpose()?,
        })
    }

    /// The public address of an article's page; `None` when it needs `SITE_URL` and there
    /// is none.
    pub fn article_url(&self, place: ArticlePlace<'_>) -> Option<String> {
        let site = self.url.as_deref();
        if site.is_none() && self.article_url.uses_site() {
            return None;
        }
        Some(self.article_url.render(site.unwrap_or_default(), place))
    }

    /// An address on the site (`path` starts with `/`); `None` without `SITE_URL`.
    pub fn url_of(&self, path: &str) -> Option<String> {
        self.url.as_deref().map(|site| format!("{site}{path}"))
    }
}

/// `SITE_LANGUAGE`: a language tag (`en`, `pt-BR`, `zh-Hant`); `en` when unset.
fn language(value: Option<&str>) -> Result<String, SettingError> {
    let Some(value) = value.map(str::trim) else {
        return Ok("en".to_owned());
    };
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let valid = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if valid {
        Ok(value.to_owned())
    } else {
        Err(SettingError(format!(
            "SITE_LANGUAGE must be a language tag such as en or pt-BR, not `{value}`"
        )))
    }
}

/// `SITEMAP_PAGE_SIZE`: 1 to 50,000; 50,000 when unset.
fn sitemap_page_size(value: Option<&str>) -> Result<i64, SettingError> {
    let Some(value) = value else {
        return Ok(MAX_SITEMAP_PAGE_SIZE);
    };
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|size| (1..=MAX_SITEMAP_PAGE_SIZE).contains(size))
        .ok_or_else(|| {
            SettingError(format!(
                "SITEMAP_PAGE_SIZE must be a whole number from 1 to {MAX_SITEMAP_PAGE_SIZE}, \
                 not `{value}`"
            ))
        })
}

/// `SITE_URL`: an absolute `http(s)` address with a host and no query or fragment; a
/// trailing `/` is dropped so that paths can be appended.
fn site_url(value: &str) -> Result<String, SettingError> {
    absolute_url("SITE_URL", value, "https://news.example.com")
}

/// A public base address setting (`SITE_URL`, `API_URL`), checked the same way.
fn absolute_url(name: &str, value: &str, example: &str) -> Result<String, SettingError> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    let host = rest.map(|rest| rest.split('/').next().unwrap_or_default());
    let valid = host.is_some_and(|host| {
        !host.is_empty()
            && !host.contains('@')
            && host.parse::<actix_web::http::uri::Authority>().is_ok()
    }) && !trimmed.contains(['?', '#', ' ']);
    if valid {
        Ok(trimmed.to_owned())
    } else {
        Err(SettingError(format!(
            "{name} must be a public address, such as {example} (http or https, a host, \
             optionally a path; no query), not `{value}`"
        )))
    }
}

/// `ARTICLE_URL_TEMPLATE`, parsed once: text with placeholders in braces.
#[derive(Debug, Clone)]
pub struct UrlTemplate(Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Site,
    Category,
    Slug,
    Id,
    Author,
    Year,
    Month,
    Day,
}

/// The placeholders, as the README lists them.
const PLACEHOLDERS: [(&str, Part); 8] = [
    ("site", Part::Site),
    ("category", Part::Category),
    ("slug", Part::Slug),
    ("id", Part::Id),
    ("author", Part::Author),
    ("year", Part::Year),
    ("month", Part::Month),
    ("day", Part::Day),
];

impl UrlTemplate {
    /// Refuses an unknown placeholder, an unclosed brace, and a template that cannot tell
    /// two articles apart (neither `{slug}` nor `{id}`) or does not give an absolute
    /// address (neither `{site}` first nor `http(s)://`).
    pub fn parse(template: &str) -> Result<Self, SettingError> {
        let refuse = |why: &str| {
            SettingError(format!(
                "ARTICLE_URL_TEMPLATE {why}: use {{site}}, {{category}}, {{slug}}, {{id}}, \
                 {{author}}, {{year}}, {{month}} and {{day}}, such as \
                 {DEFAULT_ARTICLE_URL_TEMPLATE}, not `{template}`"
            ))
        };
        let mut parts = Vec::new();
        let mut rest = template.trim();
        while let Some(open) = rest.find('{') {
            let (text, after) = rest.split_at(open);
            if !text.is_empty() {
                parts.push(Part::Text(text.to_owned()));
            }
            let close = after.find('}').ok_or_else(|| refuse("has an unclosed {"))?;
            let name = after.get(1..close).unwrap_or_default();
            let part = PLACEHOLDERS
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, part)| part.clone())
                .ok_or_else(|| refuse(&format!("has an unknown placeholder {{{name}}}")))?;
            parts.push(part);
            rest = after.get(close + 1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        let template = Self(parts);
        if !template
            .0
            .iter()
            .any(|p| matches!(p, Part::Slug | Part::Id))
        {
            return Err(refuse("must contain {slug} or {id}"));
        }
        let absolute = match template.0.first() {
            Some(Part::Site) => true,
            Some(Part::Text(text)) => text.starts_with("https://") || text.starts_with("http://"),
            _ => false,
        };
        if !absolute {
            return Err(refuse("must start with {site} or http(s)://"));
        }
        Ok(template)
    }

    fn uses_site(&self) -> bool {
        self.0.contains(&Part::Site)
    }

    fn render(&self, site: &str, place: ArticlePlace<'_>) -> String {
        let mut url = String::with_capacity(site.len() + 96);
        for part in &self.0 {
            match part {
                Part::Text(text) => url.push_str(text),
                Part::Site => url.push_str(site),
                Part::Category => url.push_str(place.category.unwrap_or(UNCATEGORIZED)),
                Part::Slug => url.push_str(place.slug),
                Part::Id => url.push_str(&place.id.to_string()),
                Part::Author => url.push_str(place.author),
                Part::Year => url.push_str(&format!("{:04}", place.date.year())),
                Part::Month => url.push_str(&format!("{:02}", place.date.month())),
                Part::Day => url.push_str(&format!("{:02}", place.date.day())),
            }
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<SiteSettings, SettingError> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        SiteSettings::from_lookup(&|name| map.get(name).map(|v| (*v).to_owned()))
    }

    fn place(category: Option<&'static str>) -> ArticlePlace<'static> {
        ArticlePlace {
            id: 7,
            slug: "port-expansion",
            category,
            author: "jane-doe",
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 4)
                .and_then(|d| d.and_hms_opt(5, 6, 7))
                .unwrap_or_default(),
        }
    }

    #[test]
    fn the_default_template_gives_category_and_slug() -> Result<(), SettingError> {
        let site = settings(&[("SITE_URL", "https://news.example.com/")])?;
        assert_eq!(
            site.article_url(place(Some("world"))).as_deref(),
            Some("https://news.example.com/world/port-expansion")
        );
        assert_eq!(
            site.article_url(place(None)).as_deref(),
            Some("https://news.example.com/uncategorized/port-expansion")
        );
        Ok(())
    }

    #[test]
    fn every_placeholder_renders() -> Result<(), SettingError> {
        let site = settings(&[
            ("SITE_URL", "http://127.0.0.1:8080/news"),
            (
                "ARTICLE_URL_TEMPLATE",
                "{site}/{year}/{month}/{day}/{author}/{id}-{slug}.html",
            ),
        ])?;
        assert_eq!(
            site.article_url(place(None)).as_deref(),
            Some("http://127.0.0.1:8080/news/2026/03/04/jane-doe/7-port-expansion.html")
        );
        Ok(())
    }

    #[test]
    fn without_site_url_there_is_no_address_and_settings_that_need_it_are_refused()
    -> Result<(), SettingError> {
        assert!(settings(&[])?.article_url(place(None)).is_none());
        assert!(settings(&[("ARTICLE_URL_TEMPLATE", "{site}/{slug}")]).is_err());
        assert!(settings(&[("FEED_CONTENT", "excerpt")]).is_err());
        let absolute = settings(&[("ARTICLE_URL_TEMPLATE", "https://x.example/{id}")])?;
        assert_eq!(
            absolute.article_url(place(None)).as_deref(),
            Some("https://x.example/7")
        );
        Ok(())
    }

    #[test]
    fn bad_settings_are_refused_with_their_name() {
        for (name, value) in [
            ("SITE_URL", "news.example.com"),
            ("SITE_URL", "ftp://news.example.com"),
            ("SITE_URL", "https://"),
            ("SITE_URL", "https://news.example.com/?x=1"),
            ("ARTICLE_URL_TEMPLATE", "{site}/{title}"),
            ("ARTICLE_URL_TEMPLATE", "{site}/{category}"),
            ("ARTICLE_URL_TEMPLATE", "/{slug}"),
            ("ARTICLE_URL_TEMPLATE", "{site}/{slug"),
            ("FEED_CONTENT", "some"),
            ("SITE_LANGUAGE", "english!"),
            ("SITEMAP_PAGE_SIZE", "0"),
            ("SITEMAP_PAGE_SIZE", "50001"),
            ("API_URL", "api.example.com"),
        ] {
            let error = settings(&[("SITE_URL", "https://a.example"), (name, value)])
                .err()
                .map(|e| e.0);
            assert!(
                error.as_deref().is_some_and(|e| e.contains(name)),
                "{name}={value}: {error:?}"
            );
        }
    }
}
