-- Every write that can change a /Schedule answer says whom it concerns on the channel schedule_changed, so that each
-- gateway's cache of answers drops exactly those (issue 17). NOTIFY is transactional: a signal is delivered only when
-- its transaction commits, to every listening gateway, and never for a rolled-back write. Statement-level triggers
-- with transition tables, not the writers' SQL: a write from anywhere (a writer, an operator's psql, a cascade)
-- signals, and a statement of 50,000 marks costs one small query, not one per row.
--
-- A key is 's' and a school's id (the school's rows, or anything in it, changed), 'p' and a person's id (their
-- esia_oid, enrollments or groups changed: a student can move to a school their answer did not list), 'r' and a
-- region's code (a run there succeeded: the answers' lastUpdated), or '*' (a TRUNCATE: everything).
CREATE FUNCTION signal_schedule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target text;
    statement_rows text;
    payload text := '';
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('schedule_changed', '*');
        RETURN NULL;
    END IF;
    -- TG_ARGV[0] selects the keys from %s: the statement's rows (before and after, for an update); a query that
    -- reads them twice names them twice.
    statement_rows := CASE TG_OP WHEN 'UPDATE' THEN '(SELECT * FROM changed UNION ALL SELECT * FROM changed_before)' ELSE 'changed' END;
    -- Keys go out space-separated, as many to a signal as fit under NOTIFY's 8,000 bytes: a sync's first write of a
    -- school's 1,000 students is five signals, not a thousand.
    FOR target IN EXECUTE format(TG_ARGV[0], statement_rows, statement_rows) LOOP
        IF length(payload) + length(target) >= 7900 THEN
            PERFORM pg_notify('schedule_changed', payload);
            payload := '';
        END IF;
        payload := CASE payload WHEN '' THEN target ELSE payload || ' ' || target END;
    END LOOP;
    IF payload <> '' THEN
        PERFORM pg_notify('schedule_changed', payload);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION signal_schedule_on(tbl regclass, payloads text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION signal_schedule(%L)', tbl || '_signal_insert', tbl, payloads);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION signal_schedule(%L)', tbl || '_signal_update', tbl, payloads);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION signal_schedule(%L)', tbl || '_signal_delete', tbl, payloads);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION signal_schedule()', tbl || '_signal_truncate', tbl);
END $$;

-- A row's school, directly or through its parents. A cascade's rows whose parent is already gone find none: the
-- parent's own statement signals that school.
SELECT signal_schedule_on('school', 'SELECT DISTINCT ''s'' || id FROM %s r');
-- A school's region is its municipality's (the view school_region): moving either moves the school's answers.
SELECT signal_schedule_on('municipality', 'SELECT DISTINCT ''s'' || s.id FROM %s r JOIN school s ON s.municipality_id = r.id');
SELECT signal_schedule_on('region', 'SELECT DISTINCT ''s'' || s.id FROM %s r JOIN municipality m ON m.region_id = r.id JOIN school s ON s.municipality_id = m.id');
SELECT signal_schedule_on('academic_year', 'SELECT DISTINCT ''s'' || school_id FROM %s r');
SELECT signal_schedule_on('holiday', 'SELECT DISTINCT ''s'' || y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id');
SELECT signal_schedule_on('grade_level', 'SELECT DISTINCT ''s'' || y.school_id FROM %s r JOIN academic_year y ON y.id = r.academic_year_id');
SELECT signal_schedule_on('class', 'SELECT DISTINCT ''s'' || school_id FROM %s r');
SELECT signal_schedule_on('subject', 'SELECT DISTINCT ''s'' || school_id FROM %s r');
SELECT signal_schedule_on('class_group', 'SELECT DISTINCT ''s'' || c.school_id FROM %s r JOIN class c ON c.id = r.class_id');
SELECT signal_schedule_on('lesson', 'SELECT DISTINCT ''s'' || c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id');
SELECT signal_schedule_on('homework', 'SELECT DISTINCT ''s'' || c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
SELECT signal_schedule_on('mark', 'SELECT DISTINCT ''s'' || c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
SELECT signal_schedule_on('attendance', 'SELECT DISTINCT ''s'' || c.school_id FROM (SELECT DISTINCT lesson_id FROM %s r) r JOIN lesson l ON l.id = r.lesson_id JOIN class c ON c.id = l.class_id');
-- The person's own answer as well: a new enrollment or group is in a school their cached answer did not name.
SELECT signal_schedule_on('enrollment', 'SELECT ''s'' || c.school_id FROM (SELECT DISTINCT class_id FROM %s r) r JOIN class c ON c.id = r.class_id
                                         UNION SELECT ''p'' || student_id FROM %s r');
SELECT signal_schedule_on('group_member', 'SELECT ''s'' || c.school_id FROM (SELECT DISTINCT group_id FROM %s r) r JOIN class_group g ON g.id = r.group_id JOIN class c ON c.id = g.class_id
                                           UNION SELECT ''p'' || student_id FROM %s r');
SELECT signal_schedule_on('person', 'SELECT DISTINCT ''p'' || id FROM %s r');
SELECT signal_schedule_on('sync_run', 'SELECT DISTINCT ''r'' || split_part(scope, ''/'', 1) FROM %s r WHERE status = ''succeeded''');
