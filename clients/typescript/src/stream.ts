/**
 * The live stream (`GET /api/v1/stream`, Server-Sent Events), typed from the spec: each
 * event is a `StreamEvent`, a union on `type` whose `data` is typed per type (an article
 * event's data is the article summary plus `url`).
 *
 * `subscribe` uses the browser's `EventSource` when there is one (it reconnects by itself,
 * sending `Last-Event-ID`), and otherwise reads the stream with `fetch` (Node 20 has no
 * `EventSource`), reconnecting the same way: after the server's `retry:` hint, or after
 * `Retry-After` when every stream slot was taken (`503`).
 */
import type { components, operations } from "./schema.js";

export type StreamEvent = components["schemas"]["StreamEvent"];
export type StreamEventType = StreamEvent["type"];
/** The event of one type: `StreamEventOf<"article.published">["data"]["url"]`. */
export type StreamEventOf<T extends StreamEventType> = Extract<StreamEvent, { type: T }>;
export type ArticleEventData = components["schemas"]["ArticleEventData"];
export type CommentEventData = components["schemas"]["CommentEventData"];
type StreamQuery = NonNullable<operations["stream"]["parameters"]["query"]>;

/** Every type the stream sends; the compiler checks it against the spec's union. */
export const STREAM_EVENT_TYPES = [
  "article.published",
  "article.updated",
  "article.unpublished",
  "article.deleted",
  "comment.approved",
  "reset",
] as const satisfies readonly StreamEventType[];
type Unlisted = Exclude<StreamEventType, (typeof STREAM_EVENT_TYPES)[number]>;
const everyTypeListed: [Unlisted] extends [never] ? true : never = true;
void everyTypeListed;

export interface SubscribeOptions {
  /** Each event, in order, with its id (what a later `lastEventId` resumes after). */
  onEvent(event: StreamEvent, id: string | undefined): void;
  /** Resume after this event id (events after it are sent first). */
  lastEventId?: string | number;
  /** Only these types (`reset` always comes). */
  events?: Exclude<StreamEventType, "reset">[];
  /** Only the article events of this category (slug). */
  category?: string;
  /** The stream is open (again, after a reconnection): events from now on will come. */
  onOpen?(): void;
  /** A failure that stops the subscription (a refused request other than a full server). */
  onError?(error: Error): void;
  /** A `fetch` to use instead of the global one, where there is no `EventSource`. */
  fetch?: typeof fetch;
}

export interface Subscription {
  /** The id of the last event received: keep it to resume later. */
  readonly lastEventId: string | undefined;
  close(): void;
}

/** The part of the browser's `EventSource` used here (this package does not load the DOM types). */
interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string; lastEventId: string }) => void): void;
  onopen: (() => void) | null;
  close(): void;
}
type EventSourceConstructor = new (url: string) => EventSourceLike;

export function subscribe(baseUrl: string, options: SubscribeOptions): Subscription {
  const query: StreamQuery = {};
  if (options.events !== undefined) query.events = options.events.join(",");
  if (options.category !== undefined) query.category = options.category;
  const url = new URL("/api/v1/stream", baseUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  const Native = (globalThis as unknown as { EventSource?: EventSourceConstructor }).EventSource;
  if (Native !== undefined && options.fetch === undefined) {
    return withEventSource(Native, url, options);
  }
  return withFetch(url, options);
}

function withEventSource(
  Native: EventSourceConstructor,
  url: URL,
  options: SubscribeOptions,
): Subscription {
  // An EventSource cannot set headers for its first request: the query says where to start.
  if (options.lastEventId !== undefined) url.searchParams.set("last_event_id", String(options.lastEventId));
  let lastEventId = options.lastEventId?.toString();
  const source = new Native(url.href);
  source.onopen = () => options.onOpen?.();
  for (const type of STREAM_EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      lastEventId = message.lastEventId || lastEventId;
      options.onEvent(JSON.parse(message.data) as StreamEvent, message.lastEventId || undefined);
    });
  }
  return {
    get lastEventId() {
      return lastEventId;
    },
    close: () => source.close(),
  };
}

function withFetch(url: URL, options: SubscribeOptions): Subscription {
  const fetcher = options.fetch ?? fetch;
  const stop = new AbortController();
  let lastEventId = options.lastEventId?.toString();
  let retryMs = 3000;

  const run = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      let waitMs = retryMs;
      try {
        const headers: Record<string, string> = { Accept: "text/event-stream" };
        if (lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
        const response = await fetcher(url, { headers, signal: stop.signal });
        if (response.status === 503) {
          waitMs = Number(response.headers.get("Retry-After") ?? 5) * 1000;
          await response.body?.cancel();
        } else if (!response.ok || response.body === null) {
          throw new Error(`the stream answered ${response.status}`);
        } else {
          options.onOpen?.();
          for await (const message of messages(response.body)) {
            if (message.retry !== undefined) retryMs = message.retry;
            if (message.id !== undefined) lastEventId = message.id;
            if (message.event !== undefined && message.data !== undefined) {
              options.onEvent(JSON.parse(message.data) as StreamEvent, message.id);
            }
          }
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        if (error instanceof Error && error.message.startsWith("the stream answered")) {
          options.onError?.(error);
          return;
        }
        // A dropped connection: reconnect below, as an EventSource would.
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  };
  void run();
  return {
    get lastEventId() {
      return lastEventId;
    },
    close: () => stop.abort(),
  };
}

interface Message {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
}

/** The messages of an SSE body (the WHATWG format: fields per line, a blank line ends one). */
async function* messages(body: ReadableStream<Uint8Array>): AsyncGenerator<Message> {
  const decoder = new TextDecoder();
  let buffer = "";
  let message: Message = {};
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
      if (line === "") {
        yield message;
        message = {};
        continue;
      }
      if (line.startsWith(":")) continue; // a comment: the heartbeat
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") message.id = value;
      else if (field === "event") message.event = value;
      else if (field === "data") message.data = message.data === undefined ? value : `${message.data}\n${value}`;
      else if (field === "retry" && /^\d+$/.test(value)) message.retry = Number(value);
    }
  }
}
