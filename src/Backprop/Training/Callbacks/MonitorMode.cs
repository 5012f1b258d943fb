using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>How "auto" mode decides whether a monitored quantity should go down or up, as Keras does from the
/// metric's direction: accuracy-like quantities (accuracy, auc, precision, recall, f1 …) go up, losses and errors
/// go down.</summary>
internal static class MonitorMode
{
    /// <summary>True when larger is better for <paramref name="monitor"/> under <paramref name="mode"/>.</summary>
    public static bool IsMaximized(string monitor, string mode, string owner) => mode switch
    {
        "min" => false,
        "max" => true,
        "auto" => IsAccuracyLike(monitor.StartsWith("val_", StringComparison.Ordinal) ? monitor[4..] : monitor),
        _ => throw new ArgumentException($"{owner}: mode must be \"auto\", \"min\" or \"max\"; got \"{mode}\".", nameof(mode)),
    };

    /// <summary>Checks that <paramref name="monitor"/> will be logged, listing the keys that will.</summary>
    public static void CheckMonitor(string monitor, Sequential? model, string owner)
    {
        if (model?.LogKeys is { } keys && !keys.Contains(monitor))
        {
            throw new ArgumentException($"{owner} monitors '{monitor}', which this Fit does not log. Available: {string.Join(", ", keys)}.");
        }
    }

    private static bool IsAccuracyLike(string name)
    {
        string n = name.ToLowerInvariant();
        return n.Contains("acc", StringComparison.Ordinal) || n.Contains("auc", StringComparison.Ordinal)
            || n.Contains("precision", StringComparison.Ordinal) || n.Contains("recall", StringComparison.Ordinal)
            || n.StartsWith("f1", StringComparison.Ordinal) || n.Contains("fmeasure", StringComparison.Ordinal)
            || n.Contains("r2", StringComparison.Ordinal);
    }
}
