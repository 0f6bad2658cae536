/**
 * What every test shares:
 *
 * - `watch` (automatic): fails the test on any console error, uncaught page error, failed
 *   request, or response with a status >= 400 that the test did not declare with
 *   `watch.allow(status, /url/)`; it also records the requests the page made and counts
 *   full document loads (the site's in-page navigation must not cause any).
 * - `demo` (once per worker): facts read from the API (not from the page under test) that
 *   the assertions compare the page with: the latest articles, an article whose comment
 *   thread has a reply, its adjacent and related articles.
 * - helpers to open a page and wait until the site has rendered it, and to save screenshots.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type Page,
  type Request,
} from "@playwright/test";

export { expect };

export const SCREENSHOTS_DIR = path.resolve(
  process.env.SCREENSHOTS_DIR || path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "screenshots"),
);

export type PageKind = "home" | "article" | "category" | "tag" | "author" | "search" | "not-found";

// ---- the API's shapes, as far as the tests read them -----------------------------------
export interface Term {
  id: number;
  slug: string;
  name: string;
}
export interface AuthorRef {
  id: number;
  slug: string;
  display_name: string;
}
export interface Summary {
  id: number;
  slug: string;
  title: string;
  excerpt: string | null;
  published_at: string | null;
  comments_open: boolean;
  category: Term | null;
  author: AuthorRef | null;
  view_count: number;
  comment_count: number;
}
export interface Article extends Summary {
  content?: string;
  content_html?: string;
}
export interface Comment {
  id: number;
  parent_id: number | null;
  author_name: string;
  content_html: string;
}
export interface Adjacent {
  previous: Summary | null;
  next: Summary | null;
}
interface Paginated<T> {
  data: T[];
  meta: { page: number; per_page: number; total: number; total_pages: number };
}

export const articlePath = (a: Summary): string => `/${a.category?.slug ?? "uncategorized"}/${a.slug}`;

/** Text of an HTML fragment, whitespace collapsed (to compare with what the page shows). */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

// ---- watch -------------------------------------------------------------------------------
export interface Watch {
  /** Declares that a response with this status to a URL matching `url` is expected. */
  allow(status: number, url: RegExp): void;
  /** Every request the page made, in order. */
  readonly requests: Request[];
  /** Main-frame document requests (page loads) since the test began. */
  documentLoads(): number;
  /** The requests to the API (`/api/`), optionally only those of a method. */
  apiRequests(method?: string): Request[];
}

function isAllowed(allowed: { status: number; url: RegExp }[], status: number, url: string): boolean {
  return allowed.some((a) => a.status === status && a.url.test(url));
}

// ---- demo facts --------------------------------------------------------------------------
export interface Demo {
  latest: Summary[];
  /** An article with an approved reply in its comments, a previous and a next, and related ones. */
  thread: {
    article: Article;
    comments: Comment[];
    reply: Comment;
    parent: Comment;
    adjacent: Adjacent;
    /** /articles/{id}/related?limit=20, most relevant first. */
    related: Summary[];
  };
  /** Another article with comments open, for posting through the form. */
  commentable: Summary;
}

async function getJson<T>(api: APIRequestContext, url: string): Promise<T> {
  const response = await api.get(url);
  if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

async function threadOf(api: APIRequestContext, article: Summary): Promise<Demo["thread"] | null> {
  const comments = (await getJson<Paginated<Comment>>(api, `/api/v1/articles/${article.id}/comments?per_page=100`))
    .data;
  const reply = comments.find((c) => c.parent_id !== null && comments.some((p) => p.id === c.parent_id));
  if (!reply) return null;
  const parent = comments.find((p) => p.id === reply.parent_id)!;
  const adjacent = await getJson<Adjacent>(api, `/api/v1/articles/${article.id}/adjacent`);
  if (!adjacent.previous || !adjacent.next) return null;
  const related = await getJson<Summary[]>(api, `/api/v1/articles/${article.id}/related?limit=20`);
  if (related.length === 0) return null;
  const full = await getJson<Article>(api, `/api/v1/articles/slug/${encodeURIComponent(article.slug)}`);
  return { article: full, comments, reply, parent, adjacent, related };
}

/** Posts a comment and a reply to it as the admin (approved at once), for a demo without replies. */
async function postThread(api: APIRequestContext, candidates: Summary[]): Promise<Demo["thread"] | null> {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password) return null;
  const login = await api.post("/api/v1/auth/login", { data: { email, password } });
  if (!login.ok()) throw new Error(`admin login: ${login.status()} ${await login.text()}`);
  const token = ((await login.json()) as { access_token: string }).access_token;
  const headers = { Authorization: `Bearer ${token}` };
  for (const article of candidates.filter((a) => a.comments_open)) {
    const adjacent = await getJson<Adjacent>(api, `/api/v1/articles/${article.id}/adjacent`);
    const related = await getJson<Summary[]>(api, `/api/v1/articles/${article.id}/related?limit=20`);
    if (!adjacent.previous || !adjacent.next || related.length === 0) continue;
    const post = async (content: string, parent_id?: number) => {
      const r = await api.post(`/api/v1/articles/${article.id}/comments`, {
        headers,
        data: { author_name: "E2E Editor", author_email: email, content, ...(parent_id ? { parent_id } : {}) },
      });
      if (r.status() !== 201) throw new Error(`posting a comment as admin: ${r.status()} ${await r.text()}`);
      return (await r.json()) as Comment;
    };
    const parent = await post("A comment from the browser tests' setup.");
    await post("A reply from the browser tests' setup.", parent.id);
    return threadOf(api, article);
  }
  return null;
}

