namespace Backprop.Labs.Store;

/// <summary>One run as the store holds it: a <c>lab run</c> (kind "lab") or one trial of a study (kind "trial").</summary>
/// <param name="Id">The store's number for it (what <c>runs show</c> takes).</param>
/// <param name="Uid">A globally unique id, kept when stores are merged.</param>
/// <param name="Lab">The lab.</param>
/// <param name="Kind">"lab" or "trial".</param>
/// <param name="TrialKey">The trial's key ("stage1/h50/lr0.01/rep1"); null for a lab run.</param>
/// <param name="Config">The full configuration, as JSON.</param>
/// <param name="ConfigHash">SHA-256 of <paramref name="Config"/>: a trial is the same trial only with the same key and hash.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Status">running, finished or failed.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="EndedAt">When it ended, or null while running (or killed).</param>
/// <param name="Host">The machine's name.</param>
/// <param name="Pid">The process.</param>
/// <param name="Machine">The machine's description (JSON).</param>
/// <param name="Versions">Backprop and runtime versions (JSON).</param>
/// <param name="FinalMetrics">The final figures by name.</param>
/// <param name="Artefacts">Files it wrote (report, results, figures).</param>
/// <param name="Shard">"i/n" when run as a shard.</param>
/// <param name="Timing">Wall times (JSON): never part of a trial's identity.</param>
public sealed record StoredRun(
    long Id, string Uid, string Lab, string Kind, string? TrialKey, string Config, string ConfigHash, long? Seed, string Status, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Host, int? Pid, string? Machine, string? Versions,
    IReadOnlyDictionary<string, double> FinalMetrics, IReadOnlyList<string> Artefacts, string? Shard, string? Timing)
{
    /// <summary>The status to show: "running" becomes "interrupted" when its process on this machine is gone.</summary>
    public string DisplayStatus
    {
        get
        {
            if (Status != RunStatus.Running || Host != Environment.MachineName || Pid is not int pid)
            {
                return Status;
            }

            if (pid == Environment.ProcessId)
            {
                return Status;
            }

            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                return process.HasExited ? RunStatus.Interrupted : Status;
            }
            catch (ArgumentException)
            {
                return RunStatus.Interrupted;
            }
        }
    }

    /// <summary>Wall time from start to end, or null while running.</summary>
    public TimeSpan? Duration => EndedAt - StartedAt;
}

/// <summary>The statuses of a stored run.</summary>
public static class RunStatus
{
    /// <summary>Started and not (yet) ended.</summary>
    public const string Running = "running";

    /// <summary>Ended normally with its figures.</summary>
    public const string Finished = "finished";

    /// <summary>Ended with an error (recorded).</summary>
    public const string Failed = "failed";

    /// <summary>Shown for a running run whose process has ended without finishing it (killed).</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>Per-epoch figures of one run: series ("" for a trial, the progress bar's name for a lab run) → metric →
/// values by epoch.</summary>
public sealed class EpochSeries : Dictionary<string, Dictionary<string, List<double>>>
{
    /// <summary>Adds the values of one epoch (0-based) to a series.</summary>
    public void Add(string series, int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!TryGetValue(series, out var byName))
        {
            byName = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            this[series] = byName;
        }

        foreach (var (name, value) in metrics)
        {
            if (!byName.TryGetValue(name, out var values))
            {
                values = [];
                byName[name] = values;
            }

            while (values.Count < epoch)
            {
                values.Add(double.NaN);
            }

            if (values.Count == epoch)
            {
                values.Add(value);
            }
            else
            {
                values[epoch] = value;
            }
        }
    }
}
