/** The site's paths, in one place so that links and the router agree. */
import type { ArticleSummary } from "./data/types";

/**
 * An article's page: the path of the `url` the API gives every summary (its
 * ARTICLE_URL_TEMPLATE, by default `{site}/{category}/{slug}`), so that links lead where
 * feeds and sitemaps point. Without it (no SITE_URL on the server), the default template's
 * path, with `uncategorized` for an article without a category.
 */
export function articlePath(article: ArticleSummary): string {
  if (article.url) {
    try {
      return new URL(article.url, window.location.origin).pathname;
    } catch {
      // not a URL: fall back to the template
    }
  }
  return `/${article.category?.slug ?? "uncategorized"}/${article.slug}`;
}

export const categoryPath = (slug: string): string => `/category/${slug}`;
export const tagPath = (slug: string): string => `/tag/${slug}`;
export const authorPath = (slug: string): string => `/author/${slug}`;

export function searchPath(query: string, page = 1): string {
  const params = new URLSearchParams({ q: query });
  if (page > 1) params.set("page", String(page));
  return `/search?${params.toString()}`;
}

/** `?page=N` kept on listing pages; page 1 has no parameter (one URL per page). */
export function withPage(path: string, page: number): string {
  const url = new URL(path, window.location.origin);
  if (page > 1) url.searchParams.set("page", String(page));
  else url.searchParams.delete("page");
  return url.pathname + url.search;
}
