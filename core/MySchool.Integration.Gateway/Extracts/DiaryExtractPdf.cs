using System.Globalization;
using MySchool.Integration.Core.Federal;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace MySchool.Integration.Gateway.Extracts;

/// <summary>
/// The e-diary extract as a PDF (A4, one line a lesson, pages as needed). Text is set in DejaVu Sans, shipped with the
/// gateway (its licence allows it, Extracts/Fonts/LICENSE): a font of the machine's own may lack Komi letters (ӧ, і).
/// </summary>
public static class DiaryExtractPdf
{
    public const string FontFamily = "DejaVu Sans";
    private const double Margin = 40;
    private static readonly Lock Setup = new();

    public static byte[] Render(DiaryExtract extract)
    {
        EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = $"Выписка из электронного дневника: {extract.StudentName}";
        document.Info.Creator = "МоЯ школа · Интеграция";
        var (title, body, bold) = (new XFont(FontFamily, 13, XFontStyleEx.Bold), new XFont(FontFamily, 9), new XFont(FontFamily, 9, XFontStyleEx.Bold));
        var page = new Page(document);
        page.Line(document.Info.Title, title, 20);
        page.Line($"Период: {Day(extract.From)} – {Day(extract.To)}", body, 16);
        foreach (var school in extract.Schedule.Schools)
        {
            page.Line($"{school.Name}, {school.AcademicYear} учебный год", bold, 16);
            foreach (var schoolClass in school.Classes)
            {
                page.Line($"Класс {schoolClass.Grade} «{schoolClass.Letter}»", bold, 14);
                foreach (var lesson in schoolClass.Lessons)
                {
                    page.Line(DiaryExtractText.LessonLine(lesson), body, 12);
                    if (lesson.Homework is { Length: > 0 } homework)
                    {
                        page.Line($"    Задание: {homework}", body, 12);
                    }
                }
            }
        }

        if (extract.Schedule.Schools.Count == 0)
        {
            page.Line("Уроков за период нет.", body, 14);
        }

        page.Dispose();
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    private static string Day(DateOnly day) => day.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    /// <summary>PDFsharp's fonts are process-wide and set once, before the first document.</summary>
    private static void EnsureFonts()
    {
        lock (Setup)
        {
            GlobalFontSettings.FontResolver ??= new ShippedFonts();
        }
    }

    /// <summary>Writes lines down a page and starts a new page when one is full; long lines are cut to the width.</summary>
    private sealed class Page(PdfDocument document) : IDisposable
    {
        private PdfPage? _page;
        private XGraphics? _graphics;
        private double _y;

        public void Line(string text, XFont font, double height)
        {
            if (_graphics is null || _y + height > _page!.Height.Point - Margin)
            {
                _graphics?.Dispose();
                _page = document.AddPage();
                _graphics = XGraphics.FromPdfPage(_page);
                _y = Margin;
            }

            var width = _page.Width.Point - (2 * Margin);
            while (text.Length > 1 && _graphics.MeasureString(text, font).Width > width)
            {
                text = text[..^2] + "…";
            }

            _graphics.DrawString(text, font, XBrushes.Black, new XRect(Margin, _y, width, height), XStringFormats.TopLeft);
            _y += height;
        }

        public void Dispose() => _graphics?.Dispose();
    }

    private sealed class ShippedFonts : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

        public byte[]? GetFont(string faceName)
        {
            using var stream = typeof(ShippedFonts).Assembly.GetManifestResourceStream($"fonts/{faceName}.ttf")
                ?? throw new InvalidOperationException($"The font {faceName} is not shipped with the gateway");
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return bytes.ToArray();
        }
    }
}
