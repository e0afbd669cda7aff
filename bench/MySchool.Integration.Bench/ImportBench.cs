using System.Diagnostics;
using System.Globalization;
using MiniExcelLibs;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Testing;

namespace MySchool.Integration.Bench;

/// <summary>
/// A 100,000-row students file (XLSX) imported through the gateway's API against the same students pushed over gRPC
/// (same run, the gateway in its own process): issue 20 asks the file to take at most 1.5× the push's time.
/// Each side writes its own 40 schools from an empty roster: the push one school after the other, and again two at a
/// time; the file as the gateway writes it (two schools at once, each read and mapped while the one before is written).
/// </summary>
internal static class ImportBench
{
    private const int Schools = 40;
    private const int ClassesPerSchool = 25;
    private const int StudentsPerClass = 100;

    public static async Task RunAsync()
    {
        var cluster = await PostgresCluster.SharedAsync();
        await using var gateway = await GatewayProcess.StartAsync(await cluster.CreateMigratedDatabaseAsync("import"), new Dictionary<string, string>
        {
            ["Regions:54:Name"] = "Новосибирская область", // served for pushes only
            ["Regions:54:TimeZone"] = "Asia/Novosibirsk",
            // The file's source writes into schools the bench registered by push.
            ["Regions:54:SharingSources:0"] = "import:54",
            ["Imports:MaxBytes"] = $"{100 * 1024 * 1024}",
        });
        using var channel = await gateway.ChannelAsync();
        var client = new VendorExchange.VendorExchangeClient(channel);
        for (var school = Schools; school < 2 * Schools; school++)
        {
            await client.PushBatchAsync(Header($"register-{school}", school), [new RecordChunk()], DateTime.UtcNow.AddMinutes(10));
        }

        var started = Stopwatch.GetTimestamp();
        for (var school = 0; school < Schools; school++)
        {
            await client.PushBatchAsync(Header($"roster-{school}", school), [Roster(school)], DateTime.UtcNow.AddMinutes(10));
        }

        var pushSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var rows = Schools * ClassesPerSchool * StudentsPerClass;
        Console.WriteLine($"gRPC push: {rows:N0} students of {Schools} schools, a batch a school, {pushSeconds:F1} s = {rows / pushSeconds:N0} rows/s");

        // The file writes two schools at once; a vendor may push two at once as well.
        started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(2 * Schools, Schools), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (school, cancellationToken) =>
            await client.PushBatchAsync(Header($"roster-{school}", school), [Roster(school)], DateTime.UtcNow.AddMinutes(10), cancellationToken));
        var parallelPushSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"gRPC push, two schools at once: {parallelPushSeconds:F1} s = {rows / parallelPushSeconds:N0} rows/s");

        var file = Path.Combine(Path.GetTempPath(), $"import-bench-{Guid.NewGuid():N}.xlsx");
        MiniExcel.SaveAs(file, Enumerable.Range(Schools, Schools).SelectMany(FileRows), sheetName: "Обучающиеся");
        Console.WriteLine($"the file: {rows:N0} rows, {new FileInfo(file).Length / 1024.0 / 1024.0:F1} MB XLSX");
        using var http = await gateway.ClientAsync();
        http.Timeout = TimeSpan.FromMinutes(30);
        var (checkSeconds, _) = await UploadAsync(http, file, apply: false);
        Console.WriteLine($"check («Проверить», written and rolled back): {checkSeconds:F1} s");
        var (importSeconds, answer) = await UploadAsync(http, file, apply: true);
        Console.WriteLine($"import («Применить»): {importSeconds:F1} s = {rows / importSeconds:N0} rows/s; {answer.Length:N0} bytes of answer");
        Console.WriteLine($"ratio import / gRPC push: {importSeconds / pushSeconds:F2}x (time; the bar is 1.5x); against two pushes at once: {importSeconds / parallelPushSeconds:F2}x; gateway peak RSS {gateway.PeakWorkingSet / 1024.0 / 1024.0:F0} MiB");
        File.Delete(file);
    }

    private static async Task<(double Seconds, string Answer)> UploadAsync(HttpClient http, string file, bool apply)
    {
        var started = Stopwatch.GetTimestamp();
        await using var stream = File.OpenRead(file);
        using var form = new MultipartFormDataContent { { new StreamContent(stream), "file", "students.xlsx" } };
        using var response = await http.PostAsync(new Uri($"/api/imports/54/students?apply={(apply ? "true" : "false")}", UriKind.Relative), form);
        var answer = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"import answered {(int)response.StatusCode}: {answer}");
        }

        return (Stopwatch.GetElapsedTime(started).TotalSeconds, answer);
    }

    private static BatchHeader Header(string key, int school) => new()
    {
        IdempotencyKey = key,
        RegionCode = "54",
        School = new School
        {
            SourceId = Inn(school),
            Inn = Inn(school),
            FullName = $"Школа № {school + 1}",
            Oktmo = "50701000001",
            Municipality = "город Новосибирск",
        },
    };

    private static string Inn(int school) => Identifiers.Inn("54", school + 1);

    /// <summary>The students of a school: class, names, birth date, gender and SNILS, as both sides carry them.</summary>
    private static IEnumerable<(int Class, string LastName, string FirstName, string BirthDate, string Gender, string Snils)> Students(int school) =>
        Enumerable.Range(0, ClassesPerSchool * StudentsPerClass).Select(i =>
        {
            var serial = (school * ClassesPerSchool * StudentsPerClass) + i + 1;
            return (i / StudentsPerClass, $"Ученик{i % StudentsPerClass}", i % 2 == 0 ? "Иван" : "Мария",
                new DateOnly(2010, 1, 1).AddDays(i % 2000).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), i % 2 == 0 ? "M" : "F", Identifiers.Snils(serial));
        });

    private static string ClassName(int index) => $"{1 + (index / 3)}{"АБВ"[index % 3]}";

    private static RecordChunk Roster(int school)
    {
        var chunk = new RecordChunk();
        for (var c = 0; c < ClassesPerSchool; c++)
        {
            chunk.Classes.Add(new SchoolClass { SourceId = ClassName(c), Name = ClassName(c), AcademicYear = "2026/2027" });
        }

        foreach (var s in Students(school))
        {
            chunk.Students.Add(new Student
            {
                Person = new Person { SourceId = s.Snils, LastName = s.LastName, FirstName = s.FirstName, BirthDate = s.BirthDate, Gender = s.Gender, Snils = s.Snils },
                ClassSourceId = ClassName(s.Class),
            });
        }

        return chunk;
    }

    private static IEnumerable<Dictionary<string, object>> FileRows(int school) => Students(school).Select(s => new Dictionary<string, object>
    {
        ["ИНН школы*"] = Inn(school),
        ["Класс*"] = ClassName(s.Class),
        ["Фамилия*"] = s.LastName,
        ["Имя*"] = s.FirstName,
        ["Отчество"] = "",
        ["Дата рождения*"] = s.BirthDate,
        ["Пол"] = s.Gender == "M" ? "м" : "ж",
        ["СНИЛС"] = s.Snils,
    });
}
