using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>
/// The shape of a JSON document without its values: keys, kinds, and maps keyed by id or date (digits only)
/// folded into one entry shape. Two answers of the same contract have the same shape.
/// </summary>
public static partial class JsonShape
{
    public static string Of(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject map when map.Count > 0 && map.All(entry => IdKey().IsMatch(entry.Key)) => $"{{#:{Merge(map.Select(entry => entry.Value))}}}",
        JsonObject obj => $"{{{string.Join(',', obj.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => $"{entry.Key}:{Of(entry.Value)}"))}}}",
        JsonArray array => $"[{Merge(array)}]",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            var kind => kind.ToString(),
        },
        _ => "?",
    };

    private static string Merge(IEnumerable<JsonNode?> nodes) => string.Join('|', nodes.Select(Of).Distinct().Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex IdKey();
}
