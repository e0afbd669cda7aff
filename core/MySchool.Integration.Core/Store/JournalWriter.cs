using System.Text.Json;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;
using Npgsql;
using NpgsqlTypes;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// Writes a school's journal window: lessons, homework, marks, attendance. Whatever of the window's classes and
/// students is in the store but no longer in the source is deleted (leaving tombstones); nothing outside the
/// window, and nothing of a class or student the source did not deliver, is touched.
/// </summary>
internal sealed class JournalWriter(NpgsqlConnection connection, WriteTarget target, CancellationToken cancellationToken)
{
    // The window's lessons of the classes read ($1, from $2 to $3), by the class/date index.
    private const string WindowLessons = "(SELECT * FROM lesson WHERE class_id = ANY($1) AND lesson_date BETWEEN $2 AND $3 OFFSET 0) l";

    // A lesson's slot: its class, its group (none for the whole class), its date and number.
    private const string LessonKey = "l.class_id = s.class_id AND l.group_id IS NOT DISTINCT FROM s.group_id AND l.lesson_date = s.lesson_date AND l.number = s.number";

    public async Task WriteAsync(
        Guid schoolId,
        JournalWindow journal,
        IReadOnlyList<CheckedTeacher> teachers,
        Dictionary<string, Guid> classes,
        Dictionary<(string, string), Guid> people,
        Action<(long, long), long> count,
        Action<QuarantinedRecord> quarantine)
    {
        var subjects = await WriteSubjectsAsync(schoolId, journal, teachers);
        var groups = await new GroupWriter(connection, cancellationToken).WriteAsync(journal, classes, people, count, quarantine);
        // The window as WindowLessons takes it: its classes, its first and last day.
        var window = new object[] { classes.Values.ToArray(), journal.From, journal.To };

        Guid? Person(string role, string? sourceId) => sourceId is not null && people.TryGetValue((role, sourceId), out var id) ? id : null;
        // A lesson's group is found in its class; null for a whole-class lesson.
        Guid? Group(string classSourceId, string? group) => group is null ? null : groups[(classes[classSourceId], group)];
        bool Placed(string classSourceId, string? group) => classes.ContainsKey(classSourceId) && (group is null || groups.ContainsKey((classes[classSourceId], group)));
        bool Resolved(string classSourceId, string? group, string studentSourceId) => Placed(classSourceId, group) && people.ContainsKey(("student", studentSourceId));
        // A delta's references were looked up in the store; a sync's were checked against the roster, but the writer
        // may still have refused a student (a conflict over who holds them): what cannot be placed is refused here.
        foreach (var mark in journal.Marks.Where(m => !Resolved(m.ClassSourceId, m.LessonGroup, m.StudentSourceId)))
        {
            quarantine(new QuarantinedRecord("mark", mark.SourceKey, mark.RawPayload, Orphan));
        }

        foreach (var absence in journal.Attendance.Where(a => !Resolved(a.ClassSourceId, a.LessonGroup, a.StudentSourceId)))
        {
            quarantine(new QuarantinedRecord("attendance", AttendanceKey(absence), JsonSerializer.Serialize(absence), Orphan));
        }

        foreach (var schoolEvent in journal.Events.Where(e => e.ClassSourceId is { } classId && !classes.ContainsKey(classId)))
        {
            quarantine(new QuarantinedRecord("event", schoolEvent.SourceKey, JsonSerializer.Serialize(schoolEvent),
                new Rejection("event.unknown-class", $"Класс события {schoolEvent.ClassSourceId} не передавался в эту школу")));
        }

        foreach (var lesson in journal.Lessons.Where(l => !Placed(l.ClassSourceId, l.Group)))
        {
            quarantine(new QuarantinedRecord("lesson", $"{lesson.ClassSourceId}/{lesson.Date:yyyy-MM-dd}/{lesson.Number}", JsonSerializer.Serialize(lesson), classes.ContainsKey(lesson.ClassSourceId)
                ? new Rejection("lesson.unknown-group", $"Группы «{SourceText.Excerpt(lesson.Group)}» урока нет в классе {lesson.ClassSourceId}")
                : new Rejection("lesson.unknown-class", $"Класс урока {lesson.ClassSourceId} не передавался в эту школу")));
        }

        // A sync's window is the school's whole: a table whose rows in it the store already holds, value for value, is
        // not staged again (a repeat sync finds most of them so). A delta names no whole, so it is always staged.
        object[] scope = [.. window, target.SourceSystem];
        var staged = new HashSet<string>(StringComparer.Ordinal);
        var firstLoad = false;
        // Each table's rows are a projection read again by whoever needs them (the comparison, then the COPY): a
        // delta of 50,000 marks held as a list cost the gateway over 100 MiB of peak memory under two pushes at once.
        async Task<bool> StageAsync<TKey, TRow>(string table, IEnumerable<(TKey Key, TRow Row)> rows, string storedSql, Func<NpgsqlDataReader, (TKey, TRow)> read)
            where TKey : notnull
        {
            var held = !journal.IsDelta && !firstLoad ? await CompareStoredAsync(connection, rows, storedSql, read, cancellationToken, scope) : StoreHolds.Different;
            if (held == StoreHolds.Same)
            {
                return false;
            }

            // A window without a lesson in the store (a first load) holds nothing that hangs on one: no need to look,
            // and nothing in it to be stale.
            firstLoad |= table == "lesson" && held == StoreHolds.Nothing;
            staged.Add(table);
            return true;
        }

        var lessons = journal.Lessons.Where(l => Placed(l.ClassSourceId, l.Group)).Select(l => (
            Key: new Slot(classes[l.ClassSourceId], Group(l.ClassSourceId, l.Group), l.Date, (short)l.Number),
            Row: new LessonRow(l.StartsAt.ToUniversalTime(), l.EndsAt.ToUniversalTime(), subjects[l.Subject], l.Room, Person("teacher", l.TeacherSourceId), l.Topic)));
        if (await StageAsync("lesson", lessons, $"SELECT l.class_id, l.group_id, l.lesson_date, l.number, l.starts_at, l.ends_at, l.subject_id, l.room, l.teacher_id, l.topic FROM {WindowLessons}",
            r => (ReadSlot(r, 0), new LessonRow(r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5), r.GetGuid(6), Text(r, 7), r.IsDBNull(8) ? null : r.GetGuid(8), Text(r, 9)))))
        {
            await CopyAsync(connection, "s_lesson", lessons, columns => SlotColumns(columns, l => l.Key)
                .Add("starts_at timestamptz", l => l.Row.StartsAt).Add("ends_at timestamptz", l => l.Row.EndsAt).Add("subject_id uuid", l => l.Row.Subject)
                .Add("room text", l => l.Row.Room).Add("teacher_id uuid", l => l.Row.Teacher).Add("topic text", l => l.Row.Topic),
                cancellationToken);
            count(await UpsertAsync(connection, """
                INSERT INTO lesson (class_id, group_id, lesson_date, number, starts_at, ends_at, subject_id, room, teacher_id, topic)
                SELECT class_id, group_id, lesson_date, number, starts_at, ends_at, subject_id, room, teacher_id, topic FROM s_lesson
                ON CONFLICT ON CONSTRAINT lesson_class_id_group_id_lesson_date_number_key DO UPDATE SET starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                    subject_id = excluded.subject_id, room = excluded.room, teacher_id = excluded.teacher_id, topic = excluded.topic
                WHERE (lesson.starts_at, lesson.ends_at, lesson.subject_id, lesson.room, lesson.teacher_id, lesson.topic)
                    IS DISTINCT FROM (excluded.starts_at, excluded.ends_at, excluded.subject_id, excluded.room, excluded.teacher_id, excluded.topic)
                RETURNING (xmax = 0) AS inserted
                """, cancellationToken), 0);
        }

