/**
 * The page shapes the renderers take: one object per page, everything it shows. They are
 * the answers of the page endpoints (`GET /api/v1/pages/...`), generated from the spec into
 * the client; the per-resource loader builds the same shapes from several requests.
 */
import type { PageMeta } from "newsroom-client";

export type {
  Adjacent,
  Article,
  ArticlePage,
  ArticleSummary,
  Author,
  AuthorPage,
  Category,
  CategoryPage,
  Chrome,
  Comment,
  HomePage,
  HomeSection,
  PopularArticle,
  SearchPage,
  SearchResult,
  Sidebar,
  Tag,
  TagPage,
} from "newsroom-client";
import type {
  ArticlePage,
  AuthorPage,
  CategoryPage,
  Chrome,
  HomePage,
  SearchPage,
  TagPage,
} from "newsroom-client";

/** A list page as the list endpoints answer it (the spec's `Paginated_*`). */
export interface Paginated<T> {
  data: T[];
  meta: PageMeta;
}

/**
 * One way of getting the pages. Two implement it: `resources.ts` (today's per-resource
 * endpoints, several requests a page) and `pages.ts` (one page endpoint, one request).
 * Each throws a LoadError (status 404 for an unknown slug) and honours the signal, which
 * the router aborts when the reader navigates on before the page arrived.
 */
export interface Loader {
  readonly name: "pages" | "resources";
  loadHome(signal: AbortSignal): Promise<HomePage>;
  loadArticle(slug: string, signal: AbortSignal): Promise<ArticlePage>;
  loadCategory(slug: string, page: number, signal: AbortSignal): Promise<CategoryPage>;
  loadTag(slug: string, page: number, signal: AbortSignal): Promise<TagPage>;
  loadAuthor(slug: string, page: number, signal: AbortSignal): Promise<AuthorPage>;
  loadSearch(query: string, page: number, signal: AbortSignal): Promise<SearchPage>;
  /** Header and sidebar alone: for the not-found view and an empty search. */
  loadChrome(signal: AbortSignal): Promise<Chrome>;
}

/** Listing pages show this many teasers a page. */
export const PER_PAGE = 10;
/** The most comments the first answer carries (the page endpoint's first page). */
export const COMMENTS_PER_PAGE = 100;
