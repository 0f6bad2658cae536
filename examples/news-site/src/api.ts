/**
 * The one client the site talks to the API through. Same origin by default: the Rust
 * binary serves dist/ at `/` with the API at `/api/v1`, and `npm run dev` proxies `/api`.
 */
import { createNewsroomClient, type Problem } from "newsroom-client";

export const client = createNewsroomClient(window.location.origin);

/**
 * The server's clock, read from the `Date` header of every answer. The comment form's
 * `form_rendered_at` must come from the server's clock (a visitor's may be off), and a time
 * in the future is refused. Each reading can only be late (the header is truncated to the
 * second, stamped before the trip back, possibly from a cache), so the largest offset seen
 * is the closest to the truth and never ahead of it.
 */
let serverOffsetMs: number | null = null;

client.api.use({
  onResponse({ response }) {
    const date = Date.parse(response.headers.get("Date") ?? "");
    if (!Number.isNaN(date)) {
      const offset = date - Date.now();
      serverOffsetMs = serverOffsetMs === null ? offset : Math.max(serverOffsetMs, offset);
    }
    return undefined;
  },
});

/** Now on the server's clock, RFC 3339 to the second (the API's timestamp format). */
export function serverNow(): string {
  const now = new Date(Date.now() + (serverOffsetMs ?? 0));
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A failed load: the status decides between the not-found view and the error view. */
export class LoadError extends Error {
  readonly status: number;
  constructor(status: number, problem?: unknown) {
    const detail = isProblem(problem) ? problem.detail : undefined;
    super(detail ?? `the API answered ${status}`);
    this.name = "LoadError";
    this.status = status;
  }
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "status" in value && "detail" in value;
}

/** Unwraps an openapi-fetch answer, throwing a LoadError for anything but success. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new LoadError(result.response.status, result.error);
  return result.data;
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === "AbortError";
