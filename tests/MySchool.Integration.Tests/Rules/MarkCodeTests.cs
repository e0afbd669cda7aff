using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Tests.Rules;

public class MarkCodeTests
{
    [Theory]
    [InlineData("5", "5", 5)]
    [InlineData("4", "4", 4)]
    [InlineData("3", "3", 3)]
    [InlineData("2", "2", 2)]
    [InlineData("1", "1", 1)]
    [InlineData("5-", "5-", 5)]
    [InlineData("4+", "4+", 4)]
    [InlineData("2+", "2+", 2)]
    [InlineData(" 3- ", "3-", 3)]
    public void Parse_GradesOfTheFivePointScale_CountWithTheirDigit(string raw, string code, int numeric)
    {
        var mark = MarkCode.Parse(raw).Require();

        Assert.Equal(new MarkValue(code, MarkKind.Grade, numeric, Counts: true), mark);
    }

    [Theory]
    [InlineData("зч", "зч", MarkKind.Pass)]
    [InlineData("нз", "нз", MarkKind.Fail)]
    [InlineData("осв", "осв", MarkKind.Exempt)]
    [InlineData("н", "н", MarkKind.Absence)]
    [InlineData("Н", "н", MarkKind.Absence)]
    [InlineData("оп", "оп", MarkKind.Absence)]
    [InlineData("ОП", "оп", MarkKind.Absence)]
    [InlineData("ЗЧ", "зч", MarkKind.Pass)]
    public void Parse_WordCodes_HaveNoValueAndDoNotCount(string raw, string code, MarkKind kind)
    {
        var mark = MarkCode.Parse(raw).Require();

        Assert.Equal(new MarkValue(code, kind, null, Counts: false), mark);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("  ")]
    public void Parse_EmptyValue_IsAPhantomNotAnError(string? raw)
    {
        Assert.Equal(MarkKind.Empty, MarkCode.Parse(raw).Require().Kind);
    }

    [Theory]
    [InlineData("6", "mark.out-of-scale")]
    [InlineData("0", "mark.out-of-scale")]
    [InlineData("5+", "mark.out-of-scale")]
    [InlineData("1-", "mark.out-of-scale")]
    [InlineData("6-", "mark.out-of-scale")]
    [InlineData("4++", "mark.unknown-code")]
    [InlineData("10", "mark.unknown-code")]
    [InlineData("4.5", "mark.unknown-code")]
    [InlineData("отл", "mark.unknown-code")]
    [InlineData("+", "mark.unknown-code")]
    public void Parse_AnythingElse_IsRefusedWithReason(string raw, string code)
    {
        var result = MarkCode.Parse(raw);

        Assert.False(result.IsValid);
        Assert.Equal(code, result.Rejection!.Code);
        Assert.Contains(raw, result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromNumber_NetSchoolNumericMarks_ParseLikeTheirStrings()
    {
        Assert.Equal(MarkCode.Parse("5").Require(), MarkCode.FromNumber(5).Require());
        Assert.Equal("mark.out-of-scale", MarkCode.FromNumber(7).Rejection!.Code);
        Assert.Equal("mark.out-of-scale", MarkCode.FromNumber(0).Rejection!.Code);
        Assert.Equal("mark.unknown-code", MarkCode.FromNumber(-1).Rejection!.Code);
    }
}
