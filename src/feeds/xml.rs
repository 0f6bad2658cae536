//! The feeds and sitemaps as XML: RSS 2.0 and Atom through rust-syndication's `rss` and
//! `atom_syndication`, the sitemaps through quick-xml; each escapes what it writes.

use atom_syndication as atom;
use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use rss::extension::Extension;
use rss::extension::dublincore::DublinCoreExtension;
use std::collections::BTreeMap;
use std::io;

use super::model::{FeedItem, SitemapRow};
use crate::articles::seo::absolute;
use crate::site::SiteSettings;

/// What a feed says about itself.
pub struct FeedHead<'a> {
    pub title: String,
    pub description: String,
    /// The site's home page.
    pub site_url: &'a str,
    /// The feed's own address on the API, as asked for.
    pub self_url: String,
    pub language: &'a str,
}

const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";

fn utc(at: NaiveDateTime) -> DateTime<FixedOffset> {
    at.and_utc().fixed_offset()
}

/// When the feed last changed: its newest article's last change. An empty feed has none,
/// and says the Unix epoch rather than "now", so that its bytes (and `ETag`) stay the same.
fn last_change(items: &[FeedItem]) -> NaiveDateTime {
    items
        .iter()
        .map(|item| item.summary.updated_at.0)
        .max()
        .unwrap_or_default()
}

/// A stable id for an article in feeds: a `tag:` URI (RFC 4151) of the site's host, the
/// day the article was created and its id. Unlike its address it survives a new slug or
/// category, so readers never see a changed article as a new one.
pub fn entry_id(site_url: &str, item: &FeedItem) -> String {
    let host = site_url
        .split("://")
        .nth(1)
        .unwrap_or(site_url)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let day = item.summary.created_at.0.format("%Y-%m-%d");
    format!("tag:{host},{day}:article:{}", item.summary.id)
}

/// RSS 2.0, with `atom:link rel="self"`, `dc:creator` for the author (RSS's own `author`
/// must be an email, which the API never shows), `content:encoded` for the whole content
/// and Media RSS for the featured image (an `enclosure` must give a length in bytes, which
/// a linked image does not have).
pub fn rss(head: &FeedHead<'_>, items: &[FeedItem], site: &SiteSettings) -> io::Result<Vec<u8>> {
    let mut channel = rss::Channel {
        title: head.title.clone(),
        link: head.site_url.to_owned(),
        description: head.description.clone(),
        language: Some(head.language.to_owned()),
        generator: Some("newsroom".to_owned()),
        last_build_date: Some(utc(last_change(items)).to_rfc2822()),
        atom_ext: Some(rss::extension::atom::AtomExtension {
            links: vec![atom::Link {
                href: head.self_url.clone(),
                rel: "self".to_owned(),
                mime_type: Some("application/rss+xml".to_owned()),
                ..Default::default()
            }],
        }),
        ..Default::default()
    };
    if items
        .iter()
        .any(|item| item.summary.featured_image.is_some())
    {
        channel
            .namespaces
            .insert("media".to_owned(), MEDIA_RSS.to_owned());
    }
    channel.items = items.iter().map(|item| rss_item(item, site)).collect();
    channel.write_to(Vec::new()).map_err(io::Error::other)
}

fn rss_item(item: &FeedItem, site: &SiteSettings) -> rss::Item {
    let summary = &item.summary;
    let mut categories: Vec<rss::Category> = summary
        .category
        .iter()
        .map(|category| rss::Category {
            name: category.name.clone(),
            domain: None,
        })
        .collect();
    categories.extend(summary.tags.iter().map(|tag| rss::Category {
        name: tag.name.clone(),
        domain: None,
    }));
    let mut extensions = rss::extension::ExtensionMap::default();
    if let Some(image) = &summary.featured_image {
        let mut attrs = BTreeMap::from([
            ("url".to_owned(), absolute(site, &image.url)),
            ("medium".to_owned(), "image".to_owned()),
        ]);
        if let Some(mime) = &image.mime_type {
            attrs.insert("type".to_owned(), mime.clone());
        }
        if let (Some(width), Some(height)) = (image.width, image.height) {
            attrs.insert("width".to_owned(), width.to_string());
            attrs.insert("height".to_owned(), height.to_string());
        }
        let content = Extension {
            name: "media:content".to_owned(),
            attrs,
            ..Default::default()
        };
        extensions.insert(
            "media".to_owned(),
            BTreeMap::from([("content".to_owned(), vec![content])]),
        );
    }
    rss::Item {
        title: Some(summary.title.clone()),
        link: Some(item.url.clone()),
        description: Some(summary.excerpt.clone()),
        guid: Some(rss::Guid {
            value: site
                .url
                .as_deref()
                .map(|url| entry_id(url, item))
                .unwrap_or_else(|| item.url.clone()),
            permalink: false,
        }),
        pub_date: summary.published_at.map(|at| utc(at.0).to_rfc2822()),
        categories,
        content: item.content_html.clone(),
        dublin_core_ext: Some(DublinCoreExtension {
            creators: vec![summary.author.display_name.clone()],
            ..Default::default()
        }),
        extensions,
        ..Default::default()
    }
}

