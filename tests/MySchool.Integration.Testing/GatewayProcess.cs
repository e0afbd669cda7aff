using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;

namespace MySchool.Integration.Testing;

/// <summary>
/// The gateway as its own process on real Kestrel ports, as in production: what a load generator in another
/// process measures, and what a test kills with SIGKILL. One machine client (<see cref="ClientId"/>) holds every
/// scope of every region; the caller adds regions and settings as configuration keys (<c>Regions:54:Name</c>).
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    public const string ClientId = "machine";
    private const string Secret = "machine-secret";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private GatewayProcess(Process process, ConcurrentQueue<string> output, string connectionString, Uri http, Uri grpc)
    {
        _process = process;
        _output = output;
        ConnectionString = connectionString;
        Http = http;
        Grpc = grpc;
    }

    public string ConnectionString { get; }

    public Uri Http { get; }

    public Uri Grpc { get; }

    /// <summary>The log lines the process has written to standard output so far, as a log shipper would receive them.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>Starts the built gateway (Release) and waits until it answers /healthz.</summary>
    public static async Task<GatewayProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var (httpPort, grpcPort) = (Ports.Free(), Ports.Free());
        var dll = Path.Combine(RepositoryScript.Root, "core/MySchool.Integration.Gateway/bin/Release/net10.0/MySchool.Integration.Gateway.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings:Federal"] = connectionString,
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Logging:LogLevel:Default"] = "Warning",
            [$"Exchange:Clients:{ClientId}:Secret"] = Secret,
            [$"Exchange:Clients:{ClientId}:Scopes:0"] = "exchange.push",
            [$"Exchange:Clients:{ClientId}:Scopes:1"] = "federal.read",
            [$"Exchange:Clients:{ClientId}:Scopes:2"] = "sync.manage",
            [$"Exchange:Clients:{ClientId}:Regions:0"] = "*",
            // The one client measures throughput and survives faults: the per-client limits are not what is measured.
            ["RateLimits:PushPerClientPerMinute"] = "100000000",
            ["RateLimits:PullPerClientPerMinute"] = "100000000",
        };
        foreach (var (key, value) in environment.Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The gateway did not start");
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new GatewayProcess(process, output, connectionString, new Uri($"http://127.0.0.1:{httpPort}"), new Uri($"http://127.0.0.1:{grpcPort}"));
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

    /// <summary>A gRPC channel to the HTTP/2 port, every call carrying the machine client's bearer token.</summary>
    public async Task<GrpcChannel> ChannelAsync()
    {
        var token = await TokenAsync();
        return GrpcChannel.ForAddress(Grpc, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", $"Bearer {token}");
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    /// <summary>An HTTP client of the machine client, with its bearer token.</summary>
    public async Task<HttpClient> ClientAsync()
    {
        var client = new HttpClient { BaseAddress = Http };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync());
        return client;
    }

    /// <summary>The CPU time the process has used so far (user and system), as the kernel counts it.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The most resident memory the process has had so far (the kernel's high-water mark, VmHWM).</summary>
    public long PeakWorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>SIGKILL, as the kernel's OOM killer or a pulled plug would: no shutdown hook runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
