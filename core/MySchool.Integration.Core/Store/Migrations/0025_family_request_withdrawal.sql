-- A family may withdraw a request while it waits; the school then no longer decides it.
ALTER TABLE family_request DROP CONSTRAINT family_request_status_check;
ALTER TABLE family_request ADD CONSTRAINT family_request_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn'));
