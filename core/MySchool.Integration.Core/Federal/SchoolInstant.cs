using System.Globalization;

namespace MySchool.Integration.Core.Federal;

/// <summary>Instants go out in the school's own offset (MODEL.md), written one way everywhere: <c>2023-11-06T08:30:00+07:00</c>.</summary>
public static class SchoolInstant
{
    public static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
