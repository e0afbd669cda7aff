using Grpc.Core;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>
/// Branches (филиалы) pushed by a vendor (protocol 1.1): a school with its own KPP under a head school of the same INN
/// that the vendor pushed before; anything else is refused with its reason, the head school untouched.
/// </summary>
public class BranchPushTests
{
    [Fact]
    public async Task ABranch_IsWrittenUnderItsHeadSchool_WithItsOwnKppAndClasses()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        await PushFixture.PushAsync(client, PushFixture.Header("head"), PushFixture.SampleSchool());

        var reply = await PushFixture.PushAsync(client, Branch("branch", "540101001", PushFixture.SchoolId), BranchClass());

        Assert.Empty(reply.Rejected);
        Assert.Equal("540101001:Школа № 77", await push.Db.ScalarAsync<string>("""
            SELECT b.kpp || ':' || p.short_name FROM school b JOIN school p ON p.id = b.parent_school_id
            """));
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM class c JOIN school s ON s.id = c.school_id WHERE s.kpp = '540101001'"));
    }

    [Fact]
    public async Task ABranchOfAnUnknownHeadSchool_IsQuarantined_AndNothingOfItIsWritten()
    {
        await using var push = await PushFixture.StartAsync();

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), Branch("orphan", "540101001", "no-such-school"), BranchClass());

        Assert.Equal(("school", "school.parent"), Assert.Single(reply.Rejected, r => r.Kind == "school") is var r ? (r.Kind, r.ReasonCode) : default);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
    }

    [Theory]
    [InlineData("54010100", PushFixture.SchoolId)]
    [InlineData("", PushFixture.SchoolId)]
    public async Task ABranchWithoutAValidKpp_IsInvalidArgument_NamingTheField(string kpp, string parent)
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => PushFixture.PushAsync(client, Branch("bad-kpp", kpp, parent), BranchClass()));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("header.school.kpp", refused.Status.Detail, StringComparison.Ordinal);
    }

    private static BatchHeader Branch(string key, string kpp, string parent)
    {
        var header = PushFixture.Header(key);
        header.School.SourceId = "branch-1";
        header.School.FullName = "Филиал «Средней школы № 77» в посёлке Кудряшовский";
        header.School.ShortName = "Филиал Школы № 77";
        header.School.Kpp = kpp;
        header.School.ParentSourceId = parent;
        return header;
    }

    private static RecordChunk BranchClass() => new() { Classes = { new SchoolClass { SourceId = "b-1a", Name = "1А", AcademicYear = "2023/2024" } } };
}
