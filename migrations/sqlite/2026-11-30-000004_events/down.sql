DROP INDEX articles_unannounced;
ALTER TABLE articles DROP COLUMN announced_at;
DROP TABLE events;
