//! Article types: the stored row, the summary and full article the API shows, and the
//! bodies editors send.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::seo::Seo;
use crate::auth::Action;
use crate::auth::policy::PublicFrom;
use crate::db::schema::articles;
use crate::domain::{self, ArticleStatus, Checks, Slug, SlugInput};
use crate::error::{ApiError, FieldError};
use crate::http::patch::present;
use crate::http::{Change, Timestamp};
use crate::media::model::{Media, Rendition};
use crate::site::{ArticlePlace, SiteSettings};
use crate::tags::model::{TagKey, TagRef, tag_keys};

crate::text_enum! {
    /// How `content` is written: sanitized HTML, or CommonMark rendered to HTML.
    pub enum ContentFormat {
        Html => "html",
        Markdown => "markdown",
    }
}

pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_EXCERPT_CHARS: usize = 1000;
pub const MAX_CONTENT_CHARS: usize = 500_000;
pub const MAX_ALT_CHARS: usize = 500;
/// Search engines show about 60 characters of a title and 160 of a description; a little
/// more is allowed for languages with longer words, not whole paragraphs.
pub const MAX_META_TITLE_CHARS: usize = 70;
pub const MAX_META_DESCRIPTION_CHARS: usize = 200;

/// An image linked by its URL, stored elsewhere: the form articles had before the media
/// library, still accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkedImage {
    #[schema(
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$",
        max_length = 2000,
        example = "https://images.example.com/kherson.jpg"
    )]
    pub url: String,
    #[serde(default)]
    #[schema(max_length = 500, example = "Ukrainian soldiers near Kherson")]
    pub alt: Option<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub caption: Option<String>,
}

impl LinkedImage {
    fn parse(self) -> Result<Self, FieldError> {
        let url = domain::url("featured_image.url", &self.url)?;
        let alt = self
            .alt
            .map(|alt| domain::optional_text("featured_image.alt", &alt, MAX_ALT_CHARS))
            .transpose()?
            .flatten();
        let caption = self
            .caption
            .map(|text| domain::optional_text("featured_image.caption", &text, MAX_ALT_CHARS))
            .transpose()?
            .flatten();
        Ok(Self { url, alt, caption })
    }
}

/// The featured image an editor sends: the id of a media item (its renditions, alt,
/// caption and credit come with it), or an image linked by URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum FeaturedImageInput {
    /// The id of a media item (`POST /media`).
    #[schema(example = 12)]
    Media(i64),
    Link(LinkedImage),
}

/// A number or an object, nothing else: serde's untagged enums would also take an array as
/// the object's fields in order, and name no field when neither form fits.
impl<'de> Deserialize<'de> for FeaturedImageInput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FeaturedImageInput;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a media id or an object with a url")
            }

            fn visit_i64<E: serde::de::Error>(self, id: i64) -> Result<Self::Value, E> {
                Ok(FeaturedImageInput::Media(id))
            }

            fn visit_u64<E: serde::de::Error>(self, id: u64) -> Result<Self::Value, E> {
                i64::try_from(id)
                    .map(FeaturedImageInput::Media)
                    .map_err(|_| E::custom("no media has so large an id"))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                LinkedImage::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(FeaturedImageInput::Link)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl FeaturedImageInput {
    fn parse(self) -> Result<Self, FieldError> {
        match self {
            Self::Media(id) if id < 1 => Err(FieldError::new(
                "featured_image",
                "must be a media id (1 or more) or an object with a url",
            )),
            Self::Media(id) => Ok(Self::Media(id)),
            Self::Link(image) => image.parse().map(Self::Link),
        }
    }
}

/// The image shown with an article in lists and on its page, with what a front end needs
/// for `srcset`. An image linked by URL has `id` `null`, no sizes and no renditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeaturedImage {
    /// The media item's id; `null` for an image linked by URL.
    #[schema(required = true, example = 12)]
    pub id: Option<i64>,
    #[schema(
        example = "/media/0b6c1e0e3f6a4c7e9d1a2b3c4d5e6f70/original-3000x2000-9e107d9d372b.jpg"
    )]
    pub url: String,
    #[schema(required = true, example = "Ukrainian soldiers near Kherson")]
    pub alt: Option<String>,
    #[schema(required = true)]
    pub caption: Option<String>,
    #[schema(required = true, example = "Photo: Jane Doe / Example Agency")]
    pub credit: Option<String>,
    #[schema(required = true, example = 3000)]
    pub width: Option<i32>,
    #[schema(required = true, example = 2000)]
    pub height: Option<i32>,
    #[schema(required = true, example = "image/jpeg")]
    pub mime_type: Option<String>,
    pub renditions: Vec<Rendition>,
}

