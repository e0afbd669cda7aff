using System.Collections.Concurrent;

namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>
/// A generated region as the regional system holds it: a roster kept in memory, a journal computed on demand
/// from the seed (plus the edits that changes made), a clock, and a change log.
/// </summary>
public sealed class SyntheticRegion
{
    private static readonly DateOnly YearStart = new(2023, 9, 1);
    private static readonly int[] WholeClass = [0];

    private readonly Dictionary<int, SyntheticClass> _classes = [];
    private readonly Dictionary<int, Dictionary<string, int[]>> _teachersBySubject = [];
    private readonly ConcurrentDictionary<int, SyntheticStudent> _students = new();
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<int, byte>> _classMembers = new();
    // Marks that changes edited (a value), deleted (null) or added; everything else is computed.
    private readonly ConcurrentDictionary<(int Student, long Lesson), string?> _markEdits = new();
    private readonly List<ChangeEntry> _changes = [];
    private readonly Lock _gate = new();
    private Dictionary<int, SyntheticTeacher>? _teachersById;
    private int _changeRounds;
    private int _nextStudentId;

    internal SyntheticRegion(RegionSpec spec)
    {
        Spec = spec;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(spec.TimeZone);
        var lastDay = JournalEnd.ToDateTime(new TimeOnly(10, 0));
        Now = new DateTimeOffset(lastDay, zone.GetUtcOffset(lastDay)).AddDays(1);
    }

    public RegionSpec Spec { get; }

    public List<SyntheticMunicipality> Municipalities { get; } = [];

    public List<SyntheticSchool> Schools { get; } = [];

    public List<SyntheticTeacher> Teachers { get; } = [];

    public List<SyntheticAnnouncement> Announcements { get; } = [];

    public IEnumerable<SyntheticClass> Classes => _classes.Values;

    public IEnumerable<SyntheticStudent> Students => _students.Values.OrderBy(student => student.Id);

    /// <summary>The mock's clock: admin calls move it; change feeds answer relative to it.</summary>
    public DateTimeOffset Now { get; private set; }

    public DateOnly JournalStart => Spec.FirstWeek;

    public DateOnly JournalEnd => Spec.FirstWeek.AddDays((7 * Spec.Weeks) - 1);

    public static SyntheticRegion Generate(RegionSpec spec) => new RegionGenerator(spec).Generate();

    public SyntheticClass? Class(int id) => _classes.GetValueOrDefault(id);

    public SyntheticStudent? Student(int id) => _students.GetValueOrDefault(id);

    public IEnumerable<SyntheticStudent> StudentsOf(int classId) =>
        _classMembers.TryGetValue(classId, out var members)
            ? members.Keys.Order().Select(id => _students[id])
            : [];

    public SyntheticTeacher Teacher(int id) => (_teachersById ??= Teachers.ToDictionary(teacher => teacher.Id))[id];

    /// <summary>
    /// The class's lessons on a date: none on weekends, holidays and outside the journal's weeks. English is learnt in
    /// halves: its slot holds two lessons, one per half, each with its own teacher and room.
    /// </summary>
    public IReadOnlyList<SyntheticLesson> LessonsOn(int classId, DateOnly date)
    {
        var schoolClass = _classes[classId];
        if (date < JournalStart || date > JournalEnd || !Curriculum.IsSchoolDay(date))
        {
            return [];
        }

        var subjects = Curriculum.Subjects(schoolClass.Grade, Spec.IsKomi);
        var day = date.DayNumber - YearStart.DayNumber;
        var lessons = new List<SyntheticLesson>();
        for (var number = 1; number <= Curriculum.LessonsPerDay(schoolClass.Grade); number++)
        {
            var subject = subjects[((day * 7) + number + classId) % subjects.Count];
            foreach (var group in subject == Curriculum.HalvedSubject ? Curriculum.Halves : WholeClass)
            {
                var lessonId = LessonId(classId, date, number, group);
                var (start, end) = Curriculum.Ring(number);
                var hasHomework = Deterministic.Below(2, Spec.Seed, lessonId, 20) == 0;
                var teachers = _teachersBySubject[classId][subject];
                lessons.Add(new SyntheticLesson(
                    lessonId,
                    classId,
                    date,
                    number,
                    start,
                    end,
                    subject,
                    teachers[Math.Max(group - 1, 0) % teachers.Length],
                    // Сетевой город leaves the first lesson's room empty (its published samples do).
                    Spec.IsKomi && number == 1 ? null : $"{(group == 2 ? 200 : 100) + (classId % 30)}",
                    $"{subject}: тема {(day / 7 * 3) + number}",
                    hasHomework ? $"№ {100 + Deterministic.Below(400, Spec.Seed, lessonId, 21)}, {200 + number}" : null,
                    Deterministic.Below(8, Spec.Seed, lessonId, 22) == 0,
                    group));
            }
        }

        return lessons;
    }

