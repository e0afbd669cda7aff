using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>A school of region 54 in the registry, written by the region's file source, as the schools template would load it.</summary>
public static class RegistrySchool
{
    /// <summary>The school numbered <paramref name="serial"/>, as a file names it; returns its INN.</summary>
    public static SourceSchool Of(int serial)
    {
        var inn = Identifiers.Inn("54", serial);
        return new SourceSchool(inn, inn, $"МБОУ «Средняя школа № {serial}»", $"Школа № {serial}", "50701000001", "город Новосибирск");
    }

    public static async Task<string> AddAsync(IServiceProvider services, int serial)
    {
        var school = Of(serial);
        var region = services.GetRequiredService<RegionCatalog>().Find("54")!;
        await services.GetRequiredService<PushIngest>().ApplyAsync(
            new PushClient("test", "import:54"), region, new PushBatch($"school-{serial}", school, RosterParts.None, [], [], [], [], [], [], []), CancellationToken.None);
        return school.Inn;
    }
}
