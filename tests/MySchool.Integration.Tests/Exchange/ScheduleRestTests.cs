using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>GET /Schedule/{esiaId} exactly as contracts/federal-schedule.md, and its OperationOutcome errors.</summary>
public class ScheduleRestTests
{
    [Theory]
    [InlineData("nso", "+07:00")]
    [InlineData("rk", "+03:00")]
    public async Task Schedule_ShowsTheStudentsLessonsMarksAndAbsences_InTheSchoolsOffset(string adapter, string offset)
    {
        await using var federal = await FederalFixture.StartAsync(adapter);
        var (start, end) = (federal.Harness.Region.JournalFrom!.Value, federal.Harness.Region.JournalTo!.Value);
        var client = await federal.Gateway.CreateClientAsync("federal");

        using var response = await client.GetAsync(new Uri($"/Schedule/{FederalFixture.StudentOid}?start={start:yyyy-MM-dd}&end={end:yyyy-MM-dd}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Schedule", body["resourceType"]!.GetValue<string>());
        Assert.Equal(FederalFixture.StudentOid.ToString(System.Globalization.CultureInfo.InvariantCulture), body["id"]!.GetValue<string>());
        Assert.EndsWith(offset, body["meta"]!["lastUpdated"]!.GetValue<string>(), StringComparison.Ordinal);
        var school = Assert.Single(body["school"]!.AsArray())!;
        Assert.Equal("2023/24", school["academYear"]!.GetValue<string>());
        Assert.Equal(await federal.Harness.Db.ScalarAsync<string>("SELECT s.full_name FROM school s JOIN class c ON c.school_id = s.id WHERE c.id = $1", federal.ClassId), school["name"]!.GetValue<string>());
        var schoolClass = Assert.Single(school["class"]!.AsArray())!;
        var expectedClass = await federal.Harness.Db.ScalarAsync<string>("SELECT grade || lower(letter) FROM class WHERE id = $1", federal.ClassId);
        Assert.Equal(expectedClass, schoolClass["class"]!.GetValue<string>());
        var lessons = schoolClass["lesson"]!.AsArray();

        // The class's lessons and the student's half's in English (named by its group), not the other half's.
        Assert.Equal(await federal.Harness.Db.ScalarAsync<long>("""
            SELECT count(*) FROM lesson l WHERE l.class_id = $1 AND l.lesson_date BETWEEN $2 AND $3
              AND (l.group_id IS NULL OR l.group_id IN (SELECT group_id FROM group_member WHERE student_id = $4))
            """, federal.ClassId, start, end, federal.StudentId), lessons.Count);
        Assert.Contains(lessons, lesson => lesson!["group"] is not null);
        Assert.All(lessons, lesson => Assert.EndsWith(offset, lesson!["period"]!["start"]!.GetValue<string>(), StringComparison.Ordinal));
        var scores = lessons.SelectMany(lesson => lesson!["score"]!.AsArray().Select(score => (Lesson: lesson["id"]!.GetValue<Guid>(), Code: score!["code"]!.GetValue<string>()))).Order().ToList();
        var marks = await MarksAsync(federal, start, end);
        Assert.NotEmpty(marks);
        Assert.Equal(marks, scores);
        Assert.Equal(
            await federal.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM attendance a JOIN lesson l ON l.id = a.lesson_id WHERE a.student_id = $1 AND l.lesson_date BETWEEN $2 AND $3", federal.StudentId, start, end),
            lessons.Count(lesson => lesson!["attendance"] is not null));
        Assert.All(lessons.SelectMany(lesson => lesson!["score"]!.AsArray()), score => Assert.Equal("5-балльная", score!["scoreSystem"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("nso")]
    [InlineData("rk")]
    public async Task Schedule_OverTheWinterHolidays_ShowsThemAsSuch_WithTheSchool(string adapter)
    {
        await using var federal = await FederalFixture.StartAsync(adapter);
        var client = await federal.Gateway.CreateClientAsync("federal");

        var body = (await client.GetFromJsonAsync<JsonObject>(new Uri($"/Schedule/{FederalFixture.StudentOid}?start=2024-01-01&end=2024-01-07", UriKind.Relative)))!;

        var school = Assert.Single(body["school"]!.AsArray())!;
        var holiday = Assert.Single(school["holiday"]!.AsArray())!;
        Assert.Equal(("Зимние каникулы", "2023-12-30", "2024-01-08"),
            (holiday["name"]!.GetValue<string>(), holiday["period"]!["start"]!.GetValue<string>(), holiday["period"]!["end"]!.GetValue<string>()));
        Assert.Empty(Assert.Single(school["class"]!.AsArray())!["lesson"]!.AsArray());
    }

    [Fact]
    public async Task Schedule_IsServedFromMemory_AndReadAgainAfterEveryChangeThatConcernsIt()
    {
        await using var federal = await FederalFixture.StartAsync();
        var (start, end) = (federal.Harness.Region.JournalFrom!.Value, federal.Harness.Region.JournalTo!.Value);
        var client = await federal.Gateway.CreateClientAsync("federal");
        var path = new Uri($"/Schedule/{FederalFixture.StudentOid}?start={start:yyyy-MM-dd}&end={end:yyyy-MM-dd}", UriKind.Relative);
        var lesson = await federal.Harness.Db.ScalarAsync<Guid>(
            "SELECT id FROM lesson WHERE class_id = $1 AND group_id IS NULL AND lesson_date BETWEEN $2 AND $3 ORDER BY starts_at LIMIT 1", federal.ClassId, start, end);
        var first = await client.GetStringAsync(path);

        // A write no trigger sees (as a replica applies it) is not signalled: the answer kept in memory is served.
        await UnsignalledAsync(federal, "UPDATE lesson SET topic = 'Тема без сигнала' WHERE id = $1", lesson);
        Assert.Equal(first, await client.GetStringAsync(path));

        // Any write that concerns the student's school is signalled, and the answer read again.
        await federal.Harness.Db.ExecuteAsync("UPDATE lesson SET room = 'Каб. 7ӧ' WHERE id = $1", lesson);
        var seen = await EventuallyAsync(client, path, body => body.Contains("Каб. 7ӧ", StringComparison.Ordinal));
        Assert.Contains("Тема без сигнала", Regex.Unescape(seen), StringComparison.Ordinal);

        // A run that succeeds in the region moves lastUpdated without a change to the school.
        var lastUpdated = LastUpdated(seen);
        await federal.Harness.Db.ExecuteAsync("""
            INSERT INTO sync_run (source_system, scope, mode, status, started_at, finished_at)
            SELECT 'test', code || '/1', 'push', 'succeeded', now(), now() + interval '1 hour' FROM school_region WHERE school_id = (SELECT school_id FROM class WHERE id = $1)
            """, federal.ClassId);
        await EventuallyAsync(client, path, body => LastUpdated(body) > lastUpdated);

        // A signal lost while the listener's connection was down: everything kept before it dropped is read again.
        await UnsignalledAsync(federal, "UPDATE lesson SET topic = 'Тема после обрыва' WHERE id = $1", lesson);
        await federal.Harness.Db.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{Core.Federal.ScheduleSignals.Channel}' AND datname = current_database()");
        await EventuallyAsync(client, path, body => body.Contains("Тема после обрыва", StringComparison.Ordinal));

        // The oid taken from the student: no longer theirs.
        await federal.Harness.Db.ExecuteAsync("UPDATE person SET esia_oid = NULL WHERE id = $1", federal.StudentId);
        await EventuallyAsync(client, path, body => body.Contains("OperationOutcome", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadRequests_AreOperationOutcomes_WithTheRightStatus()
    {
        // One synced region answers every case: they only read.
        (string Path, HttpStatusCode Status, string Code)[] cases =
        [
            ("/Schedule/1054000777?start=2023-11-06", HttpStatusCode.BadRequest, "structure"),
            ("/Schedule/1054000777?start=2023-11-12&end=2023-11-06", HttpStatusCode.BadRequest, "structure"),
            ("/Schedule/1054000777?start=2023-09-01&end=2024-05-31", HttpStatusCode.BadRequest, "structure"),
            ("/Schedule/1054000777?start=2023-11-31&end=2023-12-01", HttpStatusCode.BadRequest, "structure"),
            ("/Schedule/not-an-oid?start=2023-11-06&end=2023-11-12", HttpStatusCode.BadRequest, "structure"),
            ("/Schedule/1000000042?start=2023-11-06&end=2023-11-12", HttpStatusCode.NotFound, "not-found"),
            ("/Portfolio/1000000042", HttpStatusCode.NotFound, "not-found"),
        ];
        await using var federal = await FederalFixture.StartAsync();
        var client = await federal.Gateway.CreateClientAsync("federal");

        foreach (var (path, status, code) in cases)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var outcome = await Record.ExceptionAsync(() => AssertOutcomeAsync(response, status, code));
            Assert.True(outcome is null, $"{path}: {outcome?.Message}");
        }
    }

    [Fact]
    public async Task NoToken_Is401_AndAVendorToken_Is403_BothOperationOutcomes()
    {
        await using var federal = await FederalFixture.StartAsync();
        var vendor = await federal.Gateway.CreateClientAsync("vendor-54");
        var path = new Uri($"/Schedule/{FederalFixture.StudentOid}?start=2023-11-06&end=2023-11-12", UriKind.Relative);

        await AssertOutcomeAsync(await federal.Gateway.CreateClient().GetAsync(path), HttpStatusCode.Unauthorized, "expired");
        await AssertOutcomeAsync(await vendor.GetAsync(path), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task AnExpiredToken_Is401Expired_SayingSo()
    {
        await using var federal = await FederalFixture.StartAsync(settings: new Dictionary<string, string> { ["Exchange:TokenLifetime"] = "00:00:01" });
        var client = await federal.Gateway.CreateClientAsync("federal");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        using var response = await client.GetAsync(new Uri($"/Schedule/{FederalFixture.StudentOid}?start=2023-11-06&end=2023-11-12", UriKind.Relative));

        var text = await AssertOutcomeAsync(response, HttpStatusCode.Unauthorized, "expired");
        Assert.Contains("истёк", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_DescribesTheRestCalls()
    {
        await using var federal = await FederalFixture.StartAsync();

        var document = await federal.Gateway.CreateClient().GetFromJsonAsync<JsonObject>(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.NotNull(document!["paths"]!["/Schedule/{esiaId}"]);
        Assert.NotNull(document["paths"]!["/Portfolio/{esiaId}"]);
    }

    /// <summary>
    /// The answer once its text (the JSON's \u escapes of Cyrillic undone) satisfies <paramref name="seen"/>: a signal
    /// arrives within milliseconds of its commit.
    /// </summary>
    private static async Task<string> EventuallyAsync(HttpClient client, Uri path, Func<string, bool> seen)
    {
        var body = string.Empty;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var response = await client.GetAsync(path);
            body = await response.Content.ReadAsStringAsync();
            if (seen(Regex.Unescape(body)))
            {
                return body;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Not seen within 10 s: {body[..Math.Min(300, body.Length)]}");
        return body;
    }

    private static DateTimeOffset LastUpdated(string body) => JsonNode.Parse(body)!["meta"]!["lastUpdated"]!.GetValue<DateTimeOffset>();

    /// <summary>Commits <paramref name="sql"/> with every trigger off, as a logical replica applies rows: nothing is signalled.</summary>
    private static async Task UnsignalledAsync(FederalFixture federal, string sql, params object[] values)
    {
        await using var connection = await federal.Harness.Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var replica = new NpgsqlCommand("SET LOCAL session_replication_role = replica", connection, transaction))
        {
            await replica.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static async Task<List<(Guid Lesson, string Code)>> MarksAsync(FederalFixture federal, DateOnly start, DateOnly end)
    {
        var marks = new List<(Guid, string)>();
        await using var command = federal.Harness.Db.CreateCommand(
            "SELECT m.lesson_id, m.code FROM mark m JOIN lesson l ON l.id = m.lesson_id WHERE m.student_id = $1 AND l.lesson_date BETWEEN $2 AND $3");
        command.Parameters.Add(new() { Value = federal.StudentId });
        command.Parameters.Add(new() { Value = start });
        command.Parameters.Add(new() { Value = end });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            marks.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return [.. marks.Order()];
    }

    private static async Task<string> AssertOutcomeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("OperationOutcome", body["resourceType"]!.GetValue<string>());
        var issue = Assert.Single(body["issue"]!.AsArray())!;
        Assert.Equal("error", issue["severity"]!.GetValue<string>());
        Assert.Equal(code, issue["code"]!.GetValue<string>());
        var text = issue["details"]!["text"]!.GetValue<string>();
        Assert.Matches("[А-Яа-я]", text);
        return text;
    }
}
