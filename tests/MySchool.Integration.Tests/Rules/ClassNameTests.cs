using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Tests.Rules;

public class ClassNameTests
{
    [Theory]
    [InlineData("9И", 9, 'И')]
    [InlineData("9и", 9, 'И')]
    [InlineData("9 «И»", 9, 'И')]
    [InlineData("9 \"И\"", 9, 'И')]
    [InlineData("9-И", 9, 'И')]
    [InlineData("10А", 10, 'А')]
    [InlineData("4г", 4, 'Г')]
    [InlineData("11ё", 11, 'Ё')]
    [InlineData(" 1 «а» ", 1, 'А')]
    public void Parse_EveryRegionalSpelling_NormalizesToGradeAndLetter(string raw, int grade, char letter)
    {
        Assert.Equal(new ClassName(grade, letter), ClassName.Parse(raw).Require());
    }

    [Fact]
    public void Parse_LatinLookalikeLetter_BecomesItsCyrillicTwin()
    {
        // "10A" typed with a Latin A is the same class as "10А".
        Assert.Equal(new ClassName(10, 'А'), ClassName.Parse("10A").Require());
        Assert.Equal(new ClassName(5, 'В'), ClassName.Parse("5b").Require());
    }

    [Fact]
    public void ToString_IsTheFederalDisplayForm()
    {
        Assert.Equal("9 «И»", ClassName.Parse("9и").Require().ToString());
    }

    [Theory]
    [InlineData("12А", "class.grade")]
    [InlineData("0А", "class.grade")]
    [InlineData("10Q", "class.letter")]
    [InlineData("А9", "class.format")]
    [InlineData("9", "class.format")]
    [InlineData("9ИИ", "class.format")]
    [InlineData("", "class.format")]
    [InlineData(null, "class.format")]
    [InlineData("9 класс", "class.format")]
    public void Parse_InvalidNames_AreRefusedWithReason(string? raw, string code)
    {
        Assert.Equal(code, ClassName.Parse(raw).Rejection!.Code);
    }
}
