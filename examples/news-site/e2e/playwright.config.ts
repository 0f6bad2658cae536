/**
 * Real-browser tests of the reference news site, in Debian's Chromium (/usr/bin/chromium,
 * or CHROMIUM_PATH): Playwright's own browser builds are never downloaded (install with
 * PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
 *
 *   NEWSROOM_URL=http://127.0.0.1:8080 npx playwright test
 *
 * NEWSROOM_URL is where the release binary serves the built site at `/` and the API at
 * `/api/v1` (`SERVE_SITE_DIR=../dist newsroom serve --demo`); the tests need demo content.
 * ADMIN_EMAIL / ADMIN_PASSWORD (optional) let the setup post a reply as the admin when no
 * article has one. Screenshots go to SCREENSHOTS_DIR (default ./screenshots).
 */
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.mjs";

export default defineConfig({
  testDir: "tests",
  // One worker: 2 cores shared with the server; the tests are quick one by one.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: process.env.PLAYWRIGHT_OUTPUT_DIR ?? "test-results",
  use: {
    baseURL: process.env.NEWSROOM_URL ?? "http://127.0.0.1:8080",
    browserName: "chromium",
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: "off",
    screenshot: "only-on-failure",
  },
});
