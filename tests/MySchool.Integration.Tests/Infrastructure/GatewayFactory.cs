using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Testing;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>
/// The real gateway host in memory, pointed at a database of the test's choosing, with the exchange clients of
/// <see cref="TestClients"/> configured.
/// </summary>
public sealed class GatewayFactory(string connectionString, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null) : WebApplicationFactory<Program>
{
    /// <summary>Client id → (secret, scopes, regions, source system), as an operator would configure them.</summary>
    public static readonly IReadOnlyDictionary<string, (string Secret, string[] Scopes, string[] Regions, string? SourceSystem)> TestClients =
        new Dictionary<string, (string, string[], string[], string?)>(StringComparer.Ordinal)
        {
            ["federal"] = ("federal-secret", ["federal.read"], ["*"], null),
            ["vendor-54"] = ("vendor54-secret", ["exchange.push", "journal.read"], ["54"], "vendor54"),
            ["vendor-11"] = ("vendor11-secret", ["exchange.push", "journal.read"], ["11"], "vendor11"),
            // A second vendor of region 54: another source writing into schools vendor-54 owns.
            ["vendor-54b"] = ("vendor54b-secret", ["exchange.push", "journal.read"], ["54"], "vendor54b"),
            ["operator"] = ("operator-secret", ["sync.manage"], ["*"], null),
            ["operator-54"] = ("operator54-secret", ["sync.manage"], ["54"], null),
        };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Federal", connectionString);
        foreach (var (id, client) in TestClients)
        {
            builder.UseSetting($"Exchange:Clients:{id}:Secret", client.Secret);
            builder.UseSetting($"Exchange:Clients:{id}:SourceSystem", client.SourceSystem);
            for (var i = 0; i < client.Scopes.Length; i++)
            {
                builder.UseSetting($"Exchange:Clients:{id}:Scopes:{i}", client.Scopes[i]);
            }

            for (var i = 0; i < client.Regions.Length; i++)
            {
                builder.UseSetting($"Exchange:Clients:{id}:Regions:{i}", client.Regions[i]);
            }
        }

        // Tests ask for many tokens and make many calls a minute; the rate-limit tests set their own small limits below.
        foreach (var limit in new[] { "TokenPerClientPerMinute", "TokenPerAddressPerMinute", "PushPerClientPerMinute", "PullPerClientPerMinute" })
        {
            builder.UseSetting($"RateLimits:{limit}", "1000000");
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
        if (_kestrel is { } kestrel)
        {
            builder.UseSetting("Kestrel:Endpoints:Http:Url", kestrel.Http);
            builder.UseSetting("Kestrel:Endpoints:Grpc:Url", kestrel.Grpc);
            // Links the gateway hands out (an invitation's) point where people reach it, not at the in-memory host,
            // unless the test plays a gateway behind a balancer with its own public address.
            if (settings?.ContainsKey("Gateway:PublicUrl") != true)
            {
                builder.UseSetting("Gateway:PublicUrl", kestrel.Http + "/");
            }
        }
        if (time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
    }

    /// <summary>
    /// Serves on real loopback ports (for a browser), not only in memory; the address is <see cref="BrowserAddress"/>.
    /// Call before the host starts.
    /// </summary>
    public Uri ServeOnKestrel()
    {
        var (http, grpc) = (Ports.Free(), Ports.Free());
        _kestrel = ($"http://127.0.0.1:{http}", $"http://127.0.0.1:{grpc}");
        UseKestrel();
        StartServer();
        BrowserAddress = new Uri(_kestrel.Value.Http);
        return BrowserAddress;
    }

    public Uri? BrowserAddress { get; private set; }

    private (string Http, string Grpc)? _kestrel;

    /// <summary>An access token by client credentials, as any machine client gets one.</summary>
    public async Task<string> TokenAsync(string clientId, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = TestClients[clientId].Secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var response = await CreateClient().PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(form));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.access_token;
    }

    /// <summary>An HTTP client that sends the client's token.</summary>
    public async Task<HttpClient> CreateClientAsync(string clientId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(clientId));
        return client;
    }

    /// <summary>A gRPC channel to the host (in memory, or on its real gRPC port) that sends <paramref name="token"/> (none when null).</summary>
    public GrpcChannel Channel(string? token) => GrpcChannel.ForAddress(_kestrel is { } kestrel ? new Uri(kestrel.Grpc) : Server.BaseAddress, new GrpcChannelOptions
    {
        // On real ports, HTTP/2 cleartext to the gRPC endpoint as any client; otherwise the in-memory server.
        HttpHandler = _kestrel is null ? Server.CreateHandler() : new SocketsHttpHandler(),
        Credentials = token is null ? null : ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", $"Bearer {token}");
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
        MaxReceiveMessageSize = 16 * 1024 * 1024,
    });

    public async Task<GrpcChannel> ChannelAsync(string clientId) => Channel(await TokenAsync(clientId));

#pragma warning disable IDE1006, CA1812 // the OAuth2 wire name; created by the JSON reader
    private sealed record TokenResponse(string access_token);
#pragma warning restore IDE1006, CA1812
}
