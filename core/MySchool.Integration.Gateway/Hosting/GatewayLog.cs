namespace MySchool.Integration.Gateway.Hosting;

/// <summary>The host's log events, source-generated so a disabled level costs nothing.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Federal store migrated; scripts applied now: {Scripts}")]
    public static partial void StoreMigrated(this ILogger logger, string scripts);
}
