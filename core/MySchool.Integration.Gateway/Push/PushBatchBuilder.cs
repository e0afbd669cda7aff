using System.Globalization;
using Google.Protobuf;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Protos.Exchange.V1;
using ProtoCalendar = MySchool.Integration.Protos.Exchange.V1.Calendar;

namespace MySchool.Integration.Gateway.Push;

/// <summary>
/// Collects a pushed batch's chunks into the engine's neutral records. Values stay raw for the engine's rules;
/// only what the neutral model types strictly (a lesson's date and times) is parsed here, and a record whose date
/// is no date becomes a rejection with its reason, never an exception.
/// </summary>
public sealed class PushBatchBuilder(BatchHeader header)
{
    private readonly List<SourceClass> _classes = [];
    private readonly List<SourceStudent> _students = [];
    private readonly List<SourceTeacher> _teachers = [];
    private readonly List<SourceLesson> _lessons = [];
    private readonly List<SourceMark> _marks = [];
    private readonly List<string> _deletedMarks = [];
    private readonly List<SourceRejection> _rejections = [];
    private readonly List<SourceEvent> _events = [];
    private readonly List<SourceGroup> _groups = [];
    private SourceCalendar? _calendar;

    public long Count { get; private set; }

    public void Add(RecordChunk chunk)
    {
        _classes.AddRange(chunk.Classes.Select(c => new SourceClass(c.SourceId, c.Name, c.AcademicYear)));
        _students.AddRange(chunk.Students.Select(s => new SourceStudent(Person(s.Person), s.ClassSourceId, [.. s.Guardians.Select(g => new SourceGuardian(Person(g.Person), g.Relation))])));
        _teachers.AddRange(chunk.Teachers.Select(t => new SourceTeacher(Person(t.Person), Optional(t.Email), [.. t.Subjects]) { Roles = [.. t.Roles] }));
        foreach (var lesson in chunk.Lessons)
        {
            AddLesson(lesson);
        }

        foreach (var mark in chunk.Marks)
        {
            // A double may be NaN or beyond any decimal: the rule refuses it before a conversion could throw.
            var weight = SourceValues.Weight(mark.Weight == 0 ? 1 : mark.Weight);
            if (!weight.IsValid)
            {
                _rejections.Add(new SourceRejection("mark", mark.SourceId, Json(mark), weight.Rejection!.Code, weight.Rejection.Message));
                continue;
            }

            AddMark(mark.SourceId, mark.StudentSourceId, mark.ClassSourceId, Optional(mark.LessonGroup), mark.LessonDate, mark.LessonNumber, mark.Subject, mark.Value, mark.Date,
                weight.Require(), Optional(mark.WorkKind), mark.IsDebt, Optional(mark.Comment), mark);
        }

        // An absence travels as a mark with an absence code: the engine turns those into attendance.
        foreach (var absence in chunk.Attendance)
        {
            var group = Optional(absence.LessonGroup);
            AddMark($"attendance/{absence.StudentSourceId}/{absence.ClassSourceId}/{absence.LessonDate}/{absence.LessonNumber}{(group is null ? "" : $"/{group}")}", absence.StudentSourceId,
                absence.ClassSourceId, group, absence.LessonDate, absence.LessonNumber, "", absence.Code, absence.LessonDate, 0, null, false, null, absence);
        }

        foreach (var schoolEvent in chunk.Events)
        {
            AddEvent(schoolEvent);
        }

        if (chunk.Calendar is { } calendar)
        {
            AddCalendar(calendar);
        }

        _groups.AddRange(chunk.Groups.Select(g => new SourceGroup(g.ClassSourceId, g.Name, g.Kind, Optional(g.Subject), [.. g.StudentSourceIds])));
        _deletedMarks.AddRange(chunk.DeletedMarks);
        Count += chunk.Groups.Count + chunk.Events.Count + (chunk.Calendar is null ? 0 : chunk.Calendar.Periods.Count + chunk.Calendar.Holidays.Count) + chunk.Classes.Count + chunk.Students.Count + chunk.Teachers.Count + chunk.Lessons.Count + chunk.Marks.Count + chunk.Attendance.Count + chunk.DeletedMarks.Count;
    }

    public PushBatch Build()
    {
        var school = header.School;
        return new PushBatch(
            header.IdempotencyKey,
            new SourceSchool(school.SourceId, school.Inn, school.FullName, Optional(school.ShortName), school.Oktmo, school.Municipality)
            {
                Kpp = Optional(school.Kpp),
                ParentSourceId = Optional(school.ParentSourceId),
            },
            header.CompleteRoster ? RosterParts.All : RosterParts.None, _classes, _students, _teachers, _lessons, _marks, _deletedMarks, _rejections)
        { Calendar = _calendar, Events = _events, Groups = _groups };
    }

