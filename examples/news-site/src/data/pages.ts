/**
 * The page-endpoint loader: one request a page (`GET /api/v1/pages/...`), whose answer is
 * already the shape the renderer takes.
 */
import { client, ok } from "../api";
import { PER_PAGE, type Chrome, type Loader } from "./types";

const listing = (page: number) => ({ page, per_page: PER_PAGE });

export const pagesLoader: Loader = {
  name: "pages",

  loadHome: (signal) => client.api.GET("/api/v1/pages/home", { signal }).then(ok),

  loadArticle: (slug, signal) =>
    client.api.GET("/api/v1/pages/article/{slug}", { params: { path: { slug } }, signal }).then(ok),

  loadCategory: (slug, page, signal) =>
    client.api
      .GET("/api/v1/pages/category/{slug}", { params: { path: { slug }, query: listing(page) }, signal })
      .then(ok),

  loadTag: (slug, page, signal) =>
    client.api
      .GET("/api/v1/pages/tag/{slug}", { params: { path: { slug }, query: listing(page) }, signal })
      .then(ok),

  loadAuthor: (slug, page, signal) =>
    client.api
      .GET("/api/v1/pages/author/{slug}", { params: { path: { slug }, query: listing(page) }, signal })
      .then(ok),

  loadSearch: (q, page, signal) =>
    client.api
      .GET("/api/v1/pages/search", { params: { query: { q, ...listing(page) } }, signal })
      .then(ok),

  // No page endpoint has the header and sidebar alone: the home page's carry them.
  loadChrome: (signal) =>
    client.api.GET("/api/v1/pages/home", { signal }).then((r): Chrome => {
      const { navigation, sidebar } = ok(r);
      return { navigation, sidebar };
    }),
};
