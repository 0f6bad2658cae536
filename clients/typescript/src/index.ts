/**
 * A typed client for the Newsroom API.
 *
 * Every call goes through `client.api`, openapi-fetch's client over the types that
 * openapi-typescript generates from `openapi/openapi.json` (`src/schema.ts`), so paths,
 * parameters, bodies and answers are checked by the compiler. This file adds only what
 * the spec cannot say: keeping and refreshing tokens, and reading the pagination headers.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

type Schemas = components["schemas"];
export type Adjacent = Schemas["Adjacent"];
export type Article = Schemas["Article"];
export type ArticleStatus = Schemas["ArticleStatus"];
export type ArticleSummary = Schemas["ArticleSummary"];
export type Author = Schemas["Author"];
export type AuthorPage = Schemas["AuthorPage"];
export type ArticlePage = Schemas["ArticlePage"];
export type Category = Schemas["Category"];
export type CategoryPage = Schemas["CategoryPage"];
export type Chrome = Schemas["Chrome"];
export type Comment = Schemas["Comment"];
export type CommentStatus = Schemas["CommentStatus"];
export type HomePage = Schemas["HomePage"];
export type HomeSection = Schemas["HomeSection"];
export type ModeratedComment = Schemas["ModeratedComment"];
export type NewArticleBody = Schemas["NewArticleBody"];
export type NewCategoryBody = Schemas["NewCategoryBody"];
export type NewCommentBody = Schemas["NewCommentBody"];
export type NewTagBody = Schemas["NewTagBody"];
export type PageMeta = Schemas["PageMeta"];
export type PopularArticle = Schemas["PopularArticle"];
export type PostedComment = Schemas["PostedComment"];
export type Problem = Schemas["Problem"];
export type SearchPage = Schemas["SearchPage"];
export type SearchResult = Schemas["SearchResult"];
export type Sidebar = Schemas["Sidebar"];
export type Tag = Schemas["Tag"];
export type TagPage = Schemas["TagPage"];
export type TagKey = Schemas["TagKey"];
export type TagRef = Schemas["TagRef"];
export type TokenResponse = Schemas["TokenResponse"];
export type User = Schemas["User"];
export type Webhook = Schemas["Webhook"];
export type WebhookWithSecret = Schemas["WebhookWithSecret"];
export type Delivery = Schemas["Delivery"];
export type WebhookPayload = Schemas["WebhookPayload"];
// Types only: `verifyWebhook` needs Node's crypto, so it has an entry of its own
// (`newsroom-client/webhooks`), and a browser bundle of this one never imports `node:crypto`.
export type { WebhookArticle, WebhookComment, WebhookEvent } from "./webhooks.js";

/** A failed call: the HTTP status and, when the server sent one, its RFC 9457 problem. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(response: Response, problem: unknown) {
    const known = isProblem(problem) ? problem : undefined;
    super(`${response.status} ${known?.detail ?? response.statusText}`);
    this.name = "ApiError";
    this.status = response.status;
    this.problem = known;
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "status" in value && "detail" in value;
}

export interface Tokens {
  readonly accessToken: string;
  /** Single-use: a refresh answers with a new pair and the old token stops working. */
  readonly refreshToken: string;
}

export interface NewsroomClient {
  /** The typed client: `api.GET("/api/v1/articles", { params: { query: { per_page: 10 } } })`. */
  readonly api: Client<paths>;
  /** The tokens in use, or `null` when signed out (every request is then anonymous). */
  readonly tokens: Tokens | null;
  /** Signs in; later requests carry `Authorization: Bearer <access token>`. */
  login(email: string, password: string): Promise<TokenResponse>;
  /** Trades the refresh token for a new pair (done for you once on a `401`). */
  refresh(): Promise<TokenResponse>;
  /** Revokes the refresh token and forgets both tokens. */
  logout(): Promise<void>;
}

// Calls that carry their own credentials in the body: never add a token, never retry them.
const AUTH_PATHS: ReadonlySet<string> = new Set([
  "/api/v1/auth/login",
  "/api/v1/auth/refresh",
  "/api/v1/auth/logout",
]);

export interface ClientOptions {
  /** A `fetch` to use instead of the global one (tests, proxies, other runtimes). */
  fetch?: (request: Request) => Promise<Response>;
  /** Tokens kept from an earlier session (e.g. in storage), to resume it without a login. */
  tokens?: Tokens;
}