    /// <summary>
    /// A lesson's id encodes its class, half (0 for the whole class), day of the school year and number, so any id can
    /// be looked up again.
    /// </summary>
    public static long LessonId(int classId, DateOnly date, int number, int group = 0) =>
        ((long)classId * 100_000) + (group * 10_000) + ((date.DayNumber - YearStart.DayNumber) * 10) + number;

    public static (int ClassId, DateOnly Date, int Number) DecodeLessonId(long lessonId) =>
        ((int)(lessonId / 100_000), YearStart.AddDays((int)(lessonId % 10_000 / 10)), (int)(lessonId % 10));

    public SyntheticLesson? Lesson(long lessonId)
    {
        var (classId, date, _) = DecodeLessonId(lessonId);
        return _classes.ContainsKey(classId) ? LessonsOn(classId, date).FirstOrDefault(lesson => lesson.Id == lessonId) : null;
    }

    /// <summary>A half's id in both systems' group lists: the class's id and the half's number.</summary>
    public static long HalfId(int classId, int half) => ((long)classId * 10) + half;

    /// <summary>The half of the class a student learns English in: even ids the first, odd the second.</summary>
    public static int HalfOf(SyntheticStudent student) => student.Id % 2 == 0 ? 1 : 2;

    /// <summary>A half's name as each system writes it: ЭлЖур «1 группа»; Сетевой город «Английский язык/1 подгруппа» after the class.</summary>
    public string HalfName(int half) => Spec.IsKomi ? $"{Curriculum.HalvedSubject}/{half} подгруппа" : $"{half} группа";

    /// <summary>Whether the class learns in halves at all: English is in its curriculum.</summary>
    public bool HasHalves(SyntheticClass schoolClass) => Curriculum.Subjects(schoolClass.Grade, Spec.IsKomi).Contains(Curriculum.HalvedSubject);

    /// <summary>
    /// Whether the student goes to ЭлЖур's club that day: every third student, on Wednesdays, while in a class from
    /// grade 5. Сетевой город's region has no club.
    /// </summary>
    public bool HasClubOn(SyntheticStudent student, DateOnly date) =>
        !Spec.IsKomi && student.Id % 3 == 0 && date.DayOfWeek == DayOfWeek.Wednesday
        && LessonsOf(student, date) is [var first, ..] && _classes[first.ClassId].Grade >= Curriculum.ClubFromGrade;

    /// <summary>The student's mark for a lesson, if any: computed from the seed unless a change edited it.</summary>
    public SyntheticMark? MarkOf(int studentId, SyntheticLesson lesson)
    {
        var value = _markEdits.TryGetValue((studentId, lesson.Id), out var edited) ? edited : ComputedValue(studentId, lesson);
        if (value is null)
        {
            return null;
        }

        var (weight, kindShort, kind) = WorkOf(lesson);
        var isDebt = Spec.IsKomi && kindShort == "КР" && value == "2";
        return new SyntheticMark(studentId, lesson.Id, lesson.Date, lesson.Subject, value, weight, kindShort, kind, isDebt);
    }

    /// <summary>The kind of work a lesson's marks are for, and its weight: RK's differ from ЭлЖур's.</summary>
    public (int Weight, string Short, string Name) WorkOf(SyntheticLesson lesson) => (Spec.IsKomi, lesson.IsControlWork, lesson.Homework is null) switch
    {
        (false, true, _) => (2, "КР", "Контрольная работа"),
        (false, false, _) => (1, "РнУ", "Работа на уроке"),
        (true, true, _) => (40, "КР", "Контрольная работа"),
        (true, false, false) => (10, "ДЗ", "Домашнее задание"),
        (true, false, true) => (20, "О", "Ответ на уроке"),
    };

