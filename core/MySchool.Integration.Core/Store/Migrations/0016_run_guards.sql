-- One run per scope at a time: a scheduled start that meets a run of its region still going is recorded as
-- skipped (an operator's start is refused with that run's id instead); an operator may cancel a run (the school
-- being written commits or rolls back whole, the others are not started). Active runs are found by region quickly.
ALTER TABLE sync_run DROP CONSTRAINT sync_run_status_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'held', 'skipped', 'cancelled'));
CREATE INDEX sync_run_active ON sync_run (source_system, (split_part(scope, '/', 1))) WHERE status IN ('queued', 'running');

-- The watchdog: when a run last moved (started, planned, a school done), and the run an interrupted one was
-- queued again as (once: a run that is itself a retry is not retried).
ALTER TABLE sync_run ADD COLUMN last_activity_at timestamptz;
ALTER TABLE sync_run ADD COLUMN retry_of bigint REFERENCES sync_run;
