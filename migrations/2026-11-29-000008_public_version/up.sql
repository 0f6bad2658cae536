-- The public content version: it moves when, and only when, something the public can see
-- changes, so that caches of public responses stay valid through drafts, pending comments
-- and view counts. Counted here, in the write's own transaction, so that every process
-- sharing the database reads the same number. A scheduled article coming due is a matter
-- of time, not of a write: readers of the version also watch the next due date.
CREATE TABLE public_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO public_version (id, version) VALUES (1, 0);

-- Articles: any change to a published one (before or after), except a view flush, which
-- only moves `view_count` (counters may lag; see COUNTERS_MAX_LAG_SECONDS).
CREATE TRIGGER public_version_article_insert AFTER INSERT ON articles
WHEN NEW.status = 'published'
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_article_update AFTER UPDATE ON articles
WHEN (OLD.status = 'published' OR NEW.status = 'published')
    AND OLD.view_count IS NEW.view_count
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_article_delete AFTER DELETE ON articles
WHEN OLD.status = 'published'
BEGIN UPDATE public_version SET version = version + 1; END;

-- Categories are all public.
CREATE TRIGGER public_version_category_insert AFTER INSERT ON categories
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_category_update AFTER UPDATE ON categories
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_category_delete AFTER DELETE ON categories
BEGIN UPDATE public_version SET version = version + 1; END;

-- Users are public as authors: their names, slugs, bios and avatars, not their emails,
-- passwords or tokens.
CREATE TRIGGER public_version_user_insert AFTER INSERT ON users
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_user_update AFTER UPDATE ON users
WHEN OLD.display_name IS NOT NEW.display_name OR OLD.slug IS NOT NEW.slug
    OR OLD.bio IS NOT NEW.bio OR OLD.avatar_url IS NOT NEW.avatar_url
    OR OLD.role IS NOT NEW.role
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_user_delete AFTER DELETE ON users
BEGIN UPDATE public_version SET version = version + 1; END;

-- Comments: only approved ones are public (their counts move the article too).
CREATE TRIGGER public_version_comment_insert AFTER INSERT ON comments
WHEN NEW.status = 'approved'
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_comment_update AFTER UPDATE ON comments
WHEN OLD.status = 'approved' OR NEW.status = 'approved'
BEGIN UPDATE public_version SET version = version + 1; END;

CREATE TRIGGER public_version_comment_delete AFTER DELETE ON comments
WHEN OLD.status = 'approved'
BEGIN UPDATE public_version SET version = version + 1; END;
