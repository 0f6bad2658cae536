-- Search results are no longer remembered by the server: repeated searches are served by
-- the response cache in front of public reads (src/http/cache.rs, keyed on the public
-- content version of 2026-11-29-000008_public_version). Nothing reads the search version
-- or the log of which article moved it any more: both go, with their triggers.
DROP TRIGGER search_version_after_insert;
DROP TRIGGER search_version_after_delete;
DROP TRIGGER search_version_after_update;
DROP TRIGGER search_changes_forget_old;
DROP TABLE search_changes;
DROP TABLE search_version;
