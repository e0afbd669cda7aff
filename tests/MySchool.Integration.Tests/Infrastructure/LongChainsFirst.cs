using Xunit.Abstractions;

[assembly: TestCollectionOrderer("MySchool.Integration.Tests.Infrastructure.LongChainsFirst", "MySchool.Integration.Tests")]

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>
/// Starts the longest chains first: the browser tests, which run one after another (about two minutes in all), the
/// resilience tests, which mostly wait for a killed process or a restarted PostgreSQL, then the classes that take over
/// half a minute, longest first. Started last, the browser chain ran alone at the end and the suite took a minute
/// longer; the adapters' acceptance tests, last in xUnit's order, ran alone for their last 40 s. The rest keep xUnit's order.
/// </summary>
public sealed class LongChainsFirst : ITestCollectionOrderer
{
    private static readonly string[] First =
    [
        "browser", "GatewayKilledTests", "DatabaseRestartTests",
        "AdapterAcceptanceTests", "FederalPullTests", "SourceReadSlotsTests", "RkFaultTests", "CommunitySyncTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(collection => Array.FindIndex(First, name => collection.DisplayName == name || collection.DisplayName.EndsWith($".{name}", StringComparison.Ordinal)) is var at and >= 0 ? at : First.Length);
}
