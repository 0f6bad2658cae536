-- Tags: free labels across categories ("kherson", "nato"), several per article.
CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tags_name ON tags (name);

-- An article's tags, in the order its editor gave them (`position`). The primary key
-- serves an article's tags; the second index serves a tag's articles (`?tag=`, counts).
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag_article ON article_tags (tag_id, article_id);

-- The public content version (initial schema) moves for what the public can see: every
-- tag (tag pages are public, and published articles show their names), and the tags of a
-- published article. Rows removed by a cascade from a deleted article find no article and
-- move nothing: the article's own trigger has moved it.
CREATE TRIGGER public_version_tag_insert AFTER INSERT ON tags
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_tag_update AFTER UPDATE ON tags
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_tag_delete AFTER DELETE ON tags
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_article_tag_insert AFTER INSERT ON article_tags
WHEN (SELECT status FROM articles WHERE id = NEW.article_id) = 'published'
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_article_tag_update AFTER UPDATE ON article_tags
WHEN (SELECT status FROM articles WHERE id = NEW.article_id) = 'published'
    OR (SELECT status FROM articles WHERE id = OLD.article_id) = 'published'
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_article_tag_delete AFTER DELETE ON article_tags
WHEN (SELECT status FROM articles WHERE id = OLD.article_id) = 'published'
BEGIN UPDATE public_version SET version = version + 1; END;
