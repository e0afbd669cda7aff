using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Ownership;

/// <summary>Moving a school between regions and assigning its source: a federal operator's explicit, audited act.</summary>
public class SchoolOwnershipApiTests
{
    [Fact]
    public async Task AFederalOperator_MovesASchoolIntoAnotherRegion_AndAssignsItsSource_ThenThatSourceWritesIt()
    {
        await using var push = await PushFixture.StartAsync();
        await PushFixture.PushAsync(await push.ClientAsync("vendor-11"), PushFixture.KomiHeader("komi"), PushFixture.SampleSchool());
        var schoolId = await push.Db.ScalarAsync<Guid>("SELECT id FROM school");
        var operatorClient = await push.Gateway.CreateClientAsync("operator");

        using var response = await operatorClient.PostAsJsonAsync(new Uri($"/api/schools/{schoolId}/ownership", UriKind.Relative), new { regionCode = "54", sourceSystem = "vendor54" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("54 Asia/Novosibirsk vendor54", await push.Db.ScalarAsync<string>(
            "SELECT sr.code || ' ' || s.time_zone || ' ' || o.source_system FROM school s JOIN school_region sr ON sr.school_id = s.id JOIN school_owner o ON o.school_id = s.id"));
        Assert.Equal("operator ownership.assigned,operator ownership.moved", await push.Db.ScalarAsync<string>(
            "SELECT string_agg(actor || ' ' || action, ',' ORDER BY action) FROM audit_event WHERE action LIKE 'ownership.%'"));
        var header = PushFixture.KomiHeader("now-54");
        header.RegionCode = "54";
        var reply = await PushFixture.PushAsync(await push.ClientAsync(), header, PushFixture.SampleSchool(9_100_000));
        Assert.DoesNotContain(reply.Rejected, r => r.Kind == "school");
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
    }

    [Fact]
    public async Task ARegionalOperator_CannotMoveASchool_AndGetsAProblemInRussian()
    {
        await using var push = await PushFixture.StartAsync();
        await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("own"), PushFixture.SampleSchool());
        var schoolId = await push.Db.ScalarAsync<Guid>("SELECT id FROM school");

        using var response = await (await push.Gateway.CreateClientAsync("operator-54")).PostAsJsonAsync(
            new Uri($"/api/schools/{schoolId}/ownership", UriKind.Relative), new { regionCode = "11" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("федеральный оператор", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("54", await push.Db.ScalarAsync<string>("SELECT code FROM school_region"));
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action LIKE 'ownership.%'"));
    }

    [Fact]
    public async Task MovingIntoARegionTheGatewayDoesNotServe_IsABadRequest()
    {
        await using var push = await PushFixture.StartAsync();
        await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("own"), PushFixture.SampleSchool());
        var schoolId = await push.Db.ScalarAsync<Guid>("SELECT id FROM school");

        using var response = await (await push.Gateway.CreateClientAsync("operator")).PostAsJsonAsync(
            new Uri($"/api/schools/{schoolId}/ownership", UriKind.Relative), new { regionCode = "99" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("54", await push.Db.ScalarAsync<string>("SELECT code FROM school_region"));
    }
}
