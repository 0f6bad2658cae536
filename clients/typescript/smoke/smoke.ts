/**
 * Smoke test: the typed client used as a real consumer against a live server.
 *
 *   npm run build
 *   NEWSROOM_URL=http://127.0.0.1:8080 ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD=... \
 *     npm run smoke
 *
 * One line per flow; the first failure ends the run with a non-zero exit code. Names carry
 * a unique suffix so reruns against the same database do not collide. The server needs
 * published articles with comments open (`serve --demo` has them).
 */
import assert from "node:assert/strict";
import {
  ApiError,
  createNewsroomClient,
  pageInfo,
  subscribe,
  type Article,
  type ArticleSummary,
  type NewsroomClient,
  type PostedComment,
  type StreamEvent,
} from "../src/index.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`smoke: set ${name}`);
    process.exit(2);
  }
  return value;
}

const baseUrl = env("NEWSROOM_URL");
const adminEmail = env("ADMIN_EMAIL");
const adminPassword = env("ADMIN_PASSWORD");
const suffix = `${Date.now()}`;

/** The data of a successful call, checking its status; an ApiError otherwise. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }, status = 200): T {
  const { data, error, response } = result;
  if (data === undefined) throw new ApiError(response, error);
  assert.equal(response.status, status, `${response.url}: status`);
  return data;
}

let flows = 0;
async function flow(name: string, run: () => Promise<string>): Promise<void> {
  try {
    const detail = await run();
    flows += 1;
    console.log(`ok   ${name}: ${detail}`);
  } catch (error) {
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    console.error(error);
    process.exit(1);
  }
}

// The public never sends a token: that is also what makes answers cacheable (ETag).
const reader = createNewsroomClient(baseUrl);
const pub = reader.api;

let latest: ArticleSummary[] = [];
let article: Article | undefined;
let posted: PostedComment | undefined;

function need<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} (an earlier flow failed to provide it)`);
  return value;
}

// ---- public -----------------------------------------------------------------------------

await flow("latest articles", async () => {
  const result = await pub.GET("/api/v1/articles", { params: { query: { per_page: 5 } } });
  const page = ok(result);
  const info = pageInfo(result.response);
  assert.ok(page.data.length > 0 && page.data.length <= 5, "1..5 articles on the page");
  assert.equal(info.total, page.meta.total, "X-Total-Count is meta.total");
  assert.equal(info.links.first?.page, 1);
  assert.equal(info.links.last?.page, page.meta.total_pages);
  if (page.meta.total_pages > 1) assert.equal(info.links.next?.page, 2);
  assert.equal(info.links.prev, undefined, "no prev on page 1");
  for (const item of page.data) assert.equal(item.status, "published");
  const times = page.data.map((item) => Date.parse(item.published_at ?? ""));
  assert.deepEqual(times, [...times].sort((a, b) => b - a), "newest first");
  latest = page.data;
  return `${page.data.length} of ${info.total}, next page ${info.links.next?.url ?? "none"}`;
});

await flow("article by slug", async () => {
  // Any slug from the list: slugs are the server's business, never guessed.
  const first = need(latest[0], "a listed article");
  const result = await pub.GET("/api/v1/articles/slug/{slug}", {
    params: { path: { slug: first.slug } },
  });
  article = ok(result);
  assert.equal(article.id, first.id);
  assert.equal(article.title, first.title);
  assert.ok(article.content_html.length > 0, "content_html");
  return `${article.slug} (#${article.id})`;
});

await flow("adjacent articles", async () => {
  const { id, published_at } = need(article, "an article");
  const adjacent = ok(await pub.GET("/api/v1/articles/{id}/adjacent", { params: { path: { id } } }));
  const previous = adjacent.previous;
  assert.ok(previous, "the newest article has an older neighbour");
  assert.notEqual(previous.id, id);
  assert.ok(Date.parse(previous.published_at ?? "") <= Date.parse(published_at ?? ""), "previous is older");
  return `previous #${previous.id}, next ${adjacent.next ? `#${adjacent.next.id}` : "none"}`;
});

await flow("related articles", async () => {
  // The newest articles may be lone ones in a category; one of a page has relatives.
  const page = ok(await pub.GET("/api/v1/articles", { params: { query: { per_page: 20 } } }));
  for (const candidate of page.data) {
    const related = ok(
      await pub.GET("/api/v1/articles/{id}/related", {
        params: { path: { id: candidate.id }, query: { limit: 4 } },
      }),
    );
    assert.ok(related.length <= 4, "limit is kept");
    for (const other of related) {
      assert.notEqual(other.id, candidate.id, "never itself");
      assert.equal(other.category?.id, candidate.category?.id, "same category");
      assert.equal(other.status, "published");
    }
    if (related.length > 0) return `#${candidate.id}: ${related.map((r) => `#${r.id}`).join(" ")}`;
  }
  assert.fail("no article on the first page has related articles");
});

await flow("home page (one request)", async () => {
  const home = ok(await pub.GET("/api/v1/pages/home"));
  assert.ok(home.navigation.length > 0, "the header's categories");
  assert.deepEqual(home.latest.slice(0, 5).map((a) => a.id), home.sidebar.latest.map((a) => a.id));
  assert.ok(home.sections.every((section) => section.category.parent_id === null && section.articles.length > 0));
  for (const item of home.sidebar.trending) assert.equal(typeof item.count, "number");
  return `${home.latest.length} latest, ${home.sections.length} sections, ${home.sidebar.trending.length} trending`;
});

await flow("article page (one request)", async () => {
  const { id, slug } = need(article, "an article");
  const page = ok(await pub.GET("/api/v1/pages/article/{slug}", { params: { path: { slug } } }));
  assert.equal(page.article.id, id);
  assert.ok(page.article.content_html.length > 0, "content_html");
  const adjacent = ok(await pub.GET("/api/v1/articles/{id}/adjacent", { params: { path: { id } } }));
  assert.equal(page.adjacent.previous?.id, adjacent.previous?.id, "the same previous as /adjacent");
  assert.ok(page.comments.data.length <= 100 && page.comments.meta.total >= page.comments.data.length);
  const missing = await pub.GET("/api/v1/pages/article/{slug}", { params: { path: { slug: "no-such-article" } } });
  assert.equal(missing.response.status, 404);
  return `${page.related.length} related, ${page.comments.meta.total} comments`;
});

await flow("comments of an article", async () => {
  const { id, comment_count } = need(article, "an article");
  const result = await pub.GET("/api/v1/articles/{id}/comments", {
    params: { path: { id }, query: { per_page: 100 } },
  });
  const page = ok(result);
  const info = pageInfo(result.response);
  assert.equal(info.total, page.meta.total);
  assert.equal(info.total, comment_count, "comment_count counts the approved comments");
  for (const comment of page.data) assert.equal(comment.article_id, id);
  return `${info.total} approved on #${id}`;
});

await flow("post a comment", async () => {
  const target = need(article, "an article");
  assert.ok(target.comments_open, "comments are open on the article");
  const result = await pub.POST("/api/v1/articles/{id}/comments", {
    params: { path: { id: target.id } },
    body: {
      author_name: `Smoke Reader ${suffix}`,
      author_email: `smoke-${suffix}@example.com`,
      content: `A smoke test comment ${suffix}. <b>Plain text</b>, not HTML.`,
    },
  });
  posted = ok(result, 201);
  assert.equal(posted.status, "pending", "a public comment waits for moderation");
  assert.equal(posted.article_id, target.id);
  assert.ok(posted.content.includes("<b>Plain text</b>"), "content is kept as written");
  return `#${posted.id} pending`;
});

await flow("popular articles", async () => {
  const popular = ok(
    await pub.GET("/api/v1/articles/popular", {
      params: { query: { by: "views", window: "week", limit: 5 } },
    }),
  );
  assert.ok(popular.length <= 5);
  const counts = popular.map((item) => item.count);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a), "most viewed first");
  return `${popular.length} (${counts.join(", ")} views this week)`;
});

await flow("search", async () => {
  const { title, id } = need(article, "an article");
  // The longest word of a real title: it matches at least that article.
  const word = (title.match(/[\p{L}\p{N}]+/gu) ?? []).reduce((a, b) => (b.length > a.length ? b : a), "");
  assert.ok(word.length >= 3, `a word in "${title}"`);
  const result = await pub.GET("/api/v1/search", { params: { query: { q: word, per_page: 100 } } });
  const page = ok(result);
  const info = pageInfo(result.response);
  assert.ok(info.total >= 1 && page.data.length >= 1, "at least one hit");
  assert.equal(info.total, page.meta.total);
  for (const hit of page.data) assert.ok(hit.snippet.length > 0, "every hit has a snippet");
  const total = info.total;
  if (total <= 100) assert.ok(page.data.some((hit) => hit.id === id), "the article is among the hits");
  return `"${word}": ${total} hits`;
});

await flow("conditional GET (304)", async () => {
  const { slug } = need(article, "an article");
  const first = await pub.GET("/api/v1/articles/slug/{slug}", { params: { path: { slug } } });
  ok(first);
  const etag = first.response.headers.get("ETag");
  assert.ok(etag, "a public 200 carries an ETag");
  const again = await pub.GET("/api/v1/articles/slug/{slug}", {
    params: { path: { slug }, header: { "If-None-Match": etag } },
  });
  assert.equal(again.response.status, 304, "unchanged: 304 Not Modified");
  assert.equal(again.data, undefined, "a 304 has no body");
  assert.equal(again.response.headers.get("ETag"), etag, "the 304 repeats the ETag");
  return `${etag} -> 304`;
});

// ---- staff ------------------------------------------------------------------------------

let staff: NewsroomClient = createNewsroomClient(baseUrl);

await flow("login", async () => {
  const answer = await staff.login(adminEmail, adminPassword);
  assert.equal(answer.user.role, "admin");
  assert.ok(staff.tokens, "the tokens are kept");
  const me = ok(await staff.api.GET("/api/v1/auth/me"));
  assert.equal(me.email.toLowerCase(), adminEmail.toLowerCase(), "the middleware sent the token");
  return `${me.email} (${me.role}), token valid ${answer.expires_in} s`;
});

await flow("refresh", async () => {
  const before = need(staff.tokens ?? undefined, "tokens");
  const answer = await staff.refresh();
  assert.notEqual(answer.refresh_token, before.refreshToken, "a new refresh token");
  // (The access token may equal the old one: a JWT made in the same second with the same claims.)
  assert.equal(staff.tokens?.refreshToken, answer.refresh_token, "the new pair is kept");
  ok(await staff.api.GET("/api/v1/auth/me"));
  // Refresh tokens are single-use: the old one is refused now, and presenting it again
  // revokes its whole family (a stolen token is useless once either party uses it).
  const reuse = await pub.POST("/api/v1/auth/refresh", {
    body: { refresh_token: before.refreshToken },
  });
  assert.equal(reuse.response.status, 401, "the old refresh token is refused");
  const family = await pub.POST("/api/v1/auth/refresh", {
    body: { refresh_token: answer.refresh_token },
  });
  assert.equal(family.response.status, 401, "the token it was traded for is revoked too");
  // The session is over: sign in again.
  staff = createNewsroomClient(baseUrl);
  await staff.login(adminEmail, adminPassword);
  return "new pair; the old refresh token gets 401 and revokes the new one";
});

await flow("401 -> refresh -> retry", async () => {
  // A session resumed with a stale access token: the first call gets a 401, the client
  // trades the refresh token once and sends the call again.
  const kept = need(staff.tokens ?? undefined, "tokens");
  const resumed = createNewsroomClient(baseUrl, {
    tokens: { accessToken: "expired.or.revoked", refreshToken: kept.refreshToken },
  });
  const me = ok(await resumed.api.GET("/api/v1/auth/me"));
  assert.equal(me.email.toLowerCase(), adminEmail.toLowerCase());
  assert.notEqual(resumed.tokens?.refreshToken, kept.refreshToken, "a new pair was taken");
  staff = resumed; // the old client's refresh token is spent
  return `retried as ${me.email}`;
});

let categoryId = 0;
let categorySlug = "";
const articleIds: number[] = [];

await flow("create a category", async () => {
  const result = await staff.api.POST("/api/v1/categories", {
    body: { name: `Smoke ${suffix}`, description: "Made by the TypeScript client's smoke test" },
  });
  const category = ok(result, 201);
  assert.equal(category.name, `Smoke ${suffix}`);
  assert.ok(category.slug.includes(suffix), "the slug comes from the name");
  assert.equal(category.article_count, 0);
  assert.equal(result.response.headers.get("Location"), `/api/v1/categories/${category.id}`);
  categoryId = category.id;
  categorySlug = category.slug;
  return `#${category.id} ${category.slug}`;
});

await flow("create an article", async () => {
  const created = ok(
    await staff.api.POST("/api/v1/articles", {
      body: {
        title: `Smoke test article ${suffix}`,
        content: `## Smoke\n\nWritten by the **TypeScript** client (${suffix}).`,
        content_format: "markdown",
        category_id: categoryId,
        status: "published",
      },
    }),
    201,
  );
  articleIds.push(created.id);
  assert.equal(created.status, "published");
  assert.equal(created.category?.id, categoryId);
  assert.ok(created.content_html.includes("<strong>TypeScript</strong>"), "Markdown rendered");
  const seen = ok(
    await pub.GET("/api/v1/articles/slug/{slug}", { params: { path: { slug: created.slug } } }),
  );
  assert.equal(seen.id, created.id, "the public sees it");
  const listed = await pub.GET("/api/v1/articles", { params: { query: { category: categorySlug } } });
  assert.deepEqual(
    ok(listed).data.map((item) => item.id),
    [created.id],
    "the category page lists it",
  );
  assert.equal(pageInfo(listed.response).total, 1);
  return `#${created.id} ${created.slug} in ${categorySlug}`;
});

/** Waits for the first event `matches` accepts, or fails after `ms`. */
function nextEvent(
  events: { event: StreamEvent; id: string | undefined }[],
  matches: (event: StreamEvent) => boolean,
  ms = 5000,
): Promise<{ event: StreamEvent; id: string | undefined }> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const look = (): void => {
      const found = events.find(({ event }) => matches(event));
      if (found !== undefined) resolve(found);
      else if (Date.now() > deadline) reject(new Error(`no matching event within ${ms} ms`));
      else setTimeout(look, 20);
    };
    look();
  });
}

