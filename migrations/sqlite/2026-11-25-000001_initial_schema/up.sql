-- The whole SQLite schema. Later changes go in migrations of their own next to this one.

-- Users, their refresh tokens and categories.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),
    bio TEXT,
    avatar_url TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Access tokens carry this version (their `ver` claim); a new password or a new role
    -- moves it on, so every access token issued before stops working at once instead of
    -- living out its 15 minutes with the old password's or role's rights.
    token_version INTEGER NOT NULL DEFAULT 0
);

-- Refresh token families (OAuth 2.0 Security BCP, refresh token rotation): every token a
-- login's refresh token is traded for, and the tokens those are traded for, share its
-- family. A used token is kept (used_at set) until it expires, so that presenting it again
-- is seen as what it is, a copy in a second pair of hands, and revokes the whole family:
-- a stolen refresh token is useless once either its thief or its owner uses it twice.
CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    family TEXT NOT NULL DEFAULT '',
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT,
    parent_id INTEGER REFERENCES categories (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX categories_parent_id ON categories (parent_id);
CREATE INDEX categories_name ON categories (name);

-- Articles. Counters live on the row so that lists never aggregate.
CREATE TABLE articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    excerpt TEXT NOT NULL,
    content TEXT NOT NULL,
    content_format TEXT NOT NULL CHECK (content_format IN ('html', 'markdown')),
    content_html TEXT NOT NULL,
    -- The readable text of content_html, without tags: what search indexes.
    content_text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    published_at TIMESTAMP,
    featured BOOLEAN NOT NULL DEFAULT 0,
    comments_open BOOLEAN NOT NULL DEFAULT 1,
    featured_image_url TEXT,
    featured_image_alt TEXT,
    featured_image_caption TEXT,
    category_id INTEGER REFERENCES categories (id) ON DELETE RESTRICT,
    author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    reading_time_minutes INTEGER NOT NULL DEFAULT 1,
    view_count BIGINT NOT NULL DEFAULT 0,
    comment_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- The status as the search index's fourth column (see articles_fts below): one word
    -- that starts with a private-use character (U+E002). A reader's words are letters and
    -- digits only, so none of them ever matches it, and the words need no column filter
    -- (which would make every search slower).
    search_status TEXT
        GENERATED ALWAYS AS (char(57346) || status) VIRTUAL
);
CREATE INDEX articles_status_published_at ON articles (status, published_at, id);
CREATE INDEX articles_category_published_at ON articles (category_id, status, published_at, id);
CREATE INDEX articles_author_published_at ON articles (author_id, status, published_at, id);
CREATE INDEX articles_featured_published_at ON articles (featured, status, published_at, id);

-- Comments: the "Leave a Reply" form, threaded, with a moderation status.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    author_email TEXT NOT NULL,
    author_url TEXT,
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    author_ip TEXT NOT NULL,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX comments_article_status_created ON comments (article_id, status, created_at, id);
CREATE INDEX comments_status_created ON comments (status, created_at, id);
CREATE INDEX comments_parent_status ON comments (parent_id, status);

-- Full-text search over articles (SQLite FTS5; the Rust side is src/search/fts.rs).
--
-- An external-content index: it stores only the index, and reads the text back from
-- `articles`. It indexes the title, the excerpt and `content_text` (the content without
-- HTML tags), and folds case and diacritics ("zurich" finds "Zürich"). Its fourth column,
-- `search_status`, lets the public matches of a broad search ("gr", the first letters typed
-- in a search box, matches nearly every article) be counted from the index alone, instead
-- of looking up every match's row.
--
-- Prefix indexes hold the first three, four and five letters of every word: a search box
-- sends the last word as a prefix from three letters on, and without them a prefix of four
-- ("fund") merges the lists of every word it begins at each query, several times slower.
-- Six letters and more begin few enough words.
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
-- Segments of the index are merged sixteen at a time rather than four: bulk loads such as
-- `seed --demo` (100,000 articles) write much less, and searches are no slower.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);

-- Which matches the public may see, and their category, read from a small index instead of
-- the article rows, whose visibility columns sit behind the long content columns.
CREATE INDEX articles_search_visibility ON articles (id, status, published_at, category_id);

-- A bulk load (`seed --demo`) indexes its articles all at once at its end, twice as fast
-- as row by row: inside its one transaction `search_bulk_load.active` is 1, so new
-- articles skip the insert trigger, and the load rebuilds the index and sets it back to 0
-- before it commits. No committed state has it set.
CREATE TABLE search_bulk_load (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    active INTEGER NOT NULL CHECK (active IN (0, 1))
);
INSERT INTO search_bulk_load (id, active) VALUES (1, 0);

-- The index is kept in step by triggers, so every write is indexed in its own transaction.
-- Updates re-index only when an indexed column changes: view and comment counters never
-- touch it. Whether a published article is public yet (published_at) is decided at query
-- time.
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

-- The public content version (src/db/version.rs): it moves when, and only when, something
-- the public can see changes, so that caches of public responses stay valid through
-- drafts, pending comments and view counts. Counted here, in the write's own transaction,
-- so that every process sharing the database reads the same number. A scheduled article
-- coming due is a matter of time, not of a write: readers of the version also watch the
-- next due date.
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