impl FeaturedImage {
    /// A media item in the shape of a featured image (`og_image` has the same shape).
    pub fn from_media(media: Media) -> Self {
        Self {
            id: Some(media.id),
            url: media.url,
            alt: media.alt,
            caption: media.caption,
            credit: media.credit,
            width: Some(media.width),
            height: Some(media.height),
            mime_type: Some(media.mime_type),
            renditions: media.renditions,
        }
    }

    /// The article's image: its media item when it has one, else the linked image's columns.
    pub fn of(row: &ArticleRow, media: Option<Media>) -> Option<Self> {
        if let Some(media) = media {
            return Some(Self::from_media(media));
        }
        row.featured_image_url.clone().map(|url| Self {
            id: None,
            url,
            alt: row.featured_image_alt.clone(),
            caption: row.featured_image_caption.clone(),
            credit: None,
            width: None,
            height: None,
            mime_type: None,
            renditions: Vec::new(),
        })
    }
}

/// The category an article is filed under, as embedded in articles.
#[derive(Debug, Clone, Serialize, Queryable, ToSchema)]
pub struct CategoryRef {
    pub id: i64,
    #[schema(example = "Crime")]
    pub name: String,
    #[schema(example = "crime")]
    pub slug: String,
}

/// The author of an article, as embedded in articles: never an email.
#[derive(Debug, Clone, Serialize, Queryable, ToSchema)]
pub struct AuthorRef {
    pub id: i64,
    #[schema(example = "Conservative Guard")]
    pub display_name: String,
    #[schema(example = "conservative-guard")]
    pub slug: String,
    #[schema(required = true)]
    pub avatar_url: Option<String>,
}

/// A whole new row of the `articles` table.
#[derive(Debug, Insertable)]
#[diesel(table_name = articles)]
pub struct ArticleRecord {
    pub title: String,
    pub slug: String,
    pub excerpt: String,
    pub content: String,
    pub content_format: ContentFormat,
    pub content_html: String,
    pub content_text: String,
    pub status: ArticleStatus,
    pub published_at: Option<NaiveDateTime>,
    pub featured: bool,
    pub comments_open: bool,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_id: Option<i64>,
    pub category_id: Option<i64>,
    pub author_id: i64,
    pub reading_time_minutes: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub og_image_id: Option<i64>,
    pub canonical_url: Option<String>,
}

/// The share and SEO overrides an editor set: only the full article shows them.
#[derive(Debug, Clone, Default, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct SeoColumns {
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub og_image_id: Option<i64>,
    pub canonical_url: Option<String>,
}

/// The columns every article payload needs, loaded with one join.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub status: ArticleStatus,
    pub published_at: Option<NaiveDateTime>,
    pub featured: bool,
    pub comments_open: bool,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_id: Option<i64>,
    pub category_id: Option<i64>,
    pub author_id: i64,
    pub view_count: i64,
    pub comment_count: i64,
    pub reading_time_minutes: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ArticleRow {
    /// Reading this article, as the policy decides who may (`auth/policy.rs`).
    pub fn reading(&self) -> Action {
        Action::ReadArticle {
            author_id: self.author_id,
            public_from: PublicFrom::of(self.status, self.published_at),
        }
    }
}

