namespace Backprop.Labs.Trials;

/// <summary>One trial of a study: a key unique within the lab ("stage1/h50/lr0.01/rep1"), its full configuration
/// (everything its figures depend on: seed, epochs, data, …) and a cost estimate for balancing shards. A finished
/// trial with the same lab, key and configuration in the run store is not run again.</summary>
/// <param name="Key">Unique within the study; stable across runs.</param>
/// <param name="Config">JSON-serialisable settings; with the lab's name, the trial's identity.</param>
/// <param name="Cost">Relative cost (e.g. multiply-adds per epoch × epochs), only for balancing shards.</param>
public sealed record TrialSpec(string Key, IReadOnlyDictionary<string, object?> Config, double Cost = 1);

/// <summary>What a trial measured: its final figures, its per-epoch figures and how long it took. The figures are a
/// function of the trial's configuration (bit for bit); the timings are not, and never count when trials are compared.</summary>
/// <param name="Metrics">Final figures by name ("test_accuracy").</param>
/// <param name="Epochs">Per-epoch figures by name ("loss", "val_accuracy").</param>
/// <param name="Seconds">Wall time of the whole trial.</param>
/// <param name="EpochSeconds">Wall time of each epoch.</param>
public sealed record TrialOutcome(
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Epochs,
    double Seconds,
    IReadOnlyList<double> EpochSeconds)
{
    /// <summary>True when the outcome was read from the run store instead of being computed by this run.</summary>
    public bool FromStore { get; init; }

    /// <summary>The store's run id, when stored.</summary>
    public long? RunId { get; init; }
}

/// <summary>The timing part of a stored trial.</summary>
/// <param name="Seconds">Wall time of the trial.</param>
/// <param name="EpochSeconds">Wall time of each epoch.</param>
public sealed record TrialTiming(double Seconds, IReadOnlyList<double> EpochSeconds);
