/**
 * How the tests (playwright.config.ts) and the benchmark (measure.mjs) start Debian's
 * Chromium: its path, and the flags for a headless run as root on a closed network.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  // Without these Chromium calls home (updates, sync, field trials); the closed network
  // refuses it and the refusals would show up as errors.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
