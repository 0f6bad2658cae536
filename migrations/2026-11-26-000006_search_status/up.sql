-- The search index gains each article's status as a fourth column (SQLite FTS5; the Rust
-- side is src/search/fts.rs). Counting the public matches of a broad search ("gr", the
-- first letters typed in a search box, matches nearly every article) then reads only the
-- index: `... AND status : published`, instead of looking up every match's row. Searches
-- for what readers type are confined to the three text columns, so no word they type
-- matches a status.
DROP TRIGGER articles_fts_after_update;
DROP TRIGGER articles_fts_after_delete;
DROP TRIGGER articles_fts_after_insert;
DROP TABLE articles_fts;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title,
    excerpt,
    content_text,
    status,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);

CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, excerpt, content_text, status)
    VALUES (new.id, new.title, new.excerpt, new.content_text, new.status);
END;

CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, excerpt, content_text, status)
    VALUES ('delete', old.id, old.title, old.excerpt, old.content_text, old.status);
END;

CREATE TRIGGER articles_fts_after_update
AFTER UPDATE OF title, excerpt, content_text, status ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, excerpt, content_text, status)
    VALUES ('delete', old.id, old.title, old.excerpt, old.content_text, old.status);
    INSERT INTO articles_fts (rowid, title, excerpt, content_text, status)
    VALUES (new.id, new.title, new.excerpt, new.content_text, new.status);
END;

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
