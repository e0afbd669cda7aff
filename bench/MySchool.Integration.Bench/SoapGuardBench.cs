using System.Text;
using MySchool.Integration.Testing;

namespace MySchool.Integration.Bench;

/// <summary>
/// What a refused SOAP body costs the gateway: CPU time of the gateway process per call (read from the kernel,
/// before and after a series of calls), for the hostile bodies beside a valid push of one school.
/// </summary>
internal static class SoapGuardBench
{
    private static readonly string[] Measured = ["nested-100000-levels", "billion-laughs", "text-of-15-mb", "nested-50-levels", "malformed-xml"];

    public static async Task RunAsync()
    {
        var cluster = await PostgresCluster.SharedAsync();
        await using var gateway = await GatewayProcess.StartAsync(await cluster.CreateMigratedDatabaseAsync("soap"), new Dictionary<string, string>
        {
            ["Regions:54:Name"] = "Новосибирская область",
            ["Regions:54:TimeZone"] = "Asia/Novosibirsk",
        });
        using var http = await gateway.ClientAsync();
        var valid = SoapCorpus.Envelope("1.1", """
            <request><IdempotencyKey>bench-{0}</IdempotencyKey><RegionCode>54</RegionCode>
              <School><SourceId>bench-school</SourceId><Inn>5401000078</Inn><FullName>Школа № 1</FullName><Oktmo>50701000001</Oktmo><Municipality>город Новосибирск</Municipality></School>
              <Classes><Class><SourceId>c-1</SourceId><Name>10А</Name><AcademicYear>2023/2024</AcademicYear></Class></Classes>
            </request>
            """);

        Console.WriteLine($"{"body",-32} {"bytes",12} {"status",7} {"CPU ms a call",14}");
        await ReportAsync(gateway, http, "valid push of one school", i => string.Format(System.Globalization.CultureInfo.InvariantCulture, valid, i), token: true);
        foreach (var name in Measured)
        {
            var body = SoapCorpus.Body(name);
            await ReportAsync(gateway, http, name, _ => body, token: true);
        }

        foreach (var name in new[] { "nested-100000-levels", "text-of-15-mb" })
        {
            var body = SoapCorpus.Body(name);
            await ReportAsync(gateway, http, $"{name}, no token", _ => body, token: false);
        }
    }

    private static async Task ReportAsync(GatewayProcess gateway, HttpClient http, string name, Func<int, string> body, bool token)
    {
        const int Calls = 30;
        // The first calls of a body's path are the JIT's: tiered compilation recompiles a method once it has run 30
        // times, in the background, and cost more than the calls themselves (61–77 % of the gateway's CPU in perf). A
        // call's price is the steady one, so those calls are made first and not counted.
        const int WarmUpCalls = 80;
        for (var i = 0; i < WarmUpCalls; i++)
        {
            await CallAsync(http, body(-1 - i), token);
        }

        var before = gateway.CpuTime;
        var status = 0;
        for (var i = 0; i < Calls; i++)
        {
            status = await CallAsync(http, body(i), token);
        }

        var perCall = (gateway.CpuTime - before).TotalMilliseconds / Calls;
        Console.WriteLine($"{name,-32} {Encoding.UTF8.GetByteCount(body(0)),12:N0} {status,7} {perCall,14:F1}");
    }

    private static async Task<int> CallAsync(HttpClient http, string envelope, bool token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/soap/exchange", UriKind.Relative)) { Content = new StringContent(envelope, Encoding.UTF8, "text/xml") };
        request.Headers.Add("SOAPAction", $"\"{SoapCorpus.Namespace}/JournalExchange/Push\"");
        if (!token)
        {
            request.Headers.Authorization = null;
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer -");
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode;
    }
}
