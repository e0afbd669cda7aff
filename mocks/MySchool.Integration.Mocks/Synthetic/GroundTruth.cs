using System.Globalization;
using System.Text.Json;

namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>
/// The region as the federal model must hold it after a faithful sync, one record per line. Keys are the
/// source's ids (as the identity map sees them) and natural keys, so a test can say "store equals truth".
/// </summary>
public static class GroundTruth
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <remarks>Enrollments are the current (open) ones: sources list only a student's class today.</remarks>
    public static IEnumerable<TruthRecord> Records(SyntheticRegion region)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(region.Spec.TimeZone);
        var schools = region.Schools.ToDictionary(school => school.Id);
        foreach (var school in region.Schools)
        {
            yield return new SchoolTruth(Id(school.Id), school.Inn, school.FullName, school.ShortName, school.Oktmo, school.Municipality, region.Spec.TimeZone);
        }

        foreach (var school in region.Schools)
        {
            foreach (var period in Curriculum.Periods(region.Spec.IsKomi))
            {
                // Komi lists halves beside quarters: the halves are grades 10–11's, the quarters the others'.
                var halves = region.Spec.IsKomi && period.Name.Contains("полугодие", StringComparison.Ordinal);
                var grades = !region.Spec.IsKomi ? ((int?)null, (int?)null) : halves ? (Curriculum.HalvesFrom, 11) : (1, Curriculum.HalvesFrom - 1);
                yield return new PeriodTruth(school.Inn, Curriculum.Year, period.Name, period.Start, period.End, grades.Item1, grades.Item2);
            }

            foreach (var holiday in Curriculum.Holidays)
            {
                yield return new HolidayTruth(school.Inn, Curriculum.Year, holiday.Name, holiday.Start, holiday.End);
            }
        }

        foreach (var teacher in region.Teachers)
        {
            yield return new PersonTruth("teacher", Id(teacher.Id), teacher.Name.LastName, teacher.Name.FirstName, teacher.Name.MiddleName, null, null, teacher.Snils);
            if (teacher.Teaches)
            {
                yield return new StaffTruth(Id(teacher.Id), schools[teacher.SchoolId].Inn, "teacher", teacher.Subjects);
            }

            if (teacher.IsAdmin)
            {
                yield return new StaffTruth(Id(teacher.Id), schools[teacher.SchoolId].Inn, "admin", []);
            }
        }

        foreach (var schoolClass in region.Classes.OrderBy(c => c.Id))
        {
            yield return new ClassTruth(Id(schoolClass.Id), schools[schoolClass.SchoolId].Inn, schoolClass.Grade, schoolClass.Letter.ToString(), "2023/2024");
        }

        foreach (var student in region.Students)
        {
            yield return new PersonTruth("student", Id(student.Id), student.Name.LastName, student.Name.FirstName, student.Name.MiddleName, student.BirthDate, student.Name.Sex == Sex.Male ? "M" : "F", student.Snils);
            yield return new EnrollmentTruth(Id(student.Id), Id(student.ClassId));
            foreach (var parent in student.Parents)
            {
                yield return new PersonTruth("parent", Id(parent.Id), parent.Name.LastName, parent.Name.FirstName, parent.Name.MiddleName, null, null, parent.Snils);
                yield return new GuardianshipTruth(Id(parent.Id), Id(student.Id), parent.Relation);
            }
        }

        foreach (var record in Groups(region))
        {
            yield return record;
        }

        var seen = Seen(region);
        foreach (var schoolClass in region.Classes.OrderBy(c => c.Id))
        {
            foreach (var lesson in region.JournalLessons(schoolClass.Id).Where(seen))
            {
                var classId = Id(schoolClass.Id);
                var group = Half(region, lesson);
                // Сетевой город's diary has no topics, and shows homework only as a homework-type assignment.
                var komi = region.Spec.IsKomi;
                yield return new LessonTruth(classId, group, lesson.Date, lesson.Number, At(lesson.Date, lesson.Start, zone), At(lesson.Date, lesson.End, zone), lesson.Subject, lesson.Room, Id(lesson.TeacherId), komi ? null : lesson.Topic);
                if (lesson.Homework is not null && (!komi || region.WorkOf(lesson).Short == "ДЗ"))
                {
                    yield return new HomeworkTruth(classId, group, lesson.Date, lesson.Number, lesson.Homework);
                }
            }
        }

        // Marks follow the class a student was in on the day, so a transfer leaves past marks where they were.
        foreach (var student in region.Students)
        {
            foreach (var lesson in region.JournalLessons(student))
            {
                if (region.MarkOf(student.Id, lesson) is not { } mark)
                {
                    continue;
                }

                var classId = Id(lesson.ClassId);
                var group = Half(region, lesson);
                yield return mark.IsAbsence
                    ? new AttendanceTruth(Id(mark.StudentId), classId, group, lesson.Date, lesson.Number, mark.Value)
                    : new MarkTruth(Id(mark.StudentId), classId, group, lesson.Date, lesson.Number, lesson.Subject, mark.Value, mark.Weight, mark.WorkKindShort, mark.IsDebt);
            }
        }
    }

    /// <summary>
    /// The halves in English of every class that learns it, with the students in each now; ЭлЖур's club in every class
    /// where someone goes to it on a journal day (the adapter knows the club only from diaries).
    /// </summary>
    private static IEnumerable<TruthRecord> Groups(SyntheticRegion region)
    {
        var journalDays = Enumerable.Range(0, region.JournalEnd.DayNumber - region.JournalStart.DayNumber + 1).Select(region.JournalStart.AddDays).ToList();
        foreach (var schoolClass in region.Classes.OrderBy(c => c.Id))
        {
            var classId = Id(schoolClass.Id);
            var students = region.StudentsOf(schoolClass.Id).ToList();
            foreach (var half in region.HasHalves(schoolClass) ? Curriculum.Halves : [])
            {
                var name = region.HalfName(half);
                yield return new GroupTruth(classId, name, "subgroup", Curriculum.HalvedSubject);
                foreach (var student in students.Where(s => SyntheticRegion.HalfOf(s) == half))
                {
                    yield return new GroupMemberTruth(classId, name, Id(student.Id));
                }
            }

            var club = students.Where(s => journalDays.Any(day => region.HasClubOn(s, day))).ToList();
            if (club.Count > 0)
            {
                yield return new GroupTruth(classId, Curriculum.Club, "club", null);
                foreach (var student in club)
                {
                    yield return new GroupMemberTruth(classId, Curriculum.Club, Id(student.Id));
                }
            }
        }
    }

    /// <summary>A half's lesson is seen only through its students' diaries: one that no student of the half had is no lesson.</summary>
    private static Func<SyntheticLesson, bool> Seen(SyntheticRegion region)
    {
        var everIn = region.Students.SelectMany(s => new[] { (Class: s.ClassId, Student: s), (Class: s.FormerClassId ?? -1, Student: s) })
            .ToLookup(pair => pair.Class, pair => pair.Student);
        return lesson => lesson.Group == 0 || everIn[lesson.ClassId].Any(s => s.ClassOn(lesson.Date) == lesson.ClassId && SyntheticRegion.HalfOf(s) == lesson.Group);
    }

    private static string? Half(SyntheticRegion region, SyntheticLesson lesson) => lesson.Group == 0 ? null : region.HalfName(lesson.Group);

    /// <summary>
    /// The event feed a faithful sync leaves: Сетевой город's announcements (one calling a meeting is a meeting); a
    /// test for every control work on the timetable (in ЭлЖур, every one somebody has a mark for); ЭлЖур's club
    /// sessions (Робототехника on Wednesdays from grade 5, where a student of the class goes).
    /// Kept apart from <see cref="Records"/>: events are read per student's diary, so only a roster without transfers
    /// places them exactly.
    /// </summary>
    public static IEnumerable<EventTruth> Events(SyntheticRegion region)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(region.Spec.TimeZone);
        var schools = region.Schools.ToDictionary(school => school.Id);
        var seen = Seen(region);
        foreach (var schoolClass in region.Classes.OrderBy(c => c.Id))
        {
            var inn = schools[schoolClass.SchoolId].Inn;
            var lessons = region.JournalLessons(schoolClass.Id).Where(seen).ToList();
            var students = region.StudentsOf(schoolClass.Id).ToList();
            // ЭлЖур shows a control work only in its marks' control type: a test nobody has a mark for is unseen there.
            foreach (var lesson in lessons.Where(lesson => region.WorkOf(lesson).Short == "КР"
                && (region.Spec.IsKomi || students.Any(s => region.LessonsOf(s, lesson.Date).Contains(lesson) && region.MarkOf(s.Id, lesson) is not null))))
            {
                yield return new EventTruth(inn, Id(schoolClass.Id), "test", At(lesson.Date, lesson.Start, zone), $"Контрольная работа: {lesson.Subject}");
            }

            if (!region.Spec.IsKomi)
            {
                foreach (var date in lessons.Select(lesson => lesson.Date).Distinct().Where(date => students.Any(s => region.HasClubOn(s, date))))
                {
                    yield return new EventTruth(inn, Id(schoolClass.Id), "club", At(date, new TimeOnly(14, 0), zone), Curriculum.Club);
                }
            }
        }

        foreach (var announcement in region.Spec.IsKomi ? region.Announcements : [])
        {
            var kind = announcement.Title.Contains("собрание", StringComparison.OrdinalIgnoreCase) ? "meeting" : "announcement";
            yield return new EventTruth(schools[announcement.SchoolId].Inn, null, kind, At(DateOnly.FromDateTime(announcement.Posted.DateTime), TimeOnly.FromDateTime(announcement.Posted.DateTime), zone), announcement.Title);
        }
    }

    public static async Task WriteJsonLinesAsync(SyntheticRegion region, HttpResponse response)
    {
        response.ContentType = "application/x-ndjson; charset=utf-8";
        await using var writer = new StreamWriter(response.Body, leaveOpen: true);
        await WriteJsonLinesAsync(region, writer);
    }

    public static async Task WriteJsonLinesAsync(SyntheticRegion region, TextWriter writer)
    {
        foreach (var record in Records(region))
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(record, record.GetType(), Json));
        }
    }

    private static string Id(long sourceId) => sourceId.ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}

