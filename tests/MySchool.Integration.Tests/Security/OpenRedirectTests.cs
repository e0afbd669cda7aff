using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Tests.Security;

/// <summary>After login an operator goes back only to a path of this site, whatever the returnUrl says.</summary>
public class OpenRedirectTests
{
    [Theory]
    [InlineData("//evil.example")]
    [InlineData("///evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("/ /evil.example")]
    [InlineData("/\u00a0/evil.example")]
    [InlineData("/\u2028/evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("http:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    [InlineData(" /regions/54")]
    [InlineData("/regions/54\nSet-Cookie: x=1")]
    [InlineData("")]
    [InlineData(null)]
    public void AnOffSiteOrMalformedReturnUrl_IsDropped(string? returnUrl) => Assert.Null(LocalRedirects.PathOrNull(returnUrl));

    [Theory]
    [InlineData("/")]
    [InlineData("/regions/54")]
    [InlineData("/runs/7?tab=schools")]
    [InlineData("/quarantine?reason=person.snils-mismatch#top")]
    [InlineData("/%2F%2Fevil.example")] // a percent-encoded slash stays a path segment of this site
    public void APathOfThisSite_IsKept(string returnUrl) => Assert.Equal(returnUrl, LocalRedirects.PathOrNull(returnUrl));
}
