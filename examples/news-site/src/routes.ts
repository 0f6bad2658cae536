/** The site's URL space, parsed into what the router renders. */

export type Route =
  | { kind: "home" }
  | { kind: "article"; category: string; slug: string }
  | { kind: "category" | "tag" | "author"; slug: string; page: number }
  | { kind: "search"; query: string; page: number }
  | { kind: "not-found" };

// The API's slug rule: anything else cannot name an article or a term, so it is not sent.
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LISTINGS = new Set(["category", "tag", "author"]);

function pageNumber(params: URLSearchParams): number {
  const n = Number(params.get("page") ?? "1");
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

export function parseRoute(url: URL): Route {
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const [first, second] = segments;
  if (first === undefined) return { kind: "home" };
  if (segments.length === 1 && first === "search") {
    return { kind: "search", query: (url.searchParams.get("q") ?? "").trim(), page: pageNumber(url.searchParams) };
  }
  if (segments.length !== 2 || second === undefined || !SLUG.test(second)) return { kind: "not-found" };
  if (LISTINGS.has(first)) {
    return { kind: first as "category" | "tag" | "author", slug: second, page: pageNumber(url.searchParams) };
  }
  // `/{category}/{slug}`: the API's default article URL template.
  return SLUG.test(first) ? { kind: "article", category: first, slug: second } : { kind: "not-found" };
}

/** Paths the site never handles: the API and the media files (served by the binary). */
export const isServerPath = (pathname: string): boolean =>
  /^\/(api|media|docs|openapi\.json|health|ready)(\/|$)/.test(pathname);
