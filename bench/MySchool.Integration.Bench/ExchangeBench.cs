using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Protos.Federal.V1;
using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Bench;

/// <summary>
/// The exchange under load, the gateway in its own process: 1,000,000 marks pushed over gRPC into PostgreSQL
/// against a raw binary COPY of the same rows into the same schema (same run), and GET /Schedule under wrk.
/// </summary>
internal static partial class ExchangeBench
{
    private const int Schools = 10;
    private const int ClassesPerSchool = 20;
    private const int StudentsPerClass = 25;
    private const int LessonsPerClass = 120; // six a day, four school weeks
    private const int MarksTotal = 1_000_000;
    private const int MarksPerBatch = 50_000;
    private const int MarksPerMessage = 5_000;
    /// <summary>Client streams pushing at once (MSI_PUSH_STREAMS, 2): one shows what two cost in contention.</summary>
    private static readonly int Streams = int.Parse(Environment.GetEnvironmentVariable("MSI_PUSH_STREAMS") ?? "2", CultureInfo.InvariantCulture);

    public static async Task RunAsync()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var connectionString = await cluster.CreateMigratedDatabaseAsync("exchange");
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var gateway = await GatewayProcess.StartAsync(connectionString, new Dictionary<string, string>
        {
            ["Regions:54:Name"] = "Новосибирская область", // served for pushes only
            ["Regions:54:TimeZone"] = "Asia/Novosibirsk",
            // The load below measures the gateway, not its per-client limit (1,000 reads a second by default).
            ["RateLimits:PullPerClientPerMinute"] = "100000000",
        });
        var token = await gateway.TokenAsync();
        using var channel = await gateway.ChannelAsync();
        var client = new VendorExchange.VendorExchangeClient(channel);

        for (var school = 0; school < Schools; school++)
        {
            await PushAsync(client, $"roster-{school}", school, [Roster(school)]);
        }

        // A variant of the schema to push into (MSI_PUSH_SCHEMA_SQL, run before the push), e.g. `mark` without an
        // index: how the push's floor moves with the model, measured in the same run as its physical limit.
        if (Environment.GetEnvironmentVariable("MSI_PUSH_SCHEMA_SQL") is { } variant)
        {
            await using var altering = db.CreateCommand(variant);
            await altering.ExecuteNonQueryAsync();
        }

        var statements = await StatementProfile.StartAsync(db);
        var started = Stopwatch.GetTimestamp();
        var (cpu, gatewayCpu, clientCpu) = (CpuSeconds(), gateway.CpuTime, Process.GetCurrentProcess().TotalProcessorTime);
        var rejected = 0L;
        await Parallel.ForEachAsync(Enumerable.Range(0, MarksTotal / MarksPerBatch), new ParallelOptions { MaxDegreeOfParallelism = Streams }, async (batch, _) =>
        {
            var school = batch % Schools;
            var reply = await PushAsync(client, $"marks-{batch}", school, Marks(school, batch / Schools));
            Interlocked.Add(ref rejected, reply.Quarantined);
        });
        var pushSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var spent = CpuSeconds();
        var marks = await CountAsync(db, "SELECT count(*) FROM mark");
        Console.WriteLine($"gRPC push: {marks:N0} marks in {MarksTotal / MarksPerBatch} batches of {MarksPerBatch:N0} ({Streams} streams at once), {pushSeconds:F1} s = {marks / pushSeconds:N0} rows/s, {rejected} rejected");
        Console.WriteLine($"CPU of the push: PostgreSQL {spent["postgres"] - cpu["postgres"]:F1} s, gateway {(gateway.CpuTime - gatewayCpu).TotalSeconds:F1} s, the bench's client {(Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds:F1} s; gateway peak RSS {gateway.PeakWorkingSet / 1024.0 / 1024.0:F0} MiB");
        await statements.PrintAsync("push");