        var homework = journal.Homework.Where(h => Placed(h.ClassSourceId, h.Group)).Select(h => (
            Key: (Lesson: new Slot(classes[h.ClassSourceId], Group(h.ClassSourceId, h.Group), h.Date, (short)h.Number), h.SourceKey),
            Row: new HomeworkRow(h.Text, h.Individual, JsonSerializer.Serialize(h.Attachments))));
        if (await StageAsync("homework", homework, $"""
            SELECT l.class_id, l.group_id, l.lesson_date, l.number, h.source_key, h.text, h.individual, h.attachments
            FROM {WindowLessons} CROSS JOIN LATERAL (SELECT * FROM homework WHERE lesson_id = l.id OFFSET 0) h
            """, r => ((ReadSlot(r, 0), r.GetString(4)), new HomeworkRow(r.GetString(5), r.GetBoolean(6), StoredAttachments(r.GetString(7))))))
        {
            await CopyAsync(connection, "s_homework", homework, columns => SlotColumns(columns, h => h.Key.Lesson)
                .Add("source_key text", h => h.Key.SourceKey).Add("text text", h => h.Row.Text).Add("individual boolean", h => h.Row.Individual)
                .Add("attachments jsonb", h => h.Row.Attachments),
                cancellationToken);
            count(await UpsertAsync(connection, $"""
                INSERT INTO homework (lesson_id, source_key, text, individual, attachments)
                SELECT l.id, s.source_key, s.text, s.individual, s.attachments FROM s_homework s JOIN lesson l ON {LessonKey}
                ON CONFLICT (lesson_id, source_key) DO UPDATE SET text = excluded.text, individual = excluded.individual, attachments = excluded.attachments
                WHERE (homework.text, homework.individual, homework.attachments) IS DISTINCT FROM (excluded.text, excluded.individual, excluded.attachments)
                RETURNING (xmax = 0) AS inserted
                """, cancellationToken), 0);
        }

