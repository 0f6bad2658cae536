ALTER TABLE articles DROP COLUMN canonical_url;
ALTER TABLE articles DROP COLUMN og_image_id;
ALTER TABLE articles DROP COLUMN meta_description;
ALTER TABLE articles DROP COLUMN meta_title;
