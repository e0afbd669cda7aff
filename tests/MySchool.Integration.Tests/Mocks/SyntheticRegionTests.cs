using System.Text;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Tests.Mocks;

public class SyntheticRegionTests
{
    private static readonly RegionSpec Komi = MockWorldFixture.SmallNso with { RegionCode = "11", Seed = 11, StudentsPerClass = 20 };

    [Fact]
    public async Task GroundTruth_SameSpec_IsTheSameToTheByte()
    {
        Assert.Equal(await TruthAsync(MockWorldFixture.SmallNso), await TruthAsync(MockWorldFixture.SmallNso));
    }

    [Fact]
    public async Task GroundTruth_AnotherSeed_IsAnotherRegion()
    {
        Assert.NotEqual(await TruthAsync(MockWorldFixture.SmallNso), await TruthAsync(MockWorldFixture.SmallNso with { Seed = 8 }));
    }

    [Fact]
    public void Administrators_TwoInBigSchools_OneInSmallOnes_AndOneOfThemTeaches()
    {
        var big = SyntheticRegion.Generate(RegionSpec.Demo("54") with { LastGrade = 11, FirstGrade = 1 });
        var small = SyntheticRegion.Generate(MockWorldFixture.SmallNso);

        Assert.All(big.Schools, school => Assert.Equal(2, big.Teachers.Count(t => t.SchoolId == school.Id && t.IsAdmin)));
        Assert.All(small.Schools, school => Assert.Equal(1, small.Teachers.Count(t => t.SchoolId == school.Id && t.IsAdmin)));
        Assert.All(big.Schools, school => Assert.Single(big.Teachers, t => t.SchoolId == school.Id && t.IsAdmin && t.Teaches));
    }

