using System.Diagnostics;
using System.Net.Http.Json;
using MySchool.Integration.Testing;

namespace MySchool.Integration.Bench;

/// <summary>
/// The gateway as its own process on real Kestrel ports, as in production: what a load generator in another
/// process measures. Regions 54 is served for pushes only; one machine client holds every scope.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    public const string ClientId = "bench";
    private const string Secret = "bench-secret";

    private readonly Process _process;

    private GatewayProcess(Process process, Uri http, Uri grpc)
    {
        _process = process;
        Http = http;
        Grpc = grpc;
    }

    public Uri Http { get; }

    public Uri Grpc { get; }

    public static async Task<GatewayProcess> StartAsync(string connectionString)
    {
        var (httpPort, grpcPort) = (Ports.Free(), Ports.Free());
        var dll = Path.Combine(RepositoryScript.Root, "core/MySchool.Integration.Gateway/bin/Release/net10.0/MySchool.Integration.Gateway.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Federal"] = connectionString,
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{httpPort}",
            ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Regions__54__Name"] = "Новосибирская область",
            ["Regions__54__TimeZone"] = "Asia/Novosibirsk",
            [$"Exchange__Clients__{ClientId}__Secret"] = Secret,
            [$"Exchange__Clients__{ClientId}__Scopes__0"] = "exchange.push",
            [$"Exchange__Clients__{ClientId}__Scopes__1"] = "federal.read",
            [$"Exchange__Clients__{ClientId}__Regions__0"] = "*",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The gateway did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new GatewayProcess(process, new Uri($"http://127.0.0.1:{httpPort}"), new Uri($"http://127.0.0.1:{grpcPort}"));
        using var client = new HttpClient { BaseAddress = gateway.Http };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if ((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException) when (attempt < 120)
            {
            }

            await Task.Delay(500);
        }
    }

    public async Task<string> TokenAsync()
    {
        using var client = new HttpClient { BaseAddress = Http };
        using var response = await client.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
            ["client_secret"] = Secret,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["access_token"].ToString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
