using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Tests.Rules;

/// <summary>Raw records, errors and log lines never show a SNILS in full, whatever its form or validity.</summary>
public class SnilsMaskTests
{
    [Theory]
    [InlineData("""{"snils":"112-233-445 95"}""", """{"snils":"***-***-*** 95"}""")]
    [InlineData("""{"snils":"11223344595"}""", """{"snils":"***-***-*** 95"}""")]
    [InlineData("""{"snils":"112-233-445 96","name":"Ӧньӧ"}""", """{"snils":"***-***-*** 96","name":"Ӧньӧ"}""")]
    [InlineData("""{"snils":"112 233 445 95"}""", """{"snils":"***-***-*** 95"}""")]
    [InlineData("""{"snils":"112.233.445.95"}""", """{"snils":"***-***-*** 95"}""")]
    [InlineData("""{"snils":"112–233–445—95"}""", """{"snils":"***-***-*** 95"}""")]
    [InlineData("""{"snils":"112_233/445 - 95"}""", """{"snils":"***-***-*** 95"}""")]
    [InlineData("""{"snils":"١١٢٢٣٣٤٤٥٩٥"}""", """{"snils":"***-***-*** ٩٥"}""")]
    [InlineData("""{"snils":"１１２２３３４４５９５"}""", """{"snils":"***-***-*** ９５"}""")]
    [InlineData("СНИЛС 112-233-445 95 в строке", "СНИЛС ***-***-*** 95 в строке")]
    [InlineData("""{"id":"5512301","date":"2023-11-06"}""", """{"id":"5512301","date":"2023-11-06"}""")]
    [InlineData("""{"phone":"891234567890"}""", """{"phone":"891234567890"}""")]
    public void MaskAll_HidesEverySnilsShapedNumberInAnyWrittenForm_AndNothingElse(string raw, string shown) =>
        Assert.Equal(shown, Snils.MaskAll(raw));
}
