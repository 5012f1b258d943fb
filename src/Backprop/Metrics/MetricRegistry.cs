namespace Backprop.Metrics;

/// <summary>Keras names → metrics. The name a metric was asked for is the name it reports under
/// (Keras: <c>metrics=["mae"]</c> logs <c>mae</c>, <c>metrics=["mean_absolute_error"]</c> logs that).</summary>
public static class MetricRegistry
{
    private static readonly Dictionary<string, Func<string, Metric>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mae"] = name => new MeanAbsoluteError(name),
        ["mean_absolute_error"] = name => new MeanAbsoluteError(name),
    };

    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    public static Metric Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory(name)
            : throw new ArgumentException($"Unknown metric '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
