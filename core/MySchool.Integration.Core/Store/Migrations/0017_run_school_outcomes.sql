-- Each school's outcome in a run, once. A school job run twice (its process killed after recording, Hangfire
-- running it again) adds nothing the second time; a retry of a run reads only the schools that did not succeed.
CREATE TABLE sync_run_school (
    run_id bigint NOT NULL REFERENCES sync_run ON DELETE CASCADE,
    school_source_id text NOT NULL,
    succeeded boolean NOT NULL,
    error text,
    finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, school_source_id)
);
