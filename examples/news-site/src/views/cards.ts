/** Article teasers: every one is `[data-testid=article-card]` with links to the article. */
import type { ArticleSummary, PopularArticle } from "../data/types";
import { h, plural, time } from "../dom";
import { responsiveImage, thumbnailImage } from "../images";
import { articlePath, authorPath, categoryPath } from "../urls";

export type CardVariant = "lead" | "grid" | "row" | "compact";

interface CardOptions {
  eager?: boolean;
  /** Shown in place of the date line, e.g. "7 comments" in Most commented. */
  note?: string;
  excerpt?: boolean;
}

// How wide each variant's image is shown, for `sizes` (see style.css).
const SIZES: Record<Exclude<CardVariant, "compact">, string> = {
  lead: "(max-width: 900px) 100vw, 760px",
  grid: "(max-width: 600px) 50vw, (max-width: 900px) 33vw, 250px",
  row: "(max-width: 600px) 112px, 240px",
};

export function articleCard(
  article: ArticleSummary,
  variant: CardVariant,
  options: CardOptions = {},
): HTMLElement {
  const href = articlePath(article);
  const image = article.featured_image;
  const media =
    image === null
      ? null
      : h(
          "a",
          { href, class: "card-media", tabindex: -1, "aria-hidden": "true" },
          variant === "compact"
            ? thumbnailImage(image)
            : responsiveImage(image, { sizes: SIZES[variant], eager: options.eager ?? false }),
        );
  const heading = variant === "lead" ? "h2" : "h3";
  return h(
    "article",
    { class: `card card-${variant}${image === null ? " card-no-media" : ""}`, testid: "article-card" },
    media,
    h(
      "div",
      { class: "card-body" },
      variant !== "compact" && article.category
        ? h("a", { class: "kicker", href: categoryPath(article.category.slug) }, article.category.name)
        : null,
      h(heading, { class: "card-title" }, h("a", { href }, article.title)),
      options.excerpt ? h("p", { class: "card-excerpt" }, article.excerpt) : null,
      h(
        "p",
        { class: "card-meta" },
        options.note !== undefined
          ? options.note
          : [
              variant === "compact"
                ? null
                : h("a", { href: authorPath(article.author.slug) }, `by ${article.author.display_name}`),
              variant === "compact" ? null : " · ",
              time(article.published_at),
            ],
      ),
    ),
  );
}

export const popularCard = (item: PopularArticle, unit: [string, string]): HTMLElement =>
  articleCard(item, "compact", { note: plural(item.count, unit[0], unit[1]) });
