-- Ingest at the pace of the disk (issue 17). Two per-row costs of the model go, and what they did is kept:
--
-- 1. Change versions. A BEFORE INSERT OR UPDATE trigger stamped every row through plpgsql (~4 µs a row). A new
--    row now takes its version from the column's default, and the writers set a new one on update. The trigger stays
--    for any update that does not (its WHEN clause is evaluated without calling plpgsql), so a write
--    outside the writers still moves the row in the feed: it only pays what every write paid before.
--
-- 2. The foreign keys of the two largest tables, mark and attendance (~5 µs a reference a row: one lookup and one row
--    lock each). They are checked once a statement instead: the rows a statement wrote are read from its transition
--    table, the rows they refer to are locked FOR KEY SHARE all at once (as a foreign key locks them one by one), and
--    a missing one fails the statement with foreign_key_violation under the foreign key's old name. A lesson's
--    deletion still takes its marks and attendance with it (tombstones included), and a person or subject they refer
--    to still cannot be deleted. Each check runs with a fresh snapshot (READ COMMITTED), so it sees what a
--    concurrent writer committed while this one waited for its lock, as a foreign key's check does.

-- The transaction id before the version: the order the watermark relies on (0013). CASE fixes the order; the
-- function is inlined into every default and update that calls it.
CREATE FUNCTION next_change_version() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN pg_current_xact_id() IS NULL THEN NULL ELSE nextval('change_version_seq') END
$$;

ALTER TABLE tombstone ALTER COLUMN change_version SET DEFAULT next_change_version();