let editorId = 0;

await flow("live stream", async () => {
  // An editor of the newsroom publishes; a reader's page follows the category's stream.
  const password = `smoke editor ${suffix}`;
  const editorUser = ok(
    await staff.api.POST("/api/v1/users", {
      body: { email: `editor-${suffix}@example.com`, password, display_name: `Smoke editor ${suffix}`, role: "editor" },
    }),
    201,
  );
  editorId = editorUser.id;
  const editor = createNewsroomClient(baseUrl);
  await editor.login(editorUser.email, password);
  const received: { event: StreamEvent; id: string | undefined }[] = [];
  let stream: ReturnType<typeof subscribe> | undefined;
  // Publish once the stream is open: an event from before it opened is not news to it.
  await new Promise<void>((resolve, reject) => {
    setTimeout(() => reject(new Error("the stream did not open within 5 s")), 5000);
    stream = subscribe(baseUrl, {
      category: categorySlug,
      onOpen: resolve,
      onEvent: (event, id) => received.push({ event, id }),
      onError: reject,
    });
  });
  const published = ok(
    await editor.api.POST("/api/v1/articles", {
      body: { title: `Live ${suffix}`, content: "<p>Breaking.</p>", category_id: categoryId, status: "published" },
    }),
    201,
  );
  articleIds.push(published.id);
  const sent = Date.now();
  const arrived = await nextEvent(received, (event) => event.type === "article.published" && event.data.id === published.id);
  const took = Date.now() - sent;
  assert.ok(arrived.event.type === "article.published");
  // Narrowed by `type`: an article event's data is the summary plus its page.
  assert.equal(arrived.event.data.slug, published.slug);
  assert.ok(arrived.event.data.url?.endsWith(published.slug), `url ${arrived.event.data.url}`);
  stream?.close();
  // Missed while away, replayed on resume after the last id seen.
  ok(
    await editor.api.PATCH("/api/v1/articles/{id}", {
      params: { path: { id: published.id } },
      body: { title: `Live ${suffix}, updated` },
    }),
  );
  const resumed: { event: StreamEvent; id: string | undefined }[] = [];
  const again = subscribe(baseUrl, {
    category: categorySlug,
    lastEventId: arrived.id,
    onEvent: (event, id) => resumed.push({ event, id }),
  });
  const update = await nextEvent(resumed, (event) => event.type === "article.updated");
  again.close();
  assert.ok(update.event.type === "article.updated");
  assert.equal(update.event.data.title, `Live ${suffix}, updated`);
  await editor.logout();
  return `article.published #${published.id} in ${took} ms (event ${arrived.id}), article.updated replayed after it`;
});

