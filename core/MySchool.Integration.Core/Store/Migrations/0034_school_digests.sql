-- A sync that finds its source saying what it said last time, about a school nobody has written since, has nothing
-- to compare (issue 17: a repeat sync read and compared 400,000 stored rows to write none). Two tables make that
-- knowable without reading the school:
--
-- school_digest: what a source last wrote into a school, as a digest of its checked snapshot, with the writing
-- transaction and the snapshot of the store its comparisons started from. Plumbing, not federal model.
--
-- school_touch: the schools each transaction wrote anything of, from statement-level triggers on every table a
-- school's write reads or writes (the writers, an operator's psql, a cascade, another school's write of a shared
-- person alike). A digest still holds while no transaction but its own, invisible to its snapshot, touched the
-- school: one such touch and the next sync compares as before.
CREATE TABLE school_digest (
    source_system text COLLATE "C" NOT NULL,
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    digest bytea NOT NULL,
    written_by xid8 NOT NULL,
    compared_in pg_snapshot NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_system, school_id)
);
CREATE INDEX school_digest_school ON school_digest (school_id);

-- A row per school and transaction; no foreign key, so that a school's own deletion is a touch too.
CREATE TABLE school_touch (
    school_id uuid NOT NULL,
    touched_by xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (school_id, touched_by)
);

-- TG_ARGV[0] selects the touched schools' ids from %s, the statement's rows (before and after, for an update); a
-- query that reads them more than once names them each time. An empty statement touches nothing, at once.
CREATE FUNCTION touch_schools() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_rows text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO school_touch (school_id) SELECT id FROM school ON CONFLICT DO NOTHING;
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT FROM changed) THEN
        RETURN NULL;
    END IF;
    statement_rows := CASE TG_OP WHEN 'UPDATE' THEN '(SELECT * FROM changed UNION ALL SELECT * FROM changed_before)' ELSE 'changed' END;
    EXECUTE format('INSERT INTO school_touch (school_id) SELECT DISTINCT school_id FROM (%s) AS touched(school_id) WHERE school_id IS NOT NULL ON CONFLICT DO NOTHING',
                   format(TG_ARGV[0], statement_rows, statement_rows, statement_rows));
    RETURN NULL;
END $$;

-- A table's touches: one query for every event, or another for an insert (on_insert; '' for none, when a new row
-- can concern no school that another row's touch does not already name).
CREATE FUNCTION touch_schools_on(tbl regclass, schools text, on_insert text DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF on_insert IS DISTINCT FROM '' THEN
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_schools(%L)', tbl || '_touch_insert', tbl, coalesce(on_insert, schools));
    END IF;
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_schools(%L)', tbl || '_touch_update', tbl, schools);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_schools(%L)', tbl || '_touch_delete', tbl, schools);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION touch_schools()', tbl || '_touch_truncate', tbl);
END $$;

-- The schools a person's write can change: where they are or were enrolled, work, or have a child enrolled. A school
-- that reads a person's standing (an open enrollment elsewhere) is one of these: the person is enrolled there.
CREATE FUNCTION schools_of_people(people uuid[]) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
    SELECT c.school_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE e.student_id = ANY(people)
    UNION SELECT s.school_id FROM staff s WHERE s.person_id = ANY(people)
    UNION SELECT c.school_id FROM guardianship g JOIN enrollment e ON e.student_id = g.student_id JOIN class c ON c.id = e.class_id WHERE g.parent_id = ANY(people)
$$;

-- The schools a student is or was enrolled in: the ones whose write reads the student's standing, guardians and
-- other sources' claims on them. One index probe a person, where schools_of_people takes three: a school's first
-- load inserts thousands of people, guardianships and identities (issue 17: three probes cost the full sync 4 s).
CREATE FUNCTION schools_of_students(students uuid[]) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
    SELECT c.school_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE e.student_id = ANY(students)
$$;