        var marks = journal.Marks.Where(m => Resolved(m.ClassSourceId, m.LessonGroup, m.StudentSourceId)).Select(m => (
            Key: m.SourceKey,
            Row: new MarkRow(people[("student", m.StudentSourceId)], new Slot(classes[m.ClassSourceId], Group(m.ClassSourceId, m.LessonGroup), m.LessonDate, (short)m.LessonNumber),
                subjects[m.Subject], m.Date, m.Value.Code, m.Value.Numeric, m.Value.Counts, m.Weight, m.WorkKind, m.IsDebt, m.Comment)));
        // The scope is the stale marks' (the source's, of the students it enrolls here), and a mark stored outside it
        // is not among these rows: its upsert would move it.
        if (await StageAsync("mark", marks, $"""
            SELECT m.source_key, m.student_id, l.class_id, l.group_id, l.lesson_date, l.number, m.subject_id, m.mark_date, m.code, m.numeric_value, m.counts, m.weight,
                m.work_kind, m.is_debt, m.comment
            FROM {WindowLessons} CROSS JOIN LATERAL (SELECT * FROM mark WHERE lesson_id = l.id OFFSET 0) m
            WHERE m.source_system = $4 AND m.student_id IN (SELECT student_id FROM s_enrollment)
            """, r => (r.GetString(0), new MarkRow(r.GetGuid(1), ReadSlot(r, 2), r.GetGuid(6), r.GetFieldValue<DateOnly>(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetDecimal(9),
                r.GetBoolean(10), r.GetDecimal(11), Text(r, 12), r.GetBoolean(13), Text(r, 14)))))
        {
            // A new mark's id is time-ordered (UUIDv7), so the primary key grows at its right edge instead of at random pages.
            await CopyAsync(connection, "s_mark", marks, columns => SlotColumns(columns
                    .Add("id uuid", _ => TimeOrderedIds.Next()).Add("source_key text", m => m.Key).Add("student_id uuid", m => m.Row.Student), m => m.Row.Lesson)
                .Add("subject_id uuid", m => m.Row.Subject).Add("mark_date date", m => m.Row.Date).Add("code text", m => m.Row.Code)
                .Add("numeric_value numeric", m => m.Row.Numeric).Add("counts boolean", m => m.Row.Counts).Add("weight numeric", m => m.Row.Weight)
                .Add("work_kind text", m => m.Row.WorkKind).Add("is_debt boolean", m => m.Row.IsDebt).Add("comment text", m => m.Row.Comment),
                cancellationToken);
            count(await UpsertAsync(connection, $"""
                INSERT INTO mark (id, source_system, source_key, student_id, lesson_id, subject_id, mark_date, code, numeric_value, counts, weight, work_kind, is_debt, comment)
                SELECT s.id, $1, s.source_key, s.student_id, l.id, s.subject_id, s.mark_date, s.code, s.numeric_value, s.counts, s.weight, s.work_kind, s.is_debt, s.comment
                FROM s_mark s JOIN lesson l ON {LessonKey}
                ON CONFLICT ON CONSTRAINT mark_source_identity DO UPDATE SET student_id = excluded.student_id, lesson_id = excluded.lesson_id, subject_id = excluded.subject_id,
                    mark_date = excluded.mark_date, code = excluded.code, numeric_value = excluded.numeric_value, counts = excluded.counts, weight = excluded.weight,
                    work_kind = excluded.work_kind, is_debt = excluded.is_debt, comment = excluded.comment, change_version = next_change_version()
                WHERE (mark.student_id, mark.lesson_id, mark.subject_id, mark.mark_date, mark.code, mark.numeric_value, mark.counts, mark.weight, mark.work_kind, mark.is_debt, mark.comment)
                    IS DISTINCT FROM (excluded.student_id, excluded.lesson_id, excluded.subject_id, excluded.mark_date, excluded.code, excluded.numeric_value, excluded.counts, excluded.weight, excluded.work_kind, excluded.is_debt, excluded.comment)
                RETURNING (xmax = 0) AS inserted
                """, cancellationToken, target.SourceSystem), 0);
        }

        var attendance = journal.Attendance.Where(a => Resolved(a.ClassSourceId, a.LessonGroup, a.StudentSourceId)).Select(a => (
            Key: (Student: people[("student", a.StudentSourceId)], Lesson: new Slot(classes[a.ClassSourceId], Group(a.ClassSourceId, a.LessonGroup), a.Date, (short)a.Number)),
            Row: a.Code));
        if (await StageAsync("attendance", attendance, $"""
            SELECT a.student_id, l.class_id, l.group_id, l.lesson_date, l.number, a.code
            FROM {WindowLessons} CROSS JOIN LATERAL (SELECT * FROM attendance WHERE lesson_id = l.id OFFSET 0) a
            WHERE a.student_id IN (SELECT student_id FROM s_enrollment)
            """, r => ((r.GetGuid(0), ReadSlot(r, 1)), r.GetString(5))))
        {
            await CopyAsync(connection, "s_attendance", attendance, columns => SlotColumns(columns.Add("student_id uuid", a => a.Key.Student), a => a.Key.Lesson)
                .Add("code text", a => a.Row),
                cancellationToken);
            count(await UpsertAsync(connection, $"""
                INSERT INTO attendance (student_id, lesson_id, code) SELECT s.student_id, l.id, s.code FROM s_attendance s JOIN lesson l ON {LessonKey}
                ON CONFLICT (student_id, lesson_id) DO UPDATE SET code = excluded.code, change_version = next_change_version() WHERE attendance.code IS DISTINCT FROM excluded.code
                RETURNING (xmax = 0) AS inserted
                """, cancellationToken), 0);
        }

        var events = journal.Events.Where(e => e.ClassSourceId is null || classes.ContainsKey(e.ClassSourceId)).Select(e => (Key: e.SourceKey,
            Row: new EventRow(e.ClassSourceId is null ? null : classes[e.ClassSourceId], e.Kind, e.StartsAt.ToUniversalTime(), e.EndsAt?.ToUniversalTime(), e.Title, e.Body)));
        // The same for a sync's events: the scope is what the upsert and the stale events' deletion would touch.
        var eventsHeld = journal.IsDelta ? StoreHolds.Different : await CompareStoredAsync(connection, events, """
            SELECT e.source_key, e.class_id, e.kind, e.starts_at, e.ends_at, e.title, e.body FROM event e JOIN school s ON s.id = e.school_id
            WHERE e.school_id = $1 AND ((e.starts_at AT TIME ZONE s.time_zone)::date BETWEEN $2 AND $3 OR e.source_key = ANY($4))
            """, r => (r.GetString(0), new EventRow(r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetString(5), Text(r, 6))),
            cancellationToken, schoolId, journal.From, journal.To, events.Select(e => e.Key).ToArray());
        if (eventsHeld != StoreHolds.Same)
        {
            await WriteEventsAsync(schoolId, events, journal, count);
        }

        if (!journal.IsDelta)
        {
            count((0, 0), firstLoad ? 0 : await DeleteStaleAsync(window, staged));
            return;
        }

        var absences = journal.Attendance.Where(a => Resolved(a.ClassSourceId, a.LessonGroup, a.StudentSourceId))
            .ToDictionary(a => (people[("student", a.StudentSourceId)], classes[a.ClassSourceId], Group(a.ClassSourceId, a.LessonGroup), a.Date, (short)a.Number));
        await QuarantineLessonlessAsync(journal, absences, quarantine);
        count((0, 0), await ExecuteAsync(connection, "DELETE FROM mark WHERE source_system = $1 AND source_key = ANY($2)", cancellationToken, target.SourceSystem, journal.DeletedMarks.ToArray()));
    }