/// An article in a list: everything but the content.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleSummary {
    #[schema(example = 42)]
    pub id: i64,
    #[schema(example = "pentagon-chief-calls-russian-counterpart")]
    pub slug: String,
    /// The article's page on the site (`ARTICLE_URL_TEMPLATE`, by default
    /// `{site}/{category}/{slug}`): where a front end links to it, and where feeds and
    /// sitemaps point. `null` when the template needs `SITE_URL` and it is not set.
    #[schema(
        required = true,
        example = "https://news.example.com/world-news/pentagon-chief-calls-russian-counterpart"
    )]
    pub url: Option<String>,
    #[schema(
        example = "Pentagon chief has first direct call with Russian defense minister in months"
    )]
    pub title: String,
    pub excerpt: String,
    pub status: ArticleStatus,
    #[schema(required = true)]
    pub published_at: Option<Timestamp>,
    pub featured: bool,
    pub comments_open: bool,
    #[schema(required = true)]
    pub featured_image: Option<FeaturedImage>,
    /// `null` for an uncategorized article.
    #[schema(required = true)]
    pub category: Option<CategoryRef>,
    pub author: AuthorRef,
    /// In the order the editor gave them.
    pub tags: Vec<TagRef>,
    pub view_count: i64,
    /// Approved comments only.
    pub comment_count: i64,
    pub reading_time_minutes: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ArticleSummary {
    pub fn new(
        row: ArticleRow,
        category: Option<CategoryRef>,
        author: AuthorRef,
        tags: Vec<TagRef>,
        media: Option<Media>,
        site: &SiteSettings,
    ) -> Self {
        let featured_image = FeaturedImage::of(&row, media);
        let mut summary = Self {
            id: row.id,
            slug: row.slug,
            url: None,
            title: row.title,
            excerpt: row.excerpt,
            status: row.status,
            published_at: row.published_at.map(Timestamp),
            featured: row.featured,
            comments_open: row.comments_open,
            featured_image,
            category,
            author,
            tags,
            view_count: row.view_count,
            comment_count: row.comment_count,
            reading_time_minutes: row.reading_time_minutes,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        };
        summary.url = site.article_url(summary.place());
        summary
    }

    /// What the article's address on the site is made of (`ARTICLE_URL_TEMPLATE`).
    pub fn place(&self) -> ArticlePlace<'_> {
        ArticlePlace {
            id: self.id,
            slug: &self.slug,
            category: self
                .category
                .as_ref()
                .map(|category| category.slug.as_str()),
            author: &self.author.slug,
            date: self.published_at.map_or(self.created_at.0, |at| at.0),
        }
    }
}

/// One article with its sanitized HTML, its share and SEO overrides, and the `seo` a page
/// puts in its `<meta>` tags.
#[derive(Debug, Serialize, ToSchema)]
pub struct Article {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// The content as safe HTML: no scripts, event handlers or `javascript:` URLs.
    pub content_html: String,
    /// The title for search engines and shares, as the editor set it; `null`: the title.
    #[schema(required = true, example = "Port expansion approved: what changes")]
    pub meta_title: Option<String>,
    /// The description for search engines and shares; `null`: the excerpt.
    #[schema(required = true)]
    pub meta_description: Option<String>,
    /// The image shown when the article is shared (a media item, in the shape of
    /// `featured_image`); `null`: the featured image.
    #[schema(required = true)]
    pub og_image: Option<FeaturedImage>,
    /// The original's address for a syndicated copy; `null`: the article's own page.
    #[schema(
        required = true,
        example = "https://agency.example.org/2026/port-expansion"
    )]
    pub canonical_url: Option<String>,
    pub seo: Seo,
}

/// The body of `POST /articles`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Council approves the port expansion", "content": "## The vote\n\nThe council **approved** the expansion by seven votes to two.", "content_format": "markdown", "category_id": 1, "status": "published", "featured_image": {"url": "https://images.example.com/port.jpg", "alt": "Cranes at the port"}}))]
pub struct NewArticleBody {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"\S",
        example = "State Department funding drag shows in Ecuador"
    )]
    pub title: String,
    /// HTML (sanitized on save) or Markdown, as `content_format` says.
    #[schema(max_length = 500000, example = "<p>Quito, Ecuador — ...</p>")]
    pub content: String,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub content_format: Option<ContentFormat>,
    /// Generated from the title when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    /// Derived from the content when absent or null.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub excerpt: Option<String>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub category_id: Option<i64>,
    /// `draft` when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<ArticleStatus>,
    /// Set to now when an article is published without one; a future date schedules it.
    #[serde(default)]
    pub published_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub featured: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub comments_open: Option<bool>,
    /// A media id, or `{"url", "alt", "caption"}` for an image stored elsewhere.
    #[serde(default)]
    pub featured_image: Option<FeaturedImageInput>,
    /// Tags by id (`3`) or slug (`"kherson"`), in the order to show them; a tag named twice
    /// counts once. Unknown ones are a `422` naming each.
    #[serde(default)]
    #[schema(max_items = 30, example = json!([3, "kherson"]))]
    pub tags: Vec<TagKey>,
    /// The title for search engines and shares, when it should differ from `title`.
    #[serde(default)]
    #[schema(max_length = 70)]
    pub meta_title: Option<String>,
    /// The description for search engines and shares, when it should differ from the
    /// excerpt.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub meta_description: Option<String>,
    /// The id of a media item to show when the article is shared, instead of the featured
    /// image.
    #[serde(default)]
    #[schema(minimum = 1, example = 12)]
    pub og_image: Option<i64>,
    /// For a syndicated copy: the original's absolute `http(s)` address.
    #[serde(default)]
    #[schema(
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$",
        max_length = 2000,
        example = "https://agency.example.org/2026/port-expansion"
    )]
    pub canonical_url: Option<String>,
}

