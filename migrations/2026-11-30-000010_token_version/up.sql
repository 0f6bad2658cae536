-- Access tokens carry the version of their user's tokens (the `ver` claim); a new password
-- or a new role moves it on, so every access token issued before stops working at once
-- instead of living out its 15 minutes with the old password's or role's rights. Tokens
-- issued before this migration have no `ver`, read as 0: they stay valid.
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
