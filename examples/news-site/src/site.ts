/** Site-wide settings that the API does not publish. */
export const SITE_NAME: string = import.meta.env.VITE_SITE_NAME ?? "Newsroom";
export const SITE_TAGLINE = "News, as it happens.";
