//! Each page's content, read in one database turn from the resources' own queries.

use super::model::{
    ArticlePage, AuthorPage, CategoryPage, Chrome, HomePage, HomeSection, SearchPage, Sidebar,
    TagPage,
};
use crate::articles::model::{Adjacent, ArticleSummary};
use crate::articles::queries::{self as articles, ArticleFilter, ArticleSort, Visibility};
use crate::articles::read;
use crate::auth::MaybeCaller;
use crate::authors::queries as authors;
use crate::categories::queries as categories;
use crate::comments::queries::{self as comments, CommentSort};
use crate::db::{Conn, Db};
use crate::domain::Key;
use crate::error::ApiError;
use crate::fulltext::terms::SearchTerms;
use crate::http::sort::Sort;
use crate::http::{ListParams, Page, Paginated};
use crate::search::model::SearchParams;
use crate::search::queries as search;
use crate::site::SiteSettings;
use crate::tags::queries as tags;
use crate::time::now;
use crate::views::model::{PopularBy, Window};
use crate::views::queries::popular_articles;

/// Articles in each sidebar list.
const SIDEBAR_ARTICLES: i64 = 5;
/// The same, as a count of items already read.
const SIDEBAR_LATEST: usize = SIDEBAR_ARTICLES as usize;
const HOME_FEATURED: i64 = 5;
const HOME_LATEST: i64 = 10;
const SECTION_ARTICLES: i64 = 4;
const RELATED_ARTICLES: i64 = 5;
/// Comments on an article page's first page: as many as any list gives at once.
const PAGE_COMMENTS: i64 = crate::http::pagination::MAX_PER_PAGE;

/// The header's navigation and the sidebar.
fn chrome(conn: &mut Conn, site: &SiteSettings) -> Result<Chrome, ApiError> {
    let latest = articles::latest_public(conn, site, &ArticleFilter::default(), SIDEBAR_ARTICLES)?;
    chrome_with(conn, site, latest)
}

/// The header's navigation and the sidebar, around the sidebar's Latest already read (the
/// home page reads more of the same list, and gives the sidebar its first articles).
fn chrome_with(
    conn: &mut Conn,
    site: &SiteSettings,
    latest: Vec<ArticleSummary>,
) -> Result<Chrome, ApiError> {
    let now = now();
    let trending = popular_articles(
        conn,
        site,
        PopularBy::Views,
        Window::Week,
        SIDEBAR_ARTICLES,
        now,
    )?;
    let most_commented = popular_articles(
        conn,
        site,
        PopularBy::Comments,
        Window::Week,
        SIDEBAR_ARTICLES,
        now,
    )?;
    Ok(Chrome {
        navigation: categories::navigation(conn)?,
        sidebar: Sidebar {
            trending,
            most_commented,
            latest,
        },
    })
}

pub fn home(conn: &mut Conn, site: &SiteSettings) -> Result<HomePage, ApiError> {
    let latest = articles::latest_public(conn, site, &ArticleFilter::default(), HOME_LATEST)?;
    let sidebar_latest = latest.iter().take(SIDEBAR_LATEST).cloned().collect();
    let chrome = chrome_with(conn, site, sidebar_latest)?;
    let featured = ArticleFilter {
        featured: Some(true),
        ..ArticleFilter::default()
    };
    let mut sections = Vec::new();
    for category in &chrome.navigation {
        if category.parent_id.is_some() {
            continue;
        }
        let filter = ArticleFilter {
            category_ids: Some(categories::category_with_descendants(conn, category.id)?),
            ..ArticleFilter::default()
        };
        let articles = articles::latest_public(conn, site, &filter, SECTION_ARTICLES)?;
        if !articles.is_empty() {
            sections.push(HomeSection {
                category: category.clone(),
                articles,
            });
        }
    }
    Ok(HomePage {
        featured: articles::latest_public(conn, site, &featured, HOME_FEATURED)?,
        latest,
        sections,
        chrome,
    })
}

