DROP INDEX articles_featured_image_id;
ALTER TABLE articles DROP COLUMN featured_image_id;
DROP TABLE media;
