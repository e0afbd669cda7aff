-- A template file an operator uploaded: kept between its check and its application (any gateway of the cluster may
-- serve the next request), and for its per-row report. The outcome is the last check's or the application's.
CREATE TABLE import_upload (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_code text NOT NULL,
    template text NOT NULL,
    file_name text NOT NULL,
    content bytea NOT NULL,
    complete_roster boolean NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    outcome jsonb,
    applied_at timestamptz
);
CREATE INDEX import_upload_by ON import_upload (uploaded_by, uploaded_at DESC);
