namespace MySchool.Integration.Gateway.Operators;

/// <summary>Who operates which regions, by ESIA oid (configuration section <c>Operators:{oid}</c>).</summary>
public sealed class OperatorRole
{
    /// <summary>Region codes, or <c>*</c> for a federal operator.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];
}
