using System.Diagnostics;
using System.Text;

namespace Backprop.Labs.Tests.Support;

/// <summary>Runs the real <c>backprop</c> command (Backprop.Cli.dll from the test's output folder) as a separate
/// process, as a user would: exit code, stdout and stderr, with chosen environment variables.</summary>
internal static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll");

    /// <summary>Runs <c>dotnet Backprop.Cli.dll args…</c>. <paramref name="environment"/> entries with a null value are
    /// removed from the child's environment.</summary>
    public static (int Code, string Output, string Error) Run(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Configure(start, environment);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"backprop {string.Join(' ', args)} did not finish in 5 minutes.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The child's environment: the tests' own, without terminal hints, with <paramref name="environment"/> applied.</summary>
    public static void Configure(ProcessStartInfo start, IReadOnlyDictionary<string, string?>? environment)
    {
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
    }

    /// <summary>A fresh folder under the temp folder, deleted by the caller.</summary>
    public static string TempFolder(string prefix)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"backprop-{prefix}-{Guid.NewGuid():N}");
        return folder;
    }

    /// <summary>Deletes a folder if it exists.</summary>
    public static void Delete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
