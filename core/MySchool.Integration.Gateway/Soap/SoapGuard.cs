using System.Xml;

namespace MySchool.Integration.Gateway.Soap;

/// <summary>
/// In front of SoapCore, whose reader quotas do not hold (a 100,000-level body cost 48 s of CPU, an internal DTD
/// entity was expanded, a 15 MB text passed a 1 MB quota). A call is refused, with a coded Client fault, before
/// SoapCore parses anything: without a token before its body is read at all; otherwise when a streaming reader
/// finds a DTD, nesting deeper than <see cref="MaxDepth"/>, a text or attribute longer than
/// <see cref="MaxTextChars"/>, something that is not a SOAP envelope, or an operation the contract does not have.
/// Faults never echo the input: they say where (line, position), not what.
/// </summary>
public sealed class SoapGuard(RequestDelegate next)
{
    public const int MaxDepth = 32;
    public const int MaxTextChars = 1024 * 1024;

    private static readonly string[] Operations = [nameof(IJournalExchange.Push), nameof(IJournalExchange.GetStudentJournal)];

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await next(context); // the WSDL
            return;
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            await CodedFaults.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthenticated",
                "Нужен действующий токен доступа: Authorization: Bearer <token> (POST /connect/token)");
            return;
        }

        if (!IsSoapContentType(context.Request.ContentType))
        {
            await CodedFaults.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "InvalidArgument",
                "Content-Type SOAP-запроса: text/xml (SOAP 1.1) или application/soap+xml (SOAP 1.2)");
            return;
        }

        var body = new RecordedBody(context.Request.Body, context.Request.ContentLength);
        context.Response.RegisterForDispose(body); // after SoapCore is done with the replay
        try
        {
            if (await RefusalAsync(body, context.RequestAborted) is { } refusal)
            {
                await CodedFaults.WriteAsync(context, StatusCodes.Status400BadRequest, refusal.Subcode, refusal.Reason);
                return;
            }

            context.Request.Body = await body.ReplayAsync(context.RequestAborted);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await SoapHosting.RefuseTooLargeAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>Reads the body once, streaming, counting as it goes; null when SoapCore may have it.</summary>
    private static async Task<(string Subcode, string Reason)?> RefusalAsync(Stream body, CancellationToken cancellationToken)
    {
        var settings = new XmlReaderSettings
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = SoapHosting.MaxRequestBytes,
            CloseInput = false,
        };
        using var reader = XmlReader.Create(body, settings);
        var chunk = new char[8192];
        var operationSeen = false;
        try
        {
            while (await reader.ReadAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.Depth > MaxDepth)
                {
                    return Invalid(reader, $"вложенность элементов больше {MaxDepth}");
                }

                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (reader.Depth == 0 && (reader.LocalName != "Envelope" || reader.NamespaceURI is not (CodedFaults.Soap11Envelope or CodedFaults.Soap12Envelope)))
                        {
                            return Invalid(reader, "ожидается SOAP-конверт (Envelope SOAP 1.1 или 1.2)");
                        }

                        if (reader.Depth == 2 && !operationSeen)
                        {
                            operationSeen = true;
                            if (reader.NamespaceURI != SoapNames.Namespace || !Operations.Contains(reader.LocalName, StringComparer.Ordinal))
                            {
                                return ("Unimplemented", $"Операции {{{Excerpt(reader.NamespaceURI)}}}{Excerpt(reader.LocalName)} нет: есть Push и GetStudentJournal в {SoapNames.Namespace}");
                            }
                        }

                        for (var attribute = reader.MoveToFirstAttribute(); attribute; attribute = reader.MoveToNextAttribute())
                        {
                            if (reader.Value.Length > MaxTextChars)
                            {
                                return Invalid(reader, $"значение атрибута длиннее {MaxTextChars} символов");
                            }
                        }

                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                        var length = 0L;
                        int read;
                        while ((read = await reader.ReadValueChunkAsync(chunk, 0, chunk.Length)) > 0)
                        {
                            if ((length += read) > MaxTextChars)
                            {
                                return Invalid(reader, $"текст длиннее {MaxTextChars} символов");
                            }
                        }

                        break;
                }
            }
        }
        catch (XmlException exception)
        {
            // Its message may quote the input; the position is enough to find the mistake.
            return ("InvalidArgument", $"Тело запроса — не корректный XML (строка {exception.LineNumber}, позиция {exception.LinePosition}); DTD и сущности не принимаются");
        }

        return operationSeen ? null : ("InvalidArgument", "В SOAP-конверте нет операции (Body пуст)");
    }

    private static bool IsSoapContentType(string? contentType) =>
        contentType is not null && (contentType.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("application/soap+xml", StringComparison.OrdinalIgnoreCase));

    private static (string, string) Invalid(XmlReader reader, string what) =>
        ("InvalidArgument", $"Тело запроса отклонено: {what} (строка {(reader as IXmlLineInfo)?.LineNumber}, позиция {(reader as IXmlLineInfo)?.LinePosition})");

    private static string Excerpt(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