    private string? ComputedValue(int studentId, SyntheticLesson lesson)
    {
        var roll = Deterministic.Below(1000, Spec.Seed, studentId, lesson.Id);
        if (roll >= (lesson.IsControlWork ? 850 : 180))
        {
            // ЭлЖур writes absences into the marks column; Сетевой город's diary does not.
            return !Spec.IsKomi && roll < 200 ? (roll < 196 ? "н" : "оп") : null;
        }

        if (!Spec.IsKomi && lesson.Subject is "Музыка" or "Технология")
        {
            return "зч";
        }

        var grade = Deterministic.Below(100, Spec.Seed, studentId, lesson.Id, 1) switch
        {
            < 35 => 5,
            < 75 => 4,
            < 95 => 3,
            _ => 2,
        };
        var suffix = Spec.IsKomi ? -1 : Deterministic.Below(10, Spec.Seed, studentId, lesson.Id, 2);
        return suffix switch
        {
            0 when grade > 2 => $"{grade}-",
            1 when grade < 5 => $"{grade}+",
            _ => $"{grade}",
        };
    }

    public IReadOnlyList<ChangeEntry> ChangesSince(DateTimeOffset since)
    {
        lock (_gate)
        {
            return [.. _changes.Where(change => change.At >= since)];
        }
    }

    internal void AddClass(SyntheticClass schoolClass, Dictionary<string, int[]> teachersBySubject)
    {
        _classes.Add(schoolClass.Id, schoolClass);
        _teachersBySubject.Add(schoolClass.Id, teachersBySubject);
        _classMembers.TryAdd(schoolClass.Id, new());
    }

    internal void AddStudent(SyntheticStudent student)
    {
        _students[student.Id] = student;
        _classMembers[student.ClassId][student.Id] = 0;
        _nextStudentId = Math.Max(_nextStudentId, student.Id);
    }

    /// <summary>
    /// Replaces a student's record as the source keeps it, with no change reported: the mess a registry may hold (a
    /// NUL in a name, a SNILS in other digits), served through the contract so tests feed it to the real adapters.
    /// </summary>
    public void Amend(int studentId, Func<SyntheticStudent, SyntheticStudent> change) => _students[studentId] = change(_students[studentId]);