/// Atom (RFC 4287): the same articles, with the featured image as an `enclosure` link.
pub fn atom(head: &FeedHead<'_>, items: &[FeedItem], site: &SiteSettings) -> io::Result<Vec<u8>> {
    let feed = atom::Feed {
        title: atom::Text::plain(head.title.clone()),
        id: head.self_url.clone(),
        updated: utc(last_change(items)),
        subtitle: Some(atom::Text::plain(head.description.clone())),
        lang: Some(head.language.to_owned()),
        generator: Some(atom::Generator {
            value: "newsroom".to_owned(),
            ..Default::default()
        }),
        links: vec![
            atom::Link {
                href: head.self_url.clone(),
                rel: "self".to_owned(),
                mime_type: Some("application/atom+xml".to_owned()),
                ..Default::default()
            },
            atom::Link {
                href: head.site_url.to_owned(),
                rel: "alternate".to_owned(),
                mime_type: Some("text/html".to_owned()),
                ..Default::default()
            },
        ],
        entries: items.iter().map(|item| atom_entry(item, site)).collect(),
        ..Default::default()
    };
    feed.write_to(Vec::new()).map_err(io::Error::other)
}

fn atom_entry(item: &FeedItem, site: &SiteSettings) -> atom::Entry {
    let summary = &item.summary;
    let mut categories: Vec<atom::Category> = summary
        .category
        .iter()
        .map(|category| atom::Category {
            term: category.slug.clone(),
            label: Some(category.name.clone()),
            ..Default::default()
        })
        .collect();
    categories.extend(summary.tags.iter().map(|tag| atom::Category {
        term: tag.slug.clone(),
        label: Some(tag.name.clone()),
        ..Default::default()
    }));
    let mut links = vec![atom::Link {
        href: item.url.clone(),
        rel: "alternate".to_owned(),
        mime_type: Some("text/html".to_owned()),
        ..Default::default()
    }];
    if let Some(image) = &summary.featured_image {
        links.push(atom::Link {
            href: absolute(site, &image.url),
            rel: "enclosure".to_owned(),
            mime_type: image.mime_type.clone(),
            title: image.alt.clone(),
            ..Default::default()
        });
    }
    atom::Entry {
        title: atom::Text::plain(summary.title.clone()),
        id: site
            .url
            .as_deref()
            .map(|url| entry_id(url, item))
            .unwrap_or_else(|| item.url.clone()),
        updated: utc(summary.updated_at.0),
        published: summary.published_at.map(|at| utc(at.0)),
        authors: vec![atom::Person {
            name: summary.author.display_name.clone(),
            ..Default::default()
        }],
        categories,
        links,
        summary: Some(atom::Text::plain(summary.excerpt.clone())),
        content: item.content_html.as_ref().map(|html| atom::Content {
            value: Some(html.clone()),
            content_type: Some("html".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// A W3C datetime in UTC, to the second (`2026-11-30T08:00:00Z`).
fn w3c(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn document() -> io::Result<Writer<Vec<u8>>> {
    let mut writer = Writer::new(Vec::new());
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(writer)
}

fn text_element(writer: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// The sitemap index: one `<sitemap>` per page address.
pub fn sitemap_index(pages: &[String]) -> io::Result<Vec<u8>> {
    let mut writer = document()?;
    writer
        .create_element("sitemapindex")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|writer| {
            for page in pages {
                writer
                    .create_element("sitemap")
                    .write_inner_content(|writer| text_element(writer, "loc", page))?;
            }
            Ok(())
        })?;
    Ok(writer.into_inner())
}

/// A page of article addresses, each with its last change.
pub fn urlset(rows: &[SitemapRow], site: &SiteSettings) -> io::Result<Vec<u8>> {
    let mut writer = document()?;
    writer
        .create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|writer| {
            for row in rows {
                let Some(url) = row.url(site) else { continue };
                writer.create_element("url").write_inner_content(|writer| {
                    text_element(writer, "loc", &url)?;
                    text_element(writer, "lastmod", &w3c(row.updated_at))
                })?;
            }
            Ok(())
        })?;
    Ok(writer.into_inner())
}

/// The Google News sitemap: each recent article with its publication, date and title.
pub fn news(rows: &[SitemapRow], site: &SiteSettings) -> io::Result<Vec<u8>> {
    let mut writer = document()?;
    writer
        .create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NS))
        .with_attribute(("xmlns:news", NEWS_NS))
        .write_inner_content(|writer| {
            for row in rows {
                let (Some(url), Some(published)) = (row.url(site), row.published_at) else {
                    continue;
                };
                writer.create_element("url").write_inner_content(|writer| {
                    text_element(writer, "loc", &url)?;
                    writer
                        .create_element("news:news")
                        .write_inner_content(|writer| {
                            writer
                                .create_element("news:publication")
                                .write_inner_content(|writer| {
                                    text_element(writer, "news:name", &site.name)?;
                                    text_element(writer, "news:language", &site.language)
                                })?;
                            text_element(writer, "news:publication_date", &w3c(published))?;
                            text_element(writer, "news:title", &row.title)
                        })?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(writer.into_inner())
}
