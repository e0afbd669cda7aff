-- Families' requests to join a school (004 §3.6): a parent's request becomes the two the school admin decides
-- (attach the legal representative; register and attach the student); a student over 14 sends their own.
-- Refusals (no child account, no such class, not the parent's child) are told to the applicant at once and
-- audited, never stored here. Approval links the registry person to the ESIA account.
CREATE TABLE family_request (
    id bigserial PRIMARY KEY,
    -- One submission: a parent's request is two rows sharing it.
    submission uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('representative', 'student')),
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    class_id uuid NOT NULL REFERENCES class ON DELETE CASCADE,
    applicant_oid bigint NOT NULL,
    -- The applicant's verified e-mail at ESIA, so the school can reach the family about the request.
    applicant_email text,
    -- Whom the request is about, as ESIA states it: 'oid:…' for an account holder, 'kid:…' for a child record.
    subject_key text NOT NULL,
    -- The account to attach; for a parent's child it is found by SNILS when the request is approved.
    account_oid bigint,
    last_name text NOT NULL,
    first_name text NOT NULL,
    middle_name text,
    birth_date date,
    snils char(11) CHECK (snils ~ '^\d{11}$'),
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    -- Why it still waits after an attempt to approve it, or why the admin rejected it.
    reason text,
    person_id uuid REFERENCES person,
    created_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by text
);
CREATE INDEX family_request_school ON family_request (school_id, status);
-- Sending the same request twice while it waits is one request.
CREATE UNIQUE INDEX family_request_once ON family_request (kind, class_id, applicant_oid, subject_key) WHERE status = 'pending';

-- Registry people looked up at ESIA by SNILS, so a person without an account is not asked about every night.
CREATE TABLE esia_lookup (
    person_id uuid PRIMARY KEY REFERENCES person ON DELETE CASCADE,
    checked_at timestamptz NOT NULL,
    found_oid bigint
);
