#!/usr/bin/env node
/**
 * The page benchmark's measurement (bench/pages.sh runs it): each page of the reference site
 * loaded in Chromium with each data loader, `?data=resources` (before: the page composed
 * from the per-resource endpoints) and `?data=pages` (after: one page endpoint, the site's
 * default), and for each:
 *
 *   - API requests: requests to /api/ made by the load (the article page's POST /views
 *     included), until the network has been idle for 500 ms;
 *   - API KB: the API answers' bodies as sent (encoded: compressed when the server
 *     compressed them), summed;
 *   - page KB: every answer's body as sent (document, scripts, styles, images, API);
 *   - TTFR: time to first render, the `newsroom:rendered` performance mark the site sets once
 *     the first page's main content is in the DOM (ms from the navigation's start), without
 *     network emulation and under CDP Network.emulateNetworkConditions (LATENCY_MS, 50 ms:
 *     Chromium holds each response until at least that long after its request was sent, a
 *     floor rather than an addition to the local time; THROUGHPUT_MBIT, 10 Mbit/s each way).
 *
 * Every load gets a new browser context (an empty HTTP cache: cold), viewport 1280x900
 * (images below the fold that load lazily are not fetched). RUNS loads of each (page,
 * loader, network) after one warm-up load of each (page, loader) that is not counted; the
 * loads are interleaved so that drift on a shared machine hits every case alike. Prints a
 * Markdown table of medians; MEASURE_JSON=<file> also writes every sample.
 *
 *   NEWSROOM_URL=http://127.0.0.1:8080 RUNS=5 node measure.mjs
 *
 * LOADERS=resources (or pages) measures one loader only.
 *
 * Needs demo content (the pages are picked through the API: the most commented article, its
 * category and author, and a search for a word of its title) and Debian's Chromium
 * (/usr/bin/chromium, or CHROMIUM_PATH).
 */
import { writeFileSync } from "node:fs";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.mjs";

