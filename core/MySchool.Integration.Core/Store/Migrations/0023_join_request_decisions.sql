-- A held «Сферум» join request is decided by the school's administrator (issue 18): approved, or rejected with a
-- reason that reaches the platform. Who decided is kept beside when.
ALTER TABLE join_request DROP CONSTRAINT join_request_status_check;
ALTER TABLE join_request ADD CONSTRAINT join_request_status_check CHECK (status IN ('approved', 'held', 'rejected'));
ALTER TABLE join_request ADD COLUMN decided_by text;