SELECT touch_schools_on('school', 'SELECT id FROM %s r');
SELECT touch_schools_on('school_owner', 'SELECT school_id FROM %s r');
SELECT touch_schools_on('municipality', 'SELECT s.id FROM %s r JOIN school s ON s.municipality_id = r.id');
SELECT touch_schools_on('region', 'SELECT s.id FROM %s r JOIN municipality m ON m.region_id = r.id JOIN school s ON s.municipality_id = m.id');
SELECT touch_schools_on('academic_year', 'SELECT school_id FROM %s r');
SELECT touch_schools_on('period', 'SELECT y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id');
SELECT touch_schools_on('holiday', 'SELECT y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id');
SELECT touch_schools_on('grade_level', 'SELECT y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id');
SELECT touch_schools_on('class', 'SELECT school_id FROM %s r');
SELECT touch_schools_on('subject', 'SELECT school_id FROM %s r');
SELECT touch_schools_on('class_group', 'SELECT c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id');
SELECT touch_schools_on('group_member', 'SELECT c.school_id FROM (SELECT DISTINCT group_id FROM %s r) r JOIN class_group g ON g.id = r.group_id JOIN class c ON c.id = g.class_id');
SELECT touch_schools_on('lesson', 'SELECT c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id');
SELECT touch_schools_on('homework', 'SELECT c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
SELECT touch_schools_on('mark', 'SELECT c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
SELECT touch_schools_on('attendance', 'SELECT c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
SELECT touch_schools_on('event', 'SELECT school_id FROM %s r');
-- A school reads its own staff only.
SELECT touch_schools_on('staff', 'SELECT school_id FROM %s r');
-- An enrollment moves its student's standing in every school they were enrolled in, not only its own class's.
SELECT touch_schools_on('enrollment', 'SELECT c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id
                                       UNION ALL SELECT schools_of_students(array_agg(DISTINCT student_id)) FROM %s r');
-- A school compares the guardianships of its own students.
SELECT touch_schools_on('guardianship', 'SELECT schools_of_students(array_agg(DISTINCT student_id)) FROM %s r');
-- A new person has no enrollment, job or child yet: whatever later ties them to a school touches it. A new owner row
-- needs the person's old one deleted first (every person a write keeps gets one), and that deletion touches.
SELECT touch_schools_on('person', 'SELECT schools_of_people(array_agg(id)) FROM %s r', on_insert => '');
SELECT touch_schools_on('person_owner', 'SELECT schools_of_people(array_agg(person_id)) FROM %s r', on_insert => '');
-- A school resolves its own source's identities only, and reads other sources' identities of its students (their
-- claims on them): a new identity touches its school or class, or its student's schools.
SELECT touch_schools_on('identity_map', 'SELECT federal_id FROM %s r WHERE kind = ''school''
                                         UNION ALL SELECT c.school_id FROM %s r JOIN class c ON c.id = r.federal_id WHERE r.kind = ''class''
                                         UNION ALL SELECT schools_of_people(array_agg(federal_id)) FROM %s r WHERE kind IN (''student'', ''parent'', ''teacher'')',
                        on_insert => 'SELECT federal_id FROM %s r WHERE kind = ''school''
                                      UNION ALL SELECT c.school_id FROM %s r JOIN class c ON c.id = r.federal_id WHERE r.kind = ''class''
                                      UNION ALL SELECT schools_of_students(array_agg(federal_id)) FROM %s r WHERE kind = ''student''');
-- A quarantine row is its scope's school's ('region/school source id' of its source), and a person's row its schools'.
SELECT touch_schools_on('quarantine', 'SELECT m.federal_id FROM %s r JOIN identity_map m ON m.source_system = r.source_system AND m.kind = ''school''
                                           AND m.source_id = substr(r.scope, strpos(r.scope, ''/'') + 1)
                                       UNION ALL SELECT schools_of_people(array_agg(m.federal_id)) FROM %s r JOIN identity_map m
                                           ON m.source_system = r.source_system AND m.kind = r.kind AND m.source_id = r.source_id WHERE r.kind IN (''student'', ''parent'', ''teacher'')');
