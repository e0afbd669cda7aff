using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Store;

/// <summary>
/// Marks and attendance check their references once a statement instead of through foreign keys (migration 0021):
/// what the foreign keys refused is still refused, under their names, for a write that bypasses the writers; a
/// lesson's deletion still takes its marks and attendance along; and the row locks still order concurrent writers.
/// </summary>
public class ReferenceCheckTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    private NpgsqlDataSource Db => database.DataSource;

    [Fact]
    public async Task Mark_ReferringToAMissingLesson_IsRefusedUnderTheForeignKeysName()
    {
        var (_, student, subject) = await LessonAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => InsertMarkAsync(Guid.NewGuid(), student, subject));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
        Assert.Equal("mark_lesson_id_fkey", refused.ConstraintName);
    }

    [Fact]
    public async Task Mark_OneMissingStudentInAMultiRowInsert_RefusesTheWholeStatement()
    {
        var (lesson, student, subject) = await LessonAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecuteAsync(
            """
            INSERT INTO mark (source_system, source_key, student_id, lesson_id, subject_id, mark_date, code, counts)
            VALUES ('test', $4, $1, $2, $3, '2023-11-06', '5', true), ('test', $5, gen_random_uuid(), $2, $3, '2023-11-06', '4', true)
            """, student, lesson, subject, Key(), Key()));

        Assert.Equal("mark_student_id_fkey", refused.ConstraintName);
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE lesson_id = $1", lesson));
    }

    [Fact]
    public async Task Mark_UpdatedToAMissingSubject_IsRefused()
    {
        var (lesson, student, subject) = await LessonAsync();
        await InsertMarkAsync(lesson, student, subject);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecuteAsync("UPDATE mark SET subject_id = gen_random_uuid() WHERE lesson_id = $1", lesson));

        Assert.Equal("mark_subject_id_fkey", refused.ConstraintName);
    }

    [Fact]
    public async Task Attendance_ReferringToAMissingStudent_IsRefused()
    {
        var (lesson, _, _) = await LessonAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecuteAsync(
            "INSERT INTO attendance (student_id, lesson_id, code) VALUES (gen_random_uuid(), $1, 'н')", lesson));

        Assert.Equal("attendance_student_id_fkey", refused.ConstraintName);
    }

    [Fact]
    public async Task Lesson_Deleted_TakesItsMarksAndAttendance_EachWithATombstone()
    {
        var (lesson, student, subject) = await LessonAsync();
        var mark = await InsertMarkAsync(lesson, student, subject);
        var absence = await Db.ScalarAsync<Guid>("INSERT INTO attendance (student_id, lesson_id, code) VALUES ($1, $2, 'н') RETURNING id", student, lesson);

        await Db.ExecuteAsync("DELETE FROM lesson WHERE id = $1", lesson);

        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE id = $1", mark));
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM attendance WHERE id = $1", absence));
        Assert.Equal(2L, await Db.ScalarAsync<long>("SELECT count(*) FROM tombstone WHERE federal_id IN ($1, $2)", mark, absence));
    }

    [Fact]
    public async Task Person_StillReferredToByAMark_CannotBeDeleted()
    {
        var (lesson, student, subject) = await LessonAsync();
        await InsertMarkAsync(lesson, student, subject);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecuteAsync("DELETE FROM person WHERE id = $1", student));

        Assert.Equal("mark_student_id_fkey", refused.ConstraintName);
    }

    [Fact]
    public async Task School_Deleted_TakesItsSubjectsAndTheirMarks_AsTheForeignKeysAllowed()
    {
        var (lesson, student, subject) = await LessonAsync();
        var mark = await InsertMarkAsync(lesson, student, subject);

        await Db.ExecuteAsync("DELETE FROM school WHERE id = (SELECT school_id FROM subject WHERE id = $1)", subject);

        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE id = $1", mark));
    }

    [Fact]
    public async Task Lesson_DeletedWhileAMarkIsWrittenForIt_WaitsForTheWriter_AndTakesTheMarkToo()
    {
        var (lesson, student, subject) = await LessonAsync();
        await using var writer = await Db.OpenConnectionAsync();
        await using var writing = await writer.BeginTransactionAsync();
        var mark = await InsertMarkAsync(lesson, student, subject, writer);

        var deleting = Db.ExecuteAsync("DELETE FROM lesson WHERE id = $1", lesson);
        await WaitUntilBlockedAsync();
        await writing.CommitAsync();
        await deleting;

        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE id = $1", mark));
    }

    [Fact]
    public async Task Mark_WrittenWhileItsLessonIsDeleted_WaitsForTheDeletion_AndIsRefused()
    {
        var (lesson, student, subject) = await LessonAsync();
        await using var deleter = await Db.OpenConnectionAsync();
        await using var deletion = await deleter.BeginTransactionAsync();
        await using (var delete = new NpgsqlCommand("DELETE FROM lesson WHERE id = $1", deleter) { Parameters = { new() { Value = lesson } } })
        {
            await delete.ExecuteNonQueryAsync();
        }

        var writing = InsertMarkAsync(lesson, student, subject);
        await WaitUntilBlockedAsync();
        await deletion.CommitAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => writing);
        Assert.Equal("mark_lesson_id_fkey", refused.ConstraintName);
    }

    private static string Key() => Guid.NewGuid().ToString();

    private async Task<(Guid Lesson, Guid Student, Guid Subject)> LessonAsync()
    {
        var classId = await Db.InsertClassAsync(await Db.InsertGradeLevelAsync(), "А");
        var student = await Db.InsertPersonAsync("Иванов", "Иван");
        var subject = await Db.ScalarAsync<Guid>(
            "INSERT INTO subject (school_id, name, normalized_name) SELECT school_id, 'Алгебра', 'алгебра' FROM class WHERE id = $1 RETURNING id", classId);
        var lesson = await Db.ScalarAsync<Guid>(
            """
            INSERT INTO lesson (class_id, lesson_date, number, starts_at, ends_at, subject_id)
            VALUES ($1, '2023-11-06', 1, '2023-11-06 08:30+07', '2023-11-06 09:15+07', $2) RETURNING id
            """, classId, subject);
        return (lesson, student, subject);
    }

    private async Task<Guid> InsertMarkAsync(Guid lesson, Guid student, Guid subject, NpgsqlConnection? connection = null)
    {
        const string insert = """
            INSERT INTO mark (source_system, source_key, student_id, lesson_id, subject_id, mark_date, code, counts)
            VALUES ('test', $4, $1, $2, $3, '2023-11-06', '5', true) RETURNING id
            """;
        if (connection is null)
        {
            return await Db.ScalarAsync<Guid>(insert, student, lesson, subject, Key());
        }

        await using var command = new NpgsqlCommand(insert, connection) { Parameters = { new() { Value = student }, new() { Value = lesson }, new() { Value = subject }, new() { Value = Key() } } };
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Until another session of this database waits for a row lock: the concurrent statement has reached it.</summary>
    private async Task WaitUntilBlockedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the concurrent statement never waited for the lock");
            await Task.Delay(20);
        }
    }
}
