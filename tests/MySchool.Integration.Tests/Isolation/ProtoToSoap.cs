using MySchool.Integration.Gateway.Soap;
using MySchool.Integration.Protos.Exchange.V1;
using Riok.Mapperly.Abstractions;

namespace MySchool.Integration.Tests.Isolation;

/// <summary>A gRPC batch as the SOAP request that means the same (the reverse of the gateway's SoapToProto).</summary>
[Mapper(RequiredMappingStrategy = RequiredMappingStrategy.Source)]
public static partial class ProtoToSoap
{
    public static PushRequest ToRequest(BatchHeader header, RecordChunk records)
    {
        var request = ToRequest(records);
        request.IdempotencyKey = header.IdempotencyKey;
        request.RegionCode = header.RegionCode;
        request.CompleteRoster = header.CompleteRoster;
        request.School = ToSchool(header.School);
        return request;
    }

    [MapperIgnoreTarget(nameof(PushRequest.IdempotencyKey))]
    [MapperIgnoreTarget(nameof(PushRequest.RegionCode))]
    [MapperIgnoreTarget(nameof(PushRequest.CompleteRoster))]
    [MapperIgnoreTarget(nameof(PushRequest.School))]
    private static partial PushRequest ToRequest(RecordChunk records);

    private static partial SoapSchool ToSchool(School school);
}
