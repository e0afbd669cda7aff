using System.Net;
using System.Net.Sockets;

namespace MySchool.Integration.Testing;

public static class Ports
{
    /// <summary>A loopback port free right now (the OS picks it); for servers the tests and benchmarks start.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
