using System.Net;
using System.Net.Sockets;

namespace MySchool.Integration.Testing;

public static class Ports
{
    // Below Linux's ephemeral range (32768-60999), where servers bound to port 0 (the mocks, the mail relay) and
    // outgoing connections get theirs: a port handed out here and bound a moment later cannot be taken by those
    // meanwhile. The offset is random per process, so parallel processes rarely meet; in one process none repeats.
    private const int First = 20_000;
    private const int Count = 12_000;
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A loopback port free right now and never handed out before in this process; for servers the tests and benchmarks start.</summary>
    public static int Free()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by something else: the next one.
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}-{First + Count - 1}");
    }
}
