/**
 * The reference news site in a real browser, against the release binary serving the built
 * site and the API (demo content). What the page shows is compared with what the API says
 * (read separately, see fixtures.ts), never with what the test itself put there. Every test
 * also fails on a console error, a page error, a failed request or an unexpected >= 400
 * (the `watch` fixture).
 */
import type { Locator, Page, Request } from "@playwright/test";
import {
  articlePath,
  expect,
  horizontalOverflow,
  hrefs,
  markDocument,
  open,
  rendered,
  sameDocument,
  screenshot,
  test,
  textOf,
  type Article,
  type Summary,
  type Watch,
} from "./fixtures";

// An article's page: /{category}/{slug} (the other two-segment paths are the site's listings).
const ARTICLE_PATH = /^\/(?!category\/|tag\/|author\/|search\b)[^/?#]+\/[^/?#]+$/;
const VIEWS_PATH = /^\/api\/v1\/articles\/(\d+)\/views$/;
const COMMENTS_PATH = /\/api\/v1\/articles\/\d+\/comments$/;

const byTestId = (page: Page | Locator, id: string): Locator => page.locator(`[data-testid="${id}"]`);

/** The link (`a` itself or inside) of an element such as article-category or adjacent-next. */
const linkIn = (page: Page, id: string): Locator =>
  page.locator(`a[data-testid="${id}"], [data-testid="${id}"] a[href]`).first();

/** The article paths the cards inside `scope` link to, one per card. */
async function cardPaths(scope: Locator): Promise<string[]> {
  return scope.locator('[data-testid="article-card"]').evaluateAll((cards, pattern) => {
    const re = new RegExp(pattern);
    return cards.map((card) => {
      const paths = Array.from(card.querySelectorAll("a[href]")).map((a) => new URL((a as HTMLAnchorElement).href).pathname);
      return paths.find((p) => re.test(p)) ?? `(no article link in card: ${paths.join(", ")})`;
    });
  }, ARTICLE_PATH.source);
}

/** Waits until the page has been quiet for a while: the views beacon and late requests are in. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1000);
}

function viewPosts(watch: Watch): Request[] {
  return watch.apiRequests("POST").filter((r) => VIEWS_PATH.test(new URL(r.url()).pathname));
}
const viewedId = (r: Request): number => Number(VIEWS_PATH.exec(new URL(r.url()).pathname)![1]);

async function apiArticle(page: Page, slug: string): Promise<Article> {
  const response = await page.request.get(`/api/v1/articles/slug/${encodeURIComponent(slug)}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as Article;
}

async function apiList(page: Page, query: string): Promise<{ data: Summary[]; meta: { total: number } }> {
  const response = await page.request.get(`/api/v1/articles?${query}`);
  expect(response.status(), `GET /api/v1/articles?${query}`).toBe(200);
  return response.json();
}

/** Fills the comment form and submits it at least `minSeconds` after the page rendered. */
async function submitComment(
  page: Page,
  renderedAt: number,
  fields: { author_name: string; author_email: string; content: string },
  minSeconds = 3.5,
): Promise<void> {
  const form = page.locator('form[data-testid="comment-form"]');
  await form.locator('[name="author_name"]').fill(fields.author_name);
  await form.locator('[name="author_email"]').fill(fields.author_email);
  await form.locator('[name="content"]').fill(fields.content);
  // The server refuses a comment sent less than COMMENT_MIN_SECONDS (3) after the form was
  // shown; a reader takes longer than that, so wait like one.
  const wait = renderedAt + minSeconds * 1000 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
  await form.locator('button[type="submit"], input[type="submit"], button:not([type])').first().click();
}

test.describe("home", () => {
  test("shows the featured, latest and category sections, the sidebar and article cards", async ({
    page,
    demo,
  }) => {
    await open(page, "/", "home");
    await expect(byTestId(page, "site-header")).toBeVisible();
    const nav = byTestId(page, "nav");
    await expect(nav).toBeVisible();
    // The navigation links to the categories the articles are in.
    const categories = new Set(demo.latest.flatMap((a) => (a.category ? [`/category/${a.category.slug}`] : [])));
    const navLinks = await hrefs(page, '[data-testid="nav"] a[href]');
    for (const category of categories) expect(navLinks).toContain(category);

    for (const id of ["section-featured", "section-latest", "sidebar", "section-trending", "section-most-commented", "sidebar-latest"]) {
      await expect(byTestId(page, id), id).toBeVisible();
    }
    for (const id of ["section-featured", "section-latest", "section-trending", "section-most-commented", "sidebar-latest"]) {
      const paths = await cardPaths(byTestId(page, id));
      expect(paths.length, `cards in ${id}`).toBeGreaterThan(0);
      for (const p of paths) expect(p, `a card in ${id}`).toMatch(ARTICLE_PATH);
    }
    const homeCategories = byTestId(page, "home-category");
    expect(await homeCategories.count()).toBeGreaterThan(0);
    expect((await cardPaths(homeCategories.first())).length).toBeGreaterThan(0);

    // Latest: the newest articles, as the API lists them.
    const known = demo.latest.map(articlePath);
    const latestPaths = await cardPaths(byTestId(page, "section-latest"));
    for (const p of latestPaths) expect(known, "a Latest card is one of the newest articles").toContain(p);
    const everyCard = await cardPaths(page.locator("body"));
    expect(everyCard, "the newest article is on the home page").toContain(articlePath(demo.latest[0]!));
    // Featured: only featured articles.
    const featured = await apiList(page, "featured=true&per_page=100");
    const featuredPaths = featured.data.map(articlePath);
    for (const p of await cardPaths(byTestId(page, "section-featured"))) expect(featuredPaths).toContain(p);

    await screenshot(page, "home");
  });

  test("a card opens its article in the page, without a full load, and counts one view", async ({
    page,
    watch,
  }) => {
    await open(page, "/", "home");
    await markDocument(page);
    const card = byTestId(byTestId(page, "section-latest"), "article-card").first();
    const [target] = await cardPaths(byTestId(page, "section-latest"));
    expect(target).toMatch(ARTICLE_PATH);
    const slug = target!.split("/")[2]!;
    const expected = await apiArticle(page, slug);

    await card.getByRole("link", { name: expected.title }).first().click();
    await rendered(page, "article");
    await expect(page).toHaveURL((url) => url.pathname === target);
    await expect(byTestId(page, "article-title")).toHaveText(expected.title);
    expect(await sameDocument(page), "no full page load").toBe(true);
    expect(watch.documentLoads(), "documents loaded").toBe(1);

    await settle(page);
    const views = viewPosts(watch);
    expect(views.map(viewedId), "POST /views").toEqual([expected.id]);
  });
});

test.describe("article", () => {
  test("a direct load shows the article, its details, share links, neighbours, related and the thread", async ({
    page,
    demo,
    watch,
  }) => {
    const { article, adjacent, related, comments, reply } = demo.thread;
    await open(page, articlePath(article), "article");

    const title = byTestId(page, "article-title");
    await expect(title).toHaveText(article.title);
    expect(await title.evaluate((el) => el.tagName)).toBe("H1");
    await expect(byTestId(page, "article").locator('[data-testid="article-title"]')).toHaveCount(1);
    await expect(byTestId(page, "article-author")).toContainText(article.author!.display_name);
    await expect(byTestId(page, "article-category")).toContainText(article.category!.name);
    await expect(byTestId(page, "article-date")).not.toBeEmpty();
    const datetime = await byTestId(page, "article-date")
      .evaluate((el) => (el.matches("time") ? el : el.querySelector("time"))?.getAttribute("datetime") ?? null);
    if (datetime !== null) expect(datetime.slice(0, 10)).toBe(article.published_at!.slice(0, 10));
    await expect(byTestId(page, "article-views")).toHaveText(/\d/);

    // The body: the article's text, as the API has it.
    const body = textOf(article.content_html ?? article.content ?? "");
    expect(body.length).toBeGreaterThan(20);
    const content = byTestId(page, "article-content");
    await expect(content).toContainText(body.slice(0, 60));
    await expect(content).toContainText(body.slice(-40));

    // Share links carry the article's address.
    const share = await hrefs(page, '[data-testid="share-links"] a[href]');
    expect(share.length).toBeGreaterThanOrEqual(2);
    const shareFull = await page
      .locator('[data-testid="share-links"] a[href]')
      .evaluateAll((links) => links.map((a) => decodeURIComponent((a as HTMLAnchorElement).href)));
    for (const link of shareFull) expect(link).toContain(articlePath(article));

    // Previous and next, as /articles/{id}/adjacent says.
    expect(await linkIn(page, "adjacent-previous").getAttribute("href")).toBe(articlePath(adjacent.previous!));
    await expect(byTestId(page, "adjacent-previous")).toContainText(adjacent.previous!.title);
    expect(await linkIn(page, "adjacent-next").getAttribute("href")).toBe(articlePath(adjacent.next!));
    await expect(byTestId(page, "adjacent-next")).toContainText(adjacent.next!.title);

    // Related: the most relevant of the articles /articles/{id}/related names, in its order
    // (how many is the site's choice: at least 3, or all there are).
    const relatedPaths = await cardPaths(byTestId(page, "related"));
    expect(relatedPaths.length).toBeGreaterThanOrEqual(Math.min(3, related.length));
    expect(relatedPaths).toEqual(related.slice(0, relatedPaths.length).map(articlePath));

    // The thread: every approved comment, replies nested in their parent's replies.
    const thread = byTestId(page, "comments");
    await expect(thread.locator('[data-testid="comment"]')).toHaveCount(comments.length);
    const nested = thread.locator('[data-testid="comment-replies"] [data-testid="comment"]');
    await expect(nested).toHaveCount(comments.filter((c) => c.parent_id !== null).length);
    await expect(nested.filter({ hasText: textOf(reply.content_html) }).first()).toBeVisible();
    expect(await thread.locator('[data-testid="reply-button"]').count()).toBeGreaterThan(0);
    const form = page.locator('form[data-testid="comment-form"]');
    for (const name of ["author_name", "author_email", "content"]) {
      await expect(form.locator(`[name="${name}"]`)).toBeVisible();
    }

    await settle(page);
    expect(viewPosts(watch).map(viewedId), "one POST /views for the article").toEqual([article.id]);
    expect(viewPosts(watch).length).toBe(1);
    await screenshot(page, "article");
  });

  test("next goes to the next article in the page and counts its view once", async ({ page, demo, watch }) => {
    const { article, adjacent } = demo.thread;
    await open(page, articlePath(article), "article");
    await markDocument(page);
    await linkIn(page, "adjacent-next").click();
    await expect(byTestId(page, "article-title")).toHaveText(adjacent.next!.title);
    await expect(page).toHaveURL((url) => url.pathname === articlePath(adjacent.next!));
    await rendered(page, "article");
    expect(await sameDocument(page), "no full page load").toBe(true);
    await settle(page);
    expect(viewPosts(watch).map(viewedId)).toEqual([article.id, adjacent.next!.id]);
  });

  test("both loaders show the same article and home page", async ({ page, demo }) => {
    const path = articlePath(demo.thread.article);
    const digest = async (): Promise<unknown> =>
      page.evaluate(() => {
        const links = (selector: string) =>
          Array.from(document.querySelectorAll(`${selector} a[href]`)).map((a) => a.getAttribute("href"));
        const text = (selector: string) => document.querySelector(selector)?.textContent?.replace(/\s+/g, " ").trim();
        return {
          title: text('[data-testid="article-title"]'),
          author: text('[data-testid="article-author"]'),
          category: text('[data-testid="article-category"]'),
          content: text('[data-testid="article-content"]'),
          previous: links('[data-testid="adjacent-previous"]'),
          next: links('[data-testid="adjacent-next"]'),
          related: links('[data-testid="related"]'),
          comments: Array.from(document.querySelectorAll('[data-testid="comment"]')).map((c) =>
            c.textContent?.replace(/\s+/g, " ").trim(),
          ),
          // The sidebar but Trending (views, which the tests themselves add to).
          mostCommented: links('[data-testid="section-most-commented"]'),
          sidebarLatest: links('[data-testid="sidebar-latest"]'),
          featured: links('[data-testid="section-featured"]'),
          latest: links('[data-testid="section-latest"]'),
          categories: links('[data-testid="home-category"]'),
          nav: links('[data-testid="nav"]'),
        };
      });
    await open(page, `${path}?data=resources`, "article");
    const before = await digest();
    await open(page, `${path}?data=pages`, "article");
    expect.soft(await digest(), "article: ?data=pages against ?data=resources").toEqual(before);

    await open(page, "/?data=resources", "home");
    const homeBefore = await digest();
    await open(page, "/?data=pages", "home");
    expect.soft(await digest(), "home: ?data=pages against ?data=resources").toEqual(homeBefore);
  });

  test("an unknown article shows the not-found page", async ({ page, watch }) => {
    watch.allow(404, /\/api\/v1\/(articles\/slug|pages\/article)\//);
    await open(page, "/no-such-section/no-such-article-e2e", "not-found");
    await expect(byTestId(page, "not-found")).toBeVisible();
    await expect(byTestId(page, "site-header")).toBeVisible();
  });
});

test.describe("comments", () => {
  test("a comment from the form is sent and the pending notice shown", async ({ page, demo }) => {
    const article = demo.commentable;
    await open(page, articlePath(article), "article");
    const renderedAt = Date.now();
    const before = await byTestId(page, "comment").count();
    const notice = byTestId(page, "comment-notice");
    await expect(notice).toBeHidden();

    const posted = page.waitForResponse((r) => r.request().method() === "POST" && COMMENTS_PATH.test(r.url()));
    await submitComment(page, renderedAt, {
      author_name: "E2E Reader",
      author_email: "reader@example.com",
      content: `A comment from the browser tests, ${new Date().toISOString()}.`,
    });
    const response = await posted;
    expect(response.status(), await response.text()).toBe(201);
    expect(((await response.json()) as { status: string }).status).toBe("pending");
    const sent = response.request().postDataJSON() as Record<string, unknown>;
    expect(sent.author_name).toBe("E2E Reader");
    expect(typeof sent.form_rendered_at).toBe("string");

    await expect(notice).toBeVisible();
    await expect(byTestId(page, "comment-error")).toBeHidden();
    await expect(page.locator('[data-testid="field-error"]:visible')).toHaveCount(0);
    // Pending: not in the public thread.
    await expect(byTestId(page, "comment")).toHaveCount(before);
  });

  test("a reply from a comment's reply button names its parent", async ({ page, demo }) => {
    const { article, comments } = demo.thread;
    await open(page, articlePath(article), "article");
    const renderedAt = Date.now();
    const firstTopLevel = comments.find((c) => c.parent_id === null)!;
    // The first comment of the thread is the oldest top-level one.
    const first = byTestId(page, "comments").locator('[data-testid="comment"]').first();
    await expect(first).toContainText(textOf(firstTopLevel.content_html));
    await first.locator('[data-testid="reply-button"]').first().click();

    const posted = page.waitForResponse((r) => r.request().method() === "POST" && COMMENTS_PATH.test(r.url()));
    await submitComment(page, renderedAt, {
      author_name: "E2E Replier",
      author_email: "replier@example.com",
      content: `A reply from the browser tests, ${new Date().toISOString()}.`,
    });
    const response = await posted;
    expect(response.status(), await response.text()).toBe(201);
    expect((response.request().postDataJSON() as { parent_id?: number }).parent_id).toBe(firstTopLevel.id);
    await expect(byTestId(page, "comment-notice")).toBeVisible();
  });

  test("an address the server refuses shows a field error", async ({ page, demo, watch }) => {
    // `a@b` passes the browser's own email check; the API answers 422 naming author_email.
    watch.allow(422, COMMENTS_PATH);
    await open(page, articlePath(demo.commentable), "article");
    const renderedAt = Date.now();
    const shown = page.locator('[data-testid="field-error"]:visible');
    await expect(shown).toHaveCount(0);
    await submitComment(page, renderedAt, {
      author_name: "E2E Reader",
      author_email: "a@b",
      content: `This one must not be accepted, ${new Date().toISOString()}.`,
    });
    await expect(shown).toHaveCount(1);
    const fieldError = shown.first();
    await expect(fieldError).toContainText(/email|address/i);
    await expect(byTestId(page, "comment-notice")).toBeHidden();
    // Sent or not (a site may check first), nothing was accepted.
    const posts = watch.apiRequests("POST").filter((r) => COMMENTS_PATH.test(r.url()));
    for (const post of posts) expect((await post.response())?.status()).toBe(422);
  });
});

test.describe("search", () => {
  test("typing shows results in the dropdown; Enter opens the search page", async ({ page, demo, watch }) => {
    // A word of a real title (the longest of a recent one), so that the search finds it.
    const source = demo.latest[2]!;
    const word = source.title
      .split(/[^\p{L}]+/u)
      .sort((a, b) => b.length - a.length)[0]!
      .toLowerCase();
    expect(word.length).toBeGreaterThan(3);

    await open(page, "/", "home");
    await markDocument(page);
    const input = page.locator('input[data-testid="search-input"]');
    await input.click();
    await input.pressSequentially(word, { delay: 40 });
    const dropdown = byTestId(page, "search-results");
    await expect(dropdown).toBeVisible();
    const results = dropdown.locator('a[data-testid="search-result"]');
    await expect(results.first()).toBeVisible();
    const resultPaths = await hrefs(page, '[data-testid="search-results"] a[data-testid="search-result"]');
    for (const p of resultPaths) expect(p).toMatch(ARTICLE_PATH);
    await expect(results.filter({ hasText: new RegExp(word, "i") }).first()).toBeVisible();
    const searches = watch.apiRequests("GET").filter((r) => new URL(r.url()).pathname === "/api/v1/search");
    expect(searches.length).toBeGreaterThan(0);
    expect(new URL(searches.at(-1)!.url()).searchParams.get("q")).toBe(word);

    await input.press("Enter");
    await rendered(page, "search");
    await expect(page).toHaveURL((url) => url.pathname === "/search" && url.searchParams.get("q") === word);
    const results_page = byTestId(page, "search-page");
    await expect(results_page).toBeVisible();
    const listed = await cardPaths(results_page);
    const api = await page.request.get(`/api/v1/search?q=${encodeURIComponent(word)}&per_page=10`);
    expect(api.status()).toBe(200);
    const expected = ((await api.json()) as { data: Summary[] }).data.map(articlePath);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed).toEqual(expected);
    expect(await sameDocument(page), "no full page load").toBe(true);
    await screenshot(page, "search");
  });
});

test.describe("listings", () => {
  test("a category page lists the category's articles and pages through them in the page", async ({
    page,
    demo,
  }) => {
    const { article } = demo.thread;
    const category = article.category!;
    await open(page, articlePath(article), "article");
    await markDocument(page);
    await linkIn(page, "article-category").click();
    await rendered(page, "category");
    await expect(page).toHaveURL((url) => url.pathname === `/category/${category.slug}`);
    await expect(byTestId(page, "listing")).toBeVisible();
    await expect(byTestId(page, "listing-title")).toContainText(category.name);

    const listing = byTestId(page, "listing");
    const first = await apiList(page, `category=${category.slug}&per_page=10`);
    expect(first.meta.total, "the demo category has more than one page").toBeGreaterThan(10);
    expect(await cardPaths(listing)).toEqual(first.data.map(articlePath));
    expect(await sameDocument(page), "no full page load").toBe(true);
    await screenshot(page, "category");

    // Page 2, through the pagination.
    const pagination = byTestId(page, "pagination");
    await expect(pagination).toBeVisible();
    await pagination.locator('a[href*="page=2"]').first().click();
    await expect(page).toHaveURL((url) => url.searchParams.get("page") === "2");
    const second = await apiList(page, `category=${category.slug}&per_page=10&page=2`);
    await expect.poll(() => cardPaths(listing)).toEqual(second.data.map(articlePath));
    await rendered(page, "category");
    expect(await sameDocument(page), "no full page load").toBe(true);
  });

  test("an author page lists the author's articles", async ({ page, demo }) => {
    const { article } = demo.thread;
    const author = article.author!;
    await open(page, articlePath(article), "article");
    await markDocument(page);
    await linkIn(page, "article-author").click();
    await rendered(page, "author");
    await expect(page).toHaveURL((url) => url.pathname === `/author/${author.slug}`);
    await expect(byTestId(page, "listing-title")).toContainText(author.display_name);
    const expected = await apiList(page, `author=${author.slug}&per_page=10`);
    expect(expected.data.length).toBeGreaterThan(0);
    expect(await cardPaths(byTestId(page, "listing"))).toEqual(expected.data.map(articlePath));
    expect(await sameDocument(page), "no full page load").toBe(true);
    await screenshot(page, "author");
  });

  test("a tag of the article lists the tag's articles", async ({ page, demo }) => {
    const { article } = demo.thread;
    await open(page, articlePath(article), "article");
    await markDocument(page);
    const tagLink = byTestId(page, "article").locator('a[href^="/tag/"]').first();
    const slug = (await tagLink.getAttribute("href"))!.slice("/tag/".length);
    const tag = (await (await page.request.get(`/api/v1/tags/slug/${slug}`)).json()) as { name: string };
    await tagLink.click();
    await rendered(page, "tag");
    await expect(byTestId(page, "listing-title")).toContainText(tag.name);
    const expected = await apiList(page, `tag=${slug}&per_page=10`);
    expect(expected.data.length).toBeGreaterThan(0);
    expect(await cardPaths(byTestId(page, "listing"))).toEqual(expected.data.map(articlePath));
    expect(await sameDocument(page), "no full page load").toBe(true);
  });
});

test.describe("phone-sized viewport (390x844)", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

  test("the home page fits the width", async ({ page }) => {
    await open(page, "/", "home");
    await expect(byTestId(page, "section-latest")).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(await horizontalOverflow(page), "horizontal overflow in px").toBeLessThanOrEqual(0);
    await screenshot(page, "mobile-home");
  });

  test("an article page fits the width", async ({ page, demo }) => {
    await open(page, articlePath(demo.thread.article), "article");
    await expect(byTestId(page, "article-content")).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(await horizontalOverflow(page), "horizontal overflow in px").toBeLessThanOrEqual(0);
    const box = await byTestId(page, "article-title").boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await screenshot(page, "mobile-article");
  });
});
