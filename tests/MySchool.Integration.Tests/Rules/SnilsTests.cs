using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Tests.Rules;

public class SnilsTests
{
    [Theory]
    [InlineData("112-233-445 95")]
    [InlineData("11223344595")]
    [InlineData("  112-233-445 95 ")]
    public void Parse_BothAcceptedForms_StoreOneCanonicalForm(string raw)
    {
        var snils = Snils.Parse(raw).Require();

        Assert.Equal("11223344595", snils.Canonical);
        Assert.Equal("112-233-445 95", snils.Formatted);
    }

    [Theory]
    [InlineData("100-582-052 99")] // sum 99: under 100 the check number is the sum
    [InlineData("050-234-316 00")] // sum 100 gives 00
    [InlineData("016-103-396 00")] // sum 101 gives 00
    [InlineData("700-201-621 01")] // sum 102: mod 101 is 1
    [InlineData("136-571-200 49")] // sum 150: mod 101 is 49
    [InlineData("820-981-233 00")] // sum 201: mod 101 is 100, which gives 00
    public void Parse_ChecksumRule_AcceptsEveryBranchOfTheRule(string raw)
    {
        Assert.True(Snils.Parse(raw).IsValid);
    }

    [Theory]
    [InlineData("112-233-445 96")]
    [InlineData("050-234-316 100")]
    [InlineData("016-103-396 01")]
    [InlineData("820-981-233 01")]
    public void Parse_WrongCheckNumber_IsRefusedWithChecksumReason(string raw)
    {
        var result = Snils.Parse(raw);

        Assert.False(result.IsValid);
        Assert.Equal(raw.Length == 14 ? "snils.checksum" : "snils.format", result.Rejection!.Code);
    }

    [Theory]
    [InlineData("001-001-998 17")]
    [InlineData("000-000-001 00")]
    public void Parse_NumbersUpTo001001998_AreNotChecked(string raw)
    {
        Assert.True(Snils.Parse(raw).IsValid);
    }

    [Fact]
    public void Parse_FirstCheckedNumber001001999_IsChecked()
    {
        // 0*9+0*8+1*7+0*6+0*5+1*4+9*3+9*2+9*1 = 65
        Assert.True(Snils.Parse("001-001-999 65").IsValid);
        Assert.Equal("snils.checksum", Snils.Parse("001-001-999 17").Rejection!.Code);
    }

    [Theory]
    [InlineData("112-233-445-95")]
    [InlineData("112 233 445 95")]
    [InlineData("1122334459")]
    [InlineData("112233445950")]
    [InlineData("11a23344595")]
    public void Parse_OtherForms_AreRefusedWithFormatReason(string raw)
    {
        Assert.Equal("snils.format", Snils.Parse(raw).Rejection!.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Missing_IsRefusedAsMissing(string? raw)
    {
        Assert.Equal("snils.missing", Snils.Parse(raw).Rejection!.Code);
    }

    [Fact]
    public void ToString_IsTheMaskedForm_SoLogsNeverShowTheWholeNumber()
    {
        var snils = Snils.Parse("112-233-445 95").Require();

        Assert.Equal("***-***-*** 95", snils.Masked);
        Assert.Equal(snils.Masked, snils.ToString());
        Assert.DoesNotContain("112", $"person {snils}", StringComparison.Ordinal);
    }
}
