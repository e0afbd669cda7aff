-- The change feed reads deletions of every kind in version order, page by page; the kind-first index could not
-- give that order, so each page sorted every tombstone ever written (they are kept for good).
CREATE INDEX tombstone_change_version ON tombstone (change_version);
