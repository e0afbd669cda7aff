using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// Hangfire's logs through the host's logger factory. Hangfire keeps one log provider for the whole process: when
/// several hosts share a process (the tests) and the one configured last is disposed, the others must not fail
/// creating loggers; they log nowhere instead.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory loggers) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(loggers);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return new SilentLog();
        }
    }

    private sealed class SilentLog : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception exception) => false;
    }
}