    /// <summary>The school's year: a date that is none refuses its period or holiday, or the whole calendar when it is the year's own.</summary>
    private void AddCalendar(ProtoCalendar calendar)
    {
        DateOnly? starts = null, ends = null;
        if (_calendar is not null || !OptionalDate(calendar.StartsOn, ref starts) || !OptionalDate(calendar.EndsOn, ref ends))
        {
            _rejections.Add(_calendar is not null
                ? new SourceRejection("calendar", calendar.AcademicYear, Json(calendar), "calendar.duplicate", "В пакете уже есть календарь: принят первый")
                : new SourceRejection("calendar", calendar.AcademicYear, Json(calendar), "calendar.dates", $"Даты учебного года «{calendar.StartsOn}»–«{calendar.EndsOn}» не существуют"));
            return;
        }

        var periods = new List<SourcePeriod>();
        foreach (var period in calendar.Periods)
        {
            if (TryDate(period.StartsOn, out var start) && TryDate(period.EndsOn, out var end))
            {
                var every = period.FirstGrade == 0 && period.LastGrade == 0;
                periods.Add(new SourcePeriod(period.Name, start, end, every ? null : period.FirstGrade, every ? null : period.LastGrade));
            }
            else
            {
                _rejections.Add(new SourceRejection("period", period.Name, Json(period), "period.dates", $"Даты периода «{period.StartsOn}»–«{period.EndsOn}» не существуют"));
            }
        }

        var holidays = new List<SourceHoliday>();
        foreach (var holiday in calendar.Holidays)
        {
            if (TryDate(holiday.StartsOn, out var start) && TryDate(holiday.EndsOn, out var end))
            {
                holidays.Add(new SourceHoliday(holiday.Name, start, end));
            }
            else
            {
                _rejections.Add(new SourceRejection("holiday", holiday.Name, Json(holiday), "holiday.dates", $"Даты каникул «{holiday.StartsOn}»–«{holiday.EndsOn}» не существуют"));
            }
        }

        _calendar = new SourceCalendar(calendar.AcademicYear, starts, ends, periods, holidays);
    }

    private void AddEvent(SchoolEvent schoolEvent)
    {
        var ends = default(DateTime);
        var hasEnd = !string.IsNullOrWhiteSpace(schoolEvent.EndsAt);
        if (!TryLocalTime(schoolEvent.StartsAt, out var starts) || (hasEnd && !TryLocalTime(schoolEvent.EndsAt, out ends)))
        {
            _rejections.Add(new SourceRejection("event", schoolEvent.SourceKey, Json(schoolEvent), "event.time", $"Время события «{schoolEvent.StartsAt}»–«{schoolEvent.EndsAt}» не существует"));
            return;
        }

        _events.Add(new SourceEvent(schoolEvent.SourceKey, Optional(schoolEvent.ClassSourceId), schoolEvent.Kind, starts, hasEnd ? ends : null, schoolEvent.Title, Optional(schoolEvent.Body)));
    }

    private static bool TryLocalTime(string value, out DateTime time) =>
        DateTime.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static bool OptionalDate(string value, ref DateOnly? date)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var parsed = TryDate(value, out var day);
        date = parsed ? day : null;
        return parsed;
    }

    private void AddLesson(Lesson lesson)
    {
        if (!TryDate(lesson.Date, out var date) || !TryTime(lesson.Start, out var start) || !TryTime(lesson.End, out var end) || end <= start)
        {
            _rejections.Add(new SourceRejection("lesson", $"{lesson.ClassSourceId}/{lesson.Date}/{lesson.Number}", Json(lesson), "lesson.time",
                $"Урок {lesson.Date} №{lesson.Number}: дата или время («{lesson.Start}»–«{lesson.End}») не существуют"));
            return;
        }

        _lessons.Add(new SourceLesson(lesson.ClassSourceId, date, lesson.Number, start, end, lesson.Subject, Optional(lesson.Room), Optional(lesson.TeacherSourceId),
            Optional(lesson.Topic), [.. lesson.Homework.Select(h => new SourceHomework(h.SourceKey, h.Text, h.Individual, [.. h.Attachments]))])
        { Group = Optional(lesson.Group) });
    }

    private void AddMark(string sourceId, string student, string schoolClass, string? group, string lessonDate, int lessonNumber, string subject, string value, string date,
        decimal weight, string? workKind, bool isDebt, string? comment, IMessage raw)
    {
        if (!TryDate(lessonDate, out var day))
        {
            _rejections.Add(new SourceRejection("mark", sourceId, Json(raw), "mark.date", $"Дата урока «{lessonDate}» не существует"));
            return;
        }

        _marks.Add(new SourceMark(sourceId, student, schoolClass, day, lessonNumber, subject, value, date, weight, workKind, isDebt, comment, new RawPayload(() => Json(raw))) { LessonGroup = group });
    }

    private static SourcePerson Person(Person? person)
    {
        person ??= new Person();
        return new SourcePerson(person.SourceId, person.LastName, person.FirstName, Optional(person.MiddleName), Optional(person.BirthDate),
            Optional(person.Gender), Optional(person.Snils), Json(person));
    }

    private static string Json(IMessage message) => JsonFormatter.Default.Format(message);

    private static string? Optional(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool TryDate(string value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static bool TryTime(string value, out TimeOnly time) =>
        TimeOnly.TryParseExact(value, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
