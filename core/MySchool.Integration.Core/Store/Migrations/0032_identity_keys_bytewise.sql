-- A source's identifiers are opaque: they are compared byte for byte, never sorted for a reader. Under the database's
-- ICU ru-RU collation every comparison in the identity map's key was a collation call; a sync resolves every person,
-- class and school through that key, twice a person on a first load (looked up, then inserted). Equality is the same
-- under both (ICU ru-RU is deterministic), so no key changes meaning; the key's index is rebuilt.
ALTER TABLE identity_map
    ALTER COLUMN source_system TYPE text COLLATE "C",
    ALTER COLUMN kind TYPE text COLLATE "C",
    ALTER COLUMN source_id TYPE text COLLATE "C";
