/**
 * The shell every page shares: header (site name, categories nav, live search), the main
 * column, the sidebar and the footer. Built once; each render swaps the main column and the
 * sidebar and refreshes the nav from the page's `navigation`.
 */
import type { Category, Chrome } from "../data/types";
import { h, replaceChildren } from "../dom";
import { createSearchBox } from "../search-box";
import { SITE_NAME } from "../site";
import { categoryPath } from "../urls";
import { renderSidebar } from "./sidebar";

export interface Shell {
  readonly main: HTMLElement;
  /** Swaps in a page: its main content, nav and sidebar; `activeHref` marks a nav link. */
  show(content: Node, chrome: Chrome, activeHref: string | null): void;
  /** Dims the current page while the next one loads. */
  busy(on: boolean): void;
}

export function mountShell(root: HTMLElement): Shell {
  const nav = h("ul", { class: "nav-list" });
  const header = h(
    "header",
    { class: "site-header", testid: "site-header" },
    h(
      "div",
      { class: "masthead wrap" },
      h("a", { class: "brand", href: "/" }, SITE_NAME),
      createSearchBox(),
    ),
    h("nav", { class: "site-nav", testid: "nav", "aria-label": "Categories" }, h("div", { class: "wrap" }, nav)),
  );
  const main = h("main", { class: "content", id: "main", tabindex: -1 });
  const aside = h("aside", { class: "sidebar", testid: "sidebar", "aria-label": "More news" });
  const footerCats = h("ul", { class: "footer-cats" });
  const footer = h(
    "footer",
    { class: "site-footer" },
    h(
      "div",
      { class: "wrap" },
      h("h2", { class: "footer-title" }, "Browse by Category"),
      footerCats,
      h("p", { class: "copyright" }, `© ${new Date().getFullYear()} ${SITE_NAME}`),
    ),
  );
  const progress = h("div", { class: "progress", "aria-hidden": "true" });
  replaceChildren(
    root,
    h("a", { class: "skip-link", href: "#main" }, "Skip to content"),
    progress,
    header,
    h("div", { class: "layout wrap" }, main, aside),
    footer,
  );

  let navKey = "";
  const setNavigation = (categories: Category[], activeHref: string | null) => {
    // Rebuild only when the categories changed, so focus and scroll in the nav survive.
    const key = categories.map((c) => `${c.slug}:${c.name}`).join("|");
    if (key !== navKey) {
      navKey = key;
      const topLevel = categories.filter((c) => c.parent_id === null);
      replaceChildren(
        nav,
        h("li", {}, h("a", { href: "/" }, "Home")),
        topLevel.map((c) => h("li", {}, h("a", { href: categoryPath(c.slug) }, c.name))),
      );
      replaceChildren(
        footerCats,
        categories.map((c) => h("li", {}, h("a", { href: categoryPath(c.slug) }, c.name))),
      );
    }
    for (const link of nav.querySelectorAll("a")) {
      if (link.getAttribute("href") === activeHref) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  };

  return {
    main,
    show(content, chrome, activeHref) {
      setNavigation(chrome.navigation, activeHref);
      replaceChildren(main, content);
      replaceChildren(aside, renderSidebar(chrome.sidebar));
    },
    busy(on) {
      progress.classList.toggle("on", on);
      main.setAttribute("aria-busy", String(on));
    },
  };
}
