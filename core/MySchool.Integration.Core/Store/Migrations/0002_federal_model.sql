-- The federal model: every adapter maps onto it, every endpoint serves it.
-- Every row has a federal id (uuid) that never changes; natural keys are unique constraints.

-- Organizations ---------------------------------------------------------------------------------------------

CREATE TABLE region (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL UNIQUE CHECK (code ~ '^\d{2,3}$'),
    name text NOT NULL,
    time_zone text NOT NULL
);
SELECT track_changes('region', 'region', 'code');

CREATE TABLE municipality (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id uuid NOT NULL REFERENCES region,
    oktmo text NOT NULL CHECK (oktmo ~ '^\d{8}(\d{3})?$'),
    name text NOT NULL,
    UNIQUE (region_id, oktmo)
);
SELECT track_changes('municipality', 'municipality', 'region_id', 'oktmo');

-- A branch (филиал) is a school with a parent school and its own KPP.
CREATE TABLE school (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    municipality_id uuid NOT NULL REFERENCES municipality,
    parent_school_id uuid REFERENCES school,
    inn text NOT NULL CHECK (inn ~ '^\d{10}$'),
    kpp text CHECK (kpp ~ '^\d{9}$'),
    full_name text NOT NULL,
    short_name text,
    oktmo text NOT NULL CHECK (oktmo ~ '^\d{8}(\d{3})?$'),
    time_zone text NOT NULL,
    CHECK ((parent_school_id IS NULL) OR (kpp IS NOT NULL)),
    UNIQUE NULLS NOT DISTINCT (inn, kpp)
);
SELECT track_changes('school', 'school', 'inn', 'kpp');

-- Calendar --------------------------------------------------------------------------------------------------

CREATE TABLE academic_year (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    name text NOT NULL CHECK (name ~ '^\d{4}/\d{4}$'),
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on > starts_on),
    UNIQUE (school_id, name)
);
SELECT track_changes('academic_year', 'academic_year', 'school_id', 'name');

CREATE TABLE period (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    academic_year_id uuid NOT NULL REFERENCES academic_year ON DELETE CASCADE,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('quarter', 'trimester', 'half', 'year')),
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    UNIQUE (academic_year_id, name)
);
SELECT track_changes('period', 'period', 'academic_year_id', 'name');

CREATE TABLE holiday (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    academic_year_id uuid NOT NULL REFERENCES academic_year ON DELETE CASCADE,
    name text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    UNIQUE (academic_year_id, starts_on)
);
SELECT track_changes('holiday', 'holiday', 'academic_year_id', 'starts_on');

-- Classes ---------------------------------------------------------------------------------------------------

CREATE TABLE grade_level (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    academic_year_id uuid NOT NULL REFERENCES academic_year ON DELETE CASCADE,
    grade smallint NOT NULL CHECK (grade BETWEEN 1 AND 11),
    UNIQUE (academic_year_id, grade)
);
SELECT track_changes('grade_level', 'grade_level', 'academic_year_id', 'grade');

CREATE TABLE class (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    grade_level_id uuid NOT NULL REFERENCES grade_level ON DELETE CASCADE,
    grade smallint NOT NULL CHECK (grade BETWEEN 1 AND 11),
    letter text NOT NULL CHECK (letter ~ '^[А-ЯЁ]$'),
    UNIQUE (grade_level_id, letter)
);
SELECT track_changes('class', 'class', 'grade_level_id', 'letter');

-- Subject subgroups, clubs and interest groups inside a class.
CREATE TABLE class_group (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    class_id uuid NOT NULL REFERENCES class ON DELETE CASCADE,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('subgroup', 'club', 'interest')),
    UNIQUE (class_id, name)
);
SELECT track_changes('class_group', 'class_group', 'class_id', 'name');

-- People ----------------------------------------------------------------------------------------------------

-- One row per human across every system: SNILS (canonical 11 digits) and the ESIA oid are unique when known.
-- Roles come from enrollment, guardianship and staff: one person may be a teacher and a parent.
CREATE TABLE person (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    last_name text NOT NULL,
    first_name text NOT NULL,
    middle_name text,
    -- Folded copy for search and matching (lower case, ё as е); names themselves are stored exactly.
    search_name text NOT NULL,
    birth_date date,
    gender char(1) CHECK (gender IN ('M', 'F')),
    snils char(11) UNIQUE CHECK (snils ~ '^\d{11}$'),
    esia_oid bigint UNIQUE
);
SELECT track_changes('person', 'person', 'snils', 'esia_oid');
CREATE INDEX person_search_name ON person (search_name, birth_date);

