using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using MySchool.Integration.Core.Federal;

namespace MySchool.Integration.Gateway.Extracts;

/// <summary>The e-diary extract as words: one line a lesson for the PDF, and the same as a printable page.</summary>
public static class DiaryExtractText
{
    public static string LessonLine(ScheduleLesson lesson)
    {
        var line = new StringBuilder($"{lesson.StartsAt.ToString("dd.MM HH:mm", CultureInfo.InvariantCulture)}  {lesson.Subject}");
        if (lesson.Group is { } group)
        {
            line.Append($" ({group})");
        }

        if (lesson.Topic is { Length: > 0 } topic)
        {
            line.Append($" — {topic}");
        }

        if (lesson.Marks.Count > 0)
        {
            line.Append($"; отметки: {string.Join(", ", lesson.Marks.Select(m => m.Code))}");
        }

        if (lesson.Attendance is { } absence)
        {
            line.Append($"; пропуск: {absence}");
        }

        return line.ToString();
    }

    /// <summary>A page to print: the same content as the PDF, every value encoded.</summary>
    public static string Html(DiaryExtract extract, string pdfLink)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder("<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>")
            .Append(html.Encode($"Выписка из электронного дневника: {extract.StudentName}"))
            .Append("</title><style>body{font-family:'DejaVu Sans',sans-serif;font-size:10pt;margin:2em}table{border-collapse:collapse;width:100%}")
            .Append("td,th{border:1px solid #999;padding:2px 6px;text-align:left}@media print{a{display:none}}</style></head><body>")
            .Append($"<h1>Выписка из электронного дневника</h1><p id=\"student\">{html.Encode(extract.StudentName)}</p>")
            .Append($"<p>Период: {extract.From:dd.MM.yyyy} – {extract.To:dd.MM.yyyy}</p><p><a href=\"{html.Encode(pdfLink)}\">Скачать PDF</a></p>");
        foreach (var school in extract.Schedule.Schools)
        {
            page.Append($"<h2>{html.Encode(school.Name)}</h2>");
            foreach (var schoolClass in school.Classes)
            {
                page.Append($"<h3>Класс {schoolClass.Grade} «{html.Encode(schoolClass.Letter)}»</h3><table><thead><tr><th>Урок</th><th>Предмет</th><th>Тема</th><th>Отметки</th><th>Пропуск</th><th>Задание</th></tr></thead><tbody>");
                foreach (var lesson in schoolClass.Lessons)
                {
                    page.Append($"<tr><td>{lesson.StartsAt.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)}</td><td>{html.Encode(lesson.Subject)}</td><td>{html.Encode(lesson.Topic ?? "")}</td>")
                        .Append($"<td>{html.Encode(string.Join(", ", lesson.Marks.Select(m => m.Code)))}</td><td>{html.Encode(lesson.Attendance ?? "")}</td><td>{html.Encode(lesson.Homework ?? "")}</td></tr>");
                }

                page.Append("</tbody></table>");
            }
        }

        if (extract.Schedule.Schools.Count == 0)
        {
            page.Append("<p>Уроков за период нет.</p>");
        }

        return page.Append("</body></html>").ToString();
    }
}
