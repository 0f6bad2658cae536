-- Webhooks (src/webhooks): endpoints that admins register, and the log of what was sent to
-- them. A delivery row is written in the transaction of the event it carries
-- (`events::record`), so nothing committed goes unsent, even across a crash: a delivery
-- stays pending until a send succeeded.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    -- The event kinds it wants, between commas and with one at each end
    -- (`,article.published,comment.created,`), or `,*,` for all: so that the INSERT …
    -- SELECT that fans an event out matches with one LIKE.
    events TEXT NOT NULL,
    -- `whsec_` + base64 of the key (Standard Webhooks); shown once, at creation.
    secret TEXT NOT NULL,
    description TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- No foreign key: events are pruned on their own schedule; the delivery keeps the body
    -- it sends (`payload`), so it never needs its event again.
    event_id BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    -- The JSON body, exactly as sent on every attempt.
    payload TEXT NOT NULL,
    -- pending, succeeded, failed
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- While an instance sends it: no other takes it before this passes (a crashed sender's
    -- lease expires and the delivery is due again).
    locked_until TIMESTAMP,
    response_status INTEGER,
    last_error TEXT,
    duration_ms BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_created_at ON webhook_deliveries (created_at);
