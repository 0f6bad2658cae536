DROP INDEX articles_status_comment_count;
DROP INDEX articles_status_view_count;
DROP TABLE article_views_daily;
