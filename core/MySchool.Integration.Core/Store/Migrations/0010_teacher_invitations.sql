-- Teachers never self-register (000): the school admin invites them; the e-mailed link is valid for 24 hours,
-- accepted by logging in through ESIA, and expired by a scheduled job when unused.
CREATE TABLE teacher_invitation (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    person_id uuid NOT NULL REFERENCES person,
    email text NOT NULL,
    -- Only the token's hash is kept: the link itself lives in the teacher's mailbox.
    token_hash bytea NOT NULL UNIQUE,
    invited_by text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('sent', 'accepted', 'expired')),
    accepted_at timestamptz,
    esia_oid bigint
);
CREATE INDEX teacher_invitation_due ON teacher_invitation (expires_at) WHERE status = 'sent';
