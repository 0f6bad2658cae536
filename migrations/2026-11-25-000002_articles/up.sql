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
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX articles_status_published_at ON articles (status, published_at, id);
CREATE INDEX articles_category_published_at ON articles (category_id, status, published_at, id);
CREATE INDEX articles_author_published_at ON articles (author_id, status, published_at, id);
CREATE INDEX articles_featured_published_at ON articles (featured, status, published_at, id);
