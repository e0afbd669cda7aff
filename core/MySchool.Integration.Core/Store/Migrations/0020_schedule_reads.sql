-- /Schedule's reads (issue 17), each walked from the student through an index:
-- a student's marks of a lesson (the lesson's marks, narrowed by the student in the index itself) ...
CREATE INDEX mark_lesson_student ON mark (lesson_id, student_id);
DROP INDEX mark_lesson;
-- ... and the newest successful run of a region, which every push adds to.
CREATE INDEX sync_run_region_succeeded ON sync_run ((split_part(scope, '/', 1)), finished_at DESC) WHERE status = 'succeeded' AND finished_at IS NOT NULL;