CREATE FUNCTION stamp_versions_on_update(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ALTER COLUMN change_version SET DEFAULT next_change_version()', tbl);
    EXECUTE format('DROP TRIGGER IF EXISTS stamp_change_version ON %s', tbl);
    EXECUTE format('CREATE TRIGGER stamp_change_version BEFORE UPDATE ON %s FOR EACH ROW
                    WHEN (NEW.change_version <= OLD.change_version) EXECUTE FUNCTION stamp_change_version()', tbl);
END $$;

SELECT stamp_versions_on_update(tgrelid::regclass) FROM pg_trigger WHERE tgname = 'stamp_change_version';

-- Tables created from now on are tracked the same way.
CREATE OR REPLACE FUNCTION track_changes(tbl regclass, kind text, VARIADIC natural_key text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ADD COLUMN change_version bigint NOT NULL DEFAULT 0', tbl);
    EXECUTE format('CREATE INDEX ON %s (change_version)', tbl);
    PERFORM stamp_versions_on_update(tbl);
    EXECUTE format('CREATE TRIGGER write_tombstone AFTER DELETE ON %s
                    FOR EACH ROW EXECUTE FUNCTION write_tombstone(%L, %s)',
                   tbl, kind, (SELECT string_agg(quote_literal(k), ', ') FROM unnest(natural_key) AS k));
END $$;

-- Trigger arguments: triplets of the referencing column, the referenced table and the reference's name.
CREATE FUNCTION check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    FOR i IN 0 .. TG_NARGS / 3 - 1 LOOP
        EXECUTE format('WITH wanted AS (SELECT DISTINCT %I AS id FROM written WHERE %I IS NOT NULL),
                             locked AS (SELECT t.id FROM %I t JOIN wanted USING (id) FOR KEY SHARE OF t)
                        SELECT (SELECT count(*) FROM wanted) - (SELECT count(*) FROM locked)', TG_ARGV[i * 3], TG_ARGV[i * 3], TG_ARGV[i * 3 + 1])
            INTO missing;
        IF missing > 0 THEN
            RAISE foreign_key_violation USING
                MESSAGE = format('%s.%s refers to %s rows of %s that do not exist', TG_TABLE_NAME, TG_ARGV[i * 3], missing, TG_ARGV[i * 3 + 1]),
                CONSTRAINT = TG_ARGV[i * 3 + 2], TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[i * 3];
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- Trigger arguments: pairs of the referencing table and column. The deleted rows' references go with them.
CREATE FUNCTION delete_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 0 .. TG_NARGS / 2 - 1 LOOP
        EXECUTE format('DELETE FROM %I WHERE %I IN (SELECT id FROM deleted)', TG_ARGV[i * 2], TG_ARGV[i * 2 + 1]);
    END LOOP;
    RETURN NULL;
END $$;

-- Trigger arguments: triplets of the referencing table, its column and the reference's name. A deleted row still
-- referred to fails the transaction. A constraint trigger deferred to the commit, row by row: the cascades of one
-- deletion run in no fixed order (a school's deletion takes its subjects and, through its lessons, their marks), so
-- it is checked once they all have. People and subjects are rarely deleted.
CREATE FUNCTION refuse_deleting_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    referred boolean;
BEGIN
    FOR i IN 0 .. TG_NARGS / 3 - 1 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[i * 3], TG_ARGV[i * 3 + 1]) INTO referred USING OLD.id;
        IF referred THEN
            RAISE foreign_key_violation USING
                MESSAGE = format('%s %s is still referred to from %s.%s', TG_TABLE_NAME, OLD.id, TG_ARGV[i * 3], TG_ARGV[i * 3 + 1]),
                CONSTRAINT = TG_ARGV[i * 3 + 2], TABLE = TG_ARGV[i * 3];
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

ALTER TABLE mark DROP CONSTRAINT mark_lesson_id_fkey, DROP CONSTRAINT mark_student_id_fkey, DROP CONSTRAINT mark_subject_id_fkey;
CREATE TRIGGER mark_references_inserted AFTER INSERT ON mark REFERENCING NEW TABLE AS written FOR EACH STATEMENT
    EXECUTE FUNCTION check_references('lesson_id', 'lesson', 'mark_lesson_id_fkey', 'student_id', 'person', 'mark_student_id_fkey', 'subject_id', 'subject', 'mark_subject_id_fkey');
CREATE TRIGGER mark_references_updated AFTER UPDATE ON mark REFERENCING NEW TABLE AS written FOR EACH STATEMENT
    EXECUTE FUNCTION check_references('lesson_id', 'lesson', 'mark_lesson_id_fkey', 'student_id', 'person', 'mark_student_id_fkey', 'subject_id', 'subject', 'mark_subject_id_fkey');

ALTER TABLE attendance DROP CONSTRAINT attendance_lesson_id_fkey, DROP CONSTRAINT attendance_student_id_fkey;
CREATE TRIGGER attendance_references_inserted AFTER INSERT ON attendance REFERENCING NEW TABLE AS written FOR EACH STATEMENT
    EXECUTE FUNCTION check_references('lesson_id', 'lesson', 'attendance_lesson_id_fkey', 'student_id', 'person', 'attendance_student_id_fkey');
CREATE TRIGGER attendance_references_updated AFTER UPDATE ON attendance REFERENCING NEW TABLE AS written FOR EACH STATEMENT
    EXECUTE FUNCTION check_references('lesson_id', 'lesson', 'attendance_lesson_id_fkey', 'student_id', 'person', 'attendance_student_id_fkey');

CREATE TRIGGER lesson_deletes_marks_and_attendance AFTER DELETE ON lesson REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT
    EXECUTE FUNCTION delete_references('mark', 'lesson_id', 'attendance', 'lesson_id');
CREATE CONSTRAINT TRIGGER person_referenced_by_marks_and_attendance AFTER DELETE ON person DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION refuse_deleting_referenced('mark', 'student_id', 'mark_student_id_fkey', 'attendance', 'student_id', 'attendance_student_id_fkey');
CREATE CONSTRAINT TRIGGER subject_referenced_by_marks AFTER DELETE ON subject DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION refuse_deleting_referenced('mark', 'subject_id', 'mark_subject_id_fkey');
