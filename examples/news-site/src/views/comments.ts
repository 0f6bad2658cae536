/**
 * Comments: the approved ones threaded by `parent_id`, a Reply button that moves the form
 * under a comment, and the "Leave a Reply" form with its anti-bot fields (`website_url`
 * honeypot, `form_rendered_at` on the server's clock) and reader-friendly errors.
 */
import { client, isProblem, serverNow } from "../api";
import type { Article, Comment, Paginated } from "../data/types";
import { COMMENTS_PER_PAGE } from "../data/types";
import { h, html, plural, replaceChildren, time } from "../dom";

/** COMMENT_MAX_DEPTH: a reply to a comment this deep would be refused. */
const MAX_DEPTH = 5;

type Field = "author_name" | "author_email" | "author_url" | "content";
const FIELDS: readonly Field[] = ["content", "author_name", "author_email", "author_url"];

export function renderComments(article: Article, first: Paginated<Comment>): HTMLElement {
  const comments = [...first.data];
  let total = first.meta.total;
  let loadedPages = 1;

  const heading = h("h2", { class: "section-title", id: "comments-title" });
  const thread = h("ol", { class: "comment-list" });
  const more = h("button", { type: "button", class: "more-comments" }, "Show more comments");
  const form = article.comments_open ? commentForm(article, onPosted) : null;
  const section = h(
    "section",
    { class: "comments", id: "comments", testid: "comments", "aria-labelledby": "comments-title" },
    heading,
    thread,
    more,
    form?.element ?? h("p", { class: "comments-closed muted" }, "Comments are closed."),
  );

  function draw(): void {
    heading.textContent = total === 0 ? "Comments" : plural(total, "Comment", "Comments");
    form?.reset(); // the form lives at the bottom again when the thread is redrawn
    replaceChildren(thread, buildThread(comments, article.comments_open, (c, li) => form?.replyTo(c, li)));
    more.hidden = comments.length >= total;
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    const { data } = await client.api
      .GET("/api/v1/articles/{id}/comments", {
        params: { path: { id: article.id }, query: { page: loadedPages + 1, per_page: COMMENTS_PER_PAGE } },
      })
      .catch(() => ({ data: undefined }));
    more.disabled = false;
    if (data === undefined) return;
    loadedPages += 1;
    const known = new Set(comments.map((c) => c.id));
    comments.push(...data.data.filter((c) => !known.has(c.id)));
    total = data.meta.total;
    draw();
  });

  // An approved comment (auto-approval, or a signed-in poster) joins the thread at once.
  function onPosted(comment: Comment): void {
    comments.push(comment);
    total += 1;
    draw();
    document.getElementById(`comment-${comment.id}`)?.scrollIntoView({ block: "nearest" });
  }

  draw();
  return section;
}

function buildThread(
  comments: Comment[],
  open: boolean,
  onReply: (comment: Comment, item: HTMLElement) => void,
): HTMLElement[] {
  // A parent that is not in the list (not public, or on a page not loaded) makes its
  // reply top-level rather than lost.
  const ids = new Set(comments.map((c) => c.id));
  const children = new Map<number | null, Comment[]>();
  for (const c of comments) {
    const key = c.parent_id !== null && ids.has(c.parent_id) ? c.parent_id : null;
    const list = children.get(key) ?? [];
    list.push(c);
    children.set(key, list);
  }
  const render = (comment: Comment, depth: number): HTMLElement => {
    const replies = children.get(comment.id) ?? [];
    const replyButton =
      open && depth < MAX_DEPTH
        ? h("button", { type: "button", class: "reply-button", testid: "reply-button" }, "Reply")
        : null;
    const item = h(
      "li",
      { class: "comment", id: `comment-${comment.id}`, testid: "comment", "data-depth": depth },
      h(
        "article",
        { class: "comment-body" },
        h(
          "header",
          { class: "comment-meta" },
          comment.author_url
            ? h("a", { class: "comment-author", href: comment.author_url, rel: "nofollow ugc noopener", target: "_blank" }, comment.author_name)
            : h("span", { class: "comment-author" }, comment.author_name),
          time(comment.created_at, { class: "comment-date" }),
        ),
        // content_html: the commenter's text escaped by the API (only <p>, <br>, links).
        html("div", { class: "comment-content" }, comment.content_html),
        replyButton,
      ),
      replies.length > 0
        ? h("ol", { class: "comment-replies", testid: "comment-replies" }, replies.map((r) => render(r, depth + 1)))
        : null,
    );
    replyButton?.addEventListener("click", () => onReply(comment, item));
    return item;
  };
  return (children.get(null) ?? []).map((c) => render(c, 1));
}

