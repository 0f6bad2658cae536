-- Everything up.sql creates, newest first. Dropping a table drops its indexes too.
DROP TRIGGER public_version_comment_delete;
DROP TRIGGER public_version_comment_update;
DROP TRIGGER public_version_comment_insert;
DROP TRIGGER public_version_user_delete;
DROP TRIGGER public_version_user_update;
DROP TRIGGER public_version_user_insert;
DROP TRIGGER public_version_category_delete;
DROP TRIGGER public_version_category_update;
DROP TRIGGER public_version_category_insert;
DROP TRIGGER public_version_article_delete;
DROP TRIGGER public_version_article_update;
DROP TRIGGER public_version_article_insert;
DROP TABLE public_version;

DROP INDEX articles_status_comment_count;
DROP INDEX articles_status_view_count;
DROP TABLE article_views_daily;

DROP TRIGGER articles_fts_after_update;
DROP TRIGGER articles_fts_after_delete;
DROP TRIGGER articles_fts_after_insert;
DROP TABLE search_bulk_load;
DROP INDEX articles_search_visibility;
DROP TABLE articles_fts;

DROP TABLE comments;
DROP TABLE articles;
DROP TABLE categories;
DROP TABLE refresh_tokens;
DROP TABLE users;