await flow("schedule an article", async () => {
  const at = new Date(Date.now() + 3600_000).toISOString();
  const scheduled = ok(
    await staff.api.POST("/api/v1/articles", {
      body: {
        title: `Scheduled smoke article ${suffix}`,
        content: "Not yet.",
        category_id: categoryId,
        status: "published",
        published_at: at,
      },
    }),
    201,
  );
  articleIds.push(scheduled.id);
  const id = scheduled.id;
  const hidden = await pub.GET("/api/v1/articles/{id}", { params: { path: { id } } });
  assert.equal(hidden.response.status, 404, "the public gets 404 until published_at");
  const bySlug = await pub.GET("/api/v1/articles/slug/{slug}", {
    params: { path: { slug: scheduled.slug } },
  });
  assert.equal(bySlug.response.status, 404, "by slug too");
  const seen = ok(await staff.api.GET("/api/v1/articles/{id}", { params: { path: { id } } }));
  assert.equal(seen.status, "published");
  assert.ok(Date.parse(seen.published_at ?? "") > Date.now(), "published_at is in the future");
  return `#${id} at ${seen.published_at ?? "?"}: public 404, admin 200`;
});

await flow("upload an image", async () => {
  // A demo picture, downloaded as a front end would show it and sent back as an upload.
  const library = ok(await pub.GET("/api/v1/media", { params: { query: { per_page: 1 } } }));
  const sample = need(library.data[0], "a demo picture");
  const original = await fetch(new URL(sample.url, baseUrl));
  assert.equal(original.status, 200, "the demo picture is served");
  assert.equal(original.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(original.headers.get("x-content-type-options"), "nosniff");
  const bytes = new Uint8Array(await original.arrayBuffer());
  const uploaded = ok(
    await staff.api.POST("/api/v1/media", {
      // The spec's multipart form, typed; the file itself goes as a Blob in FormData.
      body: { file: "", alt: `Smoke ${suffix}`, credit: "Photo: smoke test" },
      bodySerializer(body) {
        const form = new FormData();
        form.append("file", new Blob([bytes], { type: "image/jpeg" }), "smoke.jpg");
        form.append("alt", body.alt ?? "");
        form.append("credit", body.credit ?? "");
        return form;
      },
    }),
    201,
  );
  assert.equal(uploaded.width, sample.width, "same width");
  assert.equal(uploaded.credit, "Photo: smoke test");
  const names = uploaded.renditions.map((r) => r.name);
  assert.ok(names.includes("thumbnail") && names.includes("medium"), "renditions made");
  const webp = uploaded.renditions.find((r) => r.mime_type === "image/webp");
  assert.ok(webp, "a WebP rendition");
  const gone = await staff.api.DELETE("/api/v1/media/{id}", {
    params: { path: { id: uploaded.id } },
  });
  assert.equal(gone.response.status, 204, "DELETE media");
  return `#${uploaded.id} ${uploaded.width}x${uploaded.height}, ${uploaded.renditions.length} renditions, deleted`;
});

await flow("moderate a comment", async () => {
  const comment = need(posted, "the posted comment");
  const queue = ok(
    await staff.api.GET("/api/v1/comments", {
      params: {
        query: { status: "pending", article_id: comment.article_id, sort: "-created_at", per_page: 100 },
      },
    }),
  );
  const pending = queue.data.find((item) => item.id === comment.id);
  assert.ok(pending, "the comment is in the moderation queue");
  assert.equal(pending.author_email, `smoke-${suffix}@example.com`, "moderators see the email");
  const approved = ok(
    await staff.api.PATCH("/api/v1/comments/{id}", {
      params: { path: { id: comment.id } },
      body: { status: "approved" },
    }),
  );
  assert.equal(approved.status, "approved");
  const id = comment.article_id;
  const publicComments = ok(
    await pub.GET("/api/v1/articles/{id}/comments", {
      params: { path: { id }, query: { sort: "-created_at", per_page: 100 } },
    }),
  );
  assert.ok(publicComments.data.some((item) => item.id === comment.id), "now public");
  const after = ok(await pub.GET("/api/v1/articles/{id}", { params: { path: { id } } }));
  assert.equal(after.comment_count, need(article, "the article").comment_count + 1, "comment_count + 1");
  return `#${comment.id} approved and public on #${id}`;
});

await flow("clean up", async () => {
  for (const id of articleIds) {
    const gone = await staff.api.DELETE("/api/v1/articles/{id}", { params: { path: { id } } });
    assert.equal(gone.response.status, 204, `DELETE article #${id}`);
  }
  const gone = await staff.api.DELETE("/api/v1/categories/{id}", {
    params: { path: { id: categoryId } },
  });
  assert.equal(gone.response.status, 204, `DELETE category #${categoryId}`);
  const editorGone = await staff.api.DELETE("/api/v1/users/{id}", { params: { path: { id: editorId } } });
  assert.equal(editorGone.response.status, 204, `DELETE user #${editorId}`);
  await staff.logout();
  assert.equal(staff.tokens, null);
  return `${articleIds.length} articles, 1 category and the editor deleted, logged out`;
});

console.log(`smoke: ${flows} flows passed against ${baseUrl}`);
