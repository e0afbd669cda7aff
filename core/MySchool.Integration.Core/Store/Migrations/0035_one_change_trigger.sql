-- The schedule signals (0030, 0031, 0033) and the school touches (0034) were two statement triggers on fourteen of the
-- same tables, each selecting the statement's schools through the same joins: a full sync's statements read their
-- rows and walked lesson, class and school twice. One trigger a table and event now selects the schools once, logs
-- them as touched and signals them, and adds the keys only the signals name (people's, a region's). What each promised
-- is unchanged: a write from anywhere (a writer, an operator's psql, a cascade) touches every school it can change and
-- signals every /Schedule answer it can change, from its transaction, at its commit.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tgname, tgrelid::regclass AS tbl FROM pg_trigger
             WHERE NOT tgisinternal AND tgfoid IN ('signal_schedule'::regproc, 'touch_schools'::regproc) LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.tbl);
    END LOOP;
END $$;
DROP FUNCTION signal_schedule_on(regclass, text);
DROP FUNCTION signal_schedule();
DROP FUNCTION touch_schools_on(regclass, text, text);
DROP FUNCTION touch_schools();

-- TG_ARGV[0] selects the ids of the schools the statement touches from %s, the statement's rows (before and after, for
-- an update; a query that reads them more than once names them each time); '' for none. TG_ARGV[1] selects the keys
-- it signals on schedule_changed ('s' and a school's id, 'p' and a person's, 'r' and a region's code: 0030), and may
-- read the schools selected as the relation "schools"; '' for none. An empty statement does nothing, at once.
CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_rows text;
    schools text;
    keys text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO school_touch (school_id) SELECT id FROM school ON CONFLICT DO NOTHING;
        PERFORM pg_notify('schedule_changed', '*');
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT FROM changed) THEN
        RETURN NULL;
    END IF;
    statement_rows := CASE TG_OP WHEN 'UPDATE' THEN '(SELECT * FROM changed UNION ALL SELECT * FROM changed_before)' ELSE 'changed' END;
    schools := CASE TG_ARGV[0] WHEN '' THEN 'SELECT NULL::uuid WHERE false' ELSE format(TG_ARGV[0], statement_rows, statement_rows, statement_rows) END;
    keys := CASE TG_ARGV[1] WHEN '' THEN 'SELECT NULL::text WHERE false' ELSE format(TG_ARGV[1], statement_rows, statement_rows) END;
    -- The schools are selected once (a CTE read twice is materialized); the insertion runs whether or not it is read.
    -- Keys go out space-separated, each payload under NOTIFY's 8,000 bytes (a chunk holds keys up to 7,800 bytes from
    -- its start, and a key is a letter and an id or a region's code).
    EXECUTE format('WITH schools AS (SELECT DISTINCT school_id FROM (%s) AS s(school_id) WHERE school_id IS NOT NULL),
                        touched AS (INSERT INTO school_touch (school_id) SELECT school_id FROM schools ON CONFLICT DO NOTHING)
                    SELECT count(pg_notify(''schedule_changed'', payload)) FROM (
                        SELECT string_agg(key, '' '') AS payload
                        FROM (SELECT key, sum(length(key) + 1) OVER (ROWS UNBOUNDED PRECEDING) / 7800 AS chunk FROM (%s) AS keys(key)) k
                        GROUP BY chunk) p', schools, keys);
    RETURN NULL;
END $$;

-- A table's triggers: the schools it touches and the keys it signals (by default, those schools'), for every event, or
-- others for an insert (schools_on_insert, keys_on_insert; '' for none). No insert trigger when an insert does neither.
CREATE FUNCTION record_changes_on(tbl regclass, schools text, keys text DEFAULT 'SELECT ''s'' || school_id FROM schools',
                                  schools_on_insert text DEFAULT NULL, keys_on_insert text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(schools_on_insert, schools) <> '' OR coalesce(keys_on_insert, keys) <> '' THEN
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_change(%L, %L)',
                       tbl || '_changes_insert', tbl, coalesce(schools_on_insert, schools), coalesce(keys_on_insert, keys));
    END IF;
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_change(%L, %L)',
                   tbl || '_changes_update', tbl, schools, keys);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_change(%L, %L)',
                   tbl || '_changes_delete', tbl, schools, keys);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION record_change()', tbl || '_changes_truncate', tbl);
END $$;

