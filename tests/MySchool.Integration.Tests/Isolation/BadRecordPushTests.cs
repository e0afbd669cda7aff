using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Isolation;

/// <summary>The bad-record corpus through a vendor's push, gRPC and SOAP: the record is refused with its reason, the rest commits.</summary>
public sealed class BadRecordPushTests(BadRecordPushTests.Gateway gateway) : IClassFixture<BadRecordPushTests.Gateway>
{
    [Theory]
    [MemberData(nameof(BadRecordCorpus.Names), MemberType = typeof(BadRecordCorpus))]
    public async Task ABadRecord_IsQuarantinedWithItsReason_AndTheRestOfTheBatchCommits(string name)
    {
        var record = BadRecordCorpus.Named(name);
        var push = gateway.Push!;

        // A vendor's ids are its own across its schools: each case's records get ids of their own.
        var prefix = $"grpc:{name}:";
        var reply = await PushFixture.PushAsync(await push.ClientAsync(), BadRecordCorpus.Header(record), WithIdPrefix(BadRecordCorpus.Spoiled(record), prefix));

        Assert.Contains(reply.Rejected, r => r.Kind == record.Kind && r.SourceId.Replace(prefix, "", StringComparison.Ordinal).StartsWith(record.SourceId, StringComparison.Ordinal) && r.ReasonCode == record.ReasonCode);
        Assert.All(reply.Rejected, r => Assert.Matches("[А-Яа-я]", r.Reason));
        await AssertTheRestCommittedAsync(reply.RunId, "grpc", name);
    }

    [Theory]
    [MemberData(nameof(BadRecordCorpus.XmlNames), MemberType = typeof(BadRecordCorpus))]
    public async Task ABadRecordPushedOverSoap_IsQuarantinedWithItsReason_AndTheRestOfTheBatchCommits(string name)
    {
        var record = BadRecordCorpus.Named(name);
        var push = gateway.Push!;
        var prefix = $"soap:{name}:";
        var request = ProtoToSoap.ToRequest(BadRecordCorpus.Header(record, "soap"), WithIdPrefix(BadRecordCorpus.Spoiled(record, "soap"), prefix));
        var soap = await push.SoapClientAsync();

        var result = await Task.Run(() => soap.Push(request));

        Assert.Contains(result.Rejected, r => r.Kind == record.Kind && r.SourceId.Replace(prefix, "", StringComparison.Ordinal).StartsWith(record.SourceId, StringComparison.Ordinal) && r.ReasonCode == record.ReasonCode);
        await AssertTheRestCommittedAsync(result.RunId, "soap", name);
    }

    private async Task AssertTheRestCommittedAsync(long runId, string path, string name)
    {
        var push = gateway.Push!;
        Assert.Equal("succeeded", await push.Db.ScalarAsync<string>("SELECT status FROM sync_run WHERE id = $1", runId));
        Assert.True(await push.Db.ScalarAsync<long>("""
            SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN identity_map m ON m.federal_id = c.school_id AND m.kind = 'school'
            WHERE m.source_id = $1
            """, $"school-{path}-{name}") >= 3, "the rest of the school is written");
    }

    private static RecordChunk WithIdPrefix(RecordChunk chunk, string prefix)
    {
        string P(string id) => id.Length == 0 ? id : prefix + id;
        foreach (var schoolClass in chunk.Classes)
        {
            schoolClass.SourceId = P(schoolClass.SourceId);
        }

        foreach (var student in chunk.Students)
        {
            (student.Person.SourceId, student.ClassSourceId) = (P(student.Person.SourceId), P(student.ClassSourceId));
            foreach (var guardian in student.Guardians)
            {
                guardian.Person.SourceId = P(guardian.Person.SourceId);
            }
        }

        foreach (var teacher in chunk.Teachers)
        {
            teacher.Person.SourceId = P(teacher.Person.SourceId);
        }

        foreach (var lesson in chunk.Lessons)
        {
            (lesson.ClassSourceId, lesson.TeacherSourceId) = (P(lesson.ClassSourceId), P(lesson.TeacherSourceId));
            foreach (var homework in lesson.Homework)
            {
                homework.SourceKey = P(homework.SourceKey);
            }
        }

        foreach (var mark in chunk.Marks)
        {
            (mark.SourceId, mark.StudentSourceId, mark.ClassSourceId) = (P(mark.SourceId), P(mark.StudentSourceId), P(mark.ClassSourceId));
        }

        foreach (var absence in chunk.Attendance)
        {
            (absence.StudentSourceId, absence.ClassSourceId) = (P(absence.StudentSourceId), P(absence.ClassSourceId));
        }

        return chunk;
    }

    public sealed class Gateway : IAsyncLifetime
    {
        public PushFixture? Push { get; private set; }

        public async Task InitializeAsync() => Push = await PushFixture.StartAsync();

        public async Task DisposeAsync() => await Push!.DisposeAsync();
    }
}
