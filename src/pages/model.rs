//! The page payloads: what each page of the reference site shows, in one object.

use serde::Serialize;
use utoipa::ToSchema;

use crate::articles::model::{Adjacent, Article, ArticleSummary};
use crate::authors::model::Author;
use crate::categories::model::Category;
use crate::comments::model::Comment;
use crate::http::Paginated;
use crate::search::model::SearchResult;
use crate::tags::model::Tag;
use crate::views::model::PopularArticle;

/// The sidebar every page shows: Trending, Most commented (both over the last 7 days) and
/// Latest, five articles each.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sidebar {
    /// The most viewed articles of the week, with their views in it.
    pub trending: Vec<PopularArticle>,
    /// The most commented articles of the week, with their approved comments in it.
    pub most_commented: Vec<PopularArticle>,
    /// The newest published articles.
    pub latest: Vec<ArticleSummary>,
}

/// What every page shows around its own content: the header's categories and the sidebar.
#[derive(Debug, Serialize, ToSchema)]
pub struct Chrome {
    /// Every category, in the order they were created: the header's navigation.
    pub navigation: Vec<Category>,
    pub sidebar: Sidebar,
}

/// One category's block on the home page: its newest articles (child categories included).
#[derive(Debug, Serialize, ToSchema)]
pub struct HomeSection {
    pub category: Category,
    pub articles: Vec<ArticleSummary>,
}

/// The home page.
#[derive(Debug, Serialize, ToSchema)]
pub struct HomePage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// The newest featured articles, at most 5.
    pub featured: Vec<ArticleSummary>,
    /// The newest articles, at most 10.
    pub latest: Vec<ArticleSummary>,
    /// A block per top-level category that has published articles, in navigation order,
    /// each with its 4 newest articles.
    pub sections: Vec<HomeSection>,
}

/// An article page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// The whole article, with `content_html` and `seo`.
    pub article: Article,
    /// Previous Post and Next Post, by publication date.
    pub adjacent: Adjacent,
    /// Up to 5 related articles of the same category, most relevant first.
    pub related: Vec<ArticleSummary>,
    /// The first 100 approved comments, oldest first: build the threads from `parent_id`,
    /// and read further pages from `GET /articles/{id}/comments` when `total_pages` > 1.
    pub comments: Paginated<Comment>,
}

/// A category page: the category and a page of its articles (child categories included).
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub category: Category,
    /// A page of the category's articles, newest first.
    pub articles: Paginated<ArticleSummary>,
}

/// A tag page: the tag and a page of its articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub tag: Tag,
    /// A page of the tag's articles, newest first.
    pub articles: Paginated<ArticleSummary>,
}

/// An author page: the author's profile and a page of their articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub author: Author,
    /// A page of the author's articles, newest first.
    pub articles: Paginated<ArticleSummary>,
}

/// A search results page.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// The words searched for, as sent.
    pub query: String,
    /// A page of results, best first, as `GET /search` ranks them.
    pub results: Paginated<SearchResult>,
}
