-- E-mails the gateway owes people (a teacher's invitation link, 000), written in the transaction of what they
-- announce and delivered by a job: a relay that is down delays a mail, never loses it or the invitation.
CREATE TABLE mail_outbox (
    id bigserial PRIMARY KEY,
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    -- What the mail is about, for the operator who looks for it (e.g. 'invitation:<id>').
    about text NOT NULL,
    -- The school it concerns: whose operators see it when it does not go out.
    school_id uuid REFERENCES school ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    sent_at timestamptz,
    last_error text
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';
-- The overview lists the mails that did not go out; it must not read every mail ever sent to find them.
CREATE INDEX mail_outbox_problems ON mail_outbox (created_at) WHERE status = 'failed' OR (status = 'pending' AND attempts > 0);
