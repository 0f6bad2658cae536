-- Used tokens would work again without used_at: they go.
DELETE FROM refresh_tokens WHERE used_at IS NOT NULL;
DROP INDEX refresh_tokens_family;
ALTER TABLE refresh_tokens DROP COLUMN used_at;
ALTER TABLE refresh_tokens DROP COLUMN family;
