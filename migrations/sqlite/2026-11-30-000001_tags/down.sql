-- Everything up.sql creates, newest first. Dropping a table drops its indexes too.
DROP TRIGGER public_version_article_tag_delete;
DROP TRIGGER public_version_article_tag_update;
DROP TRIGGER public_version_article_tag_insert;
DROP TRIGGER public_version_tag_delete;
DROP TRIGGER public_version_tag_update;
DROP TRIGGER public_version_tag_insert;
DROP TABLE article_tags;
DROP TABLE tags;