interface CommentForm {
  readonly element: HTMLElement;
  replyTo(comment: Comment, item: HTMLElement): void;
  /** Back to a top-level comment, at the bottom of the thread. */
  reset(): void;
}

function commentForm(article: Article, onApproved: (comment: Comment) => void): CommentForm {
  const input = (name: Field, label: string, attrs: Record<string, string | number | boolean>) => {
    const id = `comment-${name}`;
    const control =
      name === "content"
        ? h("textarea", { id, name, rows: 6, "aria-describedby": `${id}-error`, ...attrs })
        : h("input", { id, name, "aria-describedby": `${id}-error`, ...attrs });
    // Filled only when the field is wrong, so `[data-testid=field-error]` exists only then.
    const error = h("span", { class: "field-error-slot", id: `${id}-error`, "aria-live": "polite" });
    return { control, error, row: h("p", { class: `field field-${name}` }, h("label", { for: id }, label), control, error) };
  };
  const fields = {
    content: input("content", "Comment *", { required: true, maxlength: 5000 }),
    author_name: input("author_name", "Name *", { required: true, maxlength: 100, autocomplete: "name" }),
    author_email: input("author_email", "Email *", { type: "email", required: true, maxlength: 254, autocomplete: "email" }),
    author_url: input("author_url", "Website", { type: "url", maxlength: 2000, autocomplete: "url" }),
  };
  // The honeypot: hidden from people (CSS, out of the tab order, never autofilled); a bot
  // that fills every field fills it, and the API then quietly keeps the comment as spam.
  const honeypot = h("input", { type: "text", name: "website_url", tabindex: -1, autocomplete: "off", value: "" });
  const renderedAt = h("input", { type: "hidden", name: "form_rendered_at", value: serverNow() });
  const title = h("h3", { class: "reply-title", id: "reply-title" }, "Leave a Reply");
  const cancel = h("button", { type: "button", class: "cancel-reply", hidden: true }, "Cancel reply");
  const notice = h("div", { class: "comment-notice-slot", "aria-live": "polite" });
  const general = h("div", { class: "comment-error-slot", role: "alert" });
  const submit = h("button", { type: "submit", class: "submit" }, "Post Comment");
  const form = h(
    "form",
    { class: "comment-form", testid: "comment-form", novalidate: true, "aria-labelledby": "reply-title" },
    h("p", { class: "form-note" }, "Your email address will never be published. Required fields are marked *"),
    fields.content.row,
    h("div", { class: "field-row" }, fields.author_name.row, fields.author_email.row),
    fields.author_url.row,
    h("div", { class: "hp", "aria-hidden": "true" }, h("label", {}, "Leave this field empty ", honeypot)),
    renderedAt,
    general,
    h("p", { class: "form-actions" }, submit),
  );
  const element = h("div", { class: "respond", id: "respond" }, h("div", { class: "respond-head" }, title, cancel), notice, form);
  let home: { parent: Node; next: Node | null } | null = null;
  let parentId: number | null = null;

  const clearErrors = () => {
    replaceChildren(general);
    for (const f of Object.values(fields)) {
      replaceChildren(f.error);
      f.control.removeAttribute("aria-invalid");
    }
  };
  const fieldError = (name: Field, message: string) => {
    const f = fields[name];
    replaceChildren(f.error, h("span", { class: "field-error", testid: "field-error" }, message));
    f.control.setAttribute("aria-invalid", "true");
  };
  const showGeneral = (message: string) => {
    replaceChildren(general, h("p", { class: "comment-error", testid: "comment-error" }, message));
  };

  const replyTo = (comment: Comment, item: HTMLElement) => {
    home ??= { parent: element.parentNode as Node, next: element.nextSibling };
    parentId = comment.id;
    title.textContent = `Reply to ${comment.author_name}`;
    cancel.hidden = false;
    // Under the comment's own text, above its replies.
    item.querySelector(":scope > .comment-body")?.after(element);
    fields.content.control.focus();
  };
  const reset = () => {
    parentId = null;
    title.textContent = "Leave a Reply";
    cancel.hidden = true;
    if (home !== null && element.parentNode !== home.parent) home.parent.insertBefore(element, home.next);
  };
  cancel.addEventListener("click", () => {
    reset();
    clearErrors();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    replaceChildren(notice);
    const value = (name: Field) => fields[name].control.value.trim();
    // The required fields are checked here for a quick answer; the API checks everything.
    let missing = false;
    for (const name of ["content", "author_name", "author_email"] as const) {
      if (value(name) === "") {
        fieldError(name, "This field is required.");
        missing = true;
      }
    }
    if (missing) return;

    submit.disabled = true;
    submit.textContent = "Posting…";
    try {
      const { data, error, response } = await client.api.POST("/api/v1/articles/{id}/comments", {
        params: { path: { id: article.id } },
        body: {
          author_name: value("author_name"),
          author_email: value("author_email"),
          content: fields.content.control.value,
          author_url: value("author_url") || null,
          parent_id: parentId,
          website_url: honeypot.value,
          form_rendered_at: renderedAt.value,
        },
      });
      if (data !== undefined) {
        fields.content.control.value = "";
        renderedAt.value = serverNow(); // the form is shown afresh for the next comment
        if (data.status === "approved") {
          onApproved(data);
        } else {
          reset();
          replaceChildren(
            notice,
            h(
              "p",
              { class: "comment-notice", testid: "comment-notice", role: "status" },
              "Thank you. Your comment is awaiting moderation: it will show here once a moderator approves it.",
            ),
          );
          notice.scrollIntoView({ block: "nearest" });
        }
        return;
      }
      explain(response, error);
    } catch {
      showGeneral("Your comment could not be sent: check your connection and try again.");
    } finally {
      submit.disabled = false;
      submit.textContent = "Post Comment";
    }
  });

  function explain(response: Response, error: unknown): void {
    const problem = isProblem(error) ? error : undefined;
    switch (response.status) {
      case 422: {
        const others: string[] = [];
        for (const e of problem?.errors ?? []) {
          if ((FIELDS as readonly string[]).includes(e.field)) fieldError(e.field as Field, capitalize(e.message));
          else if (e.field === "form_rendered_at")
            others.push("That was quick! Please wait a few seconds, then post your comment again.");
          else if (e.field === "parent_id") others.push("The comment you are replying to is no longer available.");
          else others.push(`${e.field}: ${e.message}`);
        }
        if (others.length > 0 || (problem?.errors ?? []).length === 0)
          showGeneral(others.length > 0 ? others.join(" ") : (problem?.detail ?? "Please check the form."));
        form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
        return;
      }
      case 429: {
        const seconds = Number(response.headers.get("Retry-After"));
        showGeneral(
          Number.isFinite(seconds) && seconds > 0
            ? `Too many comments: try again in ${plural(Math.ceil(seconds), "second", "seconds")}.`
            : "Too many comments: try again in a minute.",
        );
        return;
      }
      case 403:
        showGeneral("Comments are closed on this article.");
        return;
      case 409:
        showGeneral("You have already posted this comment.");
        return;
      case 404:
        showGeneral("This article is no longer available.");
        return;
      default:
        showGeneral(`Your comment could not be sent (error ${response.status}). Please try again later.`);
    }
  }

  return { element, replyTo, reset };
}

const capitalize = (s: string): string => (s === "" ? s : s[0]!.toUpperCase() + s.slice(1));
