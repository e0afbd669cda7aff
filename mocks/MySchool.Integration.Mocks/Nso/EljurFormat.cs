using System.Globalization;
using System.Text.Json.Nodes;

namespace MySchool.Integration.Mocks.Nso;

/// <summary>ЭлЖур's wire habits: the response wrapper, YYYYMMDD dates, PHP's empty maps as [].</summary>
internal static class EljurFormat
{
    public static JsonObject Wrap(int state, string? error, JsonNode result) =>
        new() { ["response"] = new JsonObject { ["state"] = state, ["error"] = error, ["result"] = result } };

    public static string Day(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(TimeOnly time) => time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A map keyed by id; empty, it is PHP's <c>[]</c>, as the real API sends it.</summary>
    public static JsonNode IdMap(IEnumerable<KeyValuePair<string, JsonNode?>> entries)
    {
        var map = new JsonObject(entries);
        return map.Count == 0 ? new JsonArray() : map;
    }

    public static bool TryParseRange(string? days, out DateOnly from, out DateOnly to)
    {
        from = to = default;
        var parts = (days ?? string.Empty).Split('-');
        return parts.Length == 2
            && DateOnly.TryParseExact(parts[0], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from)
            && DateOnly.TryParseExact(parts[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out to)
            && from <= to;
    }
}
