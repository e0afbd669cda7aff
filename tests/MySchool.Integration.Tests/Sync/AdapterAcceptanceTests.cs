using System.Globalization;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// The acceptance suite every adapter passes unchanged, each against its own mock over HTTP into real PostgreSQL:
/// full sync equals the ground truth, a repeat writes nothing, an incremental sync applies exactly the source's
/// changes, and the safety brake holds mass endings. Adding an adapter is one entry in SyncHarness.
/// </summary>
public class AdapterAcceptanceTests
{
    public static TheoryData<string> Adapters => [.. SyncHarness.Adapters];

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task FullSync_LeavesTheStoreEqualToTheGroundTruth(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);

        var run = await harness.SyncAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal(0, run.Quarantined);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task FullSync_LeavesTheEventFeedEqualToTheGroundTruth_EachEventWithItsKind(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);

        await harness.SyncAsync();

        var truth = GroundTruth.Events(harness.SourceRegion).ToList();
        Assert.Contains(truth, e => e.EventKind == "test");
        StoreTruth.AssertEqual(truth, await StoreTruth.ReadEventsAsync(harness.Db, harness.Adapter));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task FullSync_Repeated_WritesNothing(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        var first = await harness.SyncAsync();
        var version = await HighestChangeVersionAsync(harness);

        var second = await harness.SyncAsync();

        Assert.True(first.Inserted > 0);
        Assert.Equal((0L, 0L, 0L), (second.Inserted, second.Updated, second.Deleted));
        Assert.Equal(version, await HighestChangeVersionAsync(harness));
        Assert.Equal(first.Read, second.Read);
    }

    /// <summary>
    /// A repeat sync leaves a journal table alone when the store already holds exactly the source's rows of the window.
    /// It must find that out from the store itself: rows changed, removed or added there by plain SQL, outside the
    /// writers, are each put back by the next sync, and nothing else is written.
    /// </summary>
    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task FullSync_AfterTheJournalWasChangedBehindItsBack_PutsBackExactlyWhatChanged(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();

        Task<long> TamperAsync(string sql) => Tamper(harness, sql);
        var updated = await TamperAsync("UPDATE mark SET comment = coalesce(comment, '') || ' (исправлено в базе)' WHERE id = (SELECT min(id::text)::uuid FROM mark)")
            + await TamperAsync("UPDATE lesson SET topic = coalesce(topic, '') || ' (исправлено в базе)' WHERE id = (SELECT min(id::text)::uuid FROM lesson)")
            + await TamperAsync("UPDATE event SET title = title || ' (исправлено в базе)' WHERE id = (SELECT min(id::text)::uuid FROM event)")
            + await TamperAsync("""UPDATE homework SET attachments = '["чужой файл.pdf"]' WHERE id = (SELECT max(id::text)::uuid FROM homework)""");
        var inserted = await TamperAsync("DELETE FROM homework WHERE id = (SELECT min(id::text)::uuid FROM homework)")
            + await TamperAsync("DELETE FROM attendance WHERE id = (SELECT min(id::text)::uuid FROM attendance)")
            + await TamperAsync("DELETE FROM group_member WHERE (group_id, student_id) = (SELECT group_id, student_id FROM group_member ORDER BY 1, 2 LIMIT 1)");
        var deleted = await TamperAsync("""
            INSERT INTO mark (source_system, source_key, student_id, lesson_id, subject_id, mark_date, code, numeric_value, counts, weight, work_kind, is_debt, comment)
            SELECT source_system, source_key || '-лишняя', student_id, lesson_id, subject_id, mark_date, code, numeric_value, counts, weight, work_kind, is_debt, comment
            FROM mark WHERE id = (SELECT max(id::text)::uuid FROM mark)
            """);

        var run = await harness.SyncAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal((4L, 1L), (updated, deleted));
        Assert.InRange(inserted, 2L, 3L); // a homework, a group's member, and an absence where the source's journal has one
        Assert.Equal((inserted, updated, deleted), (run.Inserted, run.Updated, run.Deleted));
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        StoreTruth.AssertEqual(GroundTruth.Events(harness.SourceRegion).ToList(), await StoreTruth.ReadEventsAsync(harness.Db, harness.Adapter));
    }