export function createNewsroomClient(baseUrl: string, options: ClientOptions = {}): NewsroomClient {
  const api = createClient<paths>({ baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  let tokens: Tokens | null = options.tokens ?? null;
  // One refresh at a time: the refresh token is single-use, so two concurrent 401s must
  // share one trade instead of the second one burning the fresh token's predecessor.
  let refreshing: Promise<TokenResponse> | null = null;
  // fetch consumes a request's body, so keep a copy of each request we may have to resend.
  const resendable = new Map<string, Request>();

  const keep = (answer: TokenResponse): TokenResponse => {
    tokens = { accessToken: answer.access_token, refreshToken: answer.refresh_token };
    return answer;
  };

  const refresh = (): Promise<TokenResponse> => {
    refreshing ??= (async () => {
      const refreshToken = tokens?.refreshToken;
      if (refreshToken === undefined) throw new Error("not signed in: nothing to refresh");
      const { data, error, response } = await api.POST("/api/v1/auth/refresh", {
        body: { refresh_token: refreshToken },
      });
      if (data === undefined) {
        // A used or expired refresh token cannot come back: the session is over.
        tokens = null;
        throw new ApiError(response, error);
      }
      return keep(data);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const auth: Middleware = {
    onRequest({ request, schemaPath, id }) {
      if (tokens === null || AUTH_PATHS.has(schemaPath) || request.headers.has("Authorization")) {
        return undefined;
      }
      request.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
      resendable.set(id, request.clone());
      return request;
    },
    async onResponse({ response, id, options: { fetch } }) {
      const copy = resendable.get(id);
      resendable.delete(id);
      if (response.status !== 401 || copy === undefined) return undefined;
      // Refresh unless another request already did while this one was in flight.
      if (copy.headers.get("Authorization") === `Bearer ${tokens?.accessToken}`) {
        try {
          await refresh();
        } catch {
          return response;
        }
      }
      if (tokens === null) return response;
      copy.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
      return fetch(copy); // once: a second 401 is the caller's answer
    },
    onError({ id }) {
      resendable.delete(id);
    },
  };
  api.use(auth);

  return {
    api,
    get tokens() {
      return tokens;
    },
    async login(email, password) {
      const { data, error, response } = await api.POST("/api/v1/auth/login", {
        body: { email, password },
      });
      if (data === undefined) throw new ApiError(response, error);
      return keep(data);
    },
    refresh,
    async logout() {
      const refreshToken = tokens?.refreshToken;
      tokens = null;
      if (refreshToken === undefined) return;
      const { error, response } = await api.POST("/api/v1/auth/logout", {
        body: { refresh_token: refreshToken },
      });
      if (!response.ok) throw new ApiError(response, error);
    },
  };
}

export type PageRel = "first" | "prev" | "next" | "last";

export interface PageLink {
  /** Absolute URL of that page, filters and sort kept. */
  readonly url: string;
  readonly page: number;
  readonly perPage: number;
}

export interface PageInfo {
  /** Items in the whole list (`X-Total-Count`), not on this page. */
  readonly total: number;
  /** The RFC 8288 `Link` relations; `prev`/`next` are absent on the first/last page. */
  readonly links: Partial<Record<PageRel, PageLink>>;
}

const isRel = (rel: string): rel is PageRel =>
  rel === "first" || rel === "prev" || rel === "next" || rel === "last";

/**
 * Reads the pagination headers of a list answer. The page's body has the same numbers in
 * `meta`, but the headers are what a generic pager or an infinite scroll follows.
 */
export function pageInfo(response: Response): PageInfo {
  const totalHeader = response.headers.get("X-Total-Count");
  const total = Number(totalHeader);
  if (totalHeader === null || !Number.isSafeInteger(total) || total < 0) {
    throw new Error(`not a list answer: X-Total-Count is ${JSON.stringify(totalHeader)}`);
  }
  const links: Partial<Record<PageRel, PageLink>> = {};
  // `<uri>; rel="next"; other="x", <uri>; rel="last"`: targets are in angle brackets,
  // so splitting on them is safe even when a query string contains commas.
  for (const [, target = "", params = ""] of (response.headers.get("Link") ?? "").matchAll(
    /<([^>]*)>([^<]*)/g,
  )) {
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const url = new URL(target, response.url || "http://localhost/");
    for (const rel of (rels?.[1] ?? rels?.[2] ?? "").toLowerCase().split(/\s+/)) {
      if (isRel(rel)) {
        links[rel] = {
          url: url.href,
          page: Number(url.searchParams.get("page") ?? 1),
          perPage: Number(url.searchParams.get("per_page") ?? 0),
        };
      }
    }
  }
  return { total, links };
}

export {
  STREAM_EVENT_TYPES,
  subscribe,
  type ArticleEventData,
  type CommentEventData,
  type StreamEvent,
  type StreamEventOf,
  type StreamEventType,
  type SubscribeOptions,
  type Subscription,
} from "./stream.js";
