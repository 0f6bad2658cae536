-- The search version as 2026-11-26-000007_search_changes left it (its count starts again
-- from zero, which only ever made remembered searches stale), and the log of changes.
CREATE TABLE search_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO search_version (id, version) VALUES (1, 0);

-- Which article moved the search version, version by version, so that a remembered search
-- the change cannot have touched is kept (src/search/queries.rs): publishing one article
-- no longer empties the cache of every reader's searches, only of those it matches.
--
-- Only the latest 1,024 changes are kept: a search remembered from before them is searched
-- again. A bulk load (`seed --demo`) moves the version without logging its articles, and
-- a gap in the log means the same.
CREATE TABLE search_changes (
    version INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL
);

CREATE TRIGGER search_changes_forget_old AFTER INSERT ON search_changes BEGIN
    DELETE FROM search_changes WHERE version <= new.version - 1024;
END;


CREATE TRIGGER search_version_after_insert AFTER INSERT ON articles
WHEN new.status = 'published' BEGIN
    UPDATE search_version SET version = version + 1;
    INSERT INTO search_changes (version, article_id)
    SELECT version, new.id FROM search_version WHERE (SELECT active FROM search_bulk_load) = 0;
END;

CREATE TRIGGER search_version_after_delete AFTER DELETE ON articles
WHEN old.status = 'published' BEGIN
    UPDATE search_version SET version = version + 1;
    INSERT INTO search_changes (version, article_id) SELECT version, old.id FROM search_version;
END;

CREATE TRIGGER search_version_after_update
AFTER UPDATE OF title, excerpt, content_text, status, published_at, category_id ON articles
WHEN old.status = 'published' OR new.status = 'published' BEGIN
    UPDATE search_version SET version = version + 1;
    INSERT INTO search_changes (version, article_id) SELECT version, new.id FROM search_version;
END;