        // The physical limit: the same mark rows, binary COPY into a plain table with its primary key only.
        await using var plain = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("plain"));
        await using (var table = plain.CreateCommand("CREATE TABLE plain_mark (LIKE mark INCLUDING DEFAULTS); ALTER TABLE plain_mark ADD PRIMARY KEY (id)"))
        {
            await table.ExecuteNonQueryAsync();
        }

        started = Stopwatch.GetTimestamp();
        await SyncBench.CopyAllAsync(db, plain, ["mark"], "plain_mark");
        var limitSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"physical limit: raw binary COPY of the same {marks:N0} rows into a plain table with only a primary key: {limitSeconds:F1} s = {marks / limitSeconds:N0} rows/s");
        Console.WriteLine($"ratio push / physical limit: {limitSeconds / pushSeconds:F2}x (throughput)");
        if (Environment.GetEnvironmentVariable("MSI_PUSH_ONLY") is not null)
        {
            return; // the push alone, for A/B runs of it
        }

        await using var baseline = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("baseline"));
        await SyncBench.CopyAllAsync(db, baseline, SyncBench.Tables.Where(table => table != "mark"));
        started = Stopwatch.GetTimestamp();
        await SyncBench.CopyAllAsync(db, baseline, ["mark"]);
        var copySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"same-schema COPY of the same rows (indexes, reference checks, triggers): {copySeconds:F1} s = {marks / copySeconds:N0} rows/s; push takes {pushSeconds / copySeconds:F1}x its time");

        await ScheduleLoadAsync(db, gateway, token);
        await FederalPullAsync(db, gateway, channel);
    }

    /// <summary>
    /// The federal pull of the pushed marks against its baseline, a raw COPY of the same rows in the same form (from
    /// the view federal_row, one statement, binary) read to the end by a client: `ReadRows` of the region's marks, then
    /// `ReadChanges` since version 0 (the rosters, lessons and marks), each streamed over gRPC and counted.
    /// </summary>
    private static async Task FederalPullAsync(NpgsqlDataSource db, GatewayProcess gateway, Grpc.Net.Client.GrpcChannel channel)
    {
        var pull = new FederalPull.FederalPullClient(channel);
        await MeasurePullAsync(db, gateway, "ReadRows of the region's marks",
            "SELECT kind, id, change_version, row::text FROM federal_row WHERE kind = 'mark' AND '54' = ANY(regions) ORDER BY change_version",
            () => CountAsync(pull.ReadRows(new ReadRowsRequest { RegionCode = "54", Kind = "mark" }), row => row.Json));
        await MeasurePullAsync(db, gateway, "ReadChanges since version 0",
            "SELECT change_version, kind, id, false, row::text FROM federal_row WHERE '54' = ANY(regions) UNION ALL SELECT change_version, kind, federal_id, true, natural_key::text FROM tombstone ORDER BY 1",
            () => CountAsync(pull.ReadChanges(new ReadChangesRequest { RegionCode = "54" }), change => change.Json));
    }

    /// <summary>Reads a stream to its end: the messages and the characters of their JSON.</summary>
    private static async Task<(long Rows, long JsonChars)> CountAsync<T>(AsyncServerStreamingCall<T> call, Func<T, string> json)
    {
        using (call)
        {
            var (rows, chars) = (0L, 0L);
            await foreach (var message in call.ResponseStream.ReadAllAsync())
            {
                (rows, chars) = (rows + 1, chars + json(message).Length);
            }

            return (rows, chars);
        }
    }

    private static async Task MeasurePullAsync(NpgsqlDataSource db, GatewayProcess gateway, string name, string select, Func<Task<(long Rows, long JsonChars)>> pull)
    {
        var started = Stopwatch.GetTimestamp();
        var copied = 0L;
        await using (var connection = await db.OpenConnectionAsync())
        await using (var copy = await connection.BeginRawBinaryCopyAsync($"COPY ({select}) TO STDOUT (FORMAT BINARY)"))
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await copy.ReadAsync(buffer.AsMemory(), CancellationToken.None)) > 0)
            {
                copied += read;
            }
        }

        var copySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (cpu, gatewayCpu) = (CpuSeconds(), gateway.CpuTime);
        started = Stopwatch.GetTimestamp();
        var (rows, chars) = await pull();
        var pullSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var spent = CpuSeconds();
        Console.WriteLine($"{name}: {rows:N0} rows ({chars / 1024.0 / 1024.0:F0} M characters of JSON) in {pullSeconds:F1} s = {rows / pullSeconds:N0} rows/s; "
            + $"CPU PostgreSQL {spent["postgres"] - cpu["postgres"]:F1} s, gateway {(gateway.CpuTime - gatewayCpu).TotalSeconds:F1} s");
        Console.WriteLine($"  baseline: raw COPY of the same rows ({copied / 1024.0 / 1024.0:F0} MiB binary) in {copySeconds:F1} s; ratio {copySeconds / pullSeconds:F2}x (throughput)");
    }

    /// <summary>
    /// wrk from another process, 16 connections for 20 s each: first the baseline, the gateway's most trivial answer
    /// behind the same token check (an id that is no ESIA oid: refused before any query), then /Schedule for 1,000
    /// linked students, a week each (served mostly from the gateway's kept answers), then /Schedule with a new
    /// student-range nearly every request (read from PostgreSQL). VACUUM ANALYZE first; shared_buffers is PostgreSQL's
    /// default (128 MB).
    /// </summary>
    private static async Task ScheduleLoadAsync(NpgsqlDataSource db, GatewayProcess gateway, string token)
    {
        await using (var link = db.CreateCommand("UPDATE person SET esia_oid = 2000000000 + n FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM person WHERE id IN (SELECT student_id FROM enrollment) LIMIT 1000) x WHERE person.id = x.id"))
        {
            await link.ExecuteNonQueryAsync();
        }

        await using (var vacuum = db.CreateCommand("VACUUM ANALYZE"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        var trivial = await WrkAsync(gateway, token, "\"/Schedule/not-an-oid?start=2023-11-06&end=2023-11-12\"");
        Console.WriteLine($"baseline: the trivial answer behind the token check: {trivial.PerSecond:F0} requests/s, p50 {trivial.P50}, p99 {trivial.P99}");
        // As the federal platform asks: the weeks students have open, asked again (answers kept by the gateway, issue 17).
        // Measured once each answer has been read a first time (5 s, not counted): the first reads are the next run's.
        await WrkAsync(gateway, token, Week, seconds: 5);
        await ScheduleRunAsync(gateway, token, trivial.PerSecond, "GET /Schedule, 1,000 students' week",
            Week);
        // Every answer read from PostgreSQL: a random student and a random range of 1-7 days in four weeks (196,000
        // ranges, so about one request in twenty repeats one).
        await ScheduleRunAsync(gateway, token, trivial.PerSecond, "GET /Schedule, each a new student-range",
            "\"/Schedule/\" .. (2000000000 + math.random(0, 999)) .. os.date(\"!?start=%Y-%m-%d\", 1699228800 + 86400 * d) .. os.date(\"!&end=%Y-%m-%d\", 1699228800 + 86400 * (d + math.random(0, 6)))",
            "d = math.random(0, 27)");
    }

    private const string Week = "\"/Schedule/\" .. (2000000000 + math.random(0, 999)) .. \"?start=2023-11-06&end=2023-11-12\"";

    private static async Task ScheduleRunAsync(GatewayProcess gateway, string token, double baseline, string what, string path, string prepare = "")
    {
        var (cpu, gatewayCpu) = (CpuSeconds(), gateway.CpuTime);
        var schedule = await WrkAsync(gateway, token, path, prepare);
        Console.WriteLine($"{what}: {schedule.PerSecond:F0} requests/s, p50 {schedule.P50}, p99 {schedule.P99}, non-2xx {schedule.Errors}; ratio to the baseline {schedule.PerSecond / baseline:F2}x");
        var spent = CpuSeconds();
        var requests = schedule.PerSecond * 20;
        Console.WriteLine($"  CPU a request: PostgreSQL {(spent["postgres"] - cpu["postgres"]) * 1000 / requests:F2} ms, gateway {(gateway.CpuTime - gatewayCpu).TotalMilliseconds / requests:F2} ms");
    }

    /// <summary>CPU seconds (user + system) used so far by every process of each name: where PostgreSQL's time goes.</summary>
    public static Dictionary<string, double> CpuSeconds()
    {
        var seconds = new Dictionary<string, double> { ["postgres"] = 0 };
        foreach (var dir in Directory.GetDirectories("/proc").Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // utime, stime, and cutime, cstime: a backend that has exited is counted in its postmaster's.
                seconds[name] = seconds.GetValueOrDefault(name) + (fields[11..15].Sum(field => double.Parse(field, CultureInfo.InvariantCulture)) / 100);
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }

        return seconds;
    }

    /// <param name="path">A Lua expression of the path; <paramref name="prepare"/> runs before it, for each request.</param>
    private static async Task<(double PerSecond, string P50, string P99, string Errors)> WrkAsync(GatewayProcess gateway, string token, string path, string prepare = "", int seconds = 20)
    {
        var script = Path.Combine(Path.GetTempPath(), "schedule.lua");
        await File.WriteAllTextAsync(script, $$"""
            wrk.headers["Authorization"] = "Bearer {{token}}"
            math.randomseed(1)
            request = function()
              {{prepare}}
              return wrk.format("GET", {{path}})
            end
            """);
        var start = new ProcessStartInfo("wrk", ["-t2", "-c16", $"-d{seconds}s", "--latency", "-s", script, gateway.Http.ToString()]) { RedirectStandardOutput = true };
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk is not installed (apt-get install wrk)");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        return (double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture), Percentile("50%").Match(output).Groups[1].Value,
            Percentile("99%").Match(output).Groups[1].Value, NonSuccess().Match(output) is { Success: true } m ? m.Groups[1].Value : "0");
    }

    private static Task<PushReply> PushAsync(VendorExchange.VendorExchangeClient client, string key, int school, IEnumerable<RecordChunk> chunks) =>
        client.PushBatchAsync(Header(key, school), chunks, DateTime.UtcNow.AddMinutes(10));

    private static BatchHeader Header(string key, int school) => new()
    {
        IdempotencyKey = key,
        RegionCode = "54",
        School = new School
        {
            SourceId = $"school-{school}",
            Inn = MySchool.Integration.Mocks.Synthetic.Identifiers.Inn("54", school + 1),
            FullName = $"Школа № {school + 1}",
            Oktmo = "50701000001",
            Municipality = "город Новосибирск",
        },
    };

    private static RecordChunk Roster(int school)
    {
        var chunk = new RecordChunk();
        for (var c = 0; c < ClassesPerSchool; c++)
        {
            var classId = $"{school}-c{c}";
            chunk.Classes.Add(new SchoolClass { SourceId = classId, Name = $"{5 + (c / 4)}{"АБВГ"[c % 4]}", AcademicYear = "2023/2024" });
            for (var s = 0; s < StudentsPerClass; s++)
            {
                chunk.Students.Add(new Student { Person = new Person { SourceId = $"{classId}-s{s}", LastName = $"Ученик{s}", FirstName = "Иван" }, ClassSourceId = classId });
            }

            for (var l = 0; l < LessonsPerClass; l++)
            {
                chunk.Lessons.Add(new Lesson
                {
                    ClassSourceId = classId,
                    Date = LessonDate(l).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Number = (l % 6) + 1,
                    Start = $"{8 + (l % 6):00}:30",
                    End = $"{9 + (l % 6):00}:15",
                    Subject = "Алгебра",
                });
            }
        }

        return chunk;
    }

    /// <summary>The marks of one batch of a school: each (student, lesson) pair gets at most one mark per batch.</summary>
    private static IEnumerable<RecordChunk> Marks(int school, int batch)
    {
        string[] values = ["5", "4", "3", "4+", "5-", "2"];
        var chunk = new RecordChunk();
        for (var i = 0; i < MarksPerBatch; i++)
        {
            var pair = (batch * MarksPerBatch) + i;
            var (classIndex, lesson, student) = (pair % ClassesPerSchool, pair / ClassesPerSchool % LessonsPerClass, pair / (ClassesPerSchool * LessonsPerClass) % StudentsPerClass);
            var classId = $"{school}-c{classIndex}";
            var day = LessonDate(lesson).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            chunk.Marks.Add(new Mark
            {
                SourceId = $"{school}-m{pair}",
                StudentSourceId = $"{classId}-s{student}",
                ClassSourceId = classId,
                LessonDate = day,
                LessonNumber = (lesson % 6) + 1,
                Subject = "Алгебра",
                Value = values[pair % values.Length],
                Date = day,
                Weight = 1,
            });
            if (chunk.Marks.Count == MarksPerMessage)
            {
                yield return chunk;
                chunk = new RecordChunk();
            }
        }

        if (chunk.Marks.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>Lesson l of a class: six a day, Monday to Friday from 6 November 2023.</summary>
    private static DateOnly LessonDate(int lesson)
    {
        var day = lesson / 6;
        return new DateOnly(2023, 11, 6).AddDays((day / 5 * 7) + (day % 5));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    private static Regex Percentile(string percent) => new($@"^\s+{Regex.Escape(percent)}\s+(\S+)", RegexOptions.Multiline);
}
