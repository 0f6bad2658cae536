-- The media library (src/media/): one row per uploaded image. The files live in the store
-- (MEDIA_DIR or an S3 bucket) under `storage_key/`, a random folder per upload whose files
-- never change, so they can be served as immutable.
CREATE TABLE media (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    storage_key TEXT NOT NULL UNIQUE,
    -- The re-encoded original's file name inside `storage_key/`.
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp')),
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    alt TEXT,
    caption TEXT,
    credit TEXT,
    -- The renditions as a JSON array of {name, file_name, mime_type, width, height}: made
    -- once at upload, read whole with the row, never queried by their parts.
    renditions TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX media_created_at ON media (created_at, id);

-- An article's featured image from the library. The free-URL form (featured_image_url and
-- its alt and caption) stays for links to images stored elsewhere; one or the other is set.
-- Deleting media in use is refused by the API unless forced, which clears it first.
ALTER TABLE articles ADD COLUMN featured_image_id INTEGER REFERENCES media (id) ON DELETE SET NULL;
CREATE INDEX articles_featured_image_id ON articles (featured_image_id)
WHERE featured_image_id IS NOT NULL;

-- Media are public (the library is listed to anyone, and articles show their featured
-- image's alt, caption and credit), so any change moves the public content version.
CREATE TRIGGER public_version_media_insert AFTER INSERT ON media
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_media_update AFTER UPDATE ON media
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_media_delete AFTER DELETE ON media
BEGIN UPDATE public_version SET version = version + 1; END;
