namespace MySchool.Integration.Adapters.Sferum;

/// <summary>The gateway's service account at «Сферум» (configuration section <c>Sferum</c>).</summary>
public sealed class SferumOptions
{
    public Uri? BaseUrl { get; init; }

    public string ClientId { get; init; } = "";

    public string ClientSecret { get; init; } = "";

    /// <summary>The platform's limit per token (sferum.md): the client never sends faster.</summary>
    public int RequestsPerSecond { get; init; } = 3;

    /// <summary>How long the client waits after error 6 before the first retry; doubled each time.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);
}
