using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Tests.Rules;

public class GroupKindTests
{
    [Theory]
    [InlineData("subgroup", "subgroup")]
    [InlineData(" Подгруппа ", "subgroup")]
    [InlineData("кружок", "club")]
    [InlineData("CLUB", "club")]
    [InlineData("объединение по интересам", "interest")]
    public void GroupKinds_AsSourcesWriteThem_BecomeTheModelsKinds(string raw, string kind)
    {
        Assert.Equal(kind, SourceValues.GroupKind(raw).Require());
    }

    [Theory]
    [InlineData("вечеринка")]
    [InlineData("")]
    [InlineData(null)]
    public void AnUnknownGroupKind_IsRefused_NeverGuessed(string? raw)
    {
        Assert.Equal("group.kind", SourceValues.GroupKind(raw).Rejection!.Code);
    }
}