    /// <summary>Stages a school's events and upserts them; a sync's (not a delta's) window also loses the events the source no longer has.</summary>
    private async Task WriteEventsAsync(Guid schoolId, IEnumerable<(string Key, EventRow Row)> events, JournalWindow journal, Action<(long, long), long> count)
    {
        await CopyAsync(connection, "s_event", events, columns => columns
                .Add("class_id uuid", e => e.Row.Class).Add("source_key text", e => e.Key).Add("kind text", e => e.Row.Kind)
                .Add("starts_at timestamptz", e => e.Row.StartsAt).Add("ends_at timestamptz", e => e.Row.EndsAt)
                .Add("title text", e => e.Row.Title).Add("body text", e => e.Row.Body),
            cancellationToken);
        count(await UpsertAsync(connection, """
            INSERT INTO event (school_id, class_id, source_key, kind, starts_at, ends_at, title, body)
            SELECT $1, class_id, source_key, kind, starts_at, ends_at, title, body FROM s_event
            ON CONFLICT (school_id, source_key) DO UPDATE SET class_id = excluded.class_id, kind = excluded.kind, starts_at = excluded.starts_at,
                ends_at = excluded.ends_at, title = excluded.title, body = excluded.body
            WHERE (event.class_id, event.kind, event.starts_at, event.ends_at, event.title, event.body)
                IS DISTINCT FROM (excluded.class_id, excluded.kind, excluded.starts_at, excluded.ends_at, excluded.title, excluded.body)
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, schoolId), 0);
        if (!journal.IsDelta)
        {
            count((0, 0), await DeleteStaleEventsAsync(schoolId, journal));
        }
    }

    /// <summary>A lesson's slot in the terms the store keys it by: the key its marks, homework and absences hang on.</summary>
    private readonly record struct Slot(Guid Class, Guid? Group, DateOnly Date, short Number);

    private readonly record struct EventRow(Guid? Class, string Kind, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string Title, string? Body);

    private readonly record struct LessonRow(DateTimeOffset StartsAt, DateTimeOffset EndsAt, Guid Subject, string? Room, Guid? Teacher, string? Topic);

    private readonly record struct HomeworkRow(string Text, bool Individual, string Attachments);

    private readonly record struct MarkRow(
        Guid Student, Slot Lesson, Guid Subject, DateOnly Date, string Code, decimal? Numeric, bool Counts, decimal Weight, string? WorkKind, bool IsDebt, string? Comment);

    private static Slot ReadSlot(NpgsqlDataReader r, int at) =>
        new(r.GetGuid(at), r.IsDBNull(at + 1) ? null : r.GetGuid(at + 1), r.GetFieldValue<DateOnly>(at + 2), r.GetInt16(at + 3));

    /// <summary>A lesson's slot as four stage columns, the ones <see cref="LessonKey"/> joins on.</summary>
    private static StageColumns<T> SlotColumns<T>(StageColumns<T> columns, Func<T, Slot> slot) => columns
        .Add("class_id uuid", row => slot(row).Class).Add("group_id uuid", row => slot(row).Group)
        .Add("lesson_date date", row => slot(row).Date).Add("number smallint", row => slot(row).Number);

    private static string? Text(NpgsqlDataReader r, int at) => r.IsDBNull(at) ? null : r.GetString(at);

    /// <summary>
    /// Stored attachments as the writer serializes a source's list, so the two compare as text. Read as jsonb text and
    /// parsed here: unpacking the array in SQL, a set-returning subquery a homework, was most of that comparison's cost.
    /// Anything but an array of strings (written outside the writers) matches no list.
    /// </summary>
    private static string StoredAttachments(string json)
    {
        try
        {
            return json == "[]" ? json : JsonSerializer.Serialize(JsonSerializer.Deserialize<string[]>(json));
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static readonly Rejection Orphan = new("mark.orphan", "Отметка ссылается на неизвестного ученика, класс или урок");

    private static string AttendanceKey(CheckedAttendance a) => $"{a.StudentSourceId}/{a.ClassSourceId}/{a.Date:yyyy-MM-dd}/{a.Number}";

    /// <summary>A delta's marks and absences whose lesson is neither in it nor in the store: the upserts skipped them.</summary>
    private async Task QuarantineLessonlessAsync(
        JournalWindow journal, Dictionary<(Guid, Guid, Guid?, DateOnly, short), CheckedAttendance> absences, Action<QuarantinedRecord> quarantine)
    {
        var marks = journal.Marks.ToDictionary(m => m.SourceKey, StringComparer.Ordinal);
        await using (var command = Command(connection, $"SELECT s.source_key FROM s_mark s WHERE NOT EXISTS (SELECT 1 FROM lesson l WHERE {LessonKey})"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var mark = marks[reader.GetString(0)];
                quarantine(new QuarantinedRecord("mark", mark.SourceKey, mark.RawPayload, Orphan));
            }
        }

        await using (var command = Command(connection, $"SELECT s.student_id, s.class_id, s.group_id, s.lesson_date, s.number FROM s_attendance s WHERE NOT EXISTS (SELECT 1 FROM lesson l WHERE {LessonKey})"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var absence = absences[(reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetFieldValue<DateOnly>(3), reader.GetInt16(4))];
                quarantine(new QuarantinedRecord("attendance", AttendanceKey(absence), JsonSerializer.Serialize(absence), Orphan));
            }
        }
    }

    /// <summary>
    /// Deletions inside the window only, for the classes and students this read delivered. The window's lessons
    /// are collected first (through the class/date index): every deletion then starts from that small table, a
    /// plan that stays linear even before PostgreSQL has statistics on freshly loaded tables. A table not staged holds
    /// exactly what the source has there, so nothing of it is stale.
    /// </summary>
    private async Task<long> DeleteStaleAsync(object[] window, HashSet<string> staged)
    {
        if (staged.Count == 0)
        {
            return 0;
        }

        const string SameLesson = "s.class_id = w.class_id AND s.group_id IS NOT DISTINCT FROM w.group_id AND s.lesson_date = w.lesson_date AND s.number = w.number";
        await ExecuteAsync(connection, $"""
            CREATE TEMP TABLE w_lesson ON COMMIT DROP AS SELECT l.id, l.class_id, l.group_id, l.lesson_date, l.number FROM {WindowLessons}
            """, cancellationToken, window);
        await ExecuteAsync(connection, "ANALYZE w_lesson", cancellationToken);
        long deleted = 0;
        // The window's marks are walked lesson by lesson (the fence keeps the planner from joining all of the source's
        // marks instead: before statistics it guesses a source has a few hundred) and deleted by id.
        deleted += !staged.Contains("mark") ? 0 : await ExecuteAsync(connection, """
            DELETE FROM mark WHERE id = ANY(ARRAY(
                SELECT k.id FROM w_lesson w CROSS JOIN LATERAL (SELECT id, source_system, source_key, student_id FROM mark WHERE lesson_id = w.id OFFSET 0) k
                WHERE k.source_system = $1 AND k.student_id IN (SELECT student_id FROM s_enrollment)
                  AND NOT EXISTS (SELECT 1 FROM s_mark s WHERE s.source_key = k.source_key)))
            """, cancellationToken, target.SourceSystem);
        deleted += !staged.Contains("attendance") ? 0 : await ExecuteAsync(connection, $"""
            DELETE FROM attendance a USING w_lesson w WHERE a.lesson_id = w.id AND a.student_id IN (SELECT student_id FROM s_enrollment)
              AND NOT EXISTS (SELECT 1 FROM s_attendance s WHERE s.student_id = a.student_id AND {SameLesson})
            """, cancellationToken);
        deleted += !staged.Contains("homework") ? 0 : await ExecuteAsync(connection, $"""
            DELETE FROM homework h USING w_lesson w WHERE h.lesson_id = w.id
              AND NOT EXISTS (SELECT 1 FROM s_homework s WHERE s.source_key = h.source_key AND {SameLesson})
            """, cancellationToken);
        deleted += !staged.Contains("lesson") ? 0 : await ExecuteAsync(connection, $"""
            DELETE FROM lesson l USING w_lesson w WHERE l.id = w.id AND NOT EXISTS (SELECT 1 FROM s_lesson s WHERE {SameLesson})
            """, cancellationToken);
        return deleted;
    }

    /// <summary>Events of the school inside the window (by the school's local dates) that the source no longer has.</summary>
    private Task<int> DeleteStaleEventsAsync(Guid schoolId, JournalWindow journal) => ExecuteAsync(connection, """
        DELETE FROM event e USING school s WHERE e.school_id = $1 AND s.id = e.school_id
          AND (e.starts_at AT TIME ZONE s.time_zone)::date BETWEEN $2 AND $3
          AND NOT EXISTS (SELECT 1 FROM s_event x WHERE x.source_key = e.source_key)
        """, cancellationToken, schoolId, journal.From, journal.To);

    /// <summary>Writes the subjects the window and the teachers name; answers each name, as the source spells it, with its subject's id.</summary>
    /// <remarks>Keyed by the source's spelling, so that a mark's subject is one lookup, not a normalization a mark.</remarks>
    private async Task<Dictionary<string, Guid>> WriteSubjectsAsync(Guid schoolId, JournalWindow journal, IReadOnlyList<CheckedTeacher> teachers)
    {
        var spellings = journal.Lessons.Select(l => l.Subject).Concat(journal.Marks.Select(m => m.Subject)).Concat(teachers.SelectMany(t => t.Subjects))
            .ToHashSet(StringComparer.Ordinal);
        var names = spellings.GroupBy(Normalize).ToDictionary(g => g.Key, g => g.First());
        await ExecuteAsync(connection, """
            INSERT INTO subject (school_id, name, normalized_name) SELECT $1, name, normalized FROM unnest($2::text[], $3::text[]) AS s(name, normalized)
            ON CONFLICT (school_id, normalized_name) DO NOTHING
            """, cancellationToken, schoolId, names.Values.ToArray(), names.Keys.ToArray());
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT normalized_name, id FROM subject WHERE school_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids[reader.GetString(0)] = reader.GetGuid(1);
        }

        return spellings.ToDictionary(spelling => spelling, spelling => ids[Normalize(spelling)], StringComparer.Ordinal);
    }

    public static string Normalize(string subject) => string.Join(' ', subject.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant().Replace('ё', 'е');
}
