-- The monthly reconciliation is recorded as a run whose counts are the differences it found (nothing written).
ALTER TABLE sync_run DROP CONSTRAINT sync_run_mode_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_mode_check CHECK (mode IN ('full', 'incremental', 'push', 'reconcile'));
