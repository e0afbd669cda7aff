-- Marks are the largest table: their source identity lives on the row itself rather than in identity_map,
-- so a synced mark costs one write, not two. (source_system, source_key) is to marks what identity_map is to
-- everything else.
ALTER TABLE mark ADD COLUMN source_system text NOT NULL DEFAULT 'unknown';
ALTER TABLE mark ADD COLUMN source_key text NOT NULL DEFAULT gen_random_uuid()::text;
ALTER TABLE mark ALTER COLUMN source_system DROP DEFAULT;
ALTER TABLE mark ALTER COLUMN source_key DROP DEFAULT;
ALTER TABLE mark ADD CONSTRAINT mark_source_identity UNIQUE (source_system, source_key);
