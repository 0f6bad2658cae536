-- Everything up.sql creates. Dropping a table drops its indexes and triggers too; the
-- functions and the text search configuration go once nothing uses them. The unaccent
-- extension stays: up.sql only creates it when missing, and something else may use it.
DROP TABLE public_version;
DROP TABLE article_views_daily;
DROP TABLE comments;
DROP TABLE articles;
DROP TABLE categories;
DROP TABLE refresh_tokens;
DROP TABLE users;

DROP FUNCTION public_version_comments();
DROP FUNCTION public_version_users();
DROP FUNCTION public_version_categories();
DROP FUNCTION public_version_articles();
DROP FUNCTION public_version_add(BIGINT);
DROP FUNCTION articles_search_vector_fill();
DROP TEXT SEARCH CONFIGURATION simple_unaccent;
