-- The search index gains each article's status as a fourth column (SQLite FTS5; the Rust
-- side is src/search/fts.rs). Counting the public matches of a broad search ("gr", the
-- first letters typed in a search box, matches nearly every article) then reads only the
-- index, instead of looking up every match's row.
--
-- The status is indexed as one word that starts with a private-use character (U+E002):
-- a reader's words are letters and digits only, so none of them ever matches it, and the
-- words need no column filter (which would make every search slower).
--
-- Prefix indexes now hold the first three, four and five letters of every word: a search
-- box sends the last word as a prefix from three letters on, and without them a prefix of
-- four ("fund") merges the lists of every word it begins at each query, several times
-- slower. Six letters and more begin few enough words.
ALTER TABLE articles ADD COLUMN search_status TEXT
    GENERATED ALWAYS AS (char(57346) || status) VIRTUAL;

DROP TRIGGER articles_fts_after_update;
DROP TRIGGER articles_fts_after_delete;
DROP TRIGGER articles_fts_after_insert;
DROP TABLE articles_fts;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title,
    excerpt,
    content_text,
    search_status,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3 4 5'
);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);

-- A bulk load (`seed --demo`) indexes its articles all at once at its end, twice as fast
-- as row by row: inside its one transaction `search_bulk_load.active` is 1, so new
-- articles skip the insert trigger, and the load rebuilds the index and sets it back to 0
-- before it commits. No committed state has it set.
CREATE TABLE search_bulk_load (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    active INTEGER NOT NULL CHECK (active IN (0, 1))
);
INSERT INTO search_bulk_load (id, active) VALUES (1, 0);

CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles
WHEN (SELECT active FROM search_bulk_load) = 0 BEGIN
    INSERT INTO articles_fts (rowid, title, excerpt, content_text, search_status)
    VALUES (new.id, new.title, new.excerpt, new.content_text, new.search_status);
END;

CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, excerpt, content_text, search_status)
    VALUES ('delete', old.id, old.title, old.excerpt, old.content_text, old.search_status);
END;

CREATE TRIGGER articles_fts_after_update
AFTER UPDATE OF title, excerpt, content_text, status ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, excerpt, content_text, search_status)
    VALUES ('delete', old.id, old.title, old.excerpt, old.content_text, old.search_status);
    INSERT INTO articles_fts (rowid, title, excerpt, content_text, search_status)
    VALUES (new.id, new.title, new.excerpt, new.content_text, new.search_status);
END;

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

-- The search version (remembered search results are valid while it stays put) now moves
-- only for a change the public can see: the article is published, or was. An editor saving
-- a draft again and again no longer empties the cache of every reader's searches.
DROP TRIGGER search_version_after_insert;
DROP TRIGGER search_version_after_delete;
DROP TRIGGER search_version_after_update;

CREATE TRIGGER search_version_after_insert AFTER INSERT ON articles
WHEN new.status = 'published' BEGIN
    UPDATE search_version SET version = version + 1;
END;

CREATE TRIGGER search_version_after_delete AFTER DELETE ON articles
WHEN old.status = 'published' BEGIN
    UPDATE search_version SET version = version + 1;
END;

CREATE TRIGGER search_version_after_update
AFTER UPDATE OF title, excerpt, content_text, status, published_at, category_id ON articles
WHEN old.status = 'published' OR new.status = 'published' BEGIN
    UPDATE search_version SET version = version + 1;
END;
