/**
 * A tiny element builder. Text always goes in through textContent; HTML from the API
 * (sanitized server-side: content_html, snippet) goes in only through `html()`, so every
 * innerHTML assignment in the site is easy to find.
 */
type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = String(value);
    else if (name === "testid") el.dataset.testid = String(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Inserts HTML that the API has already made safe (see the module comment). */
export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs,
  trustedHtml: string,
): HTMLElementTagNameMap[K] {
  const el = h(tag, attrs);
  el.innerHTML = trustedHtml;
  return el;
}

export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

/** `<time>` with the machine-readable date, shown as "October 21, 2022" like the theme. */
export function time(iso: string | null, attrs: Attrs = {}): HTMLTimeElement | null {
  if (iso === null) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return h("time", { datetime: iso, ...attrs }, dateFormat.format(date));
}

const numberFormat = new Intl.NumberFormat("en-US", { notation: "compact" });
export const compact = (n: number): string => numberFormat.format(n);

export const plural = (n: number, one: string, many: string): string =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
