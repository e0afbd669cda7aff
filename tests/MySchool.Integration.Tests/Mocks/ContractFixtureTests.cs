using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Testing;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>
/// contract-fixtures/ holds a sample answer of every method of every mock, written by the mocks themselves
/// (UPDATE_CONTRACT_FIXTURES=1, see scripts/update-contract-fixtures.sh). Here the live answers must keep the
/// committed shapes, so a mock cannot drift from its contract page unnoticed.
/// </summary>
public sealed class ContractFixtureTests(MockWorldFixture mocks) : IClassFixture<MockWorldFixture>
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string Folder = Path.Combine(RepositoryScript.Root, "contract-fixtures");

    public static TheoryData<string> Samples => [.. ContractSamples.All.Select(sample => sample.File)];

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task LiveAnswer_KeepsTheCommittedFixturesShape(string file)
    {
        mocks.World.Nso.Faults.Reset();
        var live = await ContractSamples.All.Single(sample => sample.File == file).Fetch(await ContractSession.ForAsync(mocks));
        var path = Path.Combine(Folder, file);
        if (Environment.GetEnvironmentVariable("UPDATE_CONTRACT_FIXTURES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, live.ToJsonString(Pretty) + "\n");
        }

        Assert.True(File.Exists(path), $"{file} is missing: run scripts/update-contract-fixtures.sh");
        Assert.Equal(JsonShape.Of(JsonNode.Parse(await File.ReadAllTextAsync(path))), JsonShape.Of(live));
    }

    [Fact]
    public void Fixtures_AreExactlyTheSamples_NoneStale()
    {
        var committed = Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Folder, path).Replace('\\', '/')).Order(StringComparer.Ordinal);

        Assert.Equal(ContractSamples.All.Select(sample => sample.File).Order(StringComparer.Ordinal), committed);
    }
}
