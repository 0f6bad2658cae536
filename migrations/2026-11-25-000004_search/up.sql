-- Full-text search over articles (SQLite FTS5; the Rust side is src/search/fts.rs).
--
-- An external-content index: it stores only the index, and reads the text back from
-- `articles` (for snippets). It indexes the title, the excerpt and `content_text` (the
-- content without HTML tags), folds case and diacritics ("zurich" finds "Zürich"), and
-- keeps prefix indexes of two and three characters so that a search box's first keystrokes
-- ("mo", "mon") stay cheap.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title,
    excerpt,
    content_text,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- Segments of the index are merged sixteen at a time rather than four: bulk loads such as
-- `seed --demo` (100,000 articles) write much less, and searches are no slower.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);

-- Kept in step by triggers, so every write is indexed in its own transaction. Updates
-- re-index only when an indexed column changes: view and comment counters never touch it.
-- Whether an article may be found (status, published_at) is decided at query time.
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

-- Index the articles written before this migration.
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

-- Which matches the public may see, and their category, read from a small index instead of
-- the article rows, whose visibility columns sit behind the long content columns.
CREATE INDEX articles_search_visibility ON articles (id, status, published_at, category_id);

-- A number that moves, in the same transaction, whenever what a search can find changes: an
-- article is written or deleted, or its text, status, date or category changes (view and
-- comment counters do not move it). Remembered search results are valid while it stays put.
CREATE TABLE search_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO search_version (id, version) VALUES (1, 0);

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
