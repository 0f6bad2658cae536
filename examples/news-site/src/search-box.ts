/**
 * The header's live search: asks the API ~200 ms after the reader stops typing, aborts the
 * request a newer keystroke made stale, shows the first results in a dropdown; Enter (the
 * form's submit) opens the full results page, /search?q=.
 */
import { client, isAbort } from "./api";
import { h, html, replaceChildren } from "./dom";
import { navigate } from "./navigation";
import { articlePath, searchPath } from "./urls";

const DEBOUNCE_MS = 200;
const MAX_RESULTS = 5;
// The API refuses (422) a query of nothing but punctuation and spaces: don't send one.
const searchable = (q: string): boolean => /[\p{L}\p{N}]/u.test(q);

export function createSearchBox(): HTMLFormElement {
  const input = h("input", {
    type: "search",
    name: "q",
    placeholder: "Search…",
    autocomplete: "off",
    "aria-label": "Search articles",
    "aria-controls": "search-results",
    "aria-expanded": "false",
    maxlength: 200,
    testid: "search-input",
  });
  const dropdown = h("div", { class: "search-results", id: "search-results", testid: "search-results", hidden: true });
  const form = h(
    "form",
    { class: "search-box", role: "search", action: "/search", method: "get" },
    input,
    h("button", { type: "submit", class: "search-button", "aria-label": "Search" }, "Search"),
    dropdown,
  );

  let timer: number | undefined;
  let inFlight: AbortController | null = null;

  const close = () => {
    dropdown.hidden = true;
    input.setAttribute("aria-expanded", "false");
  };
  const open = (...children: Node[]) => {
    replaceChildren(dropdown, ...children);
    dropdown.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };

  const search = async (q: string) => {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    try {
      const { data, response } = await client.api.GET("/api/v1/search", {
        params: { query: { q, per_page: MAX_RESULTS } },
        signal: controller.signal,
      });
      if (controller.signal.aborted) return;
      if (data === undefined) {
        open(h("p", { class: "search-empty" }, `Search failed (${response.status}).`));
        return;
      }
      if (data.data.length === 0) {
        open(h("p", { class: "search-empty" }, "No result"));
        return;
      }
      open(
        h(
          "ul",
          {},
          data.data.map((r) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: articlePath(r), class: "search-result", testid: "search-result" },
                h("span", { class: "search-result-title" }, r.title),
                // snippet: HTML escaped by the API, with <mark> around the matches.
                html("span", { class: "search-result-snippet" }, r.snippet),
              ),
            ),
          ),
        ),
        h("a", { href: searchPath(q), class: "search-all" }, `View all ${data.meta.total.toLocaleString("en-US")} results`),
      );
    } catch (error) {
      if (!isAbort(error)) open(h("p", { class: "search-empty" }, "Search failed."));
    } finally {
      if (inFlight === controller) inFlight = null;
    }
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (!searchable(q)) {
      inFlight?.abort();
      close();
      return;
    }
    timer = window.setTimeout(() => void search(q), DEBOUNCE_MS);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (q === "") return;
    window.clearTimeout(timer);
    inFlight?.abort();
    close();
    navigate(searchPath(q));
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  input.addEventListener("focus", () => {
    if (dropdown.childElementCount > 0 && searchable(input.value.trim())) {
      dropdown.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  });
  // Close on a click elsewhere, and after following a result (the page changes under it).
  document.addEventListener("click", (event) => {
    if (!form.contains(event.target as Node)) close();
    else if ((event.target as Element).closest("a")) close();
  });
  window.addEventListener("newsroom:navigate", close);

  return form;
}
