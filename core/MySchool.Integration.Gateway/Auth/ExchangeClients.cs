namespace MySchool.Integration.Gateway.Auth;

/// <summary>
/// A machine client of the exchange, from configuration section <c>Exchange:Clients:{clientId}</c>. A vendor is
/// bound to its regions and pushes under its own source system; the federal client reads every region.
/// </summary>
public sealed class ExchangeClient
{
    public string Secret { get; init; } = "";

    /// <summary>What the client may do: <see cref="ExchangeScopes"/>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Region codes the client holds; <c>*</c> for every region.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>The identity map's source system for what the client pushes; the client id when not set.</summary>
    public string? SourceSystem { get; init; }
}

public static class ExchangeScopes
{
    /// <summary>Push rosters and journals into the client's regions.</summary>
    public const string Push = "exchange.push";

    /// <summary>Read a student's journal in the client's regions (the SOAP journal query).</summary>
    public const string JournalRead = "journal.read";

    /// <summary>Read registries, journals, change feeds, schedules and portfolios.</summary>
    public const string FederalRead = "federal.read";

    /// <summary>Start syncs and read their runs (operators' scripts).</summary>
    public const string SyncManage = "sync.manage";

    public static readonly string[] All = [Push, JournalRead, FederalRead, SyncManage];
}
