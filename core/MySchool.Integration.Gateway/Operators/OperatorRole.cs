namespace MySchool.Integration.Gateway.Operators;

/// <summary>The first operators, by ESIA oid (configuration section <c>Operators:{oid}</c>), seeded as appointments at start.</summary>
public sealed class OperatorRole
{
    /// <summary>Region codes, or <c>*</c> for a federal operator.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];
}
