using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MySchool.Integration.Gateway.FileImports;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>A template filled as CSV and posted to the import API, as automation does.</summary>
public static class ImportPost
{
    /// <summary>The template's header line and the rows, separated by semicolons as Russian Excel saves them.</summary>
    public static string Csv(ImportTemplate template, params string[] rows) =>
        string.Join("\r\n", [string.Join(';', template.Columns.Select(c => c.Title)), .. rows]);

    public static async Task<JsonObject> PostAsync(this HttpClient client, string path, string csv, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "файл.csv" } };
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), form);
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Every problem of an outcome, the file's own and each school's, as (row, code) in row order.</summary>
    public static List<(int Row, string Code)> Problems(JsonObject outcome) =>
        [.. outcome["refused"]!.AsArray().Concat(outcome["schools"]!.AsArray().SelectMany(s => s!["refused"]!.AsArray()))
            .Select(p => (p!["row"]!.GetValue<int>(), p["code"]!.GetValue<string>())).OrderBy(p => p.Item1)];
}
