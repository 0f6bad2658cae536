//! The article as a reader sees it: the rule that decides who may read which article, and
//! the whole article with its SEO metadata. The article endpoints and the page endpoints
//! (`pages`) both read through here.

use super::model::{Article, FeaturedImage};
use super::queries::{self, FullRow};
use super::seo::Seo;
use crate::auth::MaybeCaller;
use crate::db::Conn;
use crate::domain::Key;
use crate::error::ApiError;
use crate::media::queries as media;
use crate::site::SiteSettings;

/// The article if the caller may see it: published and due, or theirs to edit. Anything
/// else is a `404`, so that drafts do not reveal that they exist.
pub fn visible_article(
    conn: &mut Conn,
    key: Key,
    caller: MaybeCaller,
    site: &SiteSettings,
) -> Result<Article, ApiError> {
    let found = visible_row(conn, key, caller)?;
    whole_article(conn, found, site)
}

/// The whole article of a row the caller may see, with its summary and SEO metadata.
pub fn whole_article(
    conn: &mut Conn,
    found: FullRow,
    site: &SiteSettings,
) -> Result<Article, ApiError> {
    let summary = queries::summaries(conn, site, &[found.row.id])?
        .pop()
        .ok_or_else(|| ApiError::not_found("article"))?;
    // The share image loads as the featured image does: one query, only when there is one.
    let og_image = match found.seo.og_image_id {
        Some(id) => media::by_ids(conn, &[id])?
            .remove(&id)
            .map(FeaturedImage::from_media),
        None => None,
    };
    let seo = Seo::of(&summary, &found.seo, og_image.as_ref(), site);
    Ok(Article {
        summary,
        content_html: found.content_html,
        meta_title: found.seo.meta_title,
        meta_description: found.seo.meta_description,
        og_image,
        canonical_url: found.seo.canonical_url,
        seo,
    })
}

/// The article's row if the caller may see it (the rule of [`visible_article`]).
pub fn visible_row(conn: &mut Conn, key: Key, caller: MaybeCaller) -> Result<FullRow, ApiError> {
    let found = queries::find(conn, key)?;
    if caller.can(found.row.reading()) {
        Ok(found)
    } else {
        Err(ApiError::not_found("article"))
    }
}