    [Fact]
    public void GroundTruth_HoldsEveryKindOfTheFederalModel()
    {
        var kinds = GroundTruth.Records(SyntheticRegion.Generate(MockWorldFixture.SmallNso)).Select(record => record.Kind).ToHashSet();

        Assert.Equal(["attendance", "class", "enrollment", "group", "group_member", "guardianship", "holiday", "homework", "lesson", "mark", "period", "person", "school", "staff"], kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Migrants_AreTheSameChildrenInBothRegions_OneSnilsNameAndBirthDate()
    {
        var nso = SyntheticRegion.Generate(MockWorldFixture.SmallNso with { MigrantStudents = 2 }).Students.Take(2).ToList();
        var komi = SyntheticRegion.Generate(Komi with { MigrantStudents = 2 }).Students.Take(2).ToList();

        Assert.Equal(nso.Select(s => (s.Snils, s.Name, s.BirthDate)), komi.Select(s => (s.Snils, s.Name, s.BirthDate)));
        Assert.All(nso, s => Assert.True(Snils.Parse(s.Snils).IsValid));
    }

    [Fact]
    public void MigrantsBornAYearLater_ShareTheSnils_WithAnotherBirthDate()
    {
        var nso = SyntheticRegion.Generate(MockWorldFixture.SmallNso with { MigrantStudents = 1 }).Students.First();
        var komi = SyntheticRegion.Generate(Komi with { MigrantStudents = 1, MigrantsBornAYearLater = true }).Students.First();

        Assert.Equal((nso.Snils, nso.BirthDate.AddYears(1)), (komi.Snils, komi.BirthDate));
    }

    [Fact]
    public void SnilsTwins_GiveEachSchoolTwoStudentsWithOneSnils()
    {
        var region = SyntheticRegion.Generate(MockWorldFixture.SmallNso with { SnilsTwinInEachSchool = true, MissingSnilsPerMille = 0 });

        var shared = region.Students.GroupBy(s => s.Snils).Where(g => g.Count() > 1).ToList();

        Assert.Equal(region.Schools.Count, shared.Count);
        Assert.All(shared, twins => Assert.Single(twins.Select(s => region.Classes.Single(c => c.Id == s.ClassId).SchoolId).Distinct()));
    }

    [Fact]
    public void FirstSchoolInnOfAnotherRegion_PutsOneInnInTwoRegions()
    {
        var nso = SyntheticRegion.Generate(MockWorldFixture.SmallNso);
        var komi = SyntheticRegion.Generate(Komi with { FirstSchoolInnOfRegion = "54" });

        Assert.Equal(nso.Schools[0].Inn, komi.Schools[0].Inn);
        Assert.NotEqual(nso.Schools[1].Inn, komi.Schools[1].Inn);
    }

    [Fact]
    public void Generator_EverySnilsIsValid_AndSomeAreMissingAsTheContractsAllow()
    {
        var people = GroundTruth.Records(SyntheticRegion.Generate(MockWorldFixture.SmallNso with { StudentsPerClass = 40 })).OfType<PersonTruth>().ToList();

        Assert.All(people.Where(person => person.Snils is not null), person => Assert.True(Snils.Parse(person.Snils).IsValid, person.Snils));
        Assert.Contains(people, person => person.Snils is null);
        Assert.Equal(people.Count(p => p.Snils is not null), people.Where(p => p.Snils is not null).Select(p => p.Snils).Distinct().Count());
    }

    [Fact]
    public void Generator_Region11_HasKomiLettersInNames_Region54_DoesNot()
    {
        static bool HasKomi(PersonTruth person) => $"{person.LastName}{person.FirstName}".AsEnumerable().Any(c => c is 'ӧ' or 'Ӧ' or 'і' or 'І' or 'ö');

        Assert.Contains(GroundTruth.Records(SyntheticRegion.Generate(Komi)).OfType<PersonTruth>(), HasKomi);
        Assert.DoesNotContain(GroundTruth.Records(SyntheticRegion.Generate(MockWorldFixture.SmallNso)).OfType<PersonTruth>(), HasKomi);
    }

    [Fact]
    public void Generator_LessonInstants_CarryTheRegionsOwnOffset()
    {
        var nso = GroundTruth.Records(SyntheticRegion.Generate(MockWorldFixture.SmallNso)).OfType<LessonTruth>().First();
        var komi = GroundTruth.Records(SyntheticRegion.Generate(Komi)).OfType<LessonTruth>().First();

        Assert.Equal(TimeSpan.FromHours(7), nso.StartsAt.Offset);
        Assert.Equal(TimeSpan.FromHours(3), komi.StartsAt.Offset);
        Assert.Equal(new TimeOnly(8, 30), TimeOnly.FromTimeSpan(nso.StartsAt.TimeOfDay));
    }

    [Fact]
    public void Generator_Region11_MarksArePlainGradesWithRealWeights()
    {
        var marks = GroundTruth.Records(SyntheticRegion.Generate(Komi)).OfType<MarkTruth>().ToList();

        Assert.NotEmpty(marks);
        Assert.All(marks, mark => Assert.Matches("^[2-5]$", mark.Code));
        Assert.Equal([10, 20, 40], marks.Select(mark => mark.Weight).Distinct().Order());
    }

    [Fact]
    public void Changes_MoveTheClock_AndTheTruthFollows()
    {
        var region = SyntheticRegion.Generate(MockWorldFixture.SmallNso);
        var before = GroundTruth.Records(region).ToList();
        var clock = region.Now;

        var applied = region.ApplyChanges(new ChangeRequest { EditedMarks = 1, DeletedMarks = 1, NewMarks = 1, Transfers = 1, NewStudents = 1 });

        var after = GroundTruth.Records(region).ToList();
        Assert.Equal(clock.AddMinutes(15), region.Now);
        Assert.All(applied, change => Assert.Equal(region.Now, change.At));
        var transferred = applied.First(change => change.Kind == ChangeKind.Student).StudentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(
            before.OfType<EnrollmentTruth>().Single(e => e.StudentSourceId == transferred).ClassSourceId,
            after.OfType<EnrollmentTruth>().Single(e => e.StudentSourceId == transferred).ClassSourceId);
        Assert.Equal(before.OfType<EnrollmentTruth>().Count() + 1, after.OfType<EnrollmentTruth>().Count());
        Assert.Equal(before.OfType<MarkTruth>().Count(), after.OfType<MarkTruth>().Count()); // one deleted, one added
        Assert.NotEqual(before.OfType<MarkTruth>(), after.OfType<MarkTruth>());
    }

    private static async Task<string> TruthAsync(RegionSpec spec)
    {
        var text = new StringBuilder();
        await using var writer = new StringWriter(text);
        await GroundTruth.WriteJsonLinesAsync(SyntheticRegion.Generate(spec), writer);
        return text.ToString();
    }
}
