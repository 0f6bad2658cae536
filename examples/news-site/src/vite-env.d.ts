/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The site's name in the header, footer and titles (the API does not publish SITE_NAME). */
  readonly VITE_SITE_NAME?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
