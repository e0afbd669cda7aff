using System.Net;
using System.Text;
using MySchool.Integration.Gateway.FileImports;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>The templates page: every template listed with its columns, each downloadable as XLSX and CSV that read back as that template.</summary>
public class TemplatePageTests
{
    [Fact]
    public async Task EveryTemplate_IsListed_AndDownloadsAsXlsxAndCsv_ThatReadBackAsItself()
    {
        await using var site = await SiteOnPorts.StartAsync();
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var page = await session.GetStringAsync(new Uri(site.Address, "/imports"));
        foreach (var template in ImportTemplate.All)
        {
            Assert.Contains($"id=\"template-{template.Code}\"", page, StringComparison.Ordinal);
            var xlsx = await session.GetByteArrayAsync(new Uri(site.Address, $"/imports?handler=Template&code={template.Code}&format=xlsx"));
            var csv = await session.GetByteArrayAsync(new Uri(site.Address, $"/imports?handler=Template&code={template.Code}&format=csv"));

            Assert.Empty(ImportFileReader.Read(new MemoryStream(xlsx), template, 1 << 20));
            Assert.Empty(ImportFileReader.Read(new MemoryStream(csv), template, 1 << 20));
            Assert.Equal(string.Join(';', template.Columns.Select(c => c.Title)), Encoding.UTF8.GetString(csv).TrimStart('\uFEFF').TrimEnd());
        }

        using var unknown = await session.GetAsync(new Uri(site.Address, "/imports?handler=Template&code=pupils&format=xlsx"));
        using var pdf = await session.GetAsync(new Uri(site.Address, "/imports?handler=Template&code=students&format=pdf"));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (unknown.StatusCode, pdf.StatusCode));
    }
}
