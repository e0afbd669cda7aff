using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Protos.Federal.V1;
using ChangeVersions = MySchool.Integration.Protos.Federal.V1.ChangeVersions;
using SubjectAverage = MySchool.Integration.Protos.Federal.V1.SubjectAverage;

namespace MySchool.Integration.Gateway.Grpc;

/// <summary>The federal pull over gRPC: registries and the change feed server-streamed, portfolios by ESIA oid.</summary>
[Authorize(Policy = ExchangeScopes.FederalRead)]
public sealed class FederalPullService(FederalFeed feed, PortfolioReader portfolios) : FederalPull.FederalPullBase
{
    /// <summary>
    /// Rows a page query reads at once: a statement a page, so larger pages spread its fixed cost; each kind's page is
    /// held in memory while it streams (about 1 MB of JSON at this size).
    /// </summary>
    private const int PageSize = 2000;

    public override async Task<ChangeVersions> GetChangeVersions(ChangeVersionsRequest request, ServerCallContext context)
    {
        var versions = await feed.VersionsAsync(context.CancellationToken);
        return new ChangeVersions { Oldest = versions.Oldest, Newest = versions.Newest };
    }

    public override async Task ReadRows(ReadRowsRequest request, IServerStreamWriter<Row> responseStream, ServerCallContext context)
    {
        if (!FederalFeed.Kinds.Contains(request.Kind))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Неизвестный вид записей «{request.Kind}»; есть: {string.Join(", ", FederalFeed.Kinds)}"));
        }

        var upTo = await UpToAsync(request.MaxChangeVersion, context);
        RequireRegion(request.RegionCode, context);
        await foreach (var row in feed.RowsAsync(request.Kind, Region(request.RegionCode), 0, upTo, PageSize, context.CancellationToken))
        {
            await responseStream.WriteAsync(new Row { Kind = row.Kind, Id = row.Id.ToString(), ChangeVersion = row.ChangeVersion, Json = row.Json }, context.CancellationToken);
        }
    }

    public override async Task ReadChanges(ReadChangesRequest request, IServerStreamWriter<Change> responseStream, ServerCallContext context)
    {
        var upTo = await UpToAsync(request.MaxChangeVersion, context);
        RequireRegion(request.RegionCode, context);
        await foreach (var change in feed.ChangesAsync(Region(request.RegionCode), request.MinChangeVersion, upTo, PageSize, context.CancellationToken))
        {
            await responseStream.WriteAsync(
                new Change { ChangeVersion = change.ChangeVersion, Kind = change.Kind, Id = change.Id.ToString(), Deleted = change.Deleted, Json = change.Json },
                context.CancellationToken);
        }
    }

    public override async Task<Portfolio> GetPortfolio(PortfolioRequest request, ServerCallContext context)
    {
        var portfolio = await portfolios.ReadAsync(request.EsiaOid, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Обучающийся с oid {request.EsiaOid} не найден или сейчас нигде не учится"));
        var reply = new Portfolio
        {
            EsiaOid = portfolio.EsiaOid,
            School = portfolio.SchoolName,
            ClassName = $"{portfolio.Grade} «{portfolio.Letter}»",
            Period = portfolio.PeriodName,
            PeriodStart = Iso(portfolio.PeriodStart),
            PeriodEnd = Iso(portfolio.PeriodEnd),
            Attendance = new Attendance
            {
                Lessons = portfolio.Attendance.Lessons,
                Absent = portfolio.Attendance.Absent,
                Ill = portfolio.Attendance.Ill,
                Excused = portfolio.Attendance.Excused,
                Late = portfolio.Attendance.Late,
            },
        };
        if (portfolio.DaysUntilHolidays is { } days)
        {
            reply.DaysUntilHolidays = days;
        }

        reply.HolidaysName = portfolio.HolidaysName ?? "";
        reply.Subjects.AddRange(portfolio.Subjects.Select(Average));
        foreach (var past in portfolio.PastPeriods)
        {
            reply.PastPeriods.Add(new Protos.Federal.V1.PeriodAverages { Period = past.Period, Start = Iso(past.Start), End = Iso(past.End), Subjects = { past.Subjects.Select(Average) } });
        }

        reply.Events.AddRange(portfolio.Events.Select(e => new Event { StartsAt = SchoolInstant.Iso(e.StartsAt), Kind = e.Kind, Title = e.Title, Body = e.Body ?? "" }));
        return reply;
    }

    /// <summary>
    /// A stream reads up to a version fixed when it starts, so rows written meanwhile wait for the next call; never
    /// beyond the newest safe version, even when asked, or a version still being committed could be skipped.
    /// </summary>
    private async Task<long> UpToAsync(long requested, ServerCallContext context)
    {
        var newest = (await feed.VersionsAsync(context.CancellationToken)).Newest;
        return requested > 0 ? Math.Min(requested, newest) : newest;
    }

    /// <summary>A client bound to regions reads only those; all regions at once only a client that holds every region.</summary>
    private static void RequireRegion(string code, ServerCallContext context)
    {
        if (!ClientAccess.From(context.GetHttpContext().User).Holds(string.IsNullOrEmpty(code) ? "*" : code))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Клиенту не доступен регион {(string.IsNullOrEmpty(code) ? "«все»" : code)}"));
        }
    }

    private static string? Region(string code) => string.IsNullOrEmpty(code) ? null : code;

    private static SubjectAverage Average(Core.Federal.SubjectAverage average) => new()
    {
        Subject = average.Subject,
        Student = Decimal(average.Student),
        ClassAverage = Decimal(average.Class),
        GradeAverage = Decimal(average.Grade),
        Marks = average.MarkCount,
    };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Decimal(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";
}
