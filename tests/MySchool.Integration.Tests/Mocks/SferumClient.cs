using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>A bare Sferum caller for testing the mock: VK-style form posts, the raw answer.</summary>
public static class SferumClient
{
    public static async Task<JsonNode> CallAsync(HttpClient http, MockSystem sferum, string token, string method, params (string Name, string Value)[] fields)
    {
        using var response = await PostAsync(http, sferum, token, method, fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, MockSystem sferum, string token, string method, params (string Name, string Value)[] fields) =>
        http.PostAsync(new Uri(sferum.BaseAddress, $"method/{method}"), new FormUrlEncodedContent(
            fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create("access_token", token)).Append(KeyValuePair.Create("v", "5.199"))));

    public static async Task<string> TokenAsync(HttpClient http, MockSystem sferum)
    {
        using var response = await http.PostAsync(new Uri(sferum.BaseAddress, "oauth/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "myschool-gw",
            ["client_secret"] = "sferum-secret",
            ["grant_type"] = "client_credentials",
        }));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    public static string Members(params string[] ids) =>
        new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject { ["external_id"] = id, ["role"] = "student", ["last_name"] = "Иванов", ["first_name"] = "Иван" })]).ToJsonString();
}
