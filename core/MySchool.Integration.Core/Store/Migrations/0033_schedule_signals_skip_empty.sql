-- A statement that changed no row signals nothing, but the schedule signals (0031) still built and ran their dynamic
-- query for it: a repeat sync, whose upserts and deletions mostly touch nothing, spent 343 ms of PostgreSQL's time
-- in 457 such calls (issue 17). An empty statement now returns before any of it. Every signal trigger names its
-- statement's rows "changed" (the new rows of an insert or update, the old rows of a delete).
CREATE OR REPLACE FUNCTION signal_schedule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_rows text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('schedule_changed', '*');
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT FROM changed) THEN
        RETURN NULL;
    END IF;
    -- TG_ARGV[0] selects the keys from %s: the statement's rows (before and after, for an update); a query that
    -- reads them twice names them twice.
    statement_rows := CASE TG_OP WHEN 'UPDATE' THEN '(SELECT * FROM changed UNION ALL SELECT * FROM changed_before)' ELSE 'changed' END;
    EXECUTE format('SELECT count(pg_notify(''schedule_changed'', payload)) FROM (
                        SELECT string_agg(key, '' '') AS payload
                        FROM (SELECT key, sum(length(key) + 1) OVER (ROWS UNBOUNDED PRECEDING) / 7800 AS chunk FROM (%s) AS keys(key)) k
                        GROUP BY chunk) p', format(TG_ARGV[0], statement_rows, statement_rows));
    RETURN NULL;
END $$;
