-- Refresh token families (OAuth 2.0 Security BCP, refresh token rotation): every token a
-- login's refresh token is traded for, and the tokens those are traded for, share its
-- family. A used token is kept (used_at set) until it expires, so that presenting it again
-- is seen as what it is, a copy in a second pair of hands, and revokes the whole family:
-- a stolen refresh token is useless once either its thief or its owner uses it twice.
-- Tokens from before this migration each start a family of their own.
ALTER TABLE refresh_tokens ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN used_at TIMESTAMP;
UPDATE refresh_tokens SET family = token_hash;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
