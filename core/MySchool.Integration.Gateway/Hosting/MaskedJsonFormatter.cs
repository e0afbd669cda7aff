using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Gateway.Hosting;

/// <summary>
/// One JSON object per line, as the built-in JSON console formatter writes it, with every SNILS masked and every field
/// cut short: a log line may quote what a source or a client sent (an idempotency key, a school's id, an exception
/// about a value), and a log shipper must never receive personal data or a megabyte of someone's input. The last
/// place before the line leaves the process, so no call site can forget it.
/// </summary>
public sealed class MaskedJsonFormatter(IOptionsMonitor<JsonConsoleFormatterOptions> options) : ConsoleFormatter(Name)
{
    public new const string Name = "masked-json";

    /// <summary>Longer fields end in an ellipsis and their length; a stack trace fits.</summary>
    public const int MaxFieldChars = 16 * 1024;

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && string.IsNullOrEmpty(message))
        {
            return;
        }

        var settings = options.CurrentValue;
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            var now = settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            json.WriteString("Timestamp", now.ToString(settings.TimestampFormat ?? "O", CultureInfo.InvariantCulture));
            json.WriteNumber("EventId", logEntry.EventId.Id);
            json.WriteString("LogLevel", logEntry.LogLevel.ToString());
            json.WriteString("Category", logEntry.Category);
            json.WriteString("Message", Clean(message));
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("Exception", Clean(exception.ToString()));
            }

            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
            {
                json.WriteStartObject("State");
                foreach (var (key, value) in state)
                {
                    json.WriteString(key, Clean(Convert.ToString(value, CultureInfo.InvariantCulture)));
                }

                json.WriteEndObject();
            }

            if (settings.IncludeScopes && scopeProvider is not null)
            {
                json.WriteStartArray("Scopes");
                scopeProvider.ForEachScope((scope, writer) => writer.WriteStringValue(Clean(Convert.ToString(scope, CultureInfo.InvariantCulture))), json);
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>Masked, then cut: the SNILS mask never meets half a number.</summary>
    public static string Clean(string? text)
    {
        var masked = Snils.MaskAll(text ?? "");
        return masked.Length <= MaxFieldChars ? masked : $"{masked[..MaxFieldChars]}… ({masked.Length} chars)";
    }
}
