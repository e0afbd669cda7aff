using System.Runtime.InteropServices;
using MySchool.Integration.Mocks.Hosting;

namespace MySchool.Integration.Mocks;

/// <summary>
/// Runs every mock system with a demo region; sizes and ports come from configuration (appsettings.json,
/// environment variables such as Mocks__NsoRegion__StudentsPerClass=25, or --Mocks:NsoPort=5101).
/// A named class rather than top-level statements, so its Program does not clash with the gateway's in tests.
/// </summary>
public static class MockProgram
{
    public static async Task Main(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var options = configuration.GetSection("Mocks").Get<MockWorldOptions>() ?? new MockWorldOptions();

        await using var world = await MockWorld.StartAsync(options);
        Console.WriteLine($"nso     {world.Nso.BaseAddress}apiv3/   region 54, {world.Nso.Region!.Spec.StudentCount} students");
        Console.WriteLine($"rk      {world.Rk.BaseAddress}webapi/  region 11, {world.Rk.Region!.Spec.StudentCount} students");
        Console.WriteLine($"esia    {world.Esia.BaseAddress}aas/oauth2/v2/ac");
        Console.WriteLine($"sferum  {world.Sferum.BaseAddress}method/");
        Console.WriteLine($"mail    smtp://127.0.0.1:{world.Smtp.Port}   inbox {world.Mail.BaseAddress}admin/mail");

        // Each mock host would swallow SIGTERM for itself; the process stops on SIGINT or SIGTERM as a whole.
        var stopped = new TaskCompletionSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopped.TrySetResult();
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await stopped.Task;
    }
}
