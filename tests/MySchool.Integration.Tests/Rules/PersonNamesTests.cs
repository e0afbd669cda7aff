using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Tests.Rules;

public class PersonNamesTests
{
    [Fact]
    public void Normalize_DecomposedKomiLetter_IsComposedToOneCharacter()
    {
        // "о" + combining diaeresis arrives from some keyboards; NFC makes it Komi "ӧ" (U+04E7).
        var decomposed = "Пипунырова Ма\u043E\u0308ша";

        Assert.Equal("Пипунырова Ма\u04E7ша", PersonNames.Normalize(decomposed));
    }

    [Theory]
    [InlineData("Мӧдлапӧв")] // Cyrillic ӧ
    [InlineData("Mödlapöv")] // Latin ö, as some Komi texts spell it
    [InlineData("Іван")] // Komi і
    [InlineData("Семёнов")]
    public void Normalize_KomiAndRussianLetters_StayExactlyAsReceived(string name)
    {
        Assert.Equal(name, PersonNames.Normalize(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Normalize_BlankPart_IsMissing(string? raw)
    {
        Assert.Null(PersonNames.Normalize(raw));
    }

    [Fact]
    public void Fold_LowersAndTreatsYoAsYe_ButKeepsKomiLettersDistinct()
    {
        Assert.Equal("семенов", PersonNames.Fold("Семёнов"));
        Assert.Equal("мӧдлапӧв", PersonNames.Fold("Мӧдлапӧв"));
        Assert.NotEqual(PersonNames.Fold("Мӧдлапӧв"), PersonNames.Fold("Модлапов"));
    }
}
