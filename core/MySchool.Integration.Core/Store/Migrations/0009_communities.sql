-- School communities on a platform («Сферум»): which platform class stands for each of our classes, what
-- membership was last sent, and the join requests seen with what was decided and why.

CREATE TABLE community_class (
    class_id uuid PRIMARY KEY REFERENCES class ON DELETE CASCADE,
    platform text NOT NULL,
    platform_class_id text NOT NULL,
    chat_id text,
    -- A hash of the member list last sent: an unchanged class is not sent again.
    members_hash text,
    synced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE join_request (
    platform text NOT NULL,
    request_id text NOT NULL,
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    role text NOT NULL,
    class_name text NOT NULL,
    last_name text NOT NULL,
    first_name text NOT NULL,
    middle_name text,
    birth_date date,
    platform_user_id text,
    status text NOT NULL CHECK (status IN ('approved', 'held')),
    reason_code text,
    reason text,
    person_id uuid REFERENCES person,
    seen_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    PRIMARY KEY (platform, request_id)
);
CREATE INDEX join_request_school ON join_request (school_id, status);
