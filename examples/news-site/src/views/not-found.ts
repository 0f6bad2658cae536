/** What an unknown path, or a slug the API does not know, shows. */
import { h } from "../dom";

export function renderNotFound(): Node {
  return h(
    "section",
    { class: "not-found", testid: "not-found" },
    h("h1", {}, "Page not found"),
    h("p", {}, "The page you asked for does not exist, or is no longer published."),
    h("p", {}, h("a", { href: "/" }, "Back to the front page")),
  );
}

export function renderError(message: string, retry: () => void): Node {
  const button = h("button", { type: "button" }, "Try again");
  button.addEventListener("click", retry);
  return h(
    "section",
    { class: "not-found", testid: "load-error" },
    h("h1", {}, "Something went wrong"),
    h("p", {}, `This page could not be loaded (${message}).`),
    h("p", {}, button),
  );
}
