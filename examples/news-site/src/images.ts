/**
 * Responsive images from a featured image's renditions. Each size comes in the original's
 * format and in (lossless) WebP; the API notes the WebP is the larger for photos, so
 * `srcset` lists the original format only. The `thumbnail` is cropped square, so it is
 * kept out of the 16:9 `srcset` and used alone where a square fits (the sidebar).
 */
import type { ArticleSummary } from "./data/types";
import { h } from "./dom";

type FeaturedImage = NonNullable<ArticleSummary["featured_image"]>;

export interface ImageOptions {
  /** The `sizes` attribute: how wide the image is shown at each viewport width. */
  sizes: string;
  /** Above the fold (the lead image): load at once and early; otherwise lazily. */
  eager?: boolean;
  className?: string;
}

export function responsiveImage(image: FeaturedImage, options: ImageOptions): HTMLImageElement {
  const sameFormat = image.renditions.filter(
    (r) => r.name !== "thumbnail" && (image.mime_type === null || r.mime_type === image.mime_type),
  );
  const candidates = new Map<number, string>();
  for (const r of sameFormat) candidates.set(r.width, r.url);
  if (image.width !== null) candidates.set(image.width, image.url);
  const sorted = [...candidates.entries()].sort(([a], [b]) => a - b);
  // Width and height give the box its ratio before the bytes arrive: no layout shift.
  return h("img", {
    src: sorted.find(([w]) => w >= 768)?.[1] ?? image.url,
    srcset: sorted.length > 1 ? sorted.map(([w, url]) => `${url} ${w}w`).join(", ") : null,
    sizes: sorted.length > 1 ? options.sizes : null,
    width: image.width,
    height: image.height,
    alt: image.alt ?? "",
    loading: options.eager ? "eager" : "lazy",
    fetchpriority: options.eager ? "high" : null,
    decoding: "async",
    class: options.className,
  });
}

/** A small square for lists: the cropped thumbnail when there is one. */
export function thumbnailImage(image: FeaturedImage): HTMLImageElement {
  const thumb = image.renditions.find(
    (r) => r.name === "thumbnail" && (image.mime_type === null || r.mime_type === image.mime_type),
  );
  return h("img", {
    src: thumb?.url ?? image.url,
    width: thumb?.width ?? 150,
    height: thumb?.height ?? 150,
    alt: image.alt ?? "",
    loading: "lazy",
    decoding: "async",
    class: "thumb",
  });
}
