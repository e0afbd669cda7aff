using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>A malformed or foreign token is a 401 with a body saying so, never a 500; every refusal of a JSON API has a body.</summary>
public class MalformedTokenTests(SharedGateway shared) : IClassFixture<SharedGateway>
{
    public static TheoryData<string> Tokens => ["a.b.c", "....", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "не-токен", new string('x', 4000), "a.b.c.d.e"];

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task TheScheduleRest_WithAMalformedOrForeignToken_Is401_AnOperationOutcome(string token)
    {
        // Refused before any read: the gateway needs no data.
        var client = shared.Gateway.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");

        using var response = await client.GetAsync(new Uri($"/Schedule/{FederalFixture.StudentOid}?start=2023-11-06&end=2023-11-12", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("OperationOutcome", body["resourceType"]!.GetValue<string>());
        Assert.Equal("Токен недействителен", body["issue"]![0]!["details"]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("a.b.c", HttpStatusCode.Unauthorized)]
    [InlineData("federal", HttpStatusCode.Forbidden)]
    public async Task TheSyncApi_RefusesWithAProblemInRussian(string? caller, HttpStatusCode status)
    {
        var client = caller is null or "a.b.c" ? shared.Gateway.CreateClient() : await shared.Gateway.CreateClientAsync(caller);
        if (caller == "a.b.c")
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", caller);
        }

        using var response = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Matches("[А-Яа-я]", problem["detail"]!.GetValue<string>());
    }
}
