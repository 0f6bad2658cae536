-- Share and SEO metadata an editor may set on an article (src/articles/seo.rs computes
-- what a page puts in its <meta> tags from these, falling back to the article's own title,
-- excerpt, address and featured image). All optional: NULL means "use the fallback".
ALTER TABLE articles ADD COLUMN meta_title TEXT;
ALTER TABLE articles ADD COLUMN meta_description TEXT;
-- The image shown when the article is shared, from the media library; deleting the media
-- item takes it off (the API refuses unless forced, as for featured images).
ALTER TABLE articles ADD COLUMN og_image_id BIGINT REFERENCES media (id) ON DELETE SET NULL;
-- The original's address, for a syndicated copy; NULL: the article's own page.
ALTER TABLE articles ADD COLUMN canonical_url TEXT;
CREATE INDEX articles_og_image_id ON articles (og_image_id) WHERE og_image_id IS NOT NULL;
