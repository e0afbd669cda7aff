using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Synthetic;
using static MySchool.Integration.Mocks.Nso.EljurFormat;

namespace MySchool.Integration.Mocks.Nso;

/// <summary>ЭлЖур apiv3 as nso-eljur.md describes it, over a synthetic region 54.</summary>
public sealed class EljurApi(SyntheticRegion region, EljurOptions options, FaultBoard faults)
{
    private const int MaxPageSize = 1000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);

    public void MapRoutes(IEndpointRouteBuilder app) =>
        app.MapMethods("/apiv3/{method}", ["GET", "POST"], HandleAsync);

    private async Task HandleAsync(HttpContext context, string method)
    {
        var query = context.Request.Query;
        if (faults.TryFire(EljurFaults.Slow))
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
        }

        if (faults.TryFire(EljurFaults.Unavailable))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("<html><body>503 Service Temporarily Unavailable</body></html>");
            return;
        }

        var (status, body) = Answer(method, query);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        // A cut-off body ends cleanly at the HTTP level: only the JSON parser can tell it is incomplete.
        var length = faults.TryFire(EljurFaults.CutBody) ? bytes.Length / 2 : bytes.Length;
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, length), context.RequestAborted);
    }

    private (int Status, JsonObject Body) Answer(string method, IQueryCollection query)
    {
        if (query["devkey"] != options.DevKey || query["vendor"] != options.Vendor || faults.TryFire(EljurFaults.DevKeyRejected))
        {
            return (400, Wrap(400, "не удалось авторизовать разработчика", new JsonObject()));
        }

        if (method == "auth")
        {
            return Auth(query);
        }

        var token = query["auth_token"].ToString();
        if (faults.TryFire(EljurFaults.TokenExpired))
        {
            _tokens.Clear();
        }

        if (!_tokens.ContainsKey(token))
        {
            return (200, Wrap(401, "Токен недействителен", new JsonObject()));
        }

        try
        {
            JsonNode? result = method switch
            {
                "getrules" => Rules(),
                "getperiods" => Periods(query),
                "getdiary" => Diary(query),
                "getmarks" => Marks(query),
                "getschools" => Schools(),
                "getclasses" => Classes(query),
                "getstudents" => StudentsPage(query),
                "getteachers" => TeachersPage(query),
                "getgroups" => Groups(query),
                "getchanges" => Changes(query),
                _ => null,
            };
            return result is null
                ? (404, Wrap(404, $"Метод {method} не найден", new JsonObject()))
                : (200, Wrap(200, null, result));
        }
        catch (BadParameterException bad)
        {
            return (400, Wrap(400, bad.Message, new JsonObject()));
        }
    }

    private (int, JsonObject) Auth(IQueryCollection query)
    {
        if (query["login"] != options.Login || query["password"] != options.Password)
        {
            return (200, Wrap(400, "Неверный логин или пароль", new JsonObject()));
        }

        var token = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var expires = region.Now.AddMonths(3);
        _tokens[token] = expires;
        return (200, Wrap(200, null, new JsonObject
        {
            ["token"] = token,
            ["expires"] = expires.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        }));
    }

    private JsonObject Rules() => new()
    {
        ["name"] = options.Login,
        ["title"] = "Интеграционная учётная запись ФГИС «Моя школа»",
        ["roles"] = new JsonArray("administrator"),
        ["relations"] = new JsonObject
        {
            ["groups"] = new JsonArray(),
            ["schools"] = new JsonArray([.. region.Schools.Select(school => (JsonNode)Id(school.Id))]),
            ["students"] = new JsonArray(),
        },
    };

    private JsonObject Periods(IQueryCollection query)
    {
        var weeks = query["weeks"] == "true";
        var students = new JsonArray();
        foreach (var student in RequestedStudents(query))
        {
            var periods = new JsonArray();
            foreach (var period in Curriculum.Periods(komi: false))
            {
                var entry = new JsonObject
                {
                    ["name"] = period.Name,
                    ["fullname"] = period.FullName,
                    ["disabled"] = false,
                    ["ambigious"] = null,
                    ["start"] = Day(period.Start),
                    ["end"] = Day(period.End),
                };
                if (weeks)
                {
                    entry["weeks"] = Weeks(period);
                }

                periods.Add(entry);
            }

            students.Add(new JsonObject { ["name"] = Id(student.Id), ["title"] = student.Name.Full, ["periods"] = periods });
        }

        return new JsonObject { ["students"] = students };
    }

    private static JsonArray Weeks(SyntheticPeriod period)
    {
        var weeks = new JsonArray();
        var monday = Curriculum.MondayOf(period.Start);
        for (var (start, n) = (monday, 1); start <= period.End; start = start.AddDays(7), n++)
        {
            weeks.Add(new JsonObject { ["start"] = Day(start), ["end"] = Day(start.AddDays(6)), ["title"] = $"{n} неделя" });
        }

        return weeks;
    }

    private JsonObject Diary(IQueryCollection query)
    {
        if (!TryParseRange(query["days"], out var from, out var to))
        {
            throw new BadParameterException("Неверный параметр days: ожидается YYYYMMDD-YYYYMMDD");
        }

        var students = new JsonObject();
        foreach (var student in RequestedStudents(query))
        {
            var days = new JsonObject();
            for (var date = from; date <= to; date = date.AddDays(1))
            {
                // Sundays are no diary days, unless they fall in holidays: the diary shows a holiday's every day.
                if (date.DayOfWeek != DayOfWeek.Sunday || Curriculum.HolidayOn(date) is not null)
                {
                    days[Day(date)] = DiaryDay(student, date);
                }
            }

            students[Id(student.Id)] = new JsonObject { ["name"] = Id(student.Id), ["title"] = student.Name.Full, ["days"] = days };
        }

        return new JsonObject { ["students"] = students };
    }

    private JsonObject DiaryDay(SyntheticStudent student, DateOnly date)
    {
        var holiday = Curriculum.HolidayOn(date);
        var day = new JsonObject
        {
            ["name"] = Day(date),
            ["title"] = DayTitle(date),
            ["alert"] = holiday is null ? null : holiday.Name.StartsWith("Летние", StringComparison.Ordinal) ? "vacation" : "holiday",
        };
        if (holiday is not null)
        {
            day["holiday_name"] = holiday.Name;
            return day;
        }

        var lessons = region.LessonsOf(student, date);
        if (lessons.Count == 0)
        {
            // The faults choose how a day without lessons looks; [] is the everyday PHP habit.
            if (faults.TryFire(EljurFaults.ItemsNull))
            {
                day["items"] = null;
            }
            else if (!faults.TryFire(EljurFaults.ItemsMissing))
            {
                faults.TryFire(EljurFaults.ItemsEmptyArray);
                day["items"] = new JsonArray();
            }

            return day;
        }

        day["items"] = IdMap(lessons.Select(lesson => KeyValuePair.Create(lesson.Number.ToString(CultureInfo.InvariantCulture), (JsonNode?)DiaryItem(student, lesson))));
        if (region.HasClubOn(student, date))
        {
            day["items_extday"] = new JsonArray(new JsonObject
            {
                ["name"] = Curriculum.Club,
                ["starttime"] = "14:00:00",
                ["endtime"] = "14:45:00",
                ["teacher"] = region.Teacher(lessons[0].TeacherId).Name.Full,
                ["homework"] = new JsonArray(),
            });
        }

        return day;
    }

    private JsonObject DiaryItem(SyntheticStudent student, SyntheticLesson lesson)
    {
        var item = new JsonObject
        {
            ["num"] = lesson.Number.ToString(CultureInfo.InvariantCulture),
            ["sort"] = lesson.Number * 100,
            ["name"] = lesson.Subject,
            ["room"] = lesson.Room,
            ["teacher"] = region.Teacher(lesson.TeacherId).Name.Full,
            ["lesson_id"] = Id(lesson.Id),
            ["topic"] = lesson.Topic,
            ["starttime"] = Time(lesson.Start),
            // Some servers drop the seconds; adapters must accept both.
            ["endtime"] = lesson.Number % 2 == 0 ? lesson.End.ToString("HH:mm", CultureInfo.InvariantCulture) : Time(lesson.End),
            ["grp"] = lesson.Group == 0 ? null : region.HalfName(lesson.Group),
        };
        if (lesson.Homework is not null)
        {
            var homeworkId = lesson.Id * 10;
            item["homework"] = new JsonObject
            {
                [Id(homeworkId)] = new JsonObject { ["id"] = homeworkId, ["value"] = lesson.Homework, ["individual"] = false },
            };
            item["files"] = new JsonArray(new JsonObject
            {
                ["toid"] = homeworkId,
                ["filename"] = "задание.pdf",
                ["link"] = $"https://school.nso.ru/files/{homeworkId}.pdf",
            });
        }
        else
        {
            item["homework"] = new JsonArray();
        }

        var assessments = new JsonArray();
        if (region.MarkOf(student.Id, lesson) is { } mark)
        {
            assessments.Add(Assessment(mark, withControlType: true));
        }

        if (faults.TryFire(EljurFaults.PhantomMark))
        {
            assessments.Add(new JsonObject { ["value"] = string.Empty, ["countas"] = string.Empty, ["count"] = false, ["lesson_id"] = Id(lesson.Id), ["date"] = Iso(lesson.Date) });
        }

        item["assessments"] = assessments;
        return item;
    }

    private JsonObject Assessment(SyntheticMark mark, bool withControlType)
    {
        var absence = mark.IsAbsence;
        var digit = absence || mark.Value == "зч" ? 0 : mark.Value[0] - '0';
        var value = mark.Value;
        var date = Iso(mark.Date);
        if (!absence && digit > 0 && faults.TryFire(EljurFaults.MarkValueSix))
        {
            value = "6";
        }
        else if (faults.TryFire(EljurFaults.MarkDateInvalid))
        {
            date = "2023-11-31";
        }

        var assessment = new JsonObject
        {
            ["value"] = Deterministic.Below(5, region.Spec.Seed, mark.StudentId, mark.LessonId, 3) == 0 ? value.ToUpperInvariant() : value,
            ["countas"] = absence ? "0" : digit.ToString(CultureInfo.InvariantCulture),
            ["count"] = !absence && digit > 0,
            ["convert"] = digit,
            ["lesson_id"] = Id(mark.LessonId),
            ["date"] = date,
            ["nm"] = "1",
            ["comment"] = string.Empty,
            ["weight"] = mark.Weight,
        };
        if (withControlType)
        {
            assessment["control_type"] = mark.WorkKind;
            assessment["control_type_short"] = mark.WorkKindShort;
        }

        return assessment;
    }

    private JsonObject Marks(IQueryCollection query)
    {
        if (!TryParseRange(query["days"], out var from, out var to))
        {
            throw new BadParameterException("Неверный параметр days: ожидается YYYYMMDD-YYYYMMDD");
        }

        var students = new JsonObject();
        foreach (var student in RequestedStudents(query))
        {
            var lessons = new JsonArray();
            var bySubject = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1)
                .SelectMany(offset => region.LessonsOf(student, from.AddDays(offset)))
                .Select(lesson => region.MarkOf(student.Id, lesson))
                .OfType<SyntheticMark>()
                .Where(mark => !mark.IsAbsence)
                .GroupBy(mark => mark.Subject);
            foreach (var subject in bySubject)
            {
                var marks = new JsonArray();
                foreach (var mark in subject)
                {
                    var entry = Assessment(mark, withControlType: false);
                    entry["weight_float"] = (double)mark.Weight;
                    entry["max_mark"] = null;
                    entry["lesson_comment"] = null;
                    // mtype is missing on some marks in the real API.
                    if (mark.LessonId % 3 != 0)
                    {
                        entry["mtype"] = new JsonObject { ["id"] = mark.Weight == 2 ? 4 : 1, ["short"] = mark.WorkKindShort, ["type"] = mark.WorkKind };
                    }

                    marks.Add(entry);
                }

                lessons.Add(new JsonObject
                {
                    ["name"] = subject.Key,
                    ["lesson_id"] = Id(StableId(subject.Key)),
                    ["average"] = Average(student.Id, subject),
                    ["marks"] = marks,
                });
            }

            students[Id(student.Id)] = new JsonObject { ["name"] = Id(student.Id), ["title"] = student.Name.Full, ["lessons"] = lessons };
        }

        return new JsonObject { ["students"] = students };
    }

    /// <summary>A number, or a string with a decimal point or a decimal comma: the real API sends all three.</summary>
    private static JsonNode Average(int studentId, IEnumerable<SyntheticMark> marks)
    {
        var counted = marks.Where(mark => char.IsAsciiDigit(mark.Value[0])).ToList();
        var average = counted.Count == 0 ? 0 : Math.Round(counted.Sum(mark => (mark.Value[0] - '0') * mark.Weight) / (double)counted.Sum(mark => mark.Weight), 2);
        return (studentId % 3) switch
        {
            0 => JsonValue.Create(average),
            1 => average.ToString("0.00", CultureInfo.InvariantCulture),
            _ => average.ToString("0.00", CultureInfo.GetCultureInfo("ru-RU")),
        };
    }

    private JsonObject Schools() => new()
    {
        ["schools"] = IdMap(region.Schools.Select(school => KeyValuePair.Create(Id(school.Id), (JsonNode?)new JsonObject
        {
            ["id"] = Id(school.Id),
            ["fullname"] = school.FullName,
            ["shortname"] = school.ShortName,
            ["inn"] = school.Inn,
            ["oktmo"] = school.Oktmo,
            ["municipality"] = school.Municipality,
        }))),
    };

    private JsonObject Classes(IQueryCollection query)
    {
        var schoolId = RequiredInt(query, "school");
        return new JsonObject
        {
            ["classes"] = IdMap(region.Classes.Where(c => c.SchoolId == schoolId).OrderBy(c => c.Id).Select(c => KeyValuePair.Create(Id(c.Id), (JsonNode?)new JsonObject
            {
                ["id"] = Id(c.Id),
                ["name"] = c.SourceName(lowerCase: false),
                ["parallel"] = c.Grade.ToString(CultureInfo.InvariantCulture),
                ["year"] = Curriculum.Year,
            }))),
        };
    }

    private JsonObject StudentsPage(IQueryCollection query)
    {
        var classId = RequiredInt(query, "class");
        var students = region.StudentsOf(classId).ToList();
        if (faults.TryFire(EljurFaults.DuplicateStudent) && region.Class(classId) is { } schoolClass)
        {
            // Mid-transfer, the source lists a student of a sibling class here too.
            var sibling = region.Classes.Where(c => c.SchoolId == schoolClass.SchoolId && c.Grade == schoolClass.Grade && c.Id != classId).OrderBy(c => c.Id).FirstOrDefault();
            students.AddRange(sibling is null ? [] : region.StudentsOf(sibling.Id).Take(1));
        }

        var (page, total) = Page(students, query);
        var dropSnils = faults.TryFire(EljurFaults.StudentWithoutSnils);
        var entries = page.Select((student, index) => KeyValuePair.Create(Id(student.Id), (JsonNode?)StudentJson(student, dropSnils && index == 0)));
        return new JsonObject { ["students"] = IdMap(entries), ["total"] = total };
    }

    private static JsonObject StudentJson(SyntheticStudent student, bool dropSnils)
    {
        var json = PersonJson(student.Id, student.Name, dropSnils ? null : student.Snils);
        json["birthday"] = Day(student.BirthDate);
        json["gender"] = student.Name.Sex == Sex.Male ? "m" : "f";
        json["parents"] = IdMap(student.Parents.Select(parent =>
        {
            var parentJson = PersonJson(parent.Id, parent.Name, parent.Snils);
            parentJson.Remove("id");
            parentJson["relation"] = parent.Relation;
            return KeyValuePair.Create(Id(parent.Id), (JsonNode?)parentJson);
        }));
        return json;
    }

    /// <summary>Names and SNILS; a missing SNILS is sometimes an absent key, sometimes "", as the contract allows.</summary>
    private static JsonObject PersonJson(int id, PersonName name, string? snils)
    {
        var json = new JsonObject { ["id"] = Id(id), ["lastname"] = name.LastName, ["firstname"] = name.FirstName };
        if (name.MiddleName is not null)
        {
            json["middlename"] = name.MiddleName;
        }

        if (snils is not null)
        {
            json["snils"] = Identifiers.DashedSnils(snils);
        }
        else if (id % 2 == 0)
        {
            json["snils"] = string.Empty;
        }

        return json;
    }

    /// <summary>The class's halves in English (nso-eljur.md, «getgroups», ours); clubs show only in diaries.</summary>
    private JsonObject Groups(IQueryCollection query)
    {
        var classId = RequiredInt(query, "class");
        var schoolClass = region.Class(classId) ?? throw new BadParameterException($"Класс {classId} не найден");
        var halves = region.HasHalves(schoolClass) ? Curriculum.Halves : [];
        return new JsonObject
        {
            ["groups"] = IdMap(halves.Select(half => KeyValuePair.Create(Id(SyntheticRegion.HalfId(classId, half)), (JsonNode?)new JsonObject
            {
                ["id"] = Id(SyntheticRegion.HalfId(classId, half)),
                ["name"] = region.HalfName(half),
                ["subject"] = Curriculum.HalvedSubject,
                ["students"] = new JsonArray([.. region.StudentsOf(classId).Where(student => SyntheticRegion.HalfOf(student) == half).Select(student => (JsonNode)Id(student.Id))]),
            }))),
        };
    }

    private JsonObject TeachersPage(IQueryCollection query)
    {
        var schoolId = RequiredInt(query, "school");
        var (page, total) = Page(region.Teachers.Where(teacher => teacher.SchoolId == schoolId).ToList(), query);
        var entries = page.Select(teacher =>
        {
            var json = PersonJson(teacher.Id, teacher.Name, teacher.Snils);
            json["email"] = teacher.Email;
            json["subjects"] = new JsonArray([.. teacher.Subjects.Select(subject => (JsonNode)subject)]);
            json["roles"] = new JsonArray([.. (teacher.Teaches ? ["teacher"] : Array.Empty<string>()).Concat(teacher.IsAdmin ? ["administrator"] : []).Select(role => (JsonNode)role)]);
            return KeyValuePair.Create(Id(teacher.Id), (JsonNode?)json);
        });
        return new JsonObject { ["teachers"] = IdMap(entries), ["total"] = total };
    }

    private JsonObject Changes(IQueryCollection query)
    {
        if (!DateTime.TryParseExact(query["since"], "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var since))
        {
            throw new BadParameterException("Неверный параметр since: ожидается YYYYMMDDTHHMMSS");
        }

        var offset = region.Now.Offset;
        var (page, total) = Page(region.ChangesSince(new DateTimeOffset(since, offset)).ToList(), query);
        return new JsonObject
        {
            ["now"] = region.Now.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture),
            ["students"] = new JsonArray([.. page.Where(c => c.Kind == ChangeKind.Student).Select(c => (JsonNode)Id(c.StudentId)).DistinctBy(node => node.GetValue<string>())]),
            ["marks"] = new JsonArray([.. page.Where(c => c.Kind == ChangeKind.Mark).Select(c => (JsonNode)new JsonObject
            {
                ["student"] = Id(c.StudentId),
                ["lesson_id"] = Id(c.LessonId),
                ["deleted"] = c.Deleted,
            })]),
            ["classes"] = new JsonArray([.. page.Where(c => c.Kind == ChangeKind.Class).Select(c => (JsonNode)Id(c.ClassId)).DistinctBy(node => node.GetValue<string>())]),
            ["total"] = total,
        };
    }

    private IEnumerable<SyntheticStudent> RequestedStudents(IQueryCollection query)
    {
        var ids = query["student"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0)
        {
            throw new BadParameterException("Не указан параметр student");
        }

        foreach (var id in ids)
        {
            yield return int.TryParse(id, CultureInfo.InvariantCulture, out var studentId) && region.Student(studentId) is { } student
                ? student
                : throw new BadParameterException($"Ученик {id} не найден");
        }
    }

    private static (List<T> Page, int Total) Page<T>(List<T> items, IQueryCollection query)
    {
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, MaxPageSize) : MaxPageSize;
        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var p) ? Math.Max(p, 1) : 1;
        return ([.. items.Skip((page - 1) * limit).Take(limit)], items.Count);
    }

    private static int RequiredInt(IQueryCollection query, string name) =>
        int.TryParse(query[name], CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new BadParameterException($"Не указан параметр {name}");

    private static string DayTitle(DateOnly date)
    {
        var name = CultureInfo.GetCultureInfo("ru-RU").DateTimeFormat.GetDayName(date.DayOfWeek);
        return char.ToUpperInvariant(name[0]) + name[1..];
    }

    /// <summary>A subject's id, the same in every process (string.GetHashCode is randomized per process).</summary>
    private static long StableId(string text) => text.Aggregate(17L, (hash, c) => ((hash * 31) + c) % 1_000_003);


    private sealed class BadParameterException(string message) : Exception(message);
}