public abstract record TruthRecord(string Kind);

public sealed record SchoolTruth(string SourceId, string Inn, string FullName, string ShortName, string Oktmo, string Municipality, string TimeZone) : TruthRecord("school");

public sealed record ClassTruth(string SourceId, string SchoolInn, int Grade, string Letter, string Year) : TruthRecord("class");

/// <summary>Birth date and gender are known only for students; the contracts give none for parents and teachers.</summary>
public sealed record PersonTruth(string Role, string SourceId, string LastName, string FirstName, string? MiddleName, DateOnly? BirthDate, string? Gender, string? Snils) : TruthRecord("person");

/// <summary>A period of a school's year; grades bound it when it applies to some grades only.</summary>
public sealed record PeriodTruth(string SchoolInn, string Year, string Name, DateOnly Start, DateOnly End, int? FirstGrade, int? LastGrade) : TruthRecord("period");

public sealed record HolidayTruth(string SchoolInn, string Year, string Name, DateOnly Start, DateOnly End) : TruthRecord("holiday");

public sealed record EnrollmentTruth(string StudentSourceId, string ClassSourceId) : TruthRecord("enrollment");

public sealed record GuardianshipTruth(string ParentSourceId, string StudentSourceId, string Relation) : TruthRecord("guardianship");

/// <summary>One role of a staff member in a school: teacher (with subjects) or admin (none).</summary>
public sealed record StaffTruth(string TeacherSourceId, string SchoolInn, string Role, IReadOnlyList<string> Subjects) : TruthRecord("staff");

