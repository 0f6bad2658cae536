/** Category, tag and author pages: a title, a description and a paginated list. */
import type { ArticleSummary, AuthorPage, CategoryPage, Paginated, TagPage } from "../data/types";
import { h, plural } from "../dom";
import { authorPath, categoryPath, tagPath } from "../urls";
import { articleCard } from "./cards";
import { renderPagination } from "./pagination";

function listing(
  kind: string,
  title: string,
  description: string | null,
  articles: Paginated<ArticleSummary>,
  basePath: string,
): HTMLElement {
  return h(
    "section",
    { class: "listing", testid: "listing" },
    h(
      "header",
      { class: "listing-header" },
      h("p", { class: "listing-kind" }, kind),
      h("h1", { class: "listing-title", testid: "listing-title" }, title),
      description ? h("p", { class: "listing-description" }, description) : null,
      h("p", { class: "muted" }, plural(articles.meta.total, "article", "articles")),
    ),
    articles.data.length > 0
      ? h(
          "div",
          { class: "rows" },
          articles.data.map((a, i) => articleCard(a, "row", { excerpt: true, eager: i === 0 && articles.meta.page === 1 })),
        )
      : h("p", { class: "muted" }, articles.meta.page > 1 ? "No articles on this page." : "No articles yet."),
    renderPagination(articles, basePath),
  );
}

export const renderCategory = (page: CategoryPage): Node =>
  listing("Category", page.category.name, page.category.description, page.articles, categoryPath(page.category.slug));

export const renderTag = (page: TagPage): Node =>
  listing("Tag", page.tag.name, page.tag.description, page.articles, tagPath(page.tag.slug));

export const renderAuthor = (page: AuthorPage): Node =>
  listing("Author", page.author.display_name, page.author.bio, page.articles, authorPath(page.author.slug));
