/** The sidebar of every page: Trending (most viewed), Most commented, Latest. */
import type { Sidebar } from "../data/types";
import { h } from "../dom";
import { articleCard, popularCard } from "./cards";

function block(title: string, testid: string, items: HTMLElement[], empty: string): HTMLElement {
  return h(
    "section",
    { class: "widget", testid },
    h("h2", { class: "widget-title" }, title),
    items.length > 0 ? h("ol", { class: "widget-list" }, items.map((item) => h("li", {}, item))) : h("p", { class: "muted" }, empty),
  );
}

export function renderSidebar(sidebar: Sidebar): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(
    block(
      "Trending",
      "section-trending",
      sidebar.trending.map((a) => popularCard(a, ["view this week", "views this week"])),
      "Nothing trending yet.",
    ),
    block(
      "Most commented",
      "section-most-commented",
      sidebar.most_commented.map((a) => popularCard(a, ["comment", "comments"])),
      "No comments yet.",
    ),
    block(
      "Latest",
      "sidebar-latest",
      sidebar.latest.map((a) => articleCard(a, "compact")),
      "Nothing published yet.",
    ),
  );
  return fragment;
}
