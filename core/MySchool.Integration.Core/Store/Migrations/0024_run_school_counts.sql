-- Each school's own counts and time within a run: the run page's per-school table. Rows written before this
-- migration keep zeros and no start.
ALTER TABLE sync_run_school
    ADD COLUMN started_at timestamptz,
    ADD COLUMN read_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN inserted_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN updated_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN deleted_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN quarantined_count bigint NOT NULL DEFAULT 0;
