-- Who runs what (issue 18, seeds 002 and 003): federal operators, regional coordinators, municipal coordinators and
-- school administrators, each appointed by someone at some time. A revoked appointment stays, with who revoked it
-- and when; only open ones grant anything. Configuration seeds the federal operators and the first regional
-- coordinators (appointed_by 'configuration'); everyone else is appointed in the dashboard.
CREATE TABLE appointment (
    id bigserial PRIMARY KEY,
    esia_oid bigint NOT NULL,
    full_name text NOT NULL,
    role text NOT NULL CHECK (role IN ('federal', 'regional', 'municipal', 'school')),
    region_code text,
    municipality_id uuid REFERENCES municipality ON DELETE CASCADE,
    school_id uuid REFERENCES school ON DELETE CASCADE,
    appointed_by text NOT NULL,
    appointed_at timestamptz NOT NULL DEFAULT now(),
    revoked_by text,
    revoked_at timestamptz,
    -- Each role names exactly its own scope.
    CHECK (CASE role
        WHEN 'federal' THEN region_code IS NULL AND municipality_id IS NULL AND school_id IS NULL
        WHEN 'regional' THEN region_code IS NOT NULL AND municipality_id IS NULL AND school_id IS NULL
        WHEN 'municipal' THEN region_code IS NOT NULL AND municipality_id IS NOT NULL AND school_id IS NULL
        ELSE region_code IS NOT NULL AND municipality_id IS NULL AND school_id IS NOT NULL END),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- One open appointment per person and scope.
CREATE UNIQUE INDEX appointment_open ON appointment (esia_oid, role, coalesce(region_code, ''), coalesce(municipality_id, '00000000-0000-0000-0000-000000000000'), coalesce(school_id, '00000000-0000-0000-0000-000000000000'))
    WHERE revoked_at IS NULL;