/// A validated new article, content not yet rendered.
#[derive(Debug)]
pub struct NewArticle {
    pub title: String,
    pub content: String,
    pub content_format: ContentFormat,
    pub slug: Option<Slug>,
    pub excerpt: Option<String>,
    pub category_id: Option<i64>,
    pub status: ArticleStatus,
    pub published_at: Option<NaiveDateTime>,
    pub featured: bool,
    pub comments_open: bool,
    pub featured_image: Option<FeaturedImageInput>,
    pub tags: Vec<TagKey>,
    pub seo: SeoColumns,
}

impl TryFrom<NewArticleBody> for NewArticle {
    type Error = ApiError;

    fn try_from(body: NewArticleBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let title = checks.take(domain::text("title", &body.title, MAX_TITLE_CHARS));
        let content = checks.take(content(body.content));
        let slug = checks.take(body.slug.map(SlugInput::checked).transpose());
        let excerpt = checks.take(excerpt(body.excerpt));
        let image = checks.take(
            body.featured_image
                .map(FeaturedImageInput::parse)
                .transpose(),
        );
        let tags = checks.take(tag_keys(body.tags));
        let meta_title = checks.take(new_value(body.meta_title, meta_title));
        let meta_description = checks.take(new_value(body.meta_description, meta_description));
        let og_image = checks.take(new_value(body.og_image, og_image));
        let canonical_url = checks.take(new_value(body.canonical_url, canonical_url));
        checks.finish(|| {
            Some(Self {
                title: title?,
                content: content?,
                content_format: body.content_format.unwrap_or(ContentFormat::Html),
                slug: slug?,
                excerpt: excerpt?,
                category_id: body.category_id,
                status: body.status.unwrap_or(ArticleStatus::Draft),
                published_at: body.published_at.map(|t| t.0),
                featured: body.featured.unwrap_or(false),
                comments_open: body.comments_open.unwrap_or(true),
                featured_image: image?,
                tags: tags?,
                seo: SeoColumns {
                    meta_title: meta_title?,
                    meta_description: meta_description?,
                    og_image_id: og_image?,
                    canonical_url: canonical_url?,
                },
            })
        })
    }
}

/// The body of `PATCH /articles/{id}`: only the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"featured": true, "excerpt": "The council approved the expansion by seven votes to two."}))]
pub struct ArticlePatchBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 1, max_length = 300, pattern = r"\S")]
    pub title: Option<String>,
    /// Re-rendered with `content_format` (the new one if sent, else the current one).
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 500000)]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub content_format: Option<ContentFormat>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub slug: Option<SlugInput>,
    /// `null` derives it from the content again.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub excerpt: Change<String>,
    /// `null` leaves the article uncategorized.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub category_id: Change<i64>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<ArticleStatus>,
    #[serde(default)]
    #[schema(value_type = Option<Timestamp>)]
    pub published_at: Change<Timestamp>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub featured: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub comments_open: Option<bool>,
    /// A media id, or `{"url", "alt", "caption"}`; `null` removes the image.
    #[serde(default)]
    #[schema(value_type = Option<FeaturedImageInput>)]
    pub featured_image: Change<FeaturedImageInput>,
    /// The article's tags from now on, in order, by id or slug; absent keeps them, `[]`
    /// removes them all.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 30, example = json!([3, "kherson"]))]
    pub tags: Option<Vec<TagKey>>,
    /// `null` (or blank) goes back to the title.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 70)]
    pub meta_title: Change<String>,
    /// `null` (or blank) goes back to the excerpt.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub meta_description: Change<String>,
    /// A media id; `null` goes back to the featured image.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub og_image: Change<i64>,
    /// `null` goes back to the article's own page.
    #[serde(default)]
    #[schema(
        value_type = Option<String>,
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$",
        max_length = 2000
    )]
    pub canonical_url: Change<String>,
}

