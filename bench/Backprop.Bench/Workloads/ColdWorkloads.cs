using System.Diagnostics;
using System.Globalization;
using Backprop.Kernels;

namespace Backprop.Bench.Workloads;

/// <summary>What a user meets first: fresh processes under default runtime settings (no warm-up, tiered
/// compilation as shipped), side by side with bench/peers/workloads_cold.py.
/// "cold boston 300ep process" — seconds from starting a process that trains the "train boston 300ep" model once
/// (300 epochs) and exits, best of 5 processes; "cold boston 300ep first fit" / "… second fit" — inside those
/// processes, the first Fit and a second Fit of a fresh model, timed by the process itself (best of the 5); the
/// steady state is "train boston 300ep". "cold lab boston-housing cli" — wall seconds of
/// <c>backprop lab run boston-housing</c> (the full lab, report included) through the built CLI
/// (src/Backprop.Cli/bin/Release/net10.0; run.sh builds it), best of 3.</summary>
public sealed class ColdWorkloads : IWorkloadGroup
{
    private const int Processes = 5;

    private readonly Dictionary<int, (double Process, double First, double Second)> _runs = [];

    public IEnumerable<Workload> Workloads(bool quick)
    {
        int processes = quick ? 2 : Processes;
        yield return new Workload("cold boston 300ep process", t => new Measurement(Runs(t, processes).Process, "s", false));
        yield return new Workload("cold boston 300ep first fit", t => new Measurement(Runs(t, processes).First, "s", false));
        yield return new Workload("cold boston 300ep second fit", t => new Measurement(Runs(t, processes).Second, "s", false));
        yield return new Workload("cold lab boston-housing cli", t => LabThroughCli(t, quick ? 1 : 3));
    }

    /// <summary>The child side: trains the Boston model twice (fresh models), prints both Fit times, exits.</summary>
    public static int Child(string[] args)
    {
        int threads = int.Parse(args[0], CultureInfo.InvariantCulture);
        if (threads != Environment.ProcessorCount)
        {
            Parallelism.ThreadCount = threads;
        }

        var first = Stopwatch.StartNew();
        TrainingWorkloads.BostonFit(300);
        double firstSeconds = first.Elapsed.TotalSeconds;
        var second = Stopwatch.StartNew();
        TrainingWorkloads.BostonFit(300);
        double secondSeconds = second.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{firstSeconds:R} {secondSeconds:R}"));
        // For diagnosis: how much of the process went to the JIT (bench/peers/run.sh shows stderr only on failure).
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"JIT: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} s"));
        return 0;
    }

    private (double Process, double First, double Second) Runs(int threads, int processes)
    {
        if (_runs.TryGetValue(threads, out var known))
        {
            return known;
        }

        double process = double.MaxValue, first = double.MaxValue, second = double.MaxValue;
        for (int i = 0; i < processes; i++)
        {
            // The second Fit runs after the timed first one, so the process time includes one extra Fit; the
            // child reports both Fits, and the process figure subtracts the second.
            var (wall, output) = RunProcess(Environment.ProcessPath!, ["cold-boston", threads.ToString(CultureInfo.InvariantCulture)]);
            string[] parts = output.Trim().Split(' ');
            double f = double.Parse(parts[0], CultureInfo.InvariantCulture), s = double.Parse(parts[1], CultureInfo.InvariantCulture);
            process = Math.Min(process, wall - s);
            first = Math.Min(first, f);
            second = Math.Min(second, s);
        }

        return _runs[threads] = (process, first, second);
    }

    private static Measurement LabThroughCli(int threads, int rounds)
    {
        string cli = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Backprop.Cli/bin/Release/net10.0/Backprop.Cli"));
        if (!File.Exists(cli))
        {
            throw new FileNotFoundException($"The built CLI is missing ({cli}); build src/Backprop.Cli in Release first.", cli);
        }

        string folder = Path.Combine(Path.GetTempPath(), $"backprop-cold-lab-{Environment.ProcessId}");
        try
        {
            double best = double.MaxValue;
            for (int i = 0; i < rounds; i++)
            {
                var arguments = new List<string> { "lab", "run", "boston-housing", "--out", folder, "--force" };
                if (threads != Environment.ProcessorCount)
                {
                    arguments.AddRange(["--threads", threads.ToString(CultureInfo.InvariantCulture)]);
                }

                best = Math.Min(best, RunProcess(cli, arguments).Seconds);
            }

            return new Measurement(best, "s", false);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Runs a process to its end with default runtime settings (DOTNET_* tuning variables removed) and
    /// returns its wall-clock seconds and standard output.</summary>
    private static (double Seconds, string Output) RunProcess(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string variable in new[] { "DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops", "DOTNET_OSR_HitLimit", "DOTNET_ReadyToRun", "DOTNET_TC_CallCountThreshold" })
        {
            start.Environment.Remove(variable);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result.Trim()}");
        }

        return (seconds, output);
    }
}
