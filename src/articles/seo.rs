//! The share and SEO metadata of an article page (`seo` in every full article): what a front
//! end puts straight into its `<title>`, `<meta name="description">`, Open Graph and Twitter
//! tags and share buttons, computed in this one place from the article and its overrides.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{ArticleSummary, FeaturedImage, SeoColumns};
use crate::http::Timestamp;
use crate::site::SiteSettings;

/// Everything but RFC 3986's unreserved characters is encoded, spaces as `%20`: share
/// URLs are read by sites and mail programs that do not all take `+` for a space (a
/// `mailto:` body never does).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The metadata of an article page, with every fallback applied.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "title": "Port expansion approved: what changes",
    "description": "The council approved the expansion by seven votes to two.",
    "canonical_url": "https://news.example.com/local/port-expansion-approved",
    "image": {"url": "https://news.example.com/media/0b6c1e0e3f6a4c7e9d1a2b3c4d5e6f70/original-1200x630-9e107d9d372b.jpg", "width": 1200, "height": 630, "alt": "Cranes at the port"},
    "og_type": "article",
    "twitter_card": "summary_large_image",
    "published_time": "2026-11-30T08:00:00Z",
    "modified_time": "2026-11-30T09:30:00Z",
    "author": "Jane Doe",
    "section": "Local",
    "tags": ["Port", "Council"],
    "share": {
        "facebook": "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fnews.example.com%2Flocal%2Fport-expansion-approved",
        "x": "https://x.com/intent/tweet?url=https%3A%2F%2Fnews.example.com%2Flocal%2Fport-expansion-approved&text=Port%20expansion%20approved%3A%20what%20changes",
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fnews.example.com%2Flocal%2Fport-expansion-approved",
        "whatsapp": "https://wa.me/?text=Port%20expansion%20approved%3A%20what%20changes%20https%3A%2F%2Fnews.example.com%2Flocal%2Fport-expansion-approved",
        "mailto": "mailto:?subject=Port%20expansion%20approved%3A%20what%20changes&body=https%3A%2F%2Fnews.example.com%2Flocal%2Fport-expansion-approved"
    }
}))]
pub struct Seo {
    /// `meta_title`, else the title: for `<title>`, `og:title` and `twitter:title`.
    pub title: String,
    /// `meta_description`, else the excerpt (plain text): for `<meta name="description">`,
    /// `og:description` and `twitter:description`.
    pub description: String,
    /// `canonical_url`, else the article's page (`ARTICLE_URL_TEMPLATE`): for
    /// `<link rel="canonical">` and `og:url`. `null` when neither is known (no `SITE_URL`).
    #[schema(required = true)]
    pub canonical_url: Option<String>,
    /// `og_image`, else the featured image: for `og:image` and `twitter:image`. `null` when
    /// the article has neither.
    #[schema(required = true)]
    pub image: Option<SeoImage>,
    /// Always `article` (`og:type`).
    #[schema(example = "article")]
    pub og_type: &'static str,
    /// `summary_large_image` with an image, else `summary` (`twitter:card`).
    #[schema(example = "summary_large_image")]
    pub twitter_card: &'static str,
    /// `article:published_time`; `null` for an article never published.
    #[schema(required = true)]
    pub published_time: Option<Timestamp>,
    /// `article:modified_time`.
    pub modified_time: Timestamp,
    /// The author's display name (`article:author`).
    #[schema(example = "Jane Doe")]
    pub author: String,
    /// The category's name (`article:section`); `null` when uncategorized.
    #[schema(required = true, example = "Local")]
    pub section: Option<String>,
    /// The tags' names (`article:tag`), in the article's order.
    pub tags: Vec<String>,
    /// Share links built from `canonical_url` and `title`; `null` without `canonical_url`.
    #[schema(required = true)]
    pub share: Option<ShareLinks>,
}

/// The image shown with a share.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeoImage {
    /// Absolute: a library image's `/media/...` path is resolved against `SITE_URL` (the
    /// site serves or proxies `/media/`); it stays a path only when `SITE_URL` is not set.
    #[schema(
        example = "https://news.example.com/media/0b6c1e0e3f6a4c7e9d1a2b3c4d5e6f70/original-1200x630-9e107d9d372b.jpg"
    )]
    pub url: String,
    /// `null` for an image linked by URL (its size is not known).
    #[schema(required = true, example = 1200)]
    pub width: Option<i32>,
    #[schema(required = true, example = 630)]
    pub height: Option<i32>,
    #[schema(required = true, example = "Cranes at the port")]
    pub alt: Option<String>,
}

/// "Share on ..." links, each opening the network's share dialog for the article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShareLinks {
    pub facebook: String,
    /// X (Twitter): the title and the address.
    pub x: String,
    pub linkedin: String,
    pub whatsapp: String,
    /// A `mailto:` link with the title as subject and the address as body.
    pub mailto: String,
}

impl Seo {
    /// The metadata of an article from what its response already holds.
    pub fn of(
        summary: &ArticleSummary,
        overrides: &SeoColumns,
        og_image: Option<&FeaturedImage>,
        site: &SiteSettings,
    ) -> Self {
        let title = overrides
            .meta_title
            .clone()
            .unwrap_or_else(|| summary.title.clone());
        let canonical_url = overrides
            .canonical_url
            .clone()
            .or_else(|| summary.url.clone());
        let image = og_image
            .or(summary.featured_image.as_ref())
            .map(|image| SeoImage {
                url: absolute(site, &image.url),
                width: image.width,
                height: image.height,
                alt: image.alt.clone(),
            });
        Self {
            share: canonical_url
                .as_deref()
                .map(|url| ShareLinks::of(url, &title)),
            description: overrides
                .meta_description
                .clone()
                .unwrap_or_else(|| summary.excerpt.clone()),
            canonical_url,
            twitter_card: if image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
            image,
            og_type: "article",
            published_time: summary.published_at,
            modified_time: summary.updated_at,
            author: summary.author.display_name.clone(),
            section: summary.category.as_ref().map(|c| c.name.clone()),
            tags: summary.tags.iter().map(|tag| tag.name.clone()).collect(),
            title,
        }
    }
}

impl ShareLinks {
    fn of(url: &str, title: &str) -> Self {
        let url = utf8_percent_encode(url, COMPONENT).to_string();
        let title = utf8_percent_encode(title, COMPONENT).to_string();
        Self {
            facebook: format!("https://www.facebook.com/sharer/sharer.php?u={url}"),
            x: format!("https://x.com/intent/tweet?url={url}&text={title}"),
            linkedin: format!("https://www.linkedin.com/sharing/share-offsite/?url={url}"),
            whatsapp: format!("https://wa.me/?text={title}%20{url}"),
            mailto: format!("mailto:?subject={title}&body={url}"),
        }
    }
}

/// A path on this server (`/media/...`) as an address on the site; other URLs as they are.
pub fn absolute(site: &SiteSettings, url: &str) -> String {
    if url.starts_with('/') {
        site.url_of(url).unwrap_or_else(|| url.to_owned())
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_links_encode_every_reserved_character() {
        let links = ShareLinks::of("https://n.example/a?b=c&d", "Ünïcode & \"quotes\" 100%");
        assert_eq!(
            links.x,
            "https://x.com/intent/tweet?url=https%3A%2F%2Fn.example%2Fa%3Fb%3Dc%26d\
             &text=%C3%9Cn%C3%AFcode%20%26%20%22quotes%22%20100%25"
        );
        assert!(links.mailto.starts_with("mailto:?subject=%C3%9Cn"));
    }
}
