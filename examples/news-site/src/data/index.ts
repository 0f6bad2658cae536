/**
 * Picks the loader once, from the URL the site was opened with: `?data=resources` for the
 * per-resource loader, `?data=pages` for the page endpoints, else DEFAULT_LOADER. In-site
 * navigation keeps the loader of the session (links do not carry `?data=`).
 */
import { pagesLoader } from "./pages";
import { resourcesLoader } from "./resources";
import type { Loader } from "./types";

// One request per page (the page endpoints); `?data=resources` shows the per-resource way.
const DEFAULT_LOADER: Loader["name"] = "pages";

const loaders: Record<Loader["name"], Loader> = { pages: pagesLoader, resources: resourcesLoader };

function choose(): Loader {
  const wanted = new URLSearchParams(window.location.search).get("data");
  return wanted === "pages" || wanted === "resources" ? loaders[wanted] : loaders[DEFAULT_LOADER];
}

export const loader: Loader = choose();