    /// <summary>The same for the roster: a person and a student's guardians are compared with the store, not remembered.</summary>
    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task FullSync_AfterTheRosterWasChangedBehindItsBack_PutsBackExactlyWhatChanged(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();

        var updated = await Tamper(harness, "UPDATE person SET last_name = last_name || 'ӧ' WHERE id = (SELECT min(student_id::text)::uuid FROM enrollment)")
            + await Tamper(harness, "UPDATE person SET snils = NULL WHERE id = (SELECT max(p.id::text)::uuid FROM person p JOIN enrollment e ON e.student_id = p.id WHERE p.snils IS NOT NULL)")
            + await Tamper(harness, "UPDATE staff SET subjects = '{}' WHERE id = (SELECT min(id::text)::uuid FROM staff WHERE cardinality(subjects) > 0)");
        var inserted = await Tamper(harness, "DELETE FROM guardianship WHERE (parent_id, student_id) = (SELECT parent_id, student_id FROM guardianship ORDER BY 1, 2 LIMIT 1)")
            + await Tamper(harness, "UPDATE enrollment SET ends_on = starts_on WHERE id = (SELECT id FROM enrollment WHERE ends_on IS NULL ORDER BY student_id DESC LIMIT 1)");
        var deleted = await Tamper(harness, """
            INSERT INTO guardianship (parent_id, student_id, relation)
            SELECT g.parent_id, e.student_id, g.relation FROM guardianship g CROSS JOIN enrollment e
            WHERE g.parent_id <> e.student_id AND NOT EXISTS (SELECT 1 FROM guardianship x WHERE x.parent_id = g.parent_id AND x.student_id = e.student_id)
            ORDER BY 1, 2 LIMIT 1
            """);

        var run = await harness.SyncAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal((2L, 3L, 1L), (inserted, updated, deleted));
        Assert.Equal((inserted, updated, deleted), (run.Inserted, run.Updated, run.Deleted));
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    /// <summary>A write in plain SQL, outside the writers; answers the rows it touched.</summary>
    private static Task<long> Tamper(SyncHarness harness, string sql) =>
        harness.Db.ScalarAsync<long>($"WITH tampered AS ({sql} RETURNING 1) SELECT count(*) FROM tampered");

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Reconciliation_CountsTheDifferencesFromTheSource_AndWritesNothing(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();
        var truthBefore = harness.Truth();
        var version = await HighestChangeVersionAsync(harness);
        harness.SourceRegion.ApplyChanges(new() { EditedMarks = 2, DeletedMarks = 1, NewMarks = 2, Transfers = 1, NewStudents = 1 });

        var report = await harness.SyncAsync(mode: SyncMode.Reconcile);

        Assert.True(report.Status == "succeeded", report.Error);
        Assert.Equal("reconcile", report.Mode);
        Assert.True(report.Inserted > 0 && report.Updated > 0 && report.Deleted > 0, $"{report.Inserted}/{report.Updated}/{report.Deleted}");
        Assert.Equal(version, await HighestChangeVersionAsync(harness));
        StoreTruth.AssertEqual(truthBefore, await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        // The report is exactly what a real sync then writes.
        var applied = await harness.SyncAsync();
        Assert.Equal((report.Inserted, report.Updated, report.Deleted), (applied.Inserted, applied.Updated, applied.Deleted));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task IncrementalSync_AfterTheSourceChanges_AppliesExactlyThoseChanges(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();
        var before = await HighestChangeVersionAsync(harness);
        var groupsBefore = StoreTruth.Lines(harness.Truth().Where(t => t is GroupTruth or GroupMemberTruth));
        var applied = harness.SourceRegion.ApplyChanges(new() { EditedMarks = 2, DeletedMarks = 1, NewMarks = 2, Transfers = 1, NewStudents = 1 });

        var run = await harness.SyncAsync(mode: SyncMode.Incremental);

        Assert.True(run.Status == "succeeded", run.Error);
        var truth = harness.Truth();
        StoreTruth.AssertEqual(truth, await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        // Each mark change is one row (an edit, an insert, or a tombstone); a transfer closes one enrollment and
        // opens another; a new student is a person and an enrollment; a group or membership that came or went is
        // a row or a tombstone. Nothing else may take a new change version.
        var transfers = applied.Count(c => c.Kind == ChangeKind.Class) / 2;
        var groupsAfter = StoreTruth.Lines(truth.Where(t => t is GroupTruth or GroupMemberTruth));
        var groupChanges = groupsAfter.Except(groupsBefore).Count() + groupsBefore.Except(groupsAfter).Count();
        var expected = applied.Count(c => c.Kind == ChangeKind.Mark) + (2 * transfers) + (2 * (applied.Count(c => c.Kind == ChangeKind.Student) - transfers)) + groupChanges;
        Assert.Equal(expected, await RowsChangedSinceAsync(harness, before));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task IncrementalSync_WithNothingChanged_ReadsNoSchoolAndWritesNothing(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();

        var run = await harness.SyncAsync(mode: SyncMode.Incremental);

        Assert.Equal("succeeded", run.Status);
        Assert.Equal((0L, 0L, 0L, 0L), (run.Read, run.Inserted, run.Updated, run.Deleted));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task IncrementalSync_TouchesOnlyTheChangedSchool(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();
        var region = harness.SourceRegion;
        var applied = region.ApplyChanges(new() { EditedMarks = 1, DeletedMarks = 0, NewMarks = 0, Transfers = 0, NewStudents = 0 });
        var school = region.Class(region.Student(applied[0].StudentId)!.ClassId)!.SchoolId;

        var run = await harness.SyncAsync(mode: SyncMode.Incremental);

        Assert.Equal(1, run.Updated);
        // Events have no ground truth of their own: the store's count for the school stands in for them.
        var events = await harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM event e JOIN identity_map m ON m.federal_id = e.school_id AND m.kind = 'school' WHERE m.source_id = $1",
            school.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(GroundTruthRecordsRead(harness, school) + events, run.Read);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task IncrementalSync_WithoutAnyCursorYet_ReadsInFull(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);

        var run = await harness.SyncAsync(mode: SyncMode.Incremental);

        Assert.Equal("succeeded", run.Status);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        Assert.Equal(2L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_cursor WHERE source_system = $1", harness.Adapter));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task SafetyBrake_ASyncEndingMoreThanTheShareOfASchool_HoldsThoseEndingsAndWritesTheRest(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();
        // 12 of the school's 48 students leave at once: 25%, over the default 10%.
        harness.SourceRegion.ApplyChanges(new() { EditedMarks = 1, DeletedMarks = 0, NewMarks = 0, Transfers = 0, NewStudents = 0, LeavingStudents = 12 });

        var run = await harness.SyncAsync();

        Assert.Equal("held", run.Status);
        Assert.Equal(12, run.HeldDeletions!.Value[0].GetProperty("enrollments").GetInt32());
        Assert.Equal(12, run.HeldDeletions.Value[0].GetProperty("enrollmentIds").GetArrayLength());
        Assert.Equal(96L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));
        Assert.Equal(1, run.Updated); // the edited mark went through
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task SafetyBrake_AFewLeavers_AreEndedAsUsual(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();
        harness.SourceRegion.ApplyChanges(new() { EditedMarks = 0, DeletedMarks = 0, NewMarks = 0, Transfers = 0, NewStudents = 0, LeavingStudents = 2 });

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(94L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));
    }

    [Fact]
    public async Task Events_NsoClubsBecomeClassEvents_InTheSchoolsOffset()
    {
        await using var harness = await SyncHarness.StartAsync("nso");

        await harness.SyncAsync();

        // Every class of grade 5+ has Робототехника on the journal week's Wednesday, 14:00 Novosibirsk time.
        Assert.Equal(harness.SourceRegion.Classes.Count(), await harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM event WHERE kind = 'club' AND title = 'Робототехника' AND class_id IS NOT NULL AND (starts_at AT TIME ZONE 'Asia/Novosibirsk')::time = '14:00'"));
    }

    [Fact]
    public async Task Events_RkAnnouncementsBecomeSchoolEvents_AMeetingAsSuch_AndARepeatWritesNothing()
    {
        await using var harness = await SyncHarness.StartAsync("rk");

        await harness.SyncAsync();
        var repeat = await harness.SyncAsync();

        Assert.Equal(harness.SourceRegion.Announcements.Count, (int)await harness.Db.ScalarAsync<long>("SELECT count(*) FROM event WHERE kind IN ('announcement', 'meeting') AND class_id IS NULL"));
        Assert.Equal("Родительское собрание", await harness.Db.ScalarAsync<string>("SELECT title FROM event WHERE kind = 'meeting' ORDER BY source_key LIMIT 1"));
        Assert.Equal(0, repeat.Inserted + repeat.Updated + repeat.Deleted);
    }

    /// <summary>What a full read of one school reads, for comparing against a run that should read that school alone.</summary>
    private static long GroundTruthRecordsRead(SyncHarness harness, int schoolId)
    {
        var truth = harness.Truth();
        var region = harness.SourceRegion;
        var classes = region.Classes.Where(c => c.SchoolId == schoolId).Select(c => c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var students = truth.OfType<EnrollmentTruth>().Where(e => classes.Contains(e.ClassSourceId)).Select(e => e.StudentSourceId).ToHashSet();
        var parents = truth.OfType<GuardianshipTruth>().Where(g => students.Contains(g.StudentSourceId)).Select(g => g.ParentSourceId).Distinct().Count();
        var teachers = region.Teachers.Count(t => t.SchoolId == schoolId);
        var inn = region.Schools.Single(s => s.Id == schoolId).Inn;
        var calendar = truth.OfType<PeriodTruth>().Count(p => p.SchoolInn == inn) + truth.OfType<HolidayTruth>().Count(h => h.SchoolInn == inn);
        return classes.Count + students.Count + parents + teachers + calendar + truth.OfType<GroupTruth>().Count(g => classes.Contains(g.ClassSourceId))
            + truth.OfType<LessonTruth>().Count(l => classes.Contains(l.ClassSourceId))
            + truth.OfType<HomeworkTruth>().Count(h => classes.Contains(h.ClassSourceId))
            + truth.OfType<MarkTruth>().Count(m => classes.Contains(m.ClassSourceId))
            + truth.OfType<AttendanceTruth>().Count(a => classes.Contains(a.ClassSourceId));
    }

    private static Task<long> RowsChangedSinceAsync(SyncHarness harness, long version) => harness.Db.ScalarAsync<long>("""
        SELECT (SELECT count(*) FROM person WHERE change_version > $1) + (SELECT count(*) FROM enrollment WHERE change_version > $1)
             + (SELECT count(*) FROM guardianship WHERE change_version > $1) + (SELECT count(*) FROM staff WHERE change_version > $1)
             + (SELECT count(*) FROM class WHERE change_version > $1) + (SELECT count(*) FROM lesson WHERE change_version > $1)
             + (SELECT count(*) FROM homework WHERE change_version > $1) + (SELECT count(*) FROM mark WHERE change_version > $1)
             + (SELECT count(*) FROM attendance WHERE change_version > $1) + (SELECT count(*) FROM tombstone WHERE change_version > $1)
             + (SELECT count(*) FROM period WHERE change_version > $1) + (SELECT count(*) FROM holiday WHERE change_version > $1)
             + (SELECT count(*) FROM class_group WHERE change_version > $1) + (SELECT count(*) FROM group_member WHERE change_version > $1)
        """, version);

    /// <summary>
    /// The federal change feed's high-water mark. (The sequence itself may advance on a no-op upsert, since
    /// PostgreSQL stamps a proposed row before it finds the conflict; no row keeps such a version.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task TwoRegionsListingTheSameChildren_Settle_TheHolderKeepsThem_AndTheClaimIsQuarantinedOnBothSides(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter, spec => spec with { MigrantStudents = 3 });
        var holder = await harness.SyncAsync();
        var claimant = await harness.SyncAsync(adapter: harness.OtherAdapter);
        var version = await HighestChangeVersionAsync(harness);

        // Any order, any number of times: from the second round on nothing is written and the feed shows nothing new.
        var rounds = new[] { await harness.SyncAsync(adapter: harness.OtherAdapter), await harness.SyncAsync(), await harness.SyncAsync(adapter: harness.OtherAdapter) };

        Assert.All(new[] { holder, claimant }.Concat(rounds), run => Assert.True(run.Status == "succeeded", run.Error));
        Assert.All(rounds, run => Assert.Equal((0L, 0L, 0L), (run.Inserted, run.Updated, run.Deleted)));
        Assert.Equal(version, await HighestChangeVersionAsync(harness));
        var migrants = Enumerable.Range(0, 3).Select(k => Identifiers.Snils(990_000_000L + k)).ToArray();
        Assert.Equal(3L, await harness.Db.ScalarAsync<long>("""
            SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school_owner o ON o.school_id = c.school_id JOIN person p ON p.id = e.student_id
            WHERE e.ends_on IS NULL AND o.source_system = $1 AND p.snils = ANY($2)
            """, harness.Adapter, migrants));
        Assert.Equal(3L, await harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM quarantine WHERE reason_code = 'person.enrolled-elsewhere' AND source_system <> $1 AND resolved_at IS NULL", harness.Adapter));
        Assert.Equal(3L, await harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM quarantine WHERE reason_code = 'person.claimed-elsewhere' AND source_system = $1", harness.Adapter));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task OneSnilsWithTwoBirthDates_IsASnilsMismatch_AndTheHoldersPersonIsUntouched(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter, spec => spec with { MigrantStudents = 2, MigrantsBornAYearLater = spec.RegionCode != RegionOf(adapter) });
        await harness.SyncAsync();
        var before = await harness.Db.ScalarAsync<string>("SELECT string_agg(last_name || birth_date, ',' ORDER BY snils) FROM person WHERE snils IS NOT NULL");

        var claimant = await harness.SyncAsync(adapter: harness.OtherAdapter);

        Assert.True(claimant.Status == "succeeded", claimant.Error);
        Assert.Equal(2L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE reason_code = 'person.snils-mismatch'"));
        Assert.Equal(before, await harness.Db.ScalarAsync<string>(
            "SELECT string_agg(p.last_name || p.birth_date, ',' ORDER BY p.snils) FROM person p WHERE p.snils IS NOT NULL AND EXISTS (SELECT 1 FROM identity_map m WHERE m.federal_id = p.id AND m.source_system = $1)",
            harness.Adapter));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task TwoStudentsOfASchoolWithOneSnils_QuarantineTheSecond_AndTheSchoolCommits(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter, spec => spec with { SnilsTwinInEachSchool = true });

        var run = await harness.SyncAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal(harness.SourceRegion.Schools.Count, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE reason_code = 'student.duplicate'"));
        Assert.Equal(harness.SourceRegion.Students.Count() - harness.SourceRegion.Schools.Count, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task ASchoolWhoseInnIsHeldInAnotherRegion_IsRefused_AndStaysInItsRegion(string adapter)
    {
        var held = RegionOf(adapter);
        await using var harness = await SyncHarness.StartAsync(adapter, spec => spec.RegionCode == held ? spec : spec with { FirstSchoolInnOfRegion = held });
        await harness.SyncAsync();
        var schools = await harness.Db.ScalarAsync<long>("SELECT count(*) FROM school");

        var claimant = await harness.SyncAsync(adapter: harness.OtherAdapter);

        Assert.True(claimant.Status == "succeeded", claimant.Error);
        Assert.Equal(schools + 1, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM school")); // the other region's second school only
        Assert.Equal(held, await harness.Db.ScalarAsync<string>("SELECT sr.code FROM school s JOIN school_region sr ON sr.school_id = s.id WHERE s.inn = $1", Identifiers.Inn(held, 1)));
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE reason_code = 'school.other-region'"));
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'ownership.cross-region'"));
    }

    /// <summary>
    /// Two teachers of one school with the same full name (a 10-school region had such a pair): a source that names
    /// a lesson's teacher by name alone (ЭлЖур's diary) is read by the lesson's subject, so every lesson keeps its own.
    /// </summary>
    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task NamesakeTeachersOfOneSchool_EachKeepTheirOwnLessons(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        var teachers = harness.SourceRegion.Teachers;
        var (first, second) = teachers.SelectMany(a => teachers.Where(b => b.Id > a.Id && b.SchoolId == a.SchoolId && !b.Subjects.Intersect(a.Subjects).Any()).Select(b => (a, b))).First();
        teachers[teachers.IndexOf(second)] = second with { Name = first.Name };

        var run = await harness.SyncAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        Assert.True(await harness.Db.ScalarAsync<long>("SELECT count(*) FROM lesson l JOIN identity_map m ON m.federal_id = l.teacher_id WHERE m.source_id = $1", second.Id.ToString(CultureInfo.InvariantCulture)) > 0);
    }

    public static TheoryData<string, string> CorpusThroughAdapters => new()
    {
        { "nso", "nul-in-a-name" }, { "rk", "nul-in-a-name" },
        { "nso", "name-of-10000-characters" }, { "rk", "name-of-10000-characters" },
        { "nso", "snils-in-arabic-indic-digits" }, { "rk", "snils-in-arabic-indic-digits" },
    };

    /// <summary>
    /// The bad-record corpus's cases a source's contract can carry, served by the mock and read by the real adapter
    /// (JSON in UTF-8 cannot carry a lone surrogate: the mock's writer replaces it, so that case is the rules' alone).
    /// </summary>
    [Theory]
    [MemberData(nameof(CorpusThroughAdapters))]
    public async Task ABadRecordTheSourceHolds_IsQuarantinedThroughTheAdapter_AndTheRestOfTheSchoolCommits(string adapter, string name)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        var student = harness.SourceRegion.Students.First(s => s.Snils is not null);
        var (spoil, reason) = name switch
        {
            "nul-in-a-name" => ((Func<SyntheticStudent, SyntheticStudent>)(s => s with { Name = s.Name with { LastName = "Ив\0анов" } }), "text.invalid-character"),
            "name-of-10000-characters" => (s => s with { Name = s.Name with { FirstName = new string('я', 10_000) } }, "text.too-long"),
            _ => (s => s with { Snils = "١١٢٢٣٣٤٤٥٩٥" }, "snils.format"),
        };
        harness.SourceRegion.Amend(student.Id, spoil);

        var run = await harness.SyncAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal(reason, await harness.Db.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE kind = 'student' AND source_id = $1", student.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(harness.SourceRegion.Students.Count() - 1, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));
    }

    private static string RegionOf(string adapter) => adapter == "rk" ? "11" : "54";

    private static Task<long> HighestChangeVersionAsync(SyncHarness harness) => harness.Db.ScalarAsync<long>("""
        SELECT max(v) FROM (
            SELECT max(change_version) FROM person UNION ALL SELECT max(change_version) FROM enrollment
            UNION ALL SELECT max(change_version) FROM guardianship UNION ALL SELECT max(change_version) FROM staff
            UNION ALL SELECT max(change_version) FROM class UNION ALL SELECT max(change_version) FROM school
            UNION ALL SELECT max(change_version) FROM lesson UNION ALL SELECT max(change_version) FROM homework
            UNION ALL SELECT max(change_version) FROM mark UNION ALL SELECT max(change_version) FROM attendance
            UNION ALL SELECT max(change_version) FROM tombstone) AS versions(v)
        """);
}
