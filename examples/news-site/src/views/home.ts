/** The home page: Featured, Latest, then a few articles of each category. */
import type { ArticleSummary, HomePage } from "../data/types";
import { h } from "../dom";
import { categoryPath } from "../urls";
import { articleCard } from "./cards";

export function renderHome(page: HomePage): Node {
  const [lead, ...moreFeatured] = page.featured;
  return h(
    "div",
    { class: "home" },
    h("h1", { class: "visually-hidden" }, "Top stories"),
    page.featured.length > 0
      ? h(
          "section",
          { class: "featured", testid: "section-featured", "aria-labelledby": "featured-title" },
          h("h2", { class: "section-title", id: "featured-title" }, "Featured"),
          h(
            "div",
            { class: "featured-grid" },
            lead ? articleCard(lead, "lead", { eager: true, excerpt: true }) : null,
            h("div", { class: "featured-side" }, moreFeatured.map((a) => articleCard(a, "row"))),
          ),
        )
      : null,
    h(
      "section",
      { class: "latest", testid: "section-latest", "aria-labelledby": "latest-title" },
      h("h2", { class: "section-title", id: "latest-title" }, "Latest"),
      page.latest.length > 0
        ? h("div", { class: "latest-list" }, page.latest.map((a) => articleCard(a, "row")))
        : h("p", { class: "muted" }, "Nothing published yet."),
    ),
    page.sections.map((section) =>
      h(
        "section",
        { class: "home-category", testid: "home-category", "data-category": section.category.slug },
        h(
          "h2",
          { class: "section-title" },
          h("a", { href: categoryPath(section.category.slug) }, section.category.name),
        ),
        sectionBody(section.articles),
      ),
    ),
  );
}

/** A category's section: its newest story large, the others listed beside it. */
function sectionBody(articles: ArticleSummary[]): HTMLElement {
  const [first, ...rest] = articles;
  return h(
    "div",
    { class: "section-grid" },
    first ? articleCard(first, "grid", { excerpt: true }) : null,
    h("div", { class: "section-rest" }, rest.map((a) => articleCard(a, "row"))),
  );
}
