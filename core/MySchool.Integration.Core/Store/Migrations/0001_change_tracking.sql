-- Change tracking shared by every table of the federal model (Ed-Fi change queries):
-- one global sequence, a change_version on every row, a tombstone for every delete.

CREATE SEQUENCE change_version_seq AS bigint;

-- Sets change_version on insert and on every real change; an update that changes nothing keeps it,
-- so a repeated identical sync never shows up in the federal change feed.
CREATE FUNCTION stamp_change_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.change_version := OLD.change_version;
        IF NEW IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    NEW.change_version := nextval('change_version_seq');
    RETURN NEW;
END $$;

CREATE TABLE tombstone (
    change_version bigint PRIMARY KEY DEFAULT nextval('change_version_seq'),
    kind text NOT NULL,
    federal_id uuid NOT NULL,
    -- The natural key of the deleted row, so a consumer that never saw our ids can still delete it.
    natural_key jsonb NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tombstone_kind_version ON tombstone (kind, change_version);

-- Trigger arguments: the kind written to the tombstone, then the natural key's column names.
CREATE FUNCTION write_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := to_jsonb(OLD);
BEGIN
    INSERT INTO tombstone (kind, federal_id, natural_key)
    SELECT TG_ARGV[0], OLD.id, jsonb_object_agg(k, old_row -> k)
    FROM unnest(TG_ARGV[1:]) AS k;
    RETURN OLD;
END $$;

-- Adds change_version, its index and both triggers to a model table.
CREATE FUNCTION track_changes(tbl regclass, kind text, VARIADIC natural_key text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ADD COLUMN change_version bigint NOT NULL DEFAULT 0', tbl);
    EXECUTE format('CREATE INDEX ON %s (change_version)', tbl);
    EXECUTE format('CREATE TRIGGER stamp_change_version BEFORE INSERT OR UPDATE ON %s
                    FOR EACH ROW EXECUTE FUNCTION stamp_change_version()', tbl);
    EXECUTE format('CREATE TRIGGER write_tombstone AFTER DELETE ON %s
                    FOR EACH ROW EXECUTE FUNCTION write_tombstone(%L, %s)',
                   tbl, kind, (SELECT string_agg(quote_literal(k), ', ') FROM unnest(natural_key) AS k));
END $$;
