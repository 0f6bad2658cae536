/** "Previous / Page N of M / Next" under a listing; hidden when everything fits on one page. */
import type { Paginated } from "../data/types";
import { h } from "../dom";
import { withPage } from "../urls";

export function renderPagination(list: Paginated<unknown>, basePath: string): HTMLElement | null {
  const { page, total_pages: pages } = list.meta;
  if (pages <= 1) return null;
  const link = (target: number, label: string, rel: string) =>
    h("a", { href: withPage(basePath, target), rel, class: "page-link" }, label);
  return h(
    "nav",
    { class: "pagination", testid: "pagination", "aria-label": "Pages" },
    page > 1 ? link(Math.min(page - 1, pages), "← Newer", "prev") : h("span", {}),
    h("span", { class: "page-status" }, `Page ${page} of ${pages}`),
    page < pages ? link(page + 1, "Older →", "next") : h("span", {}),
  );
}
