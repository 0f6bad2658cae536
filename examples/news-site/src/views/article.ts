/** The article page: header, lead image, content, share links, tags, Previous/Next, Related, comments. */
import { client } from "../api";
import type { Article, ArticlePage, ArticleSummary } from "../data/types";
import { h, html, plural, time } from "../dom";
import { responsiveImage } from "../images";
import { articlePath, authorPath, categoryPath, tagPath } from "../urls";
import { articleCard } from "./cards";
import { renderComments } from "./comments";

export function renderArticle(page: ArticlePage): Node {
  const { article } = page;
  const image = article.featured_image;
  return h(
    "div",
    { class: "article-page" },
    h(
      "article",
      { class: "article", testid: "article" },
      h(
        "nav",
        { class: "breadcrumb", "aria-label": "Breadcrumb" },
        h("a", { href: "/" }, "Home"),
        article.category ? [" › ", h("a", { href: categoryPath(article.category.slug) }, article.category.name)] : null,
      ),
      h("h1", { class: "article-title", testid: "article-title" }, article.title),
      h(
        "div",
        { class: "article-meta" },
        h(
          "span",
          { class: "byline" },
          "by ",
          h("a", { href: authorPath(article.author.slug), rel: "author", testid: "article-author" }, article.author.display_name),
        ),
        time(article.published_at, { testid: "article-date", class: "article-date" }),
        h(
          "span",
          { class: "article-category" },
          "in ",
          article.category
            ? h("a", { href: categoryPath(article.category.slug), testid: "article-category" }, article.category.name)
            : h("span", { testid: "article-category" }, "Uncategorized"),
        ),
        h("span", { class: "article-views", testid: "article-views" }, plural(article.view_count, "view", "views")),
        h("a", { href: "#comments", class: "article-comment-count" }, plural(article.comment_count, "comment", "comments")),
        h("span", { class: "reading-time" }, `${article.reading_time_minutes} min read`),
      ),
      shareLinks(article),
      image
        ? h(
            "figure",
            { class: "article-image" },
            responsiveImage(image, { sizes: "(max-width: 900px) 100vw, 760px", eager: true }),
            image.caption || image.credit
              ? h(
                  "figcaption",
                  {},
                  image.caption ?? "",
                  image.credit ? h("span", { class: "credit" }, ` ${image.credit}`) : null,
                )
              : null,
          )
        : null,
      // content_html is sanitized by the API (no scripts, handlers or javascript: URLs).
      html("div", { class: "article-content", testid: "article-content" }, article.content_html),
      article.tags.length > 0
        ? h(
            "ul",
            { class: "article-tags", "aria-label": "Tags" },
            article.tags.map((t) => h("li", {}, h("a", { href: tagPath(t.slug), rel: "tag" }, t.name))),
          )
        : null,
    ),
    adjacent(page.adjacent.previous, page.adjacent.next),
    related(page.related),
    renderComments(article, page.comments),
  );
}

/** The API's share links (`seo.share`); without a canonical URL it has none, so use ours. */
function shareLinks(article: Article): HTMLElement {
  const share = article.seo.share ?? fallbackShare(article.seo.title);
  const link = (href: string, label: string, network: string) =>
    h("a", { href, class: `share share-${network}`, target: "_blank", rel: "noopener noreferrer" }, label);
  return h(
    "div",
    { class: "share-links", testid: "share-links" },
    link(share.facebook, "Share on Facebook", "facebook"),
    link(share.x, "Share on X", "x"),
    link(share.linkedin, "LinkedIn", "linkedin"),
    link(share.whatsapp, "WhatsApp", "whatsapp"),
    h("a", { href: share.mailto, class: "share share-mail" }, "Email"),
  );
}

function fallbackShare(title: string): NonNullable<Article["seo"]["share"]> {
  const url = encodeURIComponent(window.location.origin + window.location.pathname);
  const text = encodeURIComponent(title);
  return {
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${url}`,
    x: `https://x.com/intent/post?text=${text}&url=${url}`,
    linkedin: `https://www.linkedin.com/sharing/share-offsite/?url=${url}`,
    whatsapp: `https://wa.me/?text=${text}%20${url}`,
    mailto: `mailto:?subject=${text}&body=${url}`,
  };
}

function adjacent(previous: ArticleSummary | null, next: ArticleSummary | null): HTMLElement | null {
  if (previous === null && next === null) return null;
  const side = (a: ArticleSummary, label: string, testid: string, rel: string) =>
    h(
      "a",
      { href: articlePath(a), class: `adjacent-link adjacent-${rel}`, rel, testid },
      h("span", { class: "adjacent-label" }, label),
      h("span", { class: "adjacent-title" }, a.title),
    );
  return h(
    "nav",
    { class: "adjacent", "aria-label": "More articles" },
    previous ? side(previous, "Previous Post", "adjacent-previous", "prev") : h("span", {}),
    next ? side(next, "Next Post", "adjacent-next", "next") : h("span", {}),
  );
}

function related(articles: ArticleSummary[]): HTMLElement {
  return h(
    "section",
    { class: "related", testid: "related", "aria-labelledby": "related-title" },
    h("h2", { class: "section-title", id: "related-title" }, "Related"),
    articles.length > 0
      ? h("div", { class: "grid" }, articles.map((a) => articleCard(a, "grid")))
      : h("p", { class: "muted" }, "Nothing related yet."),
  );
}

// Keys of the page views already counted: one POST per page view, however often the page
// re-renders (a comment posted) and even if the router asked twice for one navigation.
const counted = new Set<string>();

/** Counts one view of the article for one navigation (`viewKey` names the navigation). */
export function countView(articleId: number, viewKey: number): void {
  const key = `${viewKey}:${articleId}`;
  if (counted.has(key)) return;
  counted.add(key);
  // Fire and forget: the API answers 202 at once; a failure only loses one count. The
  // empty body is read anyway: openapi-fetch leaves a `Content-Length: 0` body unread, and
  // the browser then reports the request as cancelled (a "failed request" in dev tools).
  client.api
    .POST("/api/v1/articles/{id}/views", { params: { path: { id: articleId } } })
    .then(({ response }) => response.text())
    .catch(() => undefined);
}
