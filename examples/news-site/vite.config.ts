import { fileURLToPath } from "node:url";
import { defineConfig, type ProxyOptions } from "vite";

// The typed client is consumed from source: clients/typescript/dist is not built on a
// fresh clone, and compiling its .ts here keeps the site in step with src/schema.ts.
const clientDir = fileURLToPath(new URL("../../clients/typescript/src/", import.meta.url));

// `npm run dev` / `npm run preview`: the API and the media files come from a running server.
const target = process.env.NEWSROOM_URL ?? "http://127.0.0.1:8080";
const proxy: Record<string, ProxyOptions> = {
  "/api": { target, changeOrigin: true },
  "/media": { target, changeOrigin: true },
};

export default defineConfig({
  resolve: {
    alias: {
      "newsroom-client": `${clientDir}index.ts`,
    },
    // The client's files import `openapi-fetch`; resolve it from this package's
    // node_modules (clients/typescript/node_modules does not exist on a fresh clone).
    dedupe: ["openapi-fetch"],
  },
  server: {
    proxy,
    // Let the dev server read the client's sources, which live outside this folder.
    fs: { allow: [fileURLToPath(new URL(".", import.meta.url)), clientDir] },
  },
  preview: { proxy },
  build: { target: "es2022", sourcemap: true },
});
