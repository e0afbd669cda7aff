-- A journal window's deletions reach attendance through its lessons.
CREATE INDEX attendance_lesson ON attendance (lesson_id);