const BASE = (process.env.NEWSROOM_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const RUNS = positive("RUNS", 5);
const LATENCY_MS = positive("LATENCY_MS", 50);
const THROUGHPUT_MBIT = positive("THROUGHPUT_MBIT", 10);
const LOADERS = [
  { name: "resources", label: "before (`?data=resources`)" },
  { name: "pages", label: "after (`?data=pages`, default)" },
].filter((l) => (process.env.LOADERS ?? "resources,pages").split(",").includes(l.name));

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not ${raw}`);
  return value;
}

async function api(path) {
  const response = await fetch(`${BASE}${path}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The pages to load, picked through the API. */
async function pickPages() {
  const { data } = await api("/api/v1/articles?sort=-comment_count&per_page=1");
  const article = data[0];
  if (!article?.category || !article.author) throw new Error("no article with a category and an author (demo content?)");
  const word = process.env.SEARCH_QUERY ??
    article.title.split(/[^\p{L}]+/u).sort((a, b) => b.length - a.length)[0].toLowerCase();
  return [
    { name: "home", kind: "home", path: "/" },
    { name: "article", kind: "article", path: `/${article.category.slug}/${article.slug}`, note: `${article.comment_count} comments` },
    { name: "category", kind: "category", path: `/category/${article.category.slug}` },
    { name: "author", kind: "author", path: `/author/${article.author.slug}` },
    { name: "search", kind: "search", path: `/search?q=${encodeURIComponent(word)}` },
  ];
}

const withLoader = (path, loader) => `${path}${path.includes("?") ? "&" : "?"}data=${loader}`;

/** One cold load: returns { ttfr, apiRequests, apiBytes, pageBytes, requests }. */
async function load(browser, page, loader, emulate) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
    if (emulate) {
      const bytesPerSecond = (THROUGHPUT_MBIT * 1_000_000) / 8;
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: LATENCY_MS,
        downloadThroughput: bytesPerSecond,
        uploadThroughput: bytesPerSecond,
      });
    }
    const problems = [];
    const finished = [];
    const all = [];
    tab.on("request", (r) => all.push(r));
    tab.on("requestfinished", (r) => finished.push(r));
    tab.on("requestfailed", (r) => problems.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    tab.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.request().method()} ${r.url()}`));
    tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

    const url = `${BASE}${withLoader(page.path, loader)}`;
    await tab.goto(url, { waitUntil: "commit", timeout: 30_000 });
    await tab.waitForFunction(() => performance.getEntriesByName("newsroom:rendered", "mark").length > 0, null, {
      timeout: 30_000,
      polling: 20,
    });
    const { ttfr, kind } = await tab.evaluate(() => ({
      ttfr: performance.getEntriesByName("newsroom:rendered", "mark")[0].startTime,
      kind: document.documentElement.dataset.page,
    }));
    if (kind !== page.kind) throw new Error(`${url} rendered a ${kind} page, not ${page.kind}`);
    await tab.waitForLoadState("networkidle", { timeout: 30_000 });
    if (problems.length > 0) throw new Error(`${url}:\n  ${problems.join("\n  ")}`);

    let apiBytes = 0;
    let pageBytes = 0;
    for (const request of finished) {
      const sizes = await request.sizes();
      pageBytes += sizes.responseBodySize;
      if (new URL(request.url()).pathname.startsWith("/api/")) apiBytes += sizes.responseBodySize;
    }
    const apiRequests = all.filter((r) => new URL(r.url()).pathname.startsWith("/api/"));
    return {
      ttfr,
      apiRequests: apiRequests.length,
      apiBytes,
      pageBytes,
      requests: apiRequests.map((r) => `${r.method()} ${new URL(r.url()).pathname}`),
    };
  } finally {
    await context.close();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median, with the range when the samples differ (counts and bytes should not). */
function spread(values, format) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? format(lo) : `${format(median(values))} (${format(lo)}–${format(hi)})`;
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const ms = (value) => value.toFixed(0);

async function main() {
  const pages = await pickPages();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  const samples = new Map(); // "page loader" -> { plain: [], emulated: [] }
  const version = browser.version();
  const started = Date.now();
  try {
    for (const page of pages) {
      for (const loader of LOADERS) {
        samples.set(`${page.name} ${loader.name}`, { plain: [], emulated: [] });
        await load(browser, page, loader.name, false); // warm-up, not counted
      }
    }
    for (let run = 1; run <= RUNS; run += 1) {
      for (const page of pages) {
        for (const loader of LOADERS) {
          const entry = samples.get(`${page.name} ${loader.name}`);
          entry.plain.push(await load(browser, page, loader.name, false));
          entry.emulated.push(await load(browser, page, loader.name, true));
        }
      }
      process.stderr.write(`run ${run}/${RUNS} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    await browser.close();
  }

  const lines = [
    `Pages of the reference site in headless Chromium ${version}, ${RUNS} cold loads each; ` +
      `network emulation: ${LATENCY_MS} ms latency, ${THROUGHPUT_MBIT} Mbit/s down and up (CDP ` +
      "Network.emulateNetworkConditions; its latency is a floor on each request's time to response " +
      "headers, not added to the local time). API and page KB: bodies as sent (compressed), " +
      "first viewport (lazy images below it not loaded); API requests include the article's POST /views.",
    "",
    "| page | loader | API requests | API KB | page KB | TTFR p50 plain (ms) | TTFR p50 at " +
      `${LATENCY_MS} ms RTT (ms) |`,
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const page of pages) {
    for (const loader of LOADERS) {
      const { plain, emulated } = samples.get(`${page.name} ${loader.name}`);
      lines.push(
        `| ${page.name} | ${loader.label} | ${spread(plain.map((s) => s.apiRequests), String)} | ` +
          `${spread(plain.map((s) => s.apiBytes), kb)} | ${spread(plain.map((s) => s.pageBytes), kb)} | ` +
          `${ms(median(plain.map((s) => s.ttfr)))} | ${ms(median(emulated.map((s) => s.ttfr)))} |`,
      );
    }
  }
  lines.push("", "Pages: " + pages.map((p) => `${p.name} \`${p.path}\`${p.note ? ` (${p.note})` : ""}`).join(", ") + ".");
  console.log(lines.join("\n"));

  if (process.env.MEASURE_JSON) {
    const out = { base: BASE, runs: RUNS, latency_ms: LATENCY_MS, throughput_mbit: THROUGHPUT_MBIT, pages, samples: Object.fromEntries(samples) };
    writeFileSync(process.env.MEASURE_JSON, JSON.stringify(out, null, 2));
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