-- A row's school, directly or through its parents, touched and signalled. A cascade's rows whose parent is already gone
-- find none: the parent's own statement names that school.
SELECT record_changes_on('school', 'SELECT id FROM %s r');
-- A school's region is its municipality's (the view school_region): moving either moves the school's answers.
SELECT record_changes_on('municipality', 'SELECT s.id FROM %s r JOIN school s ON s.municipality_id = r.id');
SELECT record_changes_on('region', 'SELECT s.id FROM %s r JOIN municipality m ON m.region_id = r.id JOIN school s ON s.municipality_id = m.id');
SELECT record_changes_on('academic_year', 'SELECT school_id FROM %s r');
SELECT record_changes_on('holiday', 'SELECT y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id');
SELECT record_changes_on('grade_level', 'SELECT y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id');
SELECT record_changes_on('class', 'SELECT school_id FROM %s r');
SELECT record_changes_on('subject', 'SELECT school_id FROM %s r');
SELECT record_changes_on('class_group', 'SELECT c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id');
SELECT record_changes_on('lesson', 'SELECT c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id');
SELECT record_changes_on('homework', 'SELECT c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
SELECT record_changes_on('mark', 'SELECT c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
SELECT record_changes_on('attendance', 'SELECT c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
-- A group's members: the person's own answer as well, since a new group can be in a school their cached answer did not name.
SELECT record_changes_on('group_member', 'SELECT c.school_id FROM (SELECT DISTINCT group_id FROM %s r) r JOIN class_group g ON g.id = r.group_id JOIN class c ON c.id = g.class_id',
                         'SELECT ''s'' || school_id FROM schools UNION ALL SELECT DISTINCT ''p'' || student_id FROM %s r');
-- An enrollment moves its student's standing in every school they were enrolled in, not only its own class's; and
-- the person's own answer, as for a group.
SELECT record_changes_on('enrollment', 'SELECT c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id
                                        UNION ALL SELECT schools_of_students(array_agg(DISTINCT student_id)) FROM %s r',
                         'SELECT ''s'' || school_id FROM schools UNION ALL SELECT DISTINCT ''p'' || student_id FROM %s r');
-- The rest only touch: what they change is read by a school's write, not by /Schedule.
SELECT record_changes_on('school_owner', 'SELECT school_id FROM %s r', '');
SELECT record_changes_on('period', 'SELECT y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id', '');
SELECT record_changes_on('event', 'SELECT school_id FROM %s r', '');
-- A school reads its own staff only.
SELECT record_changes_on('staff', 'SELECT school_id FROM %s r', '');
-- A school compares the guardianships of its own students.
SELECT record_changes_on('guardianship', 'SELECT schools_of_students(array_agg(DISTINCT student_id)) FROM %s r', '');
-- A person's answer is theirs (their esia_oid finds it). A new person has no enrollment, job or child yet, so it
-- touches no school (whatever later ties them to one touches it) and no kept answer names them: nothing on insert.
-- A new owner row needs the person's old one deleted first (every person a write keeps gets one), and that deletion
-- touches.
SELECT record_changes_on('person', 'SELECT schools_of_people(array_agg(id)) FROM %s r', 'SELECT DISTINCT ''p'' || id FROM %s r', schools_on_insert => '', keys_on_insert => '');
SELECT record_changes_on('person_owner', 'SELECT schools_of_people(array_agg(person_id)) FROM %s r', '', schools_on_insert => '');
-- A school resolves its own source's identities only, and reads other sources' identities of its students (their
-- claims on them): a new identity touches its school or class, or its student's schools.
SELECT record_changes_on('identity_map', 'SELECT federal_id FROM %s r WHERE kind = ''school''
                                          UNION ALL SELECT c.school_id FROM %s r JOIN class c ON c.id = r.federal_id WHERE r.kind = ''class''
                                          UNION ALL SELECT schools_of_people(array_agg(federal_id)) FROM %s r WHERE kind IN (''student'', ''parent'', ''teacher'')', '',
                         schools_on_insert => 'SELECT federal_id FROM %s r WHERE kind = ''school''
                                               UNION ALL SELECT c.school_id FROM %s r JOIN class c ON c.id = r.federal_id WHERE r.kind = ''class''
                                               UNION ALL SELECT schools_of_students(array_agg(federal_id)) FROM %s r WHERE kind = ''student''');
-- A quarantine row is its scope's school's ('region/school source id' of its source), and a person's row its schools'.
SELECT record_changes_on('quarantine', 'SELECT m.federal_id FROM %s r JOIN identity_map m ON m.source_system = r.source_system AND m.kind = ''school''
                                            AND m.source_id = substr(r.scope, strpos(r.scope, ''/'') + 1)
                                        UNION ALL SELECT schools_of_people(array_agg(m.federal_id)) FROM %s r JOIN identity_map m
                                            ON m.source_system = r.source_system AND m.kind = r.kind AND m.source_id = r.source_id WHERE r.kind IN (''student'', ''parent'', ''teacher'')', '');
-- A run that succeeded moves its region's answers' lastUpdated; it touches no school.
SELECT record_changes_on('sync_run', '', 'SELECT DISTINCT ''r'' || split_part(scope, ''/'', 1) FROM %s r WHERE status = ''succeeded''');