-- A transfer closes one enrollment (ends_on) and opens another; a student has at most one open enrollment.
CREATE TABLE enrollment (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    student_id uuid NOT NULL REFERENCES person,
    class_id uuid NOT NULL REFERENCES class ON DELETE CASCADE,
    starts_on date NOT NULL,
    ends_on date CHECK (ends_on >= starts_on),
    UNIQUE (student_id, class_id, starts_on)
);
SELECT track_changes('enrollment', 'enrollment', 'student_id', 'class_id', 'starts_on');
CREATE UNIQUE INDEX enrollment_one_open ON enrollment (student_id) WHERE ends_on IS NULL;
CREATE INDEX enrollment_class ON enrollment (class_id);

CREATE TABLE guardianship (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id uuid NOT NULL REFERENCES person,
    student_id uuid NOT NULL REFERENCES person,
    relation text NOT NULL,
    CHECK (parent_id <> student_id),
    UNIQUE (parent_id, student_id)
);
SELECT track_changes('guardianship', 'guardianship', 'parent_id', 'student_id');
CREATE INDEX guardianship_student ON guardianship (student_id);

CREATE TABLE staff (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id uuid NOT NULL REFERENCES person,
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('teacher', 'admin')),
    subjects text[] NOT NULL DEFAULT '{}',
    email text,
    UNIQUE (person_id, school_id, role)
);
SELECT track_changes('staff', 'staff', 'person_id', 'school_id', 'role');

-- Journal ---------------------------------------------------------------------------------------------------

CREATE TABLE subject (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    name text NOT NULL,
    normalized_name text NOT NULL,
    UNIQUE (school_id, normalized_name)
);
SELECT track_changes('subject', 'subject', 'school_id', 'normalized_name');

-- Dates are the school's local dates; start and end are instants, shown in the school's offset.
CREATE TABLE lesson (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    class_id uuid NOT NULL REFERENCES class ON DELETE CASCADE,
    group_id uuid REFERENCES class_group ON DELETE CASCADE,
    lesson_date date NOT NULL,
    number smallint NOT NULL CHECK (number BETWEEN 0 AND 20),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
    subject_id uuid NOT NULL REFERENCES subject,
    room text,
    teacher_id uuid REFERENCES person,
    topic text,
    UNIQUE NULLS NOT DISTINCT (class_id, group_id, lesson_date, number)
);
SELECT track_changes('lesson', 'lesson', 'class_id', 'group_id', 'lesson_date', 'number');
CREATE INDEX lesson_class_date ON lesson (class_id, lesson_date);

CREATE TABLE homework (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lesson_id uuid NOT NULL REFERENCES lesson ON DELETE CASCADE,
    source_key text NOT NULL,
    text text NOT NULL,
    individual boolean NOT NULL DEFAULT false,
    attachments jsonb NOT NULL DEFAULT '[]',
    UNIQUE (lesson_id, source_key)
);
SELECT track_changes('homework', 'homework', 'lesson_id', 'source_key');

-- A mark's identity is its source record (identity_map); period marks have no lesson.
CREATE TABLE mark (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    student_id uuid NOT NULL REFERENCES person,
    lesson_id uuid REFERENCES lesson ON DELETE CASCADE,
    subject_id uuid NOT NULL REFERENCES subject,
    mark_date date NOT NULL,
    code text NOT NULL CHECK (code ~ '^([1-5][+-]?|зч|нз|осв)$'),
    numeric_value numeric(3, 1) CHECK (numeric_value BETWEEN 1 AND 5),
    counts boolean NOT NULL,
    weight numeric(6, 2) NOT NULL DEFAULT 1 CHECK (weight >= 0),
    work_kind text,
    is_debt boolean NOT NULL DEFAULT false,
    comment text
);
SELECT track_changes('mark', 'mark', 'student_id', 'lesson_id', 'subject_id', 'mark_date', 'code');
CREATE INDEX mark_student_date ON mark (student_id, mark_date);
CREATE INDEX mark_lesson ON mark (lesson_id);

CREATE TABLE attendance (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    student_id uuid NOT NULL REFERENCES person,
    lesson_id uuid NOT NULL REFERENCES lesson ON DELETE CASCADE,
    -- н: absent, оп: late, б: ill, уп: excused
    code text NOT NULL CHECK (code IN ('н', 'оп', 'б', 'уп')),
    UNIQUE (student_id, lesson_id)
);
SELECT track_changes('attendance', 'attendance', 'student_id', 'lesson_id');

-- Announcements, parent meetings, tests, clubs: the portfolio's event feed.
CREATE TABLE event (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL REFERENCES school ON DELETE CASCADE,
    class_id uuid REFERENCES class ON DELETE CASCADE,
    source_key text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('announcement', 'meeting', 'test', 'club', 'other')),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    title text NOT NULL,
    body text,
    UNIQUE (school_id, source_key)
);
SELECT track_changes('event', 'event', 'school_id', 'source_key');