/// <summary>A subgroup or club of a class: its name as the store keeps it, its kind and its subject.</summary>
public sealed record GroupTruth(string ClassSourceId, string Name, string GroupKind, string? Subject) : TruthRecord("group");

public sealed record GroupMemberTruth(string ClassSourceId, string GroupName, string StudentSourceId) : TruthRecord("group_member");

/// <summary>A lesson of a class, or of one of its groups (<see cref="Group"/> by name; null: the whole class).</summary>
public sealed record LessonTruth(string ClassSourceId, string? Group, DateOnly Date, int Number, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Subject, string? Room, string TeacherSourceId, string? Topic) : TruthRecord("lesson");

public sealed record HomeworkTruth(string ClassSourceId, string? Group, DateOnly Date, int Number, string Text) : TruthRecord("homework");

public sealed record MarkTruth(string StudentSourceId, string ClassSourceId, string? Group, DateOnly Date, int Number, string Subject, string Code, int Weight, string WorkKind, bool IsDebt) : TruthRecord("mark");

public sealed record EventTruth(string SchoolInn, string? ClassSourceId, string EventKind, DateTimeOffset StartsAt, string Title) : TruthRecord("event");

public sealed record AttendanceTruth(string StudentSourceId, string ClassSourceId, string? Group, DateOnly Date, int Number, string Code) : TruthRecord("attendance");