    /// <summary>Moves the clock and applies a round of changes, deterministic for the region's seed and round.</summary>
    public IReadOnlyList<ChangeEntry> ApplyChanges(ChangeRequest request)
    {
        lock (_gate)
        {
            Now = Now.AddMinutes(request.AdvanceMinutes);
            var round = ++_changeRounds;
            var applied = new List<ChangeEntry>();
            var students = _students.Keys.Order().ToList();
            var pick = 0;
            SyntheticStudent NextStudent() => _students[students[Deterministic.Below(students.Count, Spec.Seed, round, 100, ++pick)]];

            for (var i = 0; i < request.EditedMarks + request.DeletedMarks + request.NewMarks; i++)
            {
                var student = NextStudent();
                var lessons = JournalLessons(student).ToList();
                var wantMark = i < request.EditedMarks + request.DeletedMarks;
                var lesson = lessons.Skip(Deterministic.Below(lessons.Count, Spec.Seed, round, 200, i))
                    .Concat(lessons).FirstOrDefault(candidate => wantMark
                        ? MarkOf(student.Id, candidate) is { IsAbsence: false }
                        : MarkOf(student.Id, candidate) is null);
                if (lesson is null)
                {
                    continue;
                }

                var deleted = i >= request.EditedMarks && i < request.EditedMarks + request.DeletedMarks;
                var current = MarkOf(student.Id, lesson)?.Value;
                _markEdits[(student.Id, lesson.Id)] = deleted ? null : current == "5" ? "3" : "5";
                applied.Add(new ChangeEntry(Now, ChangeKind.Mark, student.Id, lesson.Id, lesson.ClassId, deleted));
            }

            for (var i = 0; i < request.Transfers; i++)
            {
                var student = NextStudent();
                var from = _classes[student.ClassId];
                var to = _classes.Values.Where(c => c.Grade == from.Grade && c.Id != from.Id)
                    .OrderBy(c => c.SchoolId == from.SchoolId ? 0 : 1).ThenBy(c => c.Id).FirstOrDefault();
                if (to is null)
                {
                    continue;
                }

                _classMembers[from.Id].TryRemove(student.Id, out _);
                AddStudent(student with { ClassId = to.Id, EnrolledSince = DateOnly.FromDateTime(Now.DateTime), FormerClassId = from.Id });
                applied.Add(new ChangeEntry(Now, ChangeKind.Student, student.Id, ClassId: to.Id));
                applied.Add(new ChangeEntry(Now, ChangeKind.Class, student.Id, ClassId: from.Id));
                applied.Add(new ChangeEntry(Now, ChangeKind.Class, student.Id, ClassId: to.Id));
            }

            for (var i = 0; i < request.NewStudents; i++)
            {
                var model = NextStudent();
                var id = _nextStudentId + 1;
                var newcomer = model with
                {
                    Id = id,
                    Name = model.Name with { FirstName = Deterministic.Pick(model.Name.Sex == Sex.Male ? Names.MaleNames : Names.FemaleNames, Spec.Seed, id, 30) },
                    Snils = Identifiers.Snils(Spec.SnilsSerial(5_000_000 + id - 1_000_000)),
                    Parents = [],
                    EsiaOid = null,
                    EnrolledSince = DateOnly.FromDateTime(Now.DateTime),
                    FormerClassId = null,
                };
                AddStudent(newcomer);
                applied.Add(new ChangeEntry(Now, ChangeKind.Student, id, ClassId: newcomer.ClassId));
            }

            var leavers = _classes.Values.Where(c => c.SchoolId == Schools[0].Id).OrderBy(c => c.Id)
                .SelectMany(c => StudentsOf(c.Id)).Take(request.LeavingStudents).ToList();
            foreach (var leaver in leavers)
            {
                _classMembers[leaver.ClassId].TryRemove(leaver.Id, out _);
                _students.TryRemove(leaver.Id, out _);
                applied.Add(new ChangeEntry(Now, ChangeKind.Student, leaver.Id, ClassId: leaver.ClassId, Deleted: true));
                applied.Add(new ChangeEntry(Now, ChangeKind.Class, leaver.Id, ClassId: leaver.ClassId));
            }

            _changes.AddRange(applied);
            return applied;
        }
    }

    /// <summary>
    /// Adds a second student with the same names, birth date and class (another id and SNILS): the registry
    /// ambiguity a join request can run into.
    /// </summary>
    public SyntheticStudent AddTwinOf(int studentId)
    {
        lock (_gate)
        {
            var original = _students[studentId];
            var twin = original with { Id = _nextStudentId + 1, Snils = Identifiers.Snils(Spec.SnilsSerial(7_000_000 + _nextStudentId - 1_000_000)), Parents = [], EsiaOid = null };
            AddStudent(twin);
            _changes.Add(new ChangeEntry(Now, ChangeKind.Student, twin.Id, ClassId: twin.ClassId));
            return twin;
        }
    }

    /// <summary>The lessons a student had on a date, in the class they were in then: of English, their half's only.</summary>
    public IReadOnlyList<SyntheticLesson> LessonsOf(SyntheticStudent student, DateOnly date) =>
        student.ClassOn(date) is { } classId ? [.. LessonsOn(classId, date).Where(lesson => lesson.Group is 0 || lesson.Group == HalfOf(student))] : [];

    /// <summary>Every lesson of a student over the journal's weeks.</summary>
    public IEnumerable<SyntheticLesson> JournalLessons(SyntheticStudent student)
    {
        for (var date = JournalStart; date <= JournalEnd; date = date.AddDays(1))
        {
            foreach (var lesson in LessonsOf(student, date))
            {
                yield return lesson;
            }
        }
    }

    /// <summary>Every lesson of a class over the journal's weeks.</summary>
    public IEnumerable<SyntheticLesson> JournalLessons(int classId)
    {
        for (var date = JournalStart; date <= JournalEnd; date = date.AddDays(1))
        {
            foreach (var lesson in LessonsOn(classId, date))
            {
                yield return lesson;
            }
        }
    }
}
