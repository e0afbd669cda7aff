-- Operators' sessions: the data-protection keys that sign cookies, shared by every gateway process, so a session
-- started on one process is valid on all of them.
CREATE TABLE data_protection_key (
    name text PRIMARY KEY,
    xml text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
