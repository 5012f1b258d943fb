using System.Diagnostics;
using System.Globalization;
using Backprop.Kernels;
using Backprop.Labs.Store;
using Backprop.Labs.Trials;
using Backprop.Plots;

namespace Backprop.Labs;

/// <summary>Options of one <c>backprop lab run</c>.</summary>
/// <param name="Seed">Seed for every random choice of the run.</param>
/// <param name="Quick">The reduced smoke-test version of each lab.</param>
/// <param name="Threads">Threads for the kernels (default: all cores).</param>
/// <param name="OutputDirectory">The run folder (default <c>runs/&lt;lab&gt;-&lt;timestamp&gt;</c>).</param>
/// <param name="DataDirectory">The data folder (else <c>BACKPROP_DATA</c>, else <c>~/.backprop/datasets</c>).</param>
/// <param name="Force">Replace an earlier run in <paramref name="OutputDirectory"/>.</param>
/// <param name="Subset">Use the data sets' shipped subsets instead of the full ones.</param>
/// <param name="Store">The run store file that records the run and its trials (the CLI's default is
/// <see cref="RunStore.DefaultPath"/>); null records nothing.</param>
/// <param name="Shard">Run only this shard's trials of a study (<c>--shard i/n</c>).</param>
/// <param name="ReportOnly">Build the report from the trials in <paramref name="Store"/> without training (<c>lab report</c>).</param>
public sealed record LabRunOptions(
    int Seed = 42, bool Quick = false, int? Threads = null, string? OutputDirectory = null, string? DataDirectory = null,
    bool Force = false, bool Subset = false, string? Store = null, Shard? Shard = null, bool ReportOnly = false);

/// <summary>Where a finished lab left its files.</summary>
/// <param name="LabName">The lab.</param>
/// <param name="OutputDirectory">Its run folder.</param>
/// <param name="ReportPath">Its report.html.</param>
/// <param name="ResultsPath">Its results.json.</param>
/// <param name="Elapsed">How long the lab ran.</param>
public sealed record LabRunResult(string LabName, string OutputDirectory, string ReportPath, string ResultsPath, TimeSpan Elapsed);

/// <summary>A lab of a multi-lab run that failed, and why.</summary>
/// <param name="LabName">The lab.</param>
/// <param name="Error">What it threw.</param>
public sealed record LabFailure(string LabName, Exception Error);

/// <summary>Where a multi-lab run left its files: one folder per lab and an index.html linking them.</summary>
/// <param name="OutputDirectory">The run folder.</param>
/// <param name="IndexPath">Its index.html.</param>
/// <param name="Completed">The labs that finished.</param>
/// <param name="Failed">The labs that failed (the index says why).</param>
public sealed record LabBatchResult(string OutputDirectory, string IndexPath, IReadOnlyList<LabRunResult> Completed, IReadOnlyList<LabFailure> Failed);

