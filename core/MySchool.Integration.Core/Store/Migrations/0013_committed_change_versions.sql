-- Change versions come from a sequence at write time, but rows become visible at commit: a long transaction can
-- commit version 100 after a short one committed 101. A consumer that read up to 101 would then never see 100.
-- So the feed serves only versions below which nothing can still commit (Debezium and Ed-Fi face the same gap).
--
-- A watermark is the sequence's value L read first, then the transaction ids running in this database R. Every
-- writer takes its transaction id before its first version (below), so a transaction holding a version <= L had
-- its id before R was read: it is in R or already ended. Once every transaction of R has ended, nothing can commit
-- a version <= L: L is safe to serve. Only this database's transactions count, not a whole cluster's: a long
-- transaction in another database sharing the cluster does not hold the feed back. (pg_stat_activity shows every
-- session's backend_xid to any role, so the gateway needs no extra privilege for this.)

CREATE OR REPLACE FUNCTION stamp_change_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.change_version := OLD.change_version;
        IF NEW IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    -- The transaction id before the version: the order the watermark relies on.
    PERFORM pg_current_xact_id();
    NEW.change_version := nextval('change_version_seq');
    RETURN NEW;
END $$;

CREATE TABLE change_watermark (
    version bigint NOT NULL,
    running xid[] NOT NULL,
    taken_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_watermark_version ON change_watermark (version);
