ALTER TABLE articles DROP COLUMN featured_image_id;
DROP TABLE media;
DROP FUNCTION public_version_media();