/// <summary>Runs labs and writes their run folders: <c>report.html</c>, <c>results.json</c> and the figures, into a
/// folder that appears only when complete (<see cref="RunFolder"/>); several labs share one folder with an
/// <c>index.html</c>.</summary>
public static class LabRunner
{
    /// <summary>The default run folder: <c>runs/&lt;name&gt;-&lt;yyyyMMdd-HHmmss&gt;</c>, with a suffix when that exists.</summary>
    public static string DefaultOutputDirectory(string labName)
    {
        string stem = Path.Combine("runs", $"{labName}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        string folder = stem;
        for (int i = 2; Directory.Exists(folder) || File.Exists(folder); i++)
        {
            folder = $"{stem}-{i}";
        }

        return folder;
    }

    /// <summary>Runs one lab into its own run folder (<see cref="LabRunOptions.OutputDirectory"/> or the default).</summary>
    /// <exception cref="DirectoryNotFoundException">The data folder named by the options or BACKPROP_DATA does not exist.</exception>
    /// <exception cref="RunFolderException">The run folder cannot be used (not empty without Force, not writable, …).</exception>
    public static LabRunResult Run(ILab lab, LabRunOptions options, ILabConsole console)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        var data = DataFolder.Resolve(options.DataDirectory);
        using var store = OpenStore(options);
        var folder = RunFolder.Begin(options.OutputDirectory ?? DefaultOutputDirectory(lab.Name), options.Force, $"lab {lab.Name}, seed {options.Seed}");
        try
        {
            var (elapsed, _) = RunInto(lab, options, data, console, folder.Staging, folder.Target, store);
            folder.Commit();
            return new LabRunResult(lab.Name, folder.Target, Path.Combine(folder.Target, "report.html"), Path.Combine(folder.Target, "results.json"), elapsed);
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    /// <summary>Runs several labs into one run folder, one subfolder per lab, and writes <c>index.html</c> linking every
    /// report with its verdicts and headline figures. A lab that fails is listed in the index with its reason and the
    /// others still run.</summary>
    /// <exception cref="DirectoryNotFoundException">The data folder named by the options or BACKPROP_DATA does not exist.</exception>
    /// <exception cref="RunFolderException">The run folder cannot be used.</exception>
    public static LabBatchResult RunAll(IReadOnlyList<ILab> labs, LabRunOptions options, ILabConsole console)
    {
        ArgumentNullException.ThrowIfNull(labs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        if (labs.Count == 0)
        {
            throw new ArgumentException("RunAll needs at least one lab.", nameof(labs));
        }

        var data = DataFolder.Resolve(options.DataDirectory);
        using var store = OpenStore(options);
        var folder = RunFolder.Begin(options.OutputDirectory ?? DefaultOutputDirectory("labs"), options.Force,
            $"labs {string.Join(", ", labs.Select(l => l.Name))}, seed {options.Seed}");
        var index = new RunIndex(options, data);
        var completed = new List<LabRunResult>();
        var failed = new List<LabFailure>();
        try
        {
            foreach (var lab in labs)
            {
                string directory = Path.Combine(folder.Staging, lab.Name);
                try
                {
                    string target = Path.Combine(folder.Target, lab.Name);
                    var (elapsed, context) = RunInto(lab, options, data, console, directory, target, store);
                    completed.Add(new LabRunResult(lab.Name, target, Path.Combine(target, "report.html"), Path.Combine(target, "results.json"), elapsed));
                    index.Add(lab, context, elapsed);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failed.Add(new LabFailure(lab.Name, e));
                    index.AddFailure(lab, e);
                    DeleteQuietly(directory);
                }

                index.Save(Path.Combine(folder.Staging, "index.html"));
            }

            folder.Commit();
        }
        catch
        {
            folder.Abandon();
            throw;
        }

        return new LabBatchResult(folder.Target, Path.Combine(folder.Target, "index.html"), completed, failed);
    }

    /// <summary>Runs a lab and writes its report, results and figures into <paramref name="directory"/>. On failure every
    /// progress bar still open is ended with the reason before the exception leaves.</summary>
    private static (TimeSpan Elapsed, LabContext Context) RunInto(ILab lab, LabRunOptions options, DataFolder data, ILabConsole console, string directory,
        string finalDirectory, RunStore? store)
    {
        int threads = options.Threads ?? Environment.ProcessorCount;
        Parallelism.ThreadCount = threads;
        Directory.CreateDirectory(directory);

        var context = new LabContext(lab.Name, directory, options.Seed, options.Quick, data, options.Subset, console)
        {
            Store = store,
            Shard = options.Shard,
            ReportOnly = options.ReportOnly,
        };
        var runSettings = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["seed"] = options.Seed,
            ["quick"] = options.Quick,
            ["subset"] = options.Subset,
            ["threads"] = threads,
            ["shard"] = options.Shard?.ToString(),
        };
        // lab report reads the store; only lab run is recorded in it.
        long? runId = options.ReportOnly ? null : store?.Begin(new RunStart(lab.Name, "lab", null, RunStore.ConfigJson(runSettings), options.Seed, options.Shard?.ToString()));
        context.Report.Paragraph(lab.Summary);
        if (options.Quick)
        {
            context.Notice("This is a --quick run: a reduced version of the lab (fewer epochs, seeds or samples) for smoke tests. Its numbers are not the full lab's.");
        }

        var clock = Stopwatch.StartNew();
        try
        {
            lab.Run(context);
            clock.Stop();
            if (context.StudyIncomplete)
            {
                WriteShardSummary(lab, context, options);
            }
            else
            {
                PublishedSection.Write(lab, context);
            }
        }
        catch (Exception e)
        {
            context.StopOpenProgress("failed: " + e.Message);
            if (runId is long failed)
            {
                store!.Fail(failed, e.Message, context.EpochLog);
            }

            throw;
        }

        var versions = ResultsFile.Versions();
        context.Report.FooterItem("lab", lab.Name);
        context.Report.FooterItem("seed", options.Seed.ToString(CultureInfo.InvariantCulture));
        context.Report.FooterItem("threads", threads.ToString(CultureInfo.InvariantCulture));
        context.Report.FooterItem("run time", $"{clock.Elapsed.TotalSeconds:F1} s");
        context.Report.FooterItems(versions);
        context.Report.Save(Path.Combine(directory, "report.html"));

        ResultsFile.Write(Path.Combine(directory, "results.json"), new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["lab"] = lab.Name,
            ["seed"] = options.Seed,
            ["quick"] = options.Quick,
            ["subset"] = options.Subset,
            ["data_folder"] = data.Describe(),
            ["threads"] = threads,
            ["elapsed_seconds"] = clock.Elapsed.TotalSeconds,
            ["config"] = context.Config,
            ["headlines"] = context.Headlines.ToDictionary(h => h.Key, h => h.Value),
            // A shard compares nothing: the comparison needs every trial (lab report writes it).
            ["published"] = context.StudyIncomplete ? [] : context.Comparisons.Select(c => c.ToRecord()).ToList(),
            ["results"] = context.Results,
            ["versions"] = versions,
            ["machine"] = MachineInfo.Current,
            ["store"] = store?.Path,
            ["shard"] = options.Shard?.ToString(),
            ["study_complete"] = !context.StudyIncomplete,
        });

        if (runId is long finished)
        {
            var config = new SortedDictionary<string, object?>(runSettings, StringComparer.Ordinal) { ["lab_config"] = context.Config };
            var artefacts = Directory.EnumerateFiles(directory).Select(f => Path.Combine(Path.GetFullPath(finalDirectory), Path.GetFileName(f)))
                .Order(StringComparer.Ordinal).ToList();
            store!.Finish(finished, NumericResults(context), context.EpochLog, artefacts, new { seconds = clock.Elapsed.TotalSeconds }, RunStore.ConfigJson(config));
        }

        return (clock.Elapsed, context);
    }

    /// <summary>Opens the options' run store, or null when the run records nothing.</summary>
    private static RunStore? OpenStore(LabRunOptions options) => options.Store is null ? null : RunStore.Open(options.Store);

    /// <summary>The numbers among a lab's results (and its headlines), for the store's final metrics.</summary>
    private static Dictionary<string, double> NumericResults(LabContext context)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Results)
        {
            if (value is double or float or int or long or short or byte or decimal)
            {
                metrics[key] = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            }
        }

