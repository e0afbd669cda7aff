-- The exchange's own bookkeeping: identities, cursors, runs, quarantine, audit, pushed batches.

-- Every source record reaches its federal row through here, so a re-sync is an update, never a duplicate.
CREATE TABLE identity_map (
    source_system text NOT NULL,
    kind text NOT NULL,
    source_id text NOT NULL,
    federal_id uuid NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_system, kind, source_id)
);
CREATE INDEX identity_map_federal_id ON identity_map (federal_id);

-- Written in the same transaction as the data it covers (checkpoint after commit).
CREATE TABLE sync_cursor (
    source_system text NOT NULL,
    scope text NOT NULL,
    cursor text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_system, scope)
);

CREATE TABLE sync_run (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_system text NOT NULL,
    scope text NOT NULL,
    mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
    status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'held')),
    queued_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    read_count bigint NOT NULL DEFAULT 0,
    inserted_count bigint NOT NULL DEFAULT 0,
    updated_count bigint NOT NULL DEFAULT 0,
    deleted_count bigint NOT NULL DEFAULT 0,
    quarantined_count bigint NOT NULL DEFAULT 0,
    -- Share done, 0..1, while the run goes.
    progress real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    error text,
    -- Deletions over the safety brake's threshold, waiting for an operator.
    held_deletions jsonb
);
CREATE INDEX sync_run_scope ON sync_run (source_system, scope, id DESC);

CREATE TABLE quarantine (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_system text NOT NULL,
    scope text NOT NULL,
    kind text NOT NULL,
    source_id text,
    -- As received, even when it is not valid JSON.
    raw_payload text NOT NULL,
    reason_code text NOT NULL,
    reason text NOT NULL,
    sync_run_id bigint REFERENCES sync_run,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    occurrences integer NOT NULL DEFAULT 1,
    resolved_at timestamptz
);
CREATE UNIQUE INDEX quarantine_open_record ON quarantine (source_system, kind, source_id, reason_code)
    WHERE resolved_at IS NULL;
CREATE INDEX quarantine_scope ON quarantine (source_system, scope) WHERE resolved_at IS NULL;

-- Significant events (003 §5с): who did what, when, to which scope.
CREATE TABLE audit_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    scope text,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_event_time ON audit_event (occurred_at DESC);

-- A repeated push of the same idempotency key is answered from here, not applied again (СМЭВ 3).
CREATE TABLE push_batch (
    client_id text NOT NULL,
    idempotency_key text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    response jsonb NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);