async function readDemo(baseURL: string): Promise<Demo> {
  const api = await playwrightRequest.newContext({ baseURL });
  try {
    const latest = (await getJson<Paginated<Summary>>(api, "/api/v1/articles?per_page=20")).data;
    if (latest.length < 5) throw new Error(`the tests need demo content: ${latest.length} articles published`);
    const mostCommented = (
      await getJson<Paginated<Summary>>(api, "/api/v1/articles?sort=-comment_count&per_page=20")
    ).data;
    let thread: Demo["thread"] | null = null;
    for (const article of mostCommented.filter((a) => a.comment_count > 1)) {
      thread = await threadOf(api, article);
      if (thread) break;
    }
    thread ??= await postThread(api, latest);
    if (!thread) {
      throw new Error(
        "no article has an approved reply with a previous, a next and related articles " +
          "(set ADMIN_EMAIL and ADMIN_PASSWORD to let the setup post one)",
      );
    }
    const threadId = thread.article.id;
    const commentable = latest.find((a) => a.comments_open && a.id !== threadId && a.category);
    if (!commentable) throw new Error("no article with comments open");
    return { latest, thread, commentable };
  } finally {
    await api.dispose();
  }
}

// ---- the fixtures --------------------------------------------------------------------------
export const test = base.extend<{ watch: Watch }, { demo: Demo }>({
  demo: [
    async ({}, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL;
      if (!baseURL) throw new Error("no baseURL (set NEWSROOM_URL)");
      await use(await readDemo(baseURL));
    },
    { scope: "worker" },
  ],

  watch: [
    async ({ page }, use, testInfo) => {
      const problems: string[] = [];
      const allowed: { status: number; url: RegExp }[] = [];
      const requests: Request[] = [];
      let documents = 0;
      page.on("request", (r) => {
        requests.push(r);
        if (r.isNavigationRequest() && r.frame() === page.mainFrame()) documents += 1;
      });
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        // Chromium logs every >= 400 answer as "Failed to load resource"; an expected one
        // (allowed below) is not an error of the site. Unexpected ones fail via "response".
        const status = /status of (\d{3})/.exec(message.text())?.[1];
        if (status && isAllowed(allowed, Number(status), message.location().url)) return;
        problems.push(`console error: ${message.text()} (at ${message.location().url})`);
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.stack ?? error.message}`));
      page.on("requestfailed", (r) =>
        problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`),
      );
      page.on("response", (r) => {
        if (r.status() >= 400 && !isAllowed(allowed, r.status(), r.url())) {
          problems.push(`unexpected status ${r.status()}: ${r.request().method()} ${r.url()}`);
        }
      });
      await use({
        allow: (status, url) => void allowed.push({ status, url }),
        requests,
        documentLoads: () => documents,
        apiRequests: (method) =>
          requests.filter((r) => new URL(r.url()).pathname.startsWith("/api/") && (!method || r.method() === method)),
      });
      if (problems.length > 0) {
        await testInfo.attach("problems", { body: problems.join("\n"), contentType: "text/plain" });
      }
      expect(problems, "console errors, page errors, failed requests, unexpected statuses").toEqual([]);
    },
    { auto: true },
  ],
});

// ---- helpers -----------------------------------------------------------------------------
/** Waits until the site says it has rendered a page of this kind (`<html data-page>`). */
export async function rendered(page: Page, kind: PageKind): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-page", kind);
}

/** Loads `path` as a new document and waits for the site's first render of it. */
export async function open(page: Page, url: string, kind: PageKind): Promise<void> {
  // Leaving a page while its images load aborts them: a failed request the site did not cause.
  if (page.url() !== "about:blank") await page.waitForLoadState("networkidle");
  await page.goto(url);
  await rendered(page, kind);
  // The first page's content is in the DOM: the mark is set, once.
  await expect
    .poll(() => page.evaluate(() => performance.getEntriesByName("newsroom:rendered", "mark").length))
    .toBe(1);
}

/** Waits for the images and requests to settle, then saves a full-page PNG. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.waitForLoadState("networkidle");
  await page.evaluate(() =>
    Promise.all(
      Array.from(document.images)
        .filter((img) => !img.complete && img.loading !== "lazy")
        .map((img) => new Promise((done) => img.addEventListener("loadend", done, { once: true }))),
    ),
  );
  const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The path (and query) of each link in the elements, in order. */
export async function hrefs(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((links) =>
    links.map((a) => {
      const url = new URL((a as HTMLAnchorElement).href);
      return url.pathname + url.search;
    }),
  );
}

/** Marks the current document; `sameDocument` is false once a full load replaced it. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __e2eDocument: boolean }).__e2eDocument = true));
}
export async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eDocument?: boolean }).__e2eDocument === true);
}

/** Horizontal overflow in CSS pixels (0 when nothing sticks out sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = document.documentElement;
    return Math.max(root.scrollWidth, document.body.scrollWidth) - root.clientWidth;
  });
}
