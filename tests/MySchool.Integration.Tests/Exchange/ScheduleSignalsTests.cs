using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>
/// Every write that can change a /Schedule answer signals whom it concerns (migration 0030), from wherever it comes:
/// here each is plain SQL outside the writers, against a synced region, heard by a listener of its own.
/// </summary>
public sealed class ScheduleSignalsTests(ScheduleSignalsTests.Region region) : IClassFixture<ScheduleSignalsTests.Region>
{
    public static TheoryData<string, string, string[]> Writes => new()
    {
        { "a school renamed", "UPDATE school SET full_name = full_name || ' ' WHERE id = @school", ["school"] },
        { "a municipality moved", "UPDATE municipality SET name = name WHERE id = (SELECT municipality_id FROM school WHERE id = @school)", ["school", "other"] },
        { "a region renamed", "UPDATE region SET name = name WHERE code = @region", ["school", "other"] },
        { "an academic year renamed", "UPDATE academic_year SET name = name WHERE school_id = @school", ["school"] },
        { "a holiday added", "INSERT INTO holiday (academic_year_id, name, starts_on, ends_on) SELECT id, 'Карантин', '2024-02-12', '2024-02-13' FROM academic_year WHERE school_id = @school", ["school"] },
        { "a grade level changed", "UPDATE grade_level SET grade = grade WHERE id = (SELECT grade_level_id FROM class WHERE id = @class)", ["school"] },
        { "a class's letter changed", "UPDATE class SET letter = letter WHERE id = @class", ["school"] },
        { "a subject renamed", "UPDATE subject SET name = name || ' ' WHERE school_id = @school", ["school"] },
        { "a group renamed", "UPDATE class_group SET name = name || ' ' WHERE class_id = @class", ["school"] },
        { "a lesson's topic changed", "UPDATE lesson SET topic = 'Новая тема' WHERE id = (SELECT id FROM lesson WHERE class_id = @class LIMIT 1)", ["school"] },
        { "homework given", "INSERT INTO homework (lesson_id, source_key, text) SELECT id, 'signal-test', 'Повторить' FROM lesson WHERE class_id = @class LIMIT 1", ["school"] },
        { "a mark changed", "UPDATE mark SET code = code WHERE student_id = @student", ["school"] },
        { "an absence deleted", "DELETE FROM attendance WHERE student_id = @student", ["school"] },
        { "an enrollment ended", "UPDATE enrollment SET ends_on = '2024-05-31' WHERE student_id = @student AND ends_on IS NULL", ["school", "student"] },
        { "every enrollment of the school touched (keys over many signals)", "UPDATE enrollment SET starts_on = starts_on WHERE class_id IN (SELECT id FROM class WHERE school_id = @school)", ["school", "student"] },
        { "a group left", "DELETE FROM group_member WHERE student_id = @student", ["school", "student"] },
        { "an oid given to someone else", "UPDATE person SET esia_oid = NULL WHERE id = @student", ["student"] },
        { "a run succeeded", "INSERT INTO sync_run (source_system, scope, mode, status, started_at, finished_at) VALUES ('test', @region || '/1', 'push', 'succeeded', now(), now())", ["region"] },
        { "a lesson deleted with its marks", "DELETE FROM lesson WHERE id = (SELECT lesson_id FROM mark WHERE student_id = @student LIMIT 1)", ["school"] },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task AWriteOutsideTheWriters_SignalsWhomItConcerns(string write, string sql, string[] concerns)
    {
        var keys = concerns.Select(region.Key).ToArray();
        var mark = await region.MarkAsync();

        await region.ExecuteAsync(sql);

        await region.HeardAsync(mark, keys, write);
        if (!concerns.Contains("other"))
        {
            Assert.True(region.Signals.Unchanged(mark, [ScheduleSignals.School(region.OtherSchool)]), $"{write} signalled another school");
        }
    }

    [Fact]
    public async Task AStatementOfMoreKeysThanOnePayloadHolds_SignalsEachOfThem()
    {
        // A new person is in no kept answer, so their insertion signals nothing; their update in one statement does.
        var people = await region.Db.ScalarAsync<Guid[]>("""
            WITH p AS (INSERT INTO person (last_name, first_name, search_name) SELECT 'Сигналов', 'Тест' || g, 'сигналов тест' || g FROM generate_series(1, 1000) g RETURNING id)
            SELECT array_agg(id) FROM p
            """);

        var mark = await region.MarkAsync();
        // 1,000 person keys are about 38,000 bytes: five payloads or more, each under NOTIFY's 8,000.
        await region.Db.ExecuteAsync("UPDATE person SET middle_name = 'Сигналович' WHERE id = ANY($1)", people);

        await region.HeardAsync(mark, [.. people.Select(ScheduleSignals.Person)], "1,000 people written at once");
    }

    [Fact]
    public async Task ANewPerson_SignalsNothing_ForNoKeptAnswerCanNameThem()
    {
        var mark = await region.MarkAsync();

        var person = await region.Db.ScalarAsync<Guid>("INSERT INTO person (last_name, first_name, search_name) VALUES ('Новиков', 'Сигнал', 'новиков сигнал') RETURNING id");

        // A committed write after it is heard; by then the insertion would have been too.
        await region.ExecuteAsync("UPDATE school SET full_name = full_name WHERE id = @other");
        await region.HeardAsync(mark, [ScheduleSignals.School(region.OtherSchool)], "the committed write");
        Assert.True(region.Signals.Unchanged(mark, [ScheduleSignals.Person(person)]), "a new person was signalled");
    }

    [Fact]
    public async Task ARolledBackWrite_SignalsNothing()
    {
        var mark = await region.MarkAsync();
        await using (var connection = await region.Db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var command = new NpgsqlCommand("UPDATE lesson SET topic = 'Отменённая тема' WHERE class_id = $1", connection, transaction) { Parameters = { new() { Value = region.ClassId } } };
            await command.ExecuteNonQueryAsync();
            await transaction.RollbackAsync();
        }

        // A committed write after it is heard; by then the rolled-back one would have been too.
        var after = await region.MarkAsync();
        await region.ExecuteAsync("UPDATE school SET full_name = full_name WHERE id = @other");
        await region.HeardAsync(after, [ScheduleSignals.School(region.OtherSchool)], "the committed write");
        Assert.True(region.Signals.Unchanged(mark, [ScheduleSignals.School(region.SchoolId)]));
    }

    [Fact]
    public async Task ATruncate_DisownsEveryMark()
    {
        var mark = await region.MarkAsync();

        await region.ExecuteAsync("TRUNCATE holiday");

        await region.HeardAsync(mark, [], "TRUNCATE");
    }

    [Fact]
    public async Task AfterTheListenersConnectionDrops_NoEarlierMarkIsTrusted_AndItListensAgain()
    {
        var mark = await region.MarkAsync();

        await region.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{ScheduleSignals.Channel}' AND datname = current_database()");

        await region.HeardAsync(mark, [], "the dropped connection");
        var again = await region.MarkAsync();
        Assert.True(again > mark);
        Assert.True(region.Signals.Unchanged(again, [ScheduleSignals.School(region.SchoolId)]));
    }

    /// <summary>A synced region (its schools in one municipality) with a linked student, and a listener of its own on its database.</summary>
    public sealed class Region : IAsyncLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private FederalFixture? _federal;
        private Task? _listening;

        public ScheduleSignals Signals { get; private set; } = null!;

        public NpgsqlDataSource Db => _federal!.Harness.Db;

        public Guid SchoolId { get; private set; }

        public Guid OtherSchool { get; private set; }

        public Guid ClassId => _federal!.ClassId;

        public string Code { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            _federal = await FederalFixture.StartAsync();
            SchoolId = await Db.ScalarAsync<Guid>("SELECT school_id FROM class WHERE id = $1", ClassId);
            OtherSchool = await Db.ScalarAsync<Guid>("SELECT id FROM school WHERE id <> $1 LIMIT 1", SchoolId);
            Code = await Db.ScalarAsync<string>("SELECT code FROM school_region WHERE school_id = $1", SchoolId);
            Signals = new ScheduleSignals(Db.ConnectionString, NullLogger<ScheduleSignals>.Instance);
            _listening = Signals.ListenAsync(_stop.Token);
        }

        public string Key(string concern) => concern switch
        {
            "school" => ScheduleSignals.School(SchoolId),
            "student" => ScheduleSignals.Person(_federal!.StudentId),
            "other" => ScheduleSignals.School(OtherSchool), // in the same municipality and region
            _ => ScheduleSignals.Region(Code),
        };

        /// <summary>A mark, once the listener listens.</summary>
        public async Task<long> MarkAsync()
        {
            for (var waited = 0; waited < 100; waited++)
            {
                if (Signals.Mark is { } mark)
                {
                    return mark;
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("The listener did not listen within 10 s");
        }

        /// <summary>Runs <paramref name="sql"/> with whichever of @school, @class, @student, @region and @other it names.</summary>
        public async Task ExecuteAsync(string sql)
        {
            await using var command = Db.CreateCommand(sql);
            var values = new Dictionary<string, object> { ["school"] = SchoolId, ["class"] = ClassId, ["student"] = _federal!.StudentId, ["region"] = Code, ["other"] = OtherSchool };
            foreach (var (name, value) in values.Where(named => sql.Contains("@" + named.Key, StringComparison.Ordinal)))
            {
                command.Parameters.AddWithValue(name, value);
            }

            await command.ExecuteNonQueryAsync();
        }

        /// <summary>Waits until every key (or, with none, the mark itself) is no longer unchanged since the mark.</summary>
        public async Task HeardAsync(long mark, string[] keys, string what)
        {
            for (var waited = 0; waited < 100; waited++)
            {
                if (keys.Length == 0 ? !Signals.Unchanged(mark, []) : keys.All(key => !Signals.Unchanged(mark, [key])))
                {
                    return;
                }

                await Task.Delay(100);
            }

            Assert.Fail($"{what}: not heard within 10 s ({string.Join(", ", keys)})");
        }

        public async Task DisposeAsync()
        {
            await _stop.CancelAsync();
            await _listening!;
            await _federal!.DisposeAsync();
        }

        public void Dispose() => _stop.Dispose();
    }
}
