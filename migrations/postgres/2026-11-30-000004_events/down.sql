DROP INDEX articles_unannounced;
ALTER TABLE articles DROP COLUMN announced_at;
DROP TRIGGER events_insert ON events;
DROP FUNCTION events_notify();
DROP TABLE events;