/// The share and SEO overrides a `PATCH` changes.
#[derive(Debug, Default)]
pub struct SeoChanges {
    pub meta_title: Change<String>,
    pub meta_description: Change<String>,
    pub og_image_id: Change<i64>,
    pub canonical_url: Change<String>,
}

/// A validated article change.
#[derive(Debug)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub content: Option<String>,
    pub content_format: Option<ContentFormat>,
    pub slug: Option<Slug>,
    pub excerpt: Change<String>,
    pub category_id: Change<i64>,
    pub status: Option<ArticleStatus>,
    pub published_at: Change<NaiveDateTime>,
    pub featured: Option<bool>,
    pub comments_open: Option<bool>,
    pub featured_image: Change<FeaturedImageInput>,
    /// `None` keeps the tags.
    pub tags: Option<Vec<TagKey>>,
    pub seo: SeoChanges,
}

impl TryFrom<ArticlePatchBody> for ArticlePatch {
    type Error = ApiError;

    fn try_from(body: ArticlePatchBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let title = checks.take(
            body.title
                .map(|t| domain::text("title", &t, MAX_TITLE_CHARS))
                .transpose(),
        );
        let content = checks.take(body.content.map(content).transpose());
        let slug = checks.take(body.slug.map(SlugInput::checked).transpose());
        let excerpt = checks.take(
            body.excerpt
                .try_map(|e| domain::optional_text("excerpt", &e, MAX_EXCERPT_CHARS)),
        );
        let image = checks.take(body.featured_image.try_map(|i| i.parse().map(Some)));
        let tags = checks.take(body.tags.map(tag_keys).transpose());
        let meta_title = checks.take(body.meta_title.try_map(meta_title));
        let meta_description = checks.take(body.meta_description.try_map(meta_description));
        let og_image = checks.take(body.og_image.try_map(og_image));
        let canonical_url = checks.take(body.canonical_url.try_map(canonical_url));
        checks.finish(|| {
            Some(Self {
                title: title?,
                content: content?,
                content_format: body.content_format,
                slug: slug?,
                excerpt: excerpt?,
                category_id: body.category_id,
                status: body.status,
                published_at: body.published_at.map(|t| t.0),
                featured: body.featured,
                comments_open: body.comments_open,
                featured_image: image?,
                tags: tags?,
                seo: SeoChanges {
                    meta_title: meta_title?,
                    meta_description: meta_description?,
                    og_image_id: og_image?,
                    canonical_url: canonical_url?,
                },
            })
        })
    }
}

/// A sent value checked by `parse`, where `null` and blank text both mean none.
fn new_value<T, U>(
    value: Option<T>,
    parse: impl FnOnce(T) -> Result<Option<U>, FieldError>,
) -> Result<Option<U>, FieldError> {
    Ok(value.map(parse).transpose()?.flatten())
}

fn meta_title(value: String) -> Result<Option<String>, FieldError> {
    domain::optional_text("meta_title", &value, MAX_META_TITLE_CHARS)
}

fn meta_description(value: String) -> Result<Option<String>, FieldError> {
    domain::optional_text("meta_description", &value, MAX_META_DESCRIPTION_CHARS)
}

/// A media id; whether the item exists is checked with the database (`queries::insert`).
fn og_image(id: i64) -> Result<Option<i64>, FieldError> {
    if id < 1 {
        return Err(FieldError::new(
            "og_image",
            "must be a media id (1 or more)",
        ));
    }
    Ok(Some(id))
}

fn canonical_url(value: String) -> Result<Option<String>, FieldError> {
    domain::url("canonical_url", value.trim()).map(Some)
}

fn content(value: String) -> Result<String, FieldError> {
    if value.chars().count() > MAX_CONTENT_CHARS {
        return Err(FieldError::new(
            "content",
            format!("must be at most {MAX_CONTENT_CHARS} characters"),
        ));
    }
    Ok(value)
}

fn excerpt(value: Option<String>) -> Result<Option<String>, FieldError> {
    Ok(value
        .map(|e| domain::optional_text("excerpt", &e, MAX_EXCERPT_CHARS))
        .transpose()?
        .flatten())
}

/// The previous and next published articles, for "Previous Post" / "Next Post" links.
#[derive(Debug, Serialize, ToSchema)]
pub struct Adjacent {
    /// The next older article; `null` at the end.
    #[schema(required = true)]
    pub previous: Option<ArticleSummary>,
    /// The next newer article; `null` at the end.
    #[schema(required = true)]
    pub next: Option<ArticleSummary>,
}
