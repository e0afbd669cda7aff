using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Bench;

/// <summary>
/// How large a region one mock process serves: generation time of a 30,000-student municipality and of a
/// 300,000-student region (Novosibirsk's size), the process's peak memory while serving the latter, and the
/// cost of a roster page and a week of diary against it.
/// </summary>
internal static class MockScale
{
    public static async Task RunAsync()
    {
        var municipality = new RegionSpec { Seed = 1, Municipalities = 1, SchoolsPerMunicipality = 30, ClassesPerGrade = 4, StudentsPerClass = 23 };
        var region = municipality with { Municipalities = 10 };

        var (_, municipalitySeconds) = Time(() => SyntheticRegion.Generate(municipality));
        Console.WriteLine($"generate municipality: {municipality.StudentCount:N0} students in {municipalitySeconds:F2} s");

        var started = Stopwatch.GetTimestamp();
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(region, RegionSpec.Demo("11")));
        Console.WriteLine($"generate and serve region: {region.StudentCount:N0} students in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s");

        using var http = new HttpClient { BaseAddress = world.Nso.BaseAddress };
        var query = "devkey=nso-devkey&vendor=school&out_format=json";
        var token = (await http.GetFromJsonAsync<JsonObject>($"apiv3/auth?{query}&login=integration54&password=eljur-secret"))!["response"]!["result"]!["token"]!.GetValue<string>();
        var classes = world.Nso.Region!.Classes.Select(c => c.Id).Order().ToList();
        var students = world.Nso.Region.Students.Select(s => s.Id).ToList();

        var calls = 200;
        started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            await http.GetStringAsync($"apiv3/getstudents?{query}&auth_token={token}&class={classes[i * 37 % classes.Count]}");
        }

        var rosterMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds / calls;
        started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            await http.GetStringAsync($"apiv3/getdiary?{query}&auth_token={token}&student={students[i * 1499 % students.Count]}&days=20231106-20231111");
        }

        var diaryMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds / calls;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"getstudents (one class): {rosterMs:F2} ms/call; getdiary (one week): {diaryMs:F2} ms/call");
        Console.WriteLine($"peak working set: {process.PeakWorkingSet64 / 1024.0 / 1024.0:F0} MiB; managed heap: {GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0:F0} MiB");
    }

    private static (T Result, double Seconds) Time<T>(Func<T> action)
    {
        var started = Stopwatch.GetTimestamp();
        var result = action();
        return (result, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
