-- A run that failed, in its plan or in a school, because something was unavailable for a while (the source, the
-- database, an answer in time) is retried by itself after a pause; one that failed only on configuration or data
-- waits for an operator. Failed runs are looked up by when they ended, over the last day.
ALTER TABLE sync_run ADD COLUMN failed_transiently boolean NOT NULL DEFAULT false;
CREATE INDEX sync_run_failed_transiently ON sync_run (finished_at) WHERE status = 'failed' AND failed_transiently;
-- A run's page links the runs that retried it.
CREATE INDEX sync_run_retries ON sync_run (retry_of) WHERE retry_of IS NOT NULL;
