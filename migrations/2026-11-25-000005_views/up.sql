-- View counts per article and UTC day. The total lives on articles.view_count; both are
-- written by the same batched flush.
CREATE TABLE article_views_daily (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (article_id, day)
) WITHOUT ROWID;
CREATE INDEX article_views_daily_day ON article_views_daily (day, article_id, count);

-- "Trending" and "Most commented" over all time, and the lists sorted by these counters.
CREATE INDEX articles_status_view_count ON articles (status, view_count, id);
CREATE INDEX articles_status_comment_count ON articles (status, comment_count, id);
