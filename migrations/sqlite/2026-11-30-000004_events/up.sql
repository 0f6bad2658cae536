-- What happened, for everyone outside who listens (src/events): webhooks and the live
-- stream. Written in the transaction of the change it tells about, so that nothing is told
-- that was rolled back and nothing committed goes untold (the outbox). Ids only grow, in
-- commit order (writers take turns), so a reader resumes after the last id it saw.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    -- The payload, JSON: what the event's receivers get as `data`.
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_created_at ON events (created_at);

-- When the public was told an article is out (`article.published`); NULL while it is not
-- public. A scheduled article comes due without a write: the one instance that sets this
-- first tells about it, once.
ALTER TABLE articles ADD COLUMN announced_at TIMESTAMP;
UPDATE articles SET announced_at = published_at
WHERE status = 'published' AND published_at <= datetime('now');
CREATE INDEX articles_unannounced ON articles (published_at)
WHERE status = 'published' AND announced_at IS NULL;
