/**
 * Receiving Newsroom webhooks: checks a delivery's Standard Webhooks signature and returns
 * its event, typed by `type`. Node only (it uses `node:crypto`).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { components } from "./schema.js";

type Schemas = components["schemas"];

/** An article event's `data`: the article as `GET /articles` lists it, and its page. */
export type WebhookArticle = Schemas["ArticleSummary"] & { url: string | null };
/** A comment event's `data`: the comment as the public sees it, and its status. */
export type WebhookComment = Schemas["Comment"] & { status: Schemas["CommentStatus"] };

/** One delivery's body, narrowed by `type`. */
export type WebhookEvent =
  | {
      type: "article.published" | "article.updated" | "article.unpublished" | "article.deleted";
      timestamp: string;
      data: WebhookArticle;
    }
  | { type: "comment.created" | "comment.approved"; timestamp: string; data: WebhookComment };

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string {
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) throw new WebhookVerificationError(`missing ${name}`);
  return text;
}

/**
 * Verifies a delivery and returns its event; throws `WebhookVerificationError` when the
 * signature does not match or the timestamp is more than `toleranceSeconds` away (replays).
 * `body` must be the raw text as received, not re-serialized JSON.
 */
export function verifyWebhook(
  secret: string,
  headers: HeaderSource,
  body: string,
  toleranceSeconds = 300,
): WebhookEvent {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  const sent = Number(timestamp);
  if (!Number.isInteger(sent) || Math.abs(Date.now() / 1000 - sent) > toleranceSeconds) {
    throw new WebhookVerificationError("the timestamp is too old or too new");
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const digest = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  const expected = Buffer.from(`v1,${digest}`);
  const matches = signatures.split(" ").some((signature) => {
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError("no signature matches");
  return JSON.parse(body) as WebhookEvent;
}
