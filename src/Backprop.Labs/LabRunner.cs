using System.Diagnostics;
using System.Globalization;
using Backprop.Kernels;
using Backprop.Plots;

namespace Backprop.Labs;

/// <summary>Options of one <c>backprop lab run</c>.</summary>
public sealed record LabRunOptions(int Seed = 42, bool Quick = false, int? Threads = null, string? OutputDirectory = null, string? DataDirectory = null);

/// <summary>Where a finished lab left its files.</summary>
public sealed record LabRunResult(string LabName, string OutputDirectory, string ReportPath, string ResultsPath, TimeSpan Elapsed);

/// <summary>Runs a lab and writes its run folder: <c>report.html</c>, <c>results.json</c> and the figures.</summary>
public static class LabRunner
{
    /// <summary>The default run folder: <c>runs/&lt;lab&gt;-&lt;yyyyMMdd-HHmmss&gt;</c>.</summary>
    public static string DefaultOutputDirectory(string labName) =>
        Path.Combine("runs", $"{labName}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");

    public static LabRunResult Run(ILab lab, LabRunOptions options, ILabConsole console)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        if (options.DataDirectory is not null && !Directory.Exists(options.DataDirectory))
        {
            throw new DirectoryNotFoundException($"Data folder '{options.DataDirectory}' does not exist.");
        }

        int threads = options.Threads ?? Environment.ProcessorCount;
        Parallelism.ThreadCount = threads;
        string outDir = Path.GetFullPath(options.OutputDirectory ?? DefaultOutputDirectory(lab.Name));
        Directory.CreateDirectory(outDir);

        var context = new LabContext(lab.Name, outDir, options.Seed, options.Quick, options.DataDirectory, console);
        context.Report.Paragraph(lab.Summary);
        if (options.Quick)
        {
            context.Report.Finding("This is a --quick run: a reduced version of the lab (fewer epochs or repetitions) for smoke tests. Its numbers are not the full lab's.");
        }

        var clock = Stopwatch.StartNew();
        lab.Run(context);
        clock.Stop();
        PublishedSection.Write(lab, context);

        var versions = ResultsFile.Versions();
        context.Report.FooterItem("lab", lab.Name);
        context.Report.FooterItem("seed", options.Seed.ToString(CultureInfo.InvariantCulture));
        context.Report.FooterItem("threads", threads.ToString(CultureInfo.InvariantCulture));
        context.Report.FooterItem("run time", $"{clock.Elapsed.TotalSeconds:F1} s");
        context.Report.FooterItems(versions);
        string reportPath = Path.Combine(outDir, "report.html");
        context.Report.Save(reportPath);

        string resultsPath = Path.Combine(outDir, "results.json");
        ResultsFile.Write(resultsPath, new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["lab"] = lab.Name,
            ["seed"] = options.Seed,
            ["quick"] = options.Quick,
            ["threads"] = threads,
            ["elapsed_seconds"] = clock.Elapsed.TotalSeconds,
            ["config"] = context.Config,
            ["published"] = context.Comparisons.Select(c => c.ToRecord()).ToList(),
            ["results"] = context.Results,
            ["versions"] = versions,
            ["machine"] = MachineInfo.Current,
        });

        return new LabRunResult(lab.Name, outDir, reportPath, resultsPath, clock.Elapsed);
    }
}
