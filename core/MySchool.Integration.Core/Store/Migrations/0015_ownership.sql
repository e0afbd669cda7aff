-- Who may write what (Ed-Fi's ownership-based authorization). Plumbing, not federal model: ownership is the
-- gateway's bookkeeping, so changing it moves no change version and the federal feed never names a source.

-- A school is written by the source that registered it, or one a federal operator assigned; it stays in the
-- region it was registered in until a federal operator moves it.
CREATE TABLE school_owner (
    school_id uuid PRIMARY KEY REFERENCES school ON DELETE CASCADE,
    source_system text NOT NULL,
    -- Null when the source registered the school itself; else the operator who assigned or moved it.
    assigned_by text,
    assigned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX school_owner_source ON school_owner (source_system);

-- A person's name, birth date and gender are written by one source: the one holding the student's open
-- enrollment, or the one that first listed a parent or teacher. Two sources that disagree never move them back
-- and forth.
CREATE TABLE person_owner (
    person_id uuid PRIMARY KEY REFERENCES person ON DELETE CASCADE,
    source_system text NOT NULL
);

-- Rows written before ownership existed belong to the source that mapped them first.
INSERT INTO school_owner (school_id, source_system)
SELECT DISTINCT ON (m.federal_id) m.federal_id, m.source_system FROM identity_map m JOIN school s ON s.id = m.federal_id
WHERE m.kind = 'school' ORDER BY m.federal_id, m.first_seen, m.source_system;

INSERT INTO person_owner (person_id, source_system)
SELECT DISTINCT ON (m.federal_id) m.federal_id, m.source_system FROM identity_map m JOIN person p ON p.id = m.federal_id
WHERE m.kind IN ('student', 'parent', 'teacher') ORDER BY m.federal_id, m.first_seen, m.source_system;