        foreach (var (label, value) in context.Headlines)
        {
            if (value is double or float or int or long or short or byte or decimal)
            {
                metrics["headline." + label] = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            }
        }

        return metrics;
    }

    /// <summary>A shard's report: what it ran and how the whole study's report is built once every shard is done.</summary>
    private static void WriteShardSummary(ILab lab, LabContext context, LabRunOptions options)
    {
        var (trained, fromStore, others, total) = context.TrialCounts;
        context.Section("This run is one shard of the study");
        string flags = $"--seed {options.Seed}{(options.Quick ? " --quick" : "")}{(options.Subset ? " --subset" : "")}";
        context.Paragraph(
            $"Shard {options.Shard}: {trained} trials trained here, {fromStore} found finished in the run store, {others} of the {total} left to the other shards. " +
            $"The conclusions and the comparison with the published results need every trial: merge the shards' stores with 'backprop runs merge <store>… --into all.db', " +
            $"then build the report with 'backprop lab report {lab.Name} --store all.db {flags}'.");
        context.Record("shard.trials_trained", trained);
        context.Record("shard.trials_from_store", fromStore);
        context.Record("shard.trials_left_to_other_shards", others);
        context.Record("shard.trials_total", total);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The whole run folder is still marked incomplete until it is committed.
        }
    }
}
