/** /search?q=: the results with their highlighted snippets, paginated. */
import type { SearchPage } from "../data/types";
import { h, html, plural, time } from "../dom";
import { articlePath, authorPath, categoryPath, searchPath } from "../urls";
import { renderPagination } from "./pagination";

export function renderSearch(page: SearchPage): Node {
  const form = h(
    "form",
    { class: "search-page-form", role: "search", action: "/search", method: "get" },
    h("input", { type: "search", name: "q", value: page.query, "aria-label": "Search articles", maxlength: 200 }),
    h("button", { type: "submit" }, "Search"),
  );
  const { data, meta } = page.results;
  return h(
    "section",
    { class: "listing search-page", testid: "search-page" },
    h(
      "header",
      { class: "listing-header" },
      h("p", { class: "listing-kind" }, "Search"),
      h("h1", { class: "listing-title", testid: "listing-title" }, page.query ? `Results for “${page.query}”` : "Search"),
      page.query ? h("p", { class: "muted" }, plural(meta.total, "result", "results")) : null,
      form,
    ),
    page.query && data.length === 0 ? h("p", { class: "muted" }, "No result. Try other words.") : null,
    h(
      "ol",
      { class: "search-list" },
      data.map((r) =>
        h(
          "li",
          { class: "search-item", testid: "article-card" },
          r.category ? h("a", { class: "kicker", href: categoryPath(r.category.slug) }, r.category.name) : null,
          h("h2", { class: "card-title" }, h("a", { href: articlePath(r) }, r.title)),
          // snippet: escaped by the API, matches in <mark>.
          html("p", { class: "snippet" }, r.snippet),
          h(
            "p",
            { class: "card-meta" },
            h("a", { href: authorPath(r.author.slug) }, `by ${r.author.display_name}`),
            " · ",
            time(r.published_at),
          ),
        ),
      ),
    ),
    renderPagination(page.results, searchPath(page.query)),
  );
}
