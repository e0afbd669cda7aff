-- Groups come from the sources now (issue 16): subgroups (a class's halves in English), clubs and interest groups,
-- each with its students. A subgroup names its subject as the source writes it; a lesson of a group is the group's
-- only, so two subgroups' lessons share a slot (lesson's key already has group_id).
ALTER TABLE class_group ADD COLUMN subject text;

CREATE TABLE group_member (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    group_id uuid NOT NULL REFERENCES class_group ON DELETE CASCADE,
    student_id uuid NOT NULL REFERENCES person,
    UNIQUE (group_id, student_id)
);
SELECT track_changes('group_member', 'group_member', 'group_id', 'student_id');
CREATE INDEX group_member_student ON group_member (student_id);

-- The federal feed serves memberships too: the same view, one branch more.
CREATE OR REPLACE VIEW federal_row AS
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
SELECT 'event', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t) FROM event t JOIN school_region sr ON sr.school_id = t.school_id
UNION ALL
SELECT 'group_member', t.id, t.change_version, ARRAY[sr.code], to_jsonb(t)
FROM group_member t JOIN class_group g ON g.id = t.group_id JOIN class c ON c.id = g.class_id JOIN school_region sr ON sr.school_id = c.school_id;
