using System.Collections.Concurrent;
using System.Globalization;

namespace MySchool.Integration.Mocks.Rk;

/// <summary>One browser-like session: the cookie, the login challenge, and after login the <c>at</c> token.</summary>
internal sealed class NetSchoolSession(string id)
{
    public string Id { get; } = id;

    public string Salt { get; set; } = string.Empty;

    public string Lt { get; set; } = string.Empty;

    public string Ver { get; set; } = string.Empty;

    public string? At { get; set; }

    public string? Esrn { get; set; }

    public bool WarningPending { get; set; }

    public long LastUsed { get; set; }
}

/// <summary>Sessions by their NSSESSIONID cookie; idleness is measured on the real clock, as the server does.</summary>
internal sealed class NetSchoolSessions(TimeProvider time, int timeOutMs)
{
    public const string SessionCookie = "NSSESSIONID";
    public const string AuthCookie = "ESRNSec";

    private readonly ConcurrentDictionary<string, NetSchoolSession> _sessions = new(StringComparer.Ordinal);
    private long _counter = 878_792_729;

    /// <summary>Sessions logged in and not yet logged out or expired.</summary>
    public int LoggedIn => _sessions.Values.Count(session => session.At is not null);

    public NetSchoolSession Open()
    {
        var session = new NetSchoolSession(Guid.NewGuid().ToString("N")) { LastUsed = time.GetTimestamp() };
        _sessions[session.Id] = session;
        return session;
    }

    public NetSchoolSession? Find(string? id) => id is not null && _sessions.TryGetValue(id, out var session) ? session : null;

    public string NextNumber() => Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);

    /// <summary>The logged-in session a call belongs to, or null when its cookies, <c>at</c> or idle time are wrong.</summary>
    public NetSchoolSession? Authenticate(HttpRequest request)
    {
        var session = Find(request.Cookies[SessionCookie]);
        if (session?.At is null || request.Headers["at"] != session.At || request.Cookies[AuthCookie] != session.Esrn)
        {
            return null;
        }

        if (time.GetElapsedTime(session.LastUsed).TotalMilliseconds > timeOutMs)
        {
            End(session);
            return null;
        }

        session.LastUsed = time.GetTimestamp();
        return session;
    }

    public void End(NetSchoolSession session) => _sessions.TryRemove(session.Id, out _);

    /// <summary>Ends every session: what a server-side time-out mid-sync looks like to the client.</summary>
    public void ExpireAll() => _sessions.Clear();
}
