//! What feeds and sitemaps are made of: the filters a feed takes, and the rows a sitemap
//! lists.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::articles::model::ArticleSummary;
use crate::articles::queries::ArticleFilter;
use crate::site::{ArticlePlace, SiteSettings};

/// How many articles a feed holds: the newest.
pub const FEED_ITEMS: i64 = 20;
/// The Google News sitemap's limits: articles of the last two days, at most 1,000.
pub const NEWS_WINDOW_HOURS: i64 = 48;
pub const NEWS_MAX_URLS: i64 = 1000;

/// The filters of a feed; each names one category, tag or author by id or slug.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// A category id or slug (`world-news`); its child categories are included.
    #[param(min_length = 1, example = "world-news")]
    pub category: Option<String>,
    /// A tag id or slug (`kherson`).
    #[param(min_length = 1, example = "kherson")]
    pub tag: Option<String>,
    /// An author id or slug (`conservative-guard`).
    #[param(min_length = 1, example = "conservative-guard")]
    pub author: Option<String>,
}

impl FeedQuery {
    /// The filters as a query string in one order, for the feed's link to itself: the same
    /// feed asked for two ways names itself one way (and is one cache entry).
    pub fn canonical_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("category", &self.category),
            ("tag", &self.tag),
            ("author", &self.author),
        ] {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        query.finish()
    }
}

/// A feed's filters resolved: the article filter and the names the title shows.
#[derive(Debug, Default)]
pub struct Scope {
    pub filter: ArticleFilter,
    /// The category's, tag's and author's names, in that order, as sent.
    pub names: Vec<String>,
}

/// One article of a feed.
#[derive(Debug)]
pub struct FeedItem {
    pub summary: ArticleSummary,
    /// Its page (`ARTICLE_URL_TEMPLATE`).
    pub url: String,
    /// `content_html` with `FEED_CONTENT=full`, else `None` (the excerpt only).
    pub content_html: Option<String>,
}

/// A public article as a sitemap lists it: what its address and dates are made of.
#[derive(Debug, Queryable)]
pub struct SitemapRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub category: Option<String>,
    pub author: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SitemapRow {
    /// The article's page; `None` only without `SITE_URL` (the routes refuse that first).
    pub fn url(&self, site: &SiteSettings) -> Option<String> {
        site.article_url(ArticlePlace {
            id: self.id,
            slug: &self.slug,
            category: self.category.as_deref(),
            author: &self.author,
            date: self.published_at.unwrap_or(self.created_at),
        })
    }
}
