/**
 * `navigate()` for views that change the page themselves (the search form, a canonical
 * redirect). The router installs the real one; this module keeps views from importing the
 * router, which imports them.
 */
export interface NavigateOptions {
  /** Replace the current history entry instead of adding one. */
  replace?: boolean;
}

type Navigator = (path: string, options?: NavigateOptions) => void;

let current: Navigator = (path) => window.location.assign(path);

export function setNavigator(navigator: Navigator): void {
  current = navigator;
}

export function navigate(path: string, options?: NavigateOptions): void {
  current(path, options);
}
