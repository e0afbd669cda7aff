-- The schedule signals (0030) built their payloads in a plpgsql loop, a string concatenation for every key: a full
-- sync's 135,000 person keys cost PostgreSQL about 4 s of statement time. One query now cuts the statement's keys
-- into payloads and sends them: the same keys, the same channel, each payload under NOTIFY's 8,000 bytes (a chunk
-- holds keys up to 7,800 bytes from its start, and a key is a letter and an id or a region's code).
CREATE OR REPLACE FUNCTION signal_schedule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_rows text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('schedule_changed', '*');
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
