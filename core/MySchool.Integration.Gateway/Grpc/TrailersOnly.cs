using System.Globalization;
using Grpc.Core;

namespace MySchool.Integration.Gateway.Grpc;

/// <summary>
/// A gRPC refusal answered by middleware, before grpc-dotnet has the call: a trailers-only response, the status in
/// the response headers (gRPC over HTTP/2), so a client sees the status, not an HTTP error.
/// </summary>
public static class TrailersOnly
{
    public static bool IsGrpc(HttpRequest request) => request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static void Refuse(HttpResponse response, StatusCode status, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
