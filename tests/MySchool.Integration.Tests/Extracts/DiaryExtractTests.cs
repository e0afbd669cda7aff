using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Tests.Infrastructure;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace MySchool.Integration.Tests.Extracts;

/// <summary>
/// Seed 004: the e-diary extract, issued by a school's administrator for a student of the school and downloaded by a
/// parent for their own child, as a PDF (names exactly, Komi letters included) and as a printable page; every one audited.
/// </summary>
public class DiaryExtractTests
{
    private const long SchoolAdmin = 1_000_000_301;
    private const string Period = "from=2023-11-06&to=2023-11-19";

    [Fact]
    public async Task ASchoolAdministrator_IssuesAPdfForAStudentOfTheSchool_WithTheNameExact_AndItIsAudited()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, student) = await StudentAsync(site, first: true);
        await site.Harness.Db.ExecuteAsync("UPDATE person SET last_name = 'Попӧва', first_name = 'Іра' WHERE id = $1", student);
        await AppointAsync(site, school);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SchoolAdmin);

        using var response = await session.GetAsync($"/schools/{school}/students/{student}/extract?{Period}&format=pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var pdf = PdfReader.Open(new MemoryStream(bytes), PdfDocumentOpenMode.Import);
        Assert.True(pdf.PageCount >= 1);
        Assert.Contains("Попӧва Іра", pdf.Info.Title, StringComparison.Ordinal);
        // The shipped font, embedded as a subset (AAAAAA+) of a Unicode (Type0) font: its glyphs carry the Komi letters, whatever fonts the reader's machine has.
        var fonts = pdf.Pages[0].Resources.Elements.GetDictionary("/Font")!.Elements.Values.Select(font => (font as PdfReference)?.Value as PdfDictionary ?? (PdfDictionary)font!);
        Assert.All(fonts, font => Assert.Equal(("DejaVu Sans", "/Type0"), (font.Elements.GetName("/BaseFont").Split('+')[1].Split(',')[0], font.Elements.GetName("/Subtype"))));
        Assert.Equal(1L, await site.Harness.Db.ScalarAsync<long>("""
            SELECT count(*) FROM audit_event WHERE action = 'extract.issued' AND actor = $1 AND details ->> 'student' = $2 AND details ->> 'from' = '2023-11-06' AND details ->> 'to' = '2023-11-19'
            """, $"esia:{SchoolAdmin}", student.ToString()));
    }

    [Fact]
    public async Task ThePrintablePage_ListsTheLessonsWithMarks_AndLinksThePdf()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, student) = await StudentAsync(site, first: true, "AND EXISTS (SELECT 1 FROM mark m WHERE m.student_id = e.student_id AND m.mark_date BETWEEN '2023-11-06' AND '2023-11-19')");
        var subject = await site.Harness.Db.ScalarAsync<string>("""
            SELECT j.name FROM mark m JOIN subject j ON j.id = m.subject_id WHERE m.student_id = $1 AND m.mark_date BETWEEN '2023-11-06' AND '2023-11-19' LIMIT 1
            """, student);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var page = await session.GetStringAsync($"/schools/{school}/students/{student}/extract?{Period}");

        Assert.Contains("Выписка из электронного дневника", page, StringComparison.Ordinal);
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(subject), page, StringComparison.Ordinal);
        Assert.Contains("format=pdf", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASchoolAdministrator_IsRefusedAnotherSchoolsStudent_ToldWhenTheStudentIsNotOfTheSchool_AndWhenThePeriodIsReversed()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (own, pupil) = await StudentAsync(site, first: true);
        var (other, stranger) = await StudentAsync(site, first: false);
        await AppointAsync(site, own);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SchoolAdmin);

        Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync($"/schools/{other}/students/{stranger}/extract")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync($"/schools/{own}/students/{stranger}/extract")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.GetAsync($"/schools/{own}/students/{pupil}/extract?from=2023-11-19&to=2023-11-06")).StatusCode);
    }

    [Fact]
    public async Task AParent_DownloadsTheirChildsExtract_AndIsRefusedAnotherChilds()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (child, parent) = await site.Harness.Db.ScalarAsync<Guid>("SELECT student_id FROM guardianship ORDER BY student_id LIMIT 1") is var c
            ? (c, await site.Harness.Db.ScalarAsync<Guid>("SELECT parent_id FROM guardianship WHERE student_id = $1 LIMIT 1", c)) : default;
        var otherChild = await site.Harness.Db.ScalarAsync<Guid>("SELECT student_id FROM guardianship WHERE parent_id <> $1 AND student_id <> $2 LIMIT 1", parent, child);
        await site.Harness.Db.ExecuteAsync("UPDATE person SET esia_oid = NULL WHERE esia_oid = $1", SiteOnPorts.NoRole);
        await site.Harness.Db.ExecuteAsync("UPDATE person SET esia_oid = $1 WHERE id = $2", SiteOnPorts.NoRole, parent);
        using var family = EsiaWalk.Client();
        family.BaseAddress = site.Address;
        using var landed = await EsiaWalk.LogInAsync(family, new Uri(site.Address, "/family/login"), SiteOnPorts.NoRole);

        using var own = await family.GetAsync($"/family/extract/{child}?{Period}&format=pdf");
        using var refused = await family.GetAsync($"/family/extract/{otherChild}?{Period}&format=pdf");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("application/pdf", own.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"/family/extract/{child}?format=pdf", await family.GetStringAsync("/family"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(1L, await site.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'extract.issued' AND actor = $1", $"esia:{SiteOnPorts.NoRole}"));
    }

    [Fact]
    public async Task TheClassPage_ListsItsStudentsWithTheirExtracts_AndItsTeachers_WithinTheAdministratorsSchoolOnly()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (own, pupil) = await StudentAsync(site, first: true);
        var (other, _) = await StudentAsync(site, first: false);
        var ownClass = await site.Harness.Db.ScalarAsync<Guid>("SELECT e.class_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE e.student_id = $1 AND c.school_id = $2 LIMIT 1", pupil, own);
        var otherClass = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM class WHERE school_id = $1 LIMIT 1", other);
        var teacher = await site.Harness.Db.ScalarAsync<string>("SELECT p.last_name FROM lesson l JOIN person p ON p.id = l.teacher_id WHERE l.class_id = $1 LIMIT 1", ownClass);
        await AppointAsync(site, own);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SchoolAdmin);

        Assert.Contains($"/schools/{own}/classes/{ownClass}", await session.GetStringAsync($"/schools/{own}"), StringComparison.Ordinal);
        var page = await session.GetStringAsync($"/schools/{own}/classes/{ownClass}");
        Assert.Contains($"/schools/{own}/students/{pupil}/extract?format=pdf", page, StringComparison.Ordinal);
        Assert.Contains(teacher, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync($"/schools/{other}/classes/{otherClass}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync($"/schools/{own}/classes/{otherClass}")).StatusCode);
    }

    /// <summary>The first (or last) school by INN with a student meeting <paramref name="condition"/> (on enrollment <c>e</c>), and that student.</summary>
    private static async Task<(Guid School, Guid Student)> StudentAsync(SiteOnPorts site, bool first, string condition = "")
    {
        var school = await site.Harness.Db.ScalarAsync<Guid>($"""
            SELECT s.id FROM school s WHERE EXISTS (SELECT 1 FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = s.id {condition})
            ORDER BY s.inn {(first ? "" : "DESC")} LIMIT 1
            """);
        var student = await site.Harness.Db.ScalarAsync<Guid>($"SELECT e.student_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 {condition} ORDER BY e.student_id LIMIT 1", school);
        return (school, student);
    }

    private static Task<string?> AppointAsync(SiteOnPorts site, Guid school) =>
        site.Gateway.Services.GetRequiredService<Appointments>().AppointAsync("esia:test",
            OperatorScope.OfRegion("54"), new(AppointmentRole.School, SchoolAdmin, "oid", SchoolId: school), CancellationToken.None);
}
