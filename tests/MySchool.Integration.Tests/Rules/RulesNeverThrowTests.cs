using System.Text;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Tests.Rules;

/// <summary>
/// Rules never throw: fed hostile and random Unicode (NUL, lone surrogates, RTL marks, non-ASCII digits, 100,000
/// characters) each answers a value or a rejection, and the whole rules pass builds a snapshot of it.
/// </summary>
public class RulesNeverThrowTests
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] Hostile =
    [
        "", " ", "\0", "\u0000\u0001\u001F\u007F", "\uD800", "\uDC00x", "x\uD800", "\u200F\u202Eабв\u202C", "١٢٣", "１２３", "𝟙𝟚𝟛",
        "١١٢-٢٣٣-٤٤٥ ٩٥", "112-233-445 95\0", "9\u00A0«И»", "٩И", "5+\0", "ё\u0308", "Ӧньӧ Іван", new('я', 100_000), new('9', 100_000),
        "2023/2024\n", "２０２３/２０２４", "2023-11-31", "-1", "NaN", "1e7", "M\u0301", "\uFEFFF",
    ];

    public static IEnumerable<string> Inputs()
    {
        var random = new Random(1337);
        return Hostile.Concat(Enumerable.Range(0, 300).Select(_ => RandomUnicode(random, random.Next(0, 40))));
    }

    [Fact]
    public void EveryRule_AnswersAValueOrARejection_ForHostileAndRandomUnicode()
    {
        foreach (var (input, index) in Inputs().Select((input, index) => (input, index)))
        {
            var outcomes = new (bool Valid, Rejection? Rejection)[]
            {
                Outcome(Snils.Parse(input)), Outcome(ClassName.Parse(input)), Outcome(MarkCode.Parse(input)),
                Outcome(SourceValues.Gender(input)), Outcome(SourceValues.AcademicYear(input)),
                (SourceValues.Inn(input) is null, SourceValues.Inn(input)), (SourceValues.Oktmo(input) is null, SourceValues.Oktmo(input)),
                (SourceValues.EventKind(input) is null, SourceValues.EventKind(input)),
                (SourceText.Line("поле", input) is null, SourceText.Line("поле", input)), (SourceText.Text("поле", input) is null, SourceText.Text("поле", input)),
            };
            Assert.All(outcomes, outcome => Assert.True(outcome.Valid ^ outcome.Rejection is not null, $"input #{index}"));
            Assert.All(outcomes.Select(o => o.Rejection).OfType<Rejection>(), r => Assert.True(r.Message.Length < 300, $"input #{index} is echoed in full: {r.Code}"));
            _ = PersonNames.Normalize(input);
            _ = PersonNames.Fold(input);
            _ = SnapshotBuilder.TryParseDate(input, out _);
            // What quarantine stores of any input is text PostgreSQL takes: no NUL, valid UTF-8.
            var stored = SourceText.Storable(input);
            Assert.DoesNotContain('\0', stored);
            _ = Strict.GetBytes(stored);
        }
    }

    [Fact]
    public void TheRulesPass_BuildsASnapshotOfRandomUnicode_AndKeepsOnlyStorableText()
    {
        var random = new Random(2024);
        for (var round = 0; round < 200; round++)
        {
            string Any() => random.Next(4) == 0 ? Hostile[random.Next(Hostile.Length)] : RandomUnicode(random, random.Next(0, 12));
            SourcePerson Person() => new(Any(), Any(), Any(), Any(), Any(), Any(), Any(), Any());
            var school = new SourceSchool(Any(), Any(), Any(), Any(), Any(), Any());
            var roster = new SchoolRoster(school,
                [new SourceClass("c", "9И", "2023/2024"), new SourceClass(Any(), Any(), Any())],
                [new SourceStudent(Person(), "c", [new SourceGuardian(Person(), Any())]), new SourceStudent(Person(), Any(), [])],
                [new SourceTeacher(Person(), Any(), [Any()])]);
            var day = new DateOnly(2023, 11, 6);
            var journal = new SchoolJournal(day, day,
                [new SourceLesson("c", day, random.Next(-5, 30), new TimeOnly(8, 30), new TimeOnly(9, 15), Any(), Any(), Any(), Any(), [new SourceHomework(Any(), Any(), false, [Any()])])],
                [new SourceMark(Any(), Any(), "c", day, 1, Any(), Any(), Any(), random.Next(-3, 3) * 5000.5m, Any(), false, Any(), Any())],
                [new SourceEvent(Any(), null, Any(), day.ToDateTime(TimeOnly.MinValue), null, Any(), Any())], []);

            var snapshot = SnapshotBuilder.Build(roster, journal, TimeZoneInfo.Utc);

            Assert.All(snapshot.People, p => Assert.Null(SourceText.First(SourceText.Line("фамилия", p.LastName), SourceText.Line("имя", p.FirstName), SourceText.Id("id", p.SourceId))));
            Assert.All(snapshot.Journal?.Marks ?? [], m => Assert.Null(SourceValues.Weight(m.Weight)));
            Assert.All(snapshot.Journal?.Lessons ?? [], l => Assert.Null(SourceValues.LessonNumber(l.Number)));
        }
    }

    private static (bool, Rejection?) Outcome<T>(Checked<T> outcome) => (outcome.IsValid, outcome.Rejection);

    /// <summary>Code points from every plane, surrogate halves and controls included.</summary>
    private static string RandomUnicode(Random random, int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(6) switch
            {
                0 => (char)random.Next(0, 0x20),
                1 => (char)random.Next(0xD800, 0xE000),
                2 => (char)random.Next(0x0400, 0x0500),
                3 => (char)random.Next(0x0600, 0x0700),
                4 => char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)),
                _ => (char)random.Next(0x20, 0xFFFF),
            });
        }

        return builder.ToString();
    }
}
