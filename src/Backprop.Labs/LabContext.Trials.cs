using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.Labs.Store;
using Backprop.Labs.Trials;

namespace Backprop.Labs;

/// <summary>Keyed trials: a study's repetitions, configurations and seeds, recorded in the run store one by one,
/// skipped when already finished there (resume), split over processes with <c>--shard i/n</c>, and read back without
/// training by <c>lab report --store</c>.</summary>
public sealed partial class LabContext
{
    private readonly EpochSeries _epochLog = new();

    /// <summary>The run store that records this run's trials, or null (nothing recorded, nothing resumed).</summary>
    public RunStore? Store { get; init; }

    /// <summary>The shard this process runs (<c>--shard i/n</c>), or null for the whole study.</summary>
    public Shard? Shard { get; init; }

    /// <summary>True for <c>lab report --store</c>: trials come from the store only; none is trained.</summary>
    public bool ReportOnly { get; init; }

    /// <summary>True when <see cref="RunTrials"/> left trials to other shards: the lab must not write its
    /// conclusions, which <c>lab report</c> writes once the shards are merged.</summary>
    public bool StudyIncomplete { get; private set; }

    /// <summary>What <see cref="RunTrials"/> did: trials trained here, read from the store, left to other shards.</summary>
    public (int Trained, int FromStore, int OtherShards, int Total) TrialCounts { get; private set; }

    /// <summary>Per-epoch figures of the run's trainings (by progress-bar name), for the run store.</summary>
    internal EpochSeries EpochLog => _epochLog;

    /// <summary>Records one epoch's logs of a training shown as <paramref name="series"/>.</summary>
    internal void LogEpoch(string series, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        lock (_epochLog)
        {
            _epochLog.Add(series, epoch, logs);
        }
    }

    /// <summary>Runs a study's trials in plan order. A trial whose lab, key and configuration are finished in
    /// <see cref="Store"/> is read from it instead of being trained; with <see cref="Shard"/>, only this shard's trials
    /// are trained and <see cref="StudyIncomplete"/> says whether others are missing; with <see cref="ReportOnly"/>
    /// nothing is trained and a missing trial is an error. Each trained trial is recorded (running, then finished
    /// with its figures or failed with its error). A study-level line after each trial gives trials done / total,
    /// elapsed time and ETA.</summary>
    /// <param name="plan">Every trial of the study; keys must be unique.</param>
    /// <param name="run">Trains one trial. Its figures must depend only on the trial's configuration.</param>
    /// <returns>The outcome of every trial available (all of them unless <see cref="StudyIncomplete"/>), by key.</returns>
    /// <exception cref="RunStoreException">Report-only and the store lacks trials (named).</exception>
    public IReadOnlyDictionary<string, TrialOutcome> RunTrials(IReadOnlyList<TrialSpec> plan, Func<TrialSpec, TrialOutcome> run)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(run);
        var duplicate = plan.GroupBy(t => t.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The study plan has trial '{duplicate.Key}' {duplicate.Count()} times; trial keys must be unique.", nameof(plan));
        }

