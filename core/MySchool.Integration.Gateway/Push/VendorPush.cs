using Grpc.Core;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Protos.Exchange.V1;

namespace MySchool.Integration.Gateway.Push;

/// <summary>What gRPC and SOAP pushes share: who may push where (denials audited), the limits, the answer.</summary>
public sealed class VendorPush(PushIngest ingest, RegionCatalog regions, AuditLog audit)
{
    /// <summary>Records in one batch: a school's term of marks fits; more is split by the vendor.</summary>
    public const int MaxRecords = 500_000;

    public const int MaxKeyLength = 100;

    /// <summary>The region the header names, if the caller holds it and the gateway serves it; else an RpcException.</summary>
    public async Task<RegionSource> AdmitAsync(ClientAccess access, BatchHeader header, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(header.IdempotencyKey) || header.IdempotencyKey.Length > MaxKeyLength)
        {
            throw Invalid("header.idempotency_key", $"нужен ключ идемпотентности длиной до {MaxKeyLength} символов");
        }

        if (header.RegionCode is not [>= '0' and <= '9', >= '0' and <= '9'])
        {
            throw Invalid("header.region_code", "нужен двузначный код субъекта РФ, например 54");
        }

        if (header.School is null)
        {
            throw Invalid("header.school", "нужна школа, чьи записи в пакете");
        }

        if (string.IsNullOrWhiteSpace(header.School.SourceId) || header.School.SourceId.Length > MaxKeyLength)
        {
            throw Invalid("header.school.source_id", $"нужен идентификатор школы в системе поставщика длиной до {MaxKeyLength} символов");
        }

        if (!access.Holds(header.RegionCode))
        {
            await audit.RecordAsync(access.ClientId, "push.denied", header.RegionCode, new { header.IdempotencyKey, school = header.School.SourceId }, cancellationToken);
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Клиенту {access.ClientId} не разрешено передавать данные региона {header.RegionCode}"));
        }

        // Checked only for a caller who may push here: others learn nothing of the header.
        if (SourceValues.Inn(header.School.Inn) is { } inn)
        {
            throw Invalid("header.school.inn", inn.Message);
        }

        if (SourceValues.Oktmo(header.School.Oktmo) is { } oktmo)
        {
            throw Invalid("header.school.oktmo", oktmo.Message);
        }

        if ((header.School.Kpp.Length > 0 || header.School.ParentSourceId.Length > 0) && SourceValues.Kpp(header.School.Kpp) is { } kpp)
        {
            throw Invalid("header.school.kpp", kpp.Message);
        }

        return regions.Find(header.RegionCode)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Регион {header.RegionCode} не подключён к шлюзу"));
    }

    public Task<PushOutcome> ApplyAsync(ClientAccess access, RegionSource region, PushBatch batch, CancellationToken cancellationToken) =>
        ingest.ApplyAsync(new PushClient(access.ClientId, access.SourceSystem), region, batch, cancellationToken);

    /// <summary>
    /// The answer, with every SNILS masked even where the vendor's own key or record id is one: answers end up in
    /// vendors' logs and traces, and the vendor has its own values at hand.
    /// </summary>
    public static PushReply Reply(PushOutcome outcome)
    {
        var reply = new PushReply
        {
            IdempotencyKey = Snils.MaskAll(outcome.IdempotencyKey),
            Duplicate = outcome.Duplicate,
            Received = outcome.Received,
            Inserted = outcome.Inserted,
            Updated = outcome.Updated,
            Deleted = outcome.Deleted,
            Quarantined = outcome.Rejected.Count,
            RunId = outcome.RunId,
        };
        reply.Rejected.AddRange(outcome.Rejected.Select(r => new RejectedRecord { Kind = r.Kind, SourceId = Snils.MaskAll(r.SourceId ?? ""), ReasonCode = r.ReasonCode, Reason = Snils.MaskAll(r.Reason) }));
        return reply;
    }

    /// <summary>The field's path in the .proto first, so a vendor's developer finds it without reading Russian.</summary>
    private static RpcException Invalid(string field, string reason) => new(new Status(StatusCode.InvalidArgument, $"{field}: {reason}"));
}
