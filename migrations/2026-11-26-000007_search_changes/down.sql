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

DROP TRIGGER search_changes_forget_old;
DROP TABLE search_changes;
