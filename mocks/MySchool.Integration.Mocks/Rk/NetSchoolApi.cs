using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Rk;

/// <summary>«Сетевой город. Образование» webapi as rk-netschool.md describes it, over a synthetic region 11.</summary>
public sealed class NetSchoolApi
{
    private const int YearId = 24;

    private static readonly (int Id, string Abbr, string Name, int Order)[] AssignmentTypes =
        [(1, "О", "Ответ на уроке", 5), (3, "ДЗ", "Домашнее задание", 15), (4, "КР", "Контрольная работа", 20)];

    /// <summary>One assignment per lesson; its id is the lesson's with a 1 appended.</summary>
    private const int AssignmentSuffix = 1;

    private readonly SyntheticRegion _region;
    private readonly FaultBoard _faults;
    private readonly NetSchoolSessions _sessions;
    private readonly NetSchoolLogin _login;
    private readonly ConcurrentDictionary<long, int> _assignmentReads = new();

    public NetSchoolApi(SyntheticRegion region, NetSchoolOptions options, FaultBoard faults, TimeProvider time)
    {
        _region = region;
        _faults = faults;
        _sessions = new NetSchoolSessions(time, options.TimeOutMs);
        _login = new NetSchoolLogin(region, options, faults, _sessions);
    }

    /// <summary>How often each assignment's details were read: an adapter should read each once per sync.</summary>
    public IReadOnlyDictionary<long, int> AssignmentReads => _assignmentReads;

