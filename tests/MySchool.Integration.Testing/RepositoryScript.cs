using System.Diagnostics;

namespace MySchool.Integration.Testing;

/// <summary>Runs the repository's own shell scripts, so tests and ./run.sh start services the same way.</summary>
public static class RepositoryScript
{
    public static string Root { get; } = FindRoot();

    public static async Task RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(Root, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {script}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} exited {process.ExitCode}: {await errors}{await output}");
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MySchool.Integration.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (MySchool.Integration.sln) is not above " + AppContext.BaseDirectory);
    }
}
