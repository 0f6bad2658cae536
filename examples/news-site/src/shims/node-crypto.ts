/**
 * The client's index re-exports `verifyWebhook` (Node only, `node:crypto`). The site never
 * calls it and the bundler drops it, but resolving the import still needs a module: this
 * one, so the browser build neither warns nor ships Node's crypto.
 */
const serverOnly = (): never => {
  throw new Error("webhooks are verified on a server, not in the browser");
};
export const createHmac = serverOnly;
export const timingSafeEqual = serverOnly;