    /// <summary>Sessions still logged in: an adapter that logs out leaves none behind.</summary>
    public int LoggedInSessions => _sessions.LoggedIn;

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        _login.MapRoutes(app);
        var api = app.MapGroup("/webapi").AddEndpointFilter(GuardAsync);
        api.MapGet("/years/current", () => Results.Json(new { id = YearId, name = Curriculum.Year }));
        api.MapGet("/years/current/terms", () => Results.Json(Curriculum.Periods(komi: true).Select((term, i) => new { id = i + 1, name = term.Name, start = Timestamp(term.Start), end = Timestamp(term.End) })));
        api.MapGet("/years/current/holidays", () => Results.Json(Curriculum.Holidays.Select(holiday => new { name = holiday.Name, start = Timestamp(holiday.Start), end = Timestamp(holiday.End) })));
        api.MapGet("/grade/assignment/types", () => Results.Json(AssignmentTypes.Select(t => new { abbr = t.Abbr, order = t.Order, id = t.Id, name = t.Name })));
        api.MapGet("/schools", Schools);
        api.MapGet("/schools/{id:int}/card", SchoolCard);
        api.MapGet("/schools/{id:int}/classes", (int id) => Results.Json(_region.Classes.Where(c => c.SchoolId == id).OrderBy(c => c.Id)
            .Select(c => new { id = c.Id, name = c.SourceName(lowerCase: true), grade = c.Grade })));
        api.MapGet("/classes/{id:int}/students", (int id) => Results.Json(_region.StudentsOf(id).Select(StudentJson)));
        api.MapGet("/classes/{id:int}/subgroups", Subgroups);
        api.MapGet("/schools/{id:int}/staff", (int id) => Results.Json(_region.Teachers.Where(t => t.SchoolId == id).Select(t => StaffJson(t, withRoles: true))));
        api.MapGet("/schools/{id:int}/teachers", (int id) => Results.Json(_region.Teachers.Where(t => t.SchoolId == id && t.Teaches).Select(t => StaffJson(t, withRoles: false))));
        api.MapGet("/student/diary", Diary);
        api.MapGet("/student/diary/assigns/{id:long}", Assignment);
        api.MapGet("/student/diary/pastMandatory", PastMandatory);
        api.MapGet("/announcements", (int? schoolId) => Results.Json(_region.Announcements.Where(a => schoolId is null || a.SchoolId == schoolId).Select(a => new
        {
            id = a.Id,
            name = a.Title,
            description = a.Body,
            postDate = a.Posted.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture),
            author = new { fio = a.Author },
        })));
        api.MapGet("/changes", Changes);
        app.MapGet("/admin/stats/assigns", () => Results.Json(_assignmentReads));
    }

    /// <summary>What every call after login goes through: faults, the session, the security warning.</summary>
    private async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (_faults.TryFire(NetSchoolFaults.Slow))
        {
            await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
        }

        if (_faults.TryFire(NetSchoolFaults.TooManyRequests))
        {
            http.Response.Headers.RetryAfter = "2";
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        }

        if (_faults.TryFire(NetSchoolFaults.SessionTimeout))
        {
            _sessions.ExpireAll();
        }

        if (_sessions.Authenticate(http.Request) is not { } session)
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (session.WarningPending)
        {
            return Results.Content("<html><body><form action=\"/asp/SecurityWarning.asp\">Предупреждение о безопасности</form></body></html>", "text/html; charset=utf-8");
        }

        return await next(context);
    }

    private IResult Schools()
    {
        // Between two syncs a student moves to another class: the next roster read sees it.
        if (_faults.TryFire(NetSchoolFaults.StudentMoved))
        {
            _region.ApplyChanges(new ChangeRequest { EditedMarks = 0, DeletedMarks = 0, NewMarks = 0, NewStudents = 0, Transfers = 1 });
        }

        return Results.Json(_region.Schools.Select(school => new
        {
            id = school.Id,
            name = school.ShortName,
            fullName = school.FullName,
            inn = school.Inn,
            oktmo = school.Oktmo,
        }));
    }

    private IResult SchoolCard(int id) => _region.Schools.FirstOrDefault(s => s.Id == id) is not { } school
        ? Results.NotFound()
        : Results.Json(new
        {
            commonInfo = new { fullSchoolName = school.FullName, about = school.ShortName },
            contactInfo = new { juridicalAddress = $"{school.Municipality}, ул. Школьная, д. {school.Id % 100}" },
            managementInfo = new { director = school.Director },
            otherInfo = new { inn = school.Inn },
        });

    private static object StudentJson(SyntheticStudent student) => new
    {
        id = student.Id,
        lastName = student.Name.LastName,
        firstName = student.Name.FirstName,
        middleName = student.Name.MiddleName,
        birthDate = Timestamp(student.BirthDate),
        snils = student.Snils,
        sex = student.Name.Sex == Sex.Male ? "M" : "F",
        parents = student.Parents.Select(parent => new
        {
            id = parent.Id,
            lastName = parent.Name.LastName,
            firstName = parent.Name.FirstName,
            middleName = parent.Name.MiddleName,
            snils = parent.Snils,
            role = char.ToUpperInvariant(parent.Relation[0]) + parent.Relation[1..],
        }),
    };

    private IResult Diary(int studentId, DateOnly weekStart, DateOnly weekEnd)
    {
        if (_region.Student(studentId) is not { } student)
        {
            return Results.NotFound();
        }

        var days = new JsonArray();
        for (var date = weekStart; date <= weekEnd; date = date.AddDays(1))
        {
            var lessons = _region.LessonsOf(student, date);
            if (lessons.Count > 0)
            {
                days.Add(new JsonObject { ["date"] = Timestamp(date), ["lessons"] = new JsonArray([.. lessons.Select(lesson => (JsonNode)LessonJson(student, lesson))]) });
            }
        }

        var schoolClass = _region.Class(student.ClassOn(weekStart) ?? student.ClassId)!;
        var diary = new JsonObject
        {
            ["className"] = schoolClass.SourceName(lowerCase: true),
            ["termName"] = Curriculum.Periods(komi: true).FirstOrDefault(p => weekStart >= p.Start && weekStart <= p.End)?.Name,
            ["weekStart"] = Timestamp(weekStart),
            ["weekEnd"] = Timestamp(weekEnd),
        };
        if (!_faults.TryFire(NetSchoolFaults.WeekWithoutWeekDays))
        {
            diary["weekDays"] = days;
        }

        return Results.Text(diary.ToJsonString(), "application/json; charset=utf-8");
    }

    private JsonObject LessonJson(SyntheticStudent student, SyntheticLesson lesson)
    {
        var day = _faults.TryFire(NetSchoolFaults.LessonOnNovember31) ? "2023-11-31T00:00:00" : Timestamp(lesson.Date);
        var json = new JsonObject
        {
            ["classmeetingId"] = lesson.Id,
            ["day"] = day,
            ["number"] = lesson.Number,
            ["room"] = lesson.Room,
            ["startTime"] = lesson.Start.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["endTime"] = lesson.End.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["subjectName"] = lesson.Subject,
        };
        if (lesson.Group != 0)
        {
            json["subgroupId"] = SyntheticRegion.HalfId(lesson.ClassId, lesson.Group);
        }

        if (!_faults.TryFire(NetSchoolFaults.LessonWithoutAssignments))
        {
            json["assignments"] = new JsonArray(AssignmentJson(student, lesson));
        }

        return json;
    }

    /// <summary>The class's halves in English (rk-netschool.md, «subgroups»), named after the class; none for a class without English.</summary>
    private IResult Subgroups(int id) => _region.Class(id) is not { } schoolClass ? Results.NotFound()
        : Results.Json(!_region.HasHalves(schoolClass) ? [] : Curriculum.Halves.Select(half => new
        {
            id = SyntheticRegion.HalfId(id, half),
            name = $"{schoolClass.SourceName(lowerCase: true)}/{_region.HalfName(half)}",
            subject = Curriculum.HalvedSubject,
            studentIds = _region.StudentsOf(id).Where(student => SyntheticRegion.HalfOf(student) == half).Select(student => student.Id),
        }));

    private JsonObject AssignmentJson(SyntheticStudent student, SyntheticLesson lesson)
    {
        var assignmentId = AssignmentId(lesson);
        var (typeId, name) = AssignmentOf(lesson);
        JsonNode? mark = null;
        if (_region.MarkOf(student.Id, lesson) is { } synthetic)
        {
            var value = int.Parse(synthetic.Value, CultureInfo.InvariantCulture);
            mark = new JsonObject
            {
                ["assignmentId"] = _faults.TryFire(NetSchoolFaults.MarkAssignmentIdDiffers) ? assignmentId + 1 : assignmentId,
                ["studentId"] = student.Id,
                ["mark"] = _faults.TryFire(NetSchoolFaults.MarkSeven) ? 7 : value,
                ["resultScore"] = null,
                ["dutyMark"] = synthetic.IsDebt,
            };
        }

        return new JsonObject
        {
            ["id"] = assignmentId,
            ["typeId"] = typeId,
            ["assignmentName"] = name,
            ["weight"] = 0,
            ["dueDate"] = Timestamp(lesson.Date.AddDays(1)),
            ["classMeetingId"] = lesson.Id,
            ["mark"] = mark,
        };
    }

    /// <summary>The assignment's real weight (the diary's is always 0). The student does not change it.</summary>
    private IResult Assignment(long id)
    {
        if (id % 10 != AssignmentSuffix || _region.Lesson(id / 10) is not { } lesson)
        {
            return Results.NotFound();
        }

        _assignmentReads.AddOrUpdate(id, 1, (_, reads) => reads + 1);
        var teacher = _region.Teacher(lesson.TeacherId);
        var teacherJson = new JsonObject { ["id"] = teacher.Id, ["name"] = $"{teacher.Name.LastName} {teacher.Name.FirstName}" };
        var json = new JsonObject
        {
            ["id"] = id,
            ["assignmentName"] = AssignmentOf(lesson).Name,
            ["weight"] = _region.WorkOf(lesson).Weight,
            ["date"] = Timestamp(lesson.Date),
            ["isDeleted"] = false,
            // Older servers send one teacher object instead of the list.
            [lesson.Number % 2 == 0 ? "teachers" : "teacher"] = lesson.Number % 2 == 0 ? new JsonArray(teacherJson) : teacherJson,
            ["subjectGroup"] = new JsonObject { ["id"] = lesson.ClassId, ["name"] = $"{_region.Class(lesson.ClassId)!.SourceName(lowerCase: true)}/{lesson.Subject}" },
            ["attachments"] = new JsonArray(),
        };
        return Results.Text(json.ToJsonString(), "application/json; charset=utf-8");
    }

    private IResult PastMandatory(int studentId, DateOnly weekStart, DateOnly weekEnd)
    {
        if (_region.Student(studentId) is not { } student)
        {
            return Results.NotFound();
        }

        var overdue = Enumerable.Range(0, weekEnd.DayNumber - weekStart.DayNumber + 1)
            .SelectMany(offset => _region.LessonsOf(student, weekStart.AddDays(offset)))
            .Where(lesson => _region.MarkOf(student.Id, lesson) is { IsDebt: true })
            .Select(lesson => new
            {
                id = AssignmentId(lesson),
                typeId = AssignmentOf(lesson).TypeId,
                assignmentName = AssignmentOf(lesson).Name,
                dueDate = Timestamp(lesson.Date.AddDays(1)),
                subjectName = lesson.Subject,
                weight = 0,
            });
        return Results.Json(overdue);
    }

    private IResult Changes(DateTime since)
    {
        var changes = _region.ChangesSince(new DateTimeOffset(since, _region.Now.Offset));
        return Results.Json(new
        {
            now = _region.Now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            studentIds = changes.Where(c => c.Kind == ChangeKind.Student).Select(c => c.StudentId).Distinct(),
            classIds = changes.Where(c => c.Kind == ChangeKind.Class).Select(c => c.ClassId).Distinct(),
            diary = changes.Where(c => c.Kind == ChangeKind.Mark).Select(c => new { studentId = c.StudentId, weekStart = WeekStartOf(c.LessonId) }).Distinct(),
        });
    }

    private static long AssignmentId(SyntheticLesson lesson) => (lesson.Id * 10) + AssignmentSuffix;

    /// <summary>The assignment type follows the work kind; a homework's name is its text.</summary>
    private (int TypeId, string Name) AssignmentOf(SyntheticLesson lesson)
    {
        var work = _region.WorkOf(lesson);
        var type = AssignmentTypes.First(t => t.Abbr == work.Short);
        return (type.Id, work.Short == "ДЗ" ? lesson.Homework! : work.Name);
    }

    /// <summary>A staff member as both lists show them; the staff list adds the roles (teachers' is the older list).</summary>
    private static JsonObject StaffJson(SyntheticTeacher teacher, bool withRoles)
    {
        var json = new JsonObject
        {
            ["id"] = teacher.Id,
            ["lastName"] = teacher.Name.LastName,
            ["firstName"] = teacher.Name.FirstName,
            ["middleName"] = teacher.Name.MiddleName,
            ["snils"] = teacher.Snils,
            ["email"] = teacher.Email,
        };
        if (withRoles)
        {
            json["roles"] = new JsonArray([.. (teacher.IsAdmin ? ["Администратор"] : Array.Empty<string>()).Concat(teacher.Teaches ? ["Учитель"] : []).Select(role => (JsonNode)role)]);
        }

        return json;
    }

    private static string WeekStartOf(long lessonId)
    {
        var date = SyntheticRegion.DecodeLessonId(lessonId).Date;
        return Curriculum.MondayOf(date).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static string Timestamp(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00";
}
