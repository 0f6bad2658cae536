/**
 * The "before" loader: each page composed from today's per-resource endpoints through the
 * typed client, as a front-end developer has to do without page endpoints. Requests that do
 * not depend on one another go out together; the article page still needs two round trips
 * (the article's id comes from its slug), the home page too (a section per category).
 */
import { client, ok } from "../api";
import {
  COMMENTS_PER_PAGE,
  PER_PAGE,
  type ArticleSummary,
  type Chrome,
  type Loader,
  type Paginated,
  type Sidebar,
} from "./types";

const SIDEBAR_SIZE = 5;

/**
 * Marks a promise started early (to run in parallel) as handled: if an earlier await throws
 * first (a 404, or the navigation aborted), its own rejection must not surface as an
 * unhandled one. Awaiting it later still sees the rejection.
 */
function early<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
const SECTION_SIZE = 4;
// As the article page endpoint gives: its 5 most related.
const RELATED_SIZE = 5;

function categories(signal: AbortSignal) {
  return client.api
    .GET("/api/v1/categories", { params: { query: { per_page: 100 } }, signal })
    .then((r) => ok(r).data);
}

function latest(perPage: number, signal: AbortSignal) {
  return client.api
    .GET("/api/v1/articles", { params: { query: { per_page: perPage } }, signal })
    .then((r) => ok(r).data);
}

/** Trending and Most commented: both over the last 7 days, as the page endpoints' Sidebar. */
function popular(signal: AbortSignal) {
  return Promise.all([
    client.api
      .GET("/api/v1/articles/popular", {
        params: { query: { by: "views", window: "week", limit: SIDEBAR_SIZE } },
        signal,
      })
      .then(ok),
    client.api
      .GET("/api/v1/articles/popular", {
        params: { query: { by: "comments", window: "week", limit: SIDEBAR_SIZE } },
        signal,
      })
      .then(ok),
  ]);
}

/** Header and sidebar: 4 requests (categories, trending, most commented, latest). */
async function chrome(signal: AbortSignal, latestList?: Promise<ArticleSummary[]>): Promise<Chrome> {
  const [navigation, [trending, most_commented], recent] = await Promise.all([
    categories(signal),
    popular(signal),
    latestList ?? latest(SIDEBAR_SIZE, signal),
  ]);
  const sidebar: Sidebar = { trending, most_commented, latest: recent.slice(0, SIDEBAR_SIZE) };
  return { navigation, sidebar };
}

type ListQuery = { category?: string; tag?: string[]; author?: string };

function articleList(
  query: ListQuery,
  page: number,
  signal: AbortSignal,
): Promise<Paginated<ArticleSummary>> {
  return client.api
    .GET("/api/v1/articles", { params: { query: { ...query, page, per_page: PER_PAGE } }, signal })
    .then(ok);
}

export const resourcesLoader: Loader = {
  name: "resources",

  // 14 requests: categories, featured, latest, trending, most commented, then one list per
  // category once the categories are known (9 in the demo). The sidebar reuses `latest`.
  async loadHome(signal) {
    const latestList = early(latest(10, signal));
    const featuredList = early(client.api
      .GET("/api/v1/articles", { params: { query: { featured: true, per_page: 5 } }, signal })
      .then((r) => ok(r).data));
    const chromeP = early(chrome(signal, latestList));
    const { navigation } = await chromeP;
    // As the page endpoint: a block per top-level category that has articles, nav order.
    const sections = Promise.all(
      navigation.filter((c) => c.parent_id === null).map((category) =>
        client.api
          .GET("/api/v1/articles", {
            params: { query: { category: category.slug, per_page: SECTION_SIZE } },
            signal,
          })
          .then((r) => ({ category, articles: ok(r).data })),
      ),
    );
    const [{ sidebar }, featured, latestArticles, sectionList] = await Promise.all([
      chromeP,
      featuredList,
      latestList,
      sections,
    ]);
    return {
      navigation,
      sidebar,
      featured,
      latest: latestArticles,
      sections: sectionList.filter((s) => s.articles.length > 0),
    };
  },

  // 8 requests: the article by slug, then its adjacent, related and comments together with
  // the 4 of the header and sidebar (which do not wait for the article).
  async loadArticle(slug, signal) {
    const chromeP = early(chrome(signal));
    const article = await client.api
      .GET("/api/v1/articles/slug/{slug}", { params: { path: { slug } }, signal })
      .then(ok);
    const id = article.id;
    const [adjacent, related, comments, { navigation, sidebar }] = await Promise.all([
      client.api.GET("/api/v1/articles/{id}/adjacent", { params: { path: { id } }, signal }).then(ok),
      client.api
        .GET("/api/v1/articles/{id}/related", { params: { path: { id }, query: { limit: RELATED_SIZE } }, signal })
        .then(ok),
      client.api
        .GET("/api/v1/articles/{id}/comments", {
          params: { path: { id }, query: { per_page: COMMENTS_PER_PAGE } },
          signal,
        })
        .then(ok),
      chromeP,
    ]);
    return { navigation, sidebar, article, adjacent, related, comments };
  },

  // 6 requests each, all at once: the term by slug, its articles, header and sidebar.
  async loadCategory(slug, page, signal) {
    const [category, articles, { navigation, sidebar }] = await Promise.all([
      client.api.GET("/api/v1/categories/slug/{slug}", { params: { path: { slug } }, signal }).then(ok),
      articleList({ category: slug }, page, signal),
      chrome(signal),
    ]);
    return { navigation, sidebar, category, articles };
  },

  async loadTag(slug, page, signal) {
    const [tag, articles, { navigation, sidebar }] = await Promise.all([
      client.api.GET("/api/v1/tags/slug/{slug}", { params: { path: { slug } }, signal }).then(ok),
      articleList({ tag: [slug] }, page, signal),
      chrome(signal),
    ]);
    return { navigation, sidebar, tag, articles };
  },

  async loadAuthor(slug, page, signal) {
    const [author, articles, { navigation, sidebar }] = await Promise.all([
      client.api.GET("/api/v1/authors/slug/{slug}", { params: { path: { slug } }, signal }).then(ok),
      articleList({ author: slug }, page, signal),
      chrome(signal),
    ]);
    return { navigation, sidebar, author, articles };
  },

  // 5 requests: the search and the 4 of the header and sidebar.
  async loadSearch(query, page, signal) {
    const [results, { navigation, sidebar }] = await Promise.all([
      client.api
        .GET("/api/v1/search", { params: { query: { q: query, page, per_page: PER_PAGE } }, signal })
        .then(ok),
      chrome(signal),
    ]);
    return { navigation, sidebar, query, results };
  },

  loadChrome: (signal) => chrome(signal),
};
