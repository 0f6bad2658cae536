DROP TRIGGER search_version_after_update;
DROP TRIGGER search_version_after_delete;
DROP TRIGGER search_version_after_insert;

CREATE TRIGGER search_version_after_insert AFTER INSERT ON articles BEGIN
    UPDATE search_version SET version = version + 1;
END;

CREATE TRIGGER search_version_after_delete AFTER DELETE ON articles BEGIN
    UPDATE search_version SET version = version + 1;
END;

CREATE TRIGGER search_version_after_update
AFTER UPDATE OF title, excerpt, content_text, status, published_at, category_id ON articles BEGIN
    UPDATE search_version SET version = version + 1;
END;

DROP TRIGGER articles_fts_after_update;
DROP TRIGGER articles_fts_after_delete;
DROP TRIGGER articles_fts_after_insert;
DROP TABLE articles_fts;
DROP TABLE search_bulk_load;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title,
    excerpt,
    content_text,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);

CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, excerpt, content_text)
    VALUES (new.id, new.title, new.excerpt, new.content_text);
END;

CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, excerpt, content_text)
    VALUES ('delete', old.id, old.title, old.excerpt, old.content_text);
END;

CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, excerpt, content_text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, excerpt, content_text)
    VALUES ('delete', old.id, old.title, old.excerpt, old.content_text);
    INSERT INTO articles_fts (rowid, title, excerpt, content_text)
    VALUES (new.id, new.title, new.excerpt, new.content_text);
END;

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

ALTER TABLE articles DROP COLUMN search_status;
