using System.Globalization;
using System.Text.Json;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>Reading ЭлЖур's PHP-flavoured JSON liberally: maps that arrive as [], strings that arrive as numbers.</summary>
internal static class EljurJson
{
    /// <summary>The values of a map keyed by id, or of an array; nothing for null, missing or an empty [].</summary>
    public static IEnumerable<JsonElement> Entries(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? Entries(value) : [];

    public static IEnumerable<JsonElement> Entries(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().Select(property => property.Value),
        JsonValueKind.Array => value.EnumerateArray(),
        _ => [],
    };

    /// <summary>The map's keys with their values; an array or anything else has none.</summary>
    public static IEnumerable<(string Key, JsonElement Value)> Keyed(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().Select(property => (property.Name, property.Value))
            : [];

    /// <summary>A field as text whether it came as a string or a number; null when missing or null.</summary>
    public static string? Text(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static decimal Number(JsonElement parent, string name, decimal fallback) =>
        decimal.TryParse(Text(parent, name)?.Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number : fallback;

    /// <summary><c>20231106</c>, the form of day keys and ranges.</summary>
    public static bool TryDay(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static string Day(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Lesson times: <c>08:30:00</c> or <c>08:30</c>.</summary>
    public static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["HH:mm:ss", "HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
