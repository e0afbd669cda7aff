using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>
/// One gateway over a fresh database for a test class whose cases write nothing (refusals): starting one per case
/// cost each case about two seconds of the suite.
/// </summary>
public sealed class SharedGateway : IAsyncLifetime
{
    public GatewayFactory Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync());

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}

/// <summary>The same for a class of push refusals: one push gateway (regions 54 and 11) for all its cases.</summary>
public sealed class SharedPush : IAsyncLifetime
{
    public PushFixture Push { get; private set; } = null!;

    public async Task InitializeAsync() => Push = await PushFixture.StartAsync();

    public async Task DisposeAsync() => await Push.DisposeAsync();
}
