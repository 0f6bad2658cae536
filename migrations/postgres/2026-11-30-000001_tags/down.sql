-- Everything up.sql creates, newest first. Dropping a table drops its indexes and
-- triggers too.
DROP TABLE article_tags;
DROP TABLE tags;
DROP FUNCTION public_version_article_tags();
DROP FUNCTION public_version_tags();
