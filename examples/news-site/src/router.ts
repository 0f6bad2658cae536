/**
 * History API routing: links are followed in the page (pushState), the back and forward
 * buttons re-render, and a full load of any path renders the same view (the server
 * answers index.html for unknown non-API paths). Each navigation aborts the one before it.
 */
import { LoadError, isAbort } from "./api";
import { loader } from "./data";
import type { Chrome } from "./data/types";
import { h } from "./dom";
import { setArticleMeta, setPageMeta } from "./meta";
import { setNavigator, type NavigateOptions } from "./navigation";
import { isServerPath, parseRoute, type Route } from "./routes";
import { articlePath, categoryPath } from "./urls";
import { countView, renderArticle } from "./views/article";
import { renderHome } from "./views/home";
import type { Shell } from "./views/layout";
import { renderAuthor, renderCategory, renderTag } from "./views/listing";
import { renderError, renderNotFound } from "./views/not-found";
import { renderSearch } from "./views/search-page";

type PageName = Route["kind"] | "error";
type Scroll = "top" | "restore" | "none";

export function startRouter(shell: Shell): void {
  let navigation = 0;
  let controller: AbortController | null = null;
  let lastChrome: Chrome | null = null;
  let firstRender = true;

  const show = (content: Node, chrome: Chrome, activeHref: string | null) => {
    lastChrome = chrome;
    shell.show(content, chrome, activeHref);
  };

  async function render(scroll: Scroll): Promise<void> {
    const id = ++navigation;
    controller?.abort();
    const current = new AbortController();
    controller = current;
    const { signal } = current;
    const route = parseRoute(new URL(window.location.href));
    window.dispatchEvent(new Event("newsroom:navigate"));
    shell.busy(true);
    let page: PageName = route.kind;
    try {
      switch (route.kind) {
        case "home": {
          const data = await loader.loadHome(signal);
          if (id !== navigation) return;
          show(renderHome(data), data, "/");
          setPageMeta(null);
          break;
        }
        case "article": {
          const data = await loader.loadArticle(route.slug, signal);
          if (id !== navigation) return;
          // A slug under another category (moved, or typed by hand): show the article's own path.
          const own = articlePath(data.article);
          if (own !== window.location.pathname) {
            history.replaceState(history.state, "", own + window.location.search + window.location.hash);
          }
          show(renderArticle(data), data, data.article.category ? categoryPath(data.article.category.slug) : null);
          setArticleMeta(data.article);
          countView(data.article.id, id);
          break;
        }
        case "category": {
          const data = await loader.loadCategory(route.slug, route.page, signal);
          if (id !== navigation) return;
          show(renderCategory(data), data, categoryPath(data.category.slug));
          setPageMeta(pageTitle(data.category.name, route.page), data.category.description ?? undefined);
          break;
        }
        case "tag": {
          const data = await loader.loadTag(route.slug, route.page, signal);
          if (id !== navigation) return;
          show(renderTag(data), data, null);
          setPageMeta(pageTitle(data.tag.name, route.page), data.tag.description ?? undefined);
          break;
        }
        case "author": {
          const data = await loader.loadAuthor(route.slug, route.page, signal);
          if (id !== navigation) return;
          show(renderAuthor(data), data, null);
          setPageMeta(pageTitle(data.author.display_name, route.page), data.author.bio ?? undefined);
          break;
        }
        case "search": {
          // An empty search asks nothing: the header and sidebar alone, and the form.
          const data =
            route.query === ""
              ? { ...(await chrome(signal)), query: "", results: { data: [], meta: { page: 1, per_page: 10, total: 0, total_pages: 0 } } }
              : await loader.loadSearch(route.query, route.page, signal);
          if (id !== navigation) return;
          show(renderSearch(data), data, null);
          setPageMeta(route.query === "" ? "Search" : pageTitle(`Search results for “${route.query}”`, route.page));
          break;
        }
        case "not-found":
          await showNotFound(id, signal);
          break;
      }
    } catch (error) {
      if (isAbort(error) || id !== navigation) return;
      if (error instanceof LoadError && (error.status === 404 || error.status === 422)) {
        // An unknown slug (404), or a query the API refuses (422): nothing to show here.
        page = "not-found";
        await showNotFound(id, signal).catch(() => undefined);
      } else {
        page = "error";
        console.warn("newsroom: page load failed", error);
        const chromeNow = lastChrome ?? { navigation: [], sidebar: { trending: [], most_commented: [], latest: [] } };
        show(renderError(error instanceof Error ? error.message : String(error), () => void render("none")), chromeNow, null);
        setPageMeta("Error");
      }
    } finally {
      if (id === navigation) shell.busy(false);
    }
    if (id !== navigation) return;
    finish(page, scroll);
  }

  async function chrome(signal: AbortSignal): Promise<Chrome> {
    return lastChrome ?? (await loader.loadChrome(signal));
  }

  async function showNotFound(id: number, signal: AbortSignal): Promise<void> {
    let chromeNow: Chrome;
    try {
      chromeNow = await chrome(signal);
    } catch (error) {
      if (isAbort(error)) throw error;
      chromeNow = { navigation: [], sidebar: { trending: [], most_commented: [], latest: [] } };
    }
    if (id !== navigation) return;
    show(renderNotFound(), chromeNow, null);
    setPageMeta("Page not found");
    document.head.append(h("meta", { name: "robots", content: "noindex", "data-view": "" }));
  }

  function finish(page: PageName, scroll: Scroll): void {
    document.documentElement.dataset.page = page;
    if (firstRender) {
      firstRender = false;
      // Benchmarks read this: time to the first page's main content in the DOM.
      performance.mark("newsroom:rendered");
    }
    const hash = decodeURIComponent(window.location.hash.slice(1));
    const target = hash ? document.getElementById(hash) : null;
    if (target) target.scrollIntoView();
    else if (scroll === "top") window.scrollTo(0, 0);
    else if (scroll === "restore") window.scrollTo(0, Number((history.state as { scrollY?: number } | null)?.scrollY ?? 0));
    if (scroll === "top") shell.main.focus({ preventScroll: true });
  }

  function navigate(path: string, options: NavigateOptions = {}): void {
    const url = new URL(path, window.location.href);
    if (url.origin !== window.location.origin || isServerPath(url.pathname)) {
      window.location.assign(url.href);
      return;
    }
    // Remember where the reader was, for the back button.
    history.replaceState({ ...(history.state as object | null), scrollY: window.scrollY }, "");
    if (options.replace) history.replaceState(null, "", url.href);
    else history.pushState(null, "", url.href);
    void render("top");
  }
  setNavigator(navigate);

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.("a");
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || isServerPath(url.pathname)) return;
    // A link to a spot on this same page (#comments): let the browser scroll.
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash !== "") return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });

  // Search forms (the search page's own, and the header's without JS intercepted) go through here too.
  document.addEventListener("submit", (event) => {
    const form = event.target as HTMLFormElement;
    if (event.defaultPrevented || form.getAttribute("action") !== "/search") return;
    event.preventDefault();
    const q = String(new FormData(form).get("q") ?? "").trim();
    navigate(q === "" ? "/search" : `/search?${new URLSearchParams({ q }).toString()}`);
  });

  window.addEventListener("popstate", () => void render("restore"));
  history.scrollRestoration = "manual";
  void render("none");
}

const pageTitle = (title: string, page: number): string => (page > 1 ? `${title} (page ${page})` : title);
