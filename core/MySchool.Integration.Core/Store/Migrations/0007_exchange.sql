-- The exchange endpoints: the token signing key every gateway process shares, pushes recorded as runs, and the
-- federal change feed as one view over every model table.

-- Tokens issued by one gateway process must validate on every other: the key lives with the data, created once.
CREATE TABLE signing_key (
    id smallint PRIMARY KEY CHECK (id = 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    rsa_pkcs8 bytea NOT NULL
);

-- A vendor's pushed batch is recorded like a sync run: the dashboard shows pushes and pulls alike.
ALTER TABLE sync_run DROP CONSTRAINT sync_run_mode_check;
ALTER TABLE sync_run ADD CONSTRAINT sync_run_mode_check CHECK (mode IN ('full', 'incremental', 'push'));

-- Which region a school is in, and which schools a person has a role in (student, teacher, guardian).
CREATE VIEW school_region AS
SELECT s.id AS school_id, r.code FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id;

CREATE VIEW person_school AS
SELECT e.student_id AS person_id, c.school_id FROM enrollment e JOIN class c ON c.id = e.class_id
UNION
SELECT person_id, school_id FROM staff
UNION
SELECT g.parent_id, c.school_id FROM guardianship g JOIN enrollment e ON e.student_id = g.student_id JOIN class c ON c.id = e.class_id;

-- Every model row with its change version and the regions it belongs to (a person belongs to every region
-- where they study, teach or are a guardian). The feed and the registries read it with
-- "change_version > $since ORDER BY change_version LIMIT n": each branch walks its own change_version index.
CREATE VIEW federal_row AS
SELECT 'region' AS kind, t.id, t.change_version, ARRAY[t.code] AS regions, to_jsonb(t) AS row FROM region t
UNION ALL
SELECT 'municipality', t.id, t.change_version, ARRAY[r.code], to_jsonb(t) FROM municipality t JOIN region r ON r.id = t.region_id
UNION ALL
SELECT 'school', t.id, t.change_version, ARRAY[r.code], to_jsonb(t)
FROM school t JOIN municipality m ON m.id = t.municipality_id JOIN region r ON r.id = m.region_id
UNION ALL
SELECT 'academic_year', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t) FROM academic_year t JOIN school_region sr ON sr.school_id = t.school_id
UNION ALL
SELECT 'period', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM period t JOIN academic_year y ON y.id = t.academic_year_id JOIN school_region sr ON sr.school_id = y.school_id
UNION ALL
SELECT 'holiday', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM holiday t JOIN academic_year y ON y.id = t.academic_year_id JOIN school_region sr ON sr.school_id = y.school_id
UNION ALL
SELECT 'grade_level', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM grade_level t JOIN academic_year y ON y.id = t.academic_year_id JOIN school_region sr ON sr.school_id = y.school_id
UNION ALL
SELECT 'class', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t) FROM class t JOIN school_region sr ON sr.school_id = t.school_id
UNION ALL
SELECT 'class_group', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM class_group t JOIN class c ON c.id = t.class_id JOIN school_region sr ON sr.school_id = c.school_id
UNION ALL
SELECT 'person', t.id, t.change_version,
       ARRAY(SELECT DISTINCT sr.code FROM person_school ps JOIN school_region sr ON sr.school_id = ps.school_id WHERE ps.person_id = t.id),
       to_jsonb(t) - 'search_name'
FROM person t
UNION ALL
SELECT 'enrollment', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM enrollment t JOIN class c ON c.id = t.class_id JOIN school_region sr ON sr.school_id = c.school_id
UNION ALL
SELECT 'guardianship', t.id, t.change_version,
       ARRAY(SELECT DISTINCT sr.code FROM person_school ps JOIN school_region sr ON sr.school_id = ps.school_id WHERE ps.person_id = t.student_id),
       to_jsonb(t)
FROM guardianship t
UNION ALL
SELECT 'staff', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t) FROM staff t JOIN school_region sr ON sr.school_id = t.school_id
UNION ALL
SELECT 'subject', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t) FROM subject t JOIN school_region sr ON sr.school_id = t.school_id
UNION ALL
SELECT 'lesson', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM lesson t JOIN class c ON c.id = t.class_id JOIN school_region sr ON sr.school_id = c.school_id
UNION ALL
SELECT 'homework', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM homework t JOIN lesson l ON l.id = t.lesson_id JOIN class c ON c.id = l.class_id JOIN school_region sr ON sr.school_id = c.school_id
UNION ALL
SELECT 'mark', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM mark t JOIN subject s ON s.id = t.subject_id JOIN school_region sr ON sr.school_id = s.school_id
UNION ALL
SELECT 'attendance', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM attendance t JOIN lesson l ON l.id = t.lesson_id JOIN class c ON c.id = l.class_id JOIN school_region sr ON sr.school_id = c.school_id
UNION ALL
SELECT 'event', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t) FROM event t JOIN school_region sr ON sr.school_id = t.school_id;
