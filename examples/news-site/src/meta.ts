/**
 * The document's <head> for each view: title, description, canonical link, and the Open
 * Graph / Twitter tags of an article, all from the article's `seo` (every fallback already
 * applied by the API). Tags set here are marked, so the next view removes them.
 */
import type { Article } from "./data/types";
import { SITE_NAME, SITE_TAGLINE } from "./site";

const MARK = "data-view";

function clear(): void {
  for (const el of document.head.querySelectorAll(`[${MARK}]`)) el.remove();
}

function meta(key: "name" | "property", name: string, content: string | null | undefined): void {
  if (content === null || content === undefined || content === "") return;
  const el = document.createElement("meta");
  el.setAttribute(key, name);
  el.setAttribute("content", content);
  el.setAttribute(MARK, "");
  document.head.append(el);
}

function setDescription(text: string): void {
  document.querySelector('meta[name="description"]')?.setAttribute("content", text);
}

/** Any page but an article: a title and a description. */
export function setPageMeta(title: string | null, description = SITE_TAGLINE): void {
  clear();
  document.title = title === null ? `${SITE_NAME} | ${SITE_TAGLINE}` : `${title} | ${SITE_NAME}`;
  setDescription(description);
  meta("property", "og:site_name", SITE_NAME);
  meta("property", "og:type", "website");
  meta("property", "og:title", title ?? SITE_NAME);
  meta("property", "og:description", description);
}

export function setArticleMeta(article: Article): void {
  clear();
  const seo = article.seo;
  document.title = `${seo.title} | ${SITE_NAME}`;
  setDescription(seo.description);
  if (seo.canonical_url !== null) {
    const link = document.createElement("link");
    link.rel = "canonical";
    link.href = seo.canonical_url;
    link.setAttribute(MARK, "");
    document.head.append(link);
  }
  meta("property", "og:site_name", SITE_NAME);
  meta("property", "og:type", seo.og_type);
  meta("property", "og:title", seo.title);
  meta("property", "og:description", seo.description);
  meta("property", "og:url", seo.canonical_url);
  if (seo.image !== null) {
    meta("property", "og:image", seo.image.url);
    meta("property", "og:image:width", seo.image.width?.toString());
    meta("property", "og:image:height", seo.image.height?.toString());
    meta("property", "og:image:alt", seo.image.alt);
  }
  meta("property", "article:published_time", seo.published_time);
  meta("property", "article:modified_time", seo.modified_time);
  meta("property", "article:author", seo.author);
  meta("property", "article:section", seo.section);
  for (const tag of seo.tags) meta("property", "article:tag", tag);
  meta("name", "twitter:card", seo.twitter_card);
  meta("name", "twitter:title", seo.title);
  meta("name", "twitter:description", seo.description);
  meta("name", "twitter:image", seo.image?.url);
  meta("name", "twitter:image:alt", seo.image?.alt);
}
