using System.Globalization;
using Grpc.Core;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Push;
using Npgsql;

namespace MySchool.Integration.Gateway.Soap;

/// <summary>
/// The SOAP operations over the same push and reads as gRPC. Authentication is the gateway's bearer token (not
/// WS-Security); every refusal is an <see cref="RpcException"/> that <see cref="CodedFaults"/> turns into a fault
/// whose code a program can act on.
/// </summary>
public sealed class JournalExchangeService(IHttpContextAccessor http, VendorPush push, ScheduleReader schedules, NpgsqlDataSource dataSource) : IJournalExchange
{
    public PushResult Push(PushRequest request)
    {
        var access = Require(ExchangeScopes.Push);
        var cancellationToken = http.HttpContext!.RequestAborted;
        var header = SoapToProto.ToHeader(request);
        var region = push.AdmitAsync(access, header, cancellationToken).GetAwaiter().GetResult();
        var batch = new PushBatchBuilder(header);
        batch.Add(SoapToProto.ToChunk(request));
        if (batch.Count > VendorPush.MaxRecords)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"В пакете больше {VendorPush.MaxRecords} записей: разделите его"));
        }

        var outcome = push.ApplyAsync(access, region, batch.Build(), cancellationToken).GetAwaiter().GetResult();
        return new PushResult
        {
            IdempotencyKey = outcome.IdempotencyKey,
            Duplicate = outcome.Duplicate,
            RunId = outcome.RunId,
            Received = outcome.Received,
            Inserted = outcome.Inserted,
            Updated = outcome.Updated,
            Deleted = outcome.Deleted,
            Quarantined = outcome.Rejected.Count,
            Rejected = [.. outcome.Rejected.Select(r => new SoapRejectedRecord { Kind = r.Kind, SourceId = r.SourceId ?? "", ReasonCode = r.ReasonCode, Reason = r.Reason })],
        };
    }

    public StudentJournal GetStudentJournal(JournalQuery query)
    {
        var access = Require(ExchangeScopes.JournalRead);
        if (string.IsNullOrWhiteSpace(query.RegionCode) || !access.Holds(query.RegionCode))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Клиенту не доступен регион {query.RegionCode}"));
        }

        if (!DateOnly.TryParseExact(query.Start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !DateOnly.TryParseExact(query.End, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) || end < start)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Start и End обязательны, в формате yyyy-MM-dd, Start не позже End"));
        }

        var cancellationToken = http.HttpContext!.RequestAborted;
        var studentId = StudentId(access.SourceSystem, query.StudentSourceId ?? "", query.RegionCode, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Ученик {query.StudentSourceId} не передавался этим клиентом в регион {query.RegionCode}"));
        // A vendor reads only the rows of its region's schools: never the student's journal elsewhere, closed enrollments included.
        var schedule = schedules.ReadAsync(studentId, start, end, cancellationToken, query.RegionCode).GetAwaiter().GetResult();
        return new StudentJournal
        {
            StudentSourceId = query.StudentSourceId!,
            Lessons = [.. schedule.Schools.SelectMany(school => school.Classes.SelectMany(c => c.Lessons.Select(lesson => new JournalLesson
            {
                Id = lesson.Id.ToString(),
                School = school.Name,
                ClassName = $"{c.Grade} «{c.Letter}»",
                Start = SchoolInstant.Iso(lesson.StartsAt),
                End = SchoolInstant.Iso(lesson.EndsAt),
                Subject = lesson.Subject,
                Topic = lesson.Topic,
                Homework = lesson.Homework,
                Room = lesson.Room,
                Attendance = lesson.Attendance,
                Marks = [.. lesson.Marks.Select(m => new JournalMark { Code = m.Code, Weight = m.Weight, Value = m.Value })],
            })))],
        };
    }

    private ClientAccess Require(string scope)
    {
        var user = http.HttpContext!.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Нужен действующий токен доступа: Authorization: Bearer <token> (POST /connect/token)"));
        }

        var access = ClientAccess.From(user);
        return access.Can(scope) ? access : throw new RpcException(new Status(StatusCode.PermissionDenied, $"Клиенту не выдана область {scope}"));
    }

    /// <summary>The federal id of a student this client pushed, enrolled (now or before) in a school of the region.</summary>
    private Guid? StudentId(string sourceSystem, string studentSourceId, string regionCode, CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand("""
            SELECT m.federal_id FROM identity_map m
            WHERE m.source_system = $1 AND m.kind = 'student' AND m.source_id = $2
              AND EXISTS (SELECT 1 FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school_region r ON r.school_id = c.school_id WHERE e.student_id = m.federal_id AND r.code = $3)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sourceSystem });
        command.Parameters.Add(new NpgsqlParameter { Value = studentSourceId });
        command.Parameters.Add(new NpgsqlParameter { Value = regionCode });
        return command.ExecuteScalar() as Guid?;
    }
}