        var mine = Shard is { } shard ? shard.Select(plan) : plan.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        var results = new Dictionary<string, TrialOutcome>(StringComparer.Ordinal);
        var missing = new List<string>();
        int trained = 0, fromStore = 0, others = 0;
        double trainedCost = 0, remainingCost = plan.Where(t => mine.Contains(t.Key)).Sum(t => t.Cost);
        var clock = Stopwatch.StartNew();
        var configs = plan.ToDictionary(t => t.Key, ConfigJson, StringComparer.Ordinal);
        var storedRuns = plan.ToDictionary(t => t.Key, t => Store?.FindFinishedTrial(LabName, t.Key, configs[t.Key]), StringComparer.Ordinal);
        int toTrain = plan.Count(t => mine.Contains(t.Key) && storedRuns[t.Key] is null);
        int done = 0;
        foreach (var trial in plan)
        {
            string config = configs[trial.Key];
            var stored = storedRuns[trial.Key];
            if (stored is not null)
            {
                results[trial.Key] = FromStored(Store!, stored);
                fromStore++;
                if (mine.Contains(trial.Key))
                {
                    remainingCost -= trial.Cost;
                }

                continue;
            }

            if (ReportOnly)
            {
                missing.Add(trial.Key);
                continue;
            }

            if (!mine.Contains(trial.Key))
            {
                others++;
                continue;
            }

            done++;
            Console.WriteLine($"trial {trial.Key} ({done} of {toTrain} to train{(Shard is { } s ? $" in shard {s}" : "")})");
            long? id = Store?.Begin(new RunStart(LabName, "trial", trial.Key, config, Seed, Shard?.ToString()));
            TrialOutcome outcome;
            try
            {
                outcome = run(trial);
            }
            catch (Exception e)
            {
                if (id is long failed)
                {
                    Store!.Fail(failed, e.Message);
                }

                throw;
            }

            if (id is long finished)
            {
                var epochs = new EpochSeries();
                foreach (var (name, values) in outcome.Epochs)
                {
                    for (int epoch = 0; epoch < values.Count; epoch++)
                    {
                        epochs.Add("", epoch, new Dictionary<string, double> { [name] = values[epoch] });
                    }
                }

                Store!.Finish(finished, outcome.Metrics, epochs, timing: new TrialTiming(outcome.Seconds, outcome.EpochSeconds));
                outcome = outcome with { RunId = finished };
            }

            results[trial.Key] = outcome;
            trained++;
            trainedCost += trial.Cost;
            remainingCost -= trial.Cost;
            double elapsed = clock.Elapsed.TotalSeconds;
            string eta = trainedCost > 0 ? Clock(elapsed / trainedCost * Math.Max(0, remainingCost)) : "?";
            Console.WriteLine($"study: {results.Count}/{plan.Count} trials done ({fromStore} from the store{(others > 0 ? $", {others} so far left to other shards" : "")}), elapsed {Clock(elapsed)}, ETA {eta}");
        }

        if (missing.Count > 0)
        {
            throw new RunStoreException(
                $"{Store?.Path ?? "no run store"}: lacks {missing.Count} of the {plan.Count} trials of {LabName} with these settings (seed {Seed}{(Quick ? ", --quick" : "")}{(Subset ? ", --subset" : "")}): " +
                $"{string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}. Run them with 'backprop lab run {LabName} --store <file>' (same --seed/--quick), or merge the shards' stores first.");
        }

        StudyIncomplete = results.Count < plan.Count;
        TrialCounts = (trained, fromStore, others, plan.Count);
        return results;
    }

    /// <summary>A trial's configuration as stored: its settings plus the lab's name.</summary>
    private string ConfigJson(TrialSpec trial)
    {
        var config = trial.Config.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        config["lab"] = LabName;
        return RunStore.ConfigJson(config);
    }

    private static TrialOutcome FromStored(RunStore store, StoredRun stored)
    {
        var series = store.Epochs(stored.Id).GetValueOrDefault("") ?? [];
        var timing = stored.Timing is null ? null : JsonSerializer.Deserialize<TrialTiming>(stored.Timing, ResultsFile.Options);
        return new TrialOutcome(
            stored.FinalMetrics,
            series.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value, StringComparer.Ordinal),
            timing?.Seconds ?? double.NaN,
            timing?.EpochSeconds ?? [])
        {
            FromStore = true,
            RunId = stored.Id,
        };
    }

    private static string Clock(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1
            ? $"{(int)span.TotalHours}:{span.Minutes.ToString("00", CultureInfo.InvariantCulture)}:{span.Seconds.ToString("00", CultureInfo.InvariantCulture)}"
            : $"{span.Minutes}:{span.Seconds.ToString("00", CultureInfo.InvariantCulture)}";
    }
}