/// The article page of the article with this slug, if the caller may read it (the rule of
/// `GET /articles/slug/{slug}`: staff with a token also see drafts, to preview them).
pub fn article(
    conn: &mut Conn,
    slug: String,
    caller: MaybeCaller,
    site: &SiteSettings,
) -> Result<ArticlePage, ApiError> {
    let found = read::visible_row(conn, Key::Slug(slug), caller)?;
    let (previous, next) = articles::adjacent(conn, site, &found.row, None)?;
    let related = articles::related(
        conn,
        site,
        &found.row,
        found.row.category_id,
        RELATED_ARTICLES,
    )?;
    let first_page = Page {
        page: 1,
        per_page: PAGE_COMMENTS,
    };
    // Comments are the public's: a preview of an unpublished article has none to show.
    let (thread, total) = if found.row.reading().anyone_may() {
        let oldest_first = ListParams {
            page: first_page,
            sort: Sort {
                field: CommentSort::CreatedAt,
                descending: false,
            },
        };
        comments::public_of_article(conn, found.row.id, oldest_first)?
    } else {
        (Vec::new(), 0)
    };
    Ok(ArticlePage {
        article: read::whole_article(conn, found, site)?,
        adjacent: Adjacent { previous, next },
        related,
        comments: Paginated::new(first_page, total, thread),
        chrome: chrome(conn, site)?,
    })
}

pub fn category(
    conn: &mut Conn,
    slug: String,
    page: Page,
    site: &SiteSettings,
) -> Result<CategoryPage, ApiError> {
    let category = categories::find(conn, Key::Slug(slug))?;
    let filter = ArticleFilter {
        category_ids: Some(categories::category_with_descendants(conn, category.id)?),
        ..ArticleFilter::default()
    };
    Ok(CategoryPage {
        articles: newest(conn, site, &filter, page)?,
        category,
        chrome: chrome(conn, site)?,
    })
}

pub fn tag(
    conn: &mut Conn,
    slug: String,
    page: Page,
    site: &SiteSettings,
) -> Result<TagPage, ApiError> {
    let tag = tags::find(conn, Key::Slug(slug))?;
    let filter = ArticleFilter {
        tag_ids: Some(vec![tag.id]),
        ..ArticleFilter::default()
    };
    Ok(TagPage {
        articles: newest(conn, site, &filter, page)?,
        tag,
        chrome: chrome(conn, site)?,
    })
}

pub fn author(
    conn: &mut Conn,
    slug: String,
    page: Page,
    site: &SiteSettings,
) -> Result<AuthorPage, ApiError> {
    let author = authors::find(conn, Key::Slug(slug))?;
    let filter = ArticleFilter {
        author_id: Some(author.id),
        ..ArticleFilter::default()
    };
    Ok(AuthorPage {
        articles: newest(conn, site, &filter, page)?,
        author,
        chrome: chrome(conn, site)?,
    })
}

/// The search page: `GET /search`'s results for these words, with the page around them.
pub fn search(
    conn: &mut Conn,
    db: &Db,
    ranked: i64,
    params: &SearchParams,
    terms: &SearchTerms,
    page: Page,
    site: &SiteSettings,
) -> Result<SearchPage, ApiError> {
    let category = params.category.as_deref();
    let (results, total) = search::search(conn, db, site, ranked, terms, category, page)?;
    Ok(SearchPage {
        query: params.q.clone().unwrap_or_default(),
        results: Paginated::new(page, total, results),
        chrome: chrome(conn, site)?,
    })
}

/// A page of the public articles matching the filter, newest first.
fn newest(
    conn: &mut Conn,
    site: &SiteSettings,
    filter: &ArticleFilter,
    page: Page,
) -> Result<Paginated<ArticleSummary>, ApiError> {
    let params = ListParams {
        page,
        sort: Sort {
            field: ArticleSort::PublishedAt,
            descending: true,
        },
    };
    let (articles, total) = articles::list(conn, site, Visibility::Public, filter, params)?;
    Ok(Paginated::new(page, total, articles))
}
