-- The calendar comes from the sources now (issue 16). A period may apply to some grades only: Сетевой город lists
-- halves for grades 10–11 beside the quarters of grades 1–9. Null bounds: every grade of the school.
ALTER TABLE period
    ADD COLUMN first_grade smallint,
    ADD COLUMN last_grade smallint,
    ADD CONSTRAINT period_grades_check CHECK (
        (first_grade IS NULL) = (last_grade IS NULL) AND first_grade BETWEEN 1 AND 11 AND last_grade BETWEEN first_grade AND 11);
