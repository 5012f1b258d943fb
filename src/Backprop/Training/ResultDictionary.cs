namespace Backprop.Training;

/// <summary>The dictionaries training hands out — <c>Evaluate</c>'s results, the logs callbacks receive, History's
/// values, gradient norms — as a <see cref="Dictionary{TKey, TValue}"/> whose indexer, asked for a key it does not
/// hold, says which keys it does hold: <c>model.Evaluate(x, y)["mae"]</c> on a model compiled without the "mae"
/// metric throws <c>KeyNotFoundException: Evaluate's results have no 'mae'. Keys: loss.</c> instead of .NET's bare
/// message. Through <see cref="IReadOnlyDictionary{TKey, TValue}"/> and <see cref="IDictionary{TKey, TValue}"/> it
/// behaves the same. Keys compare ordinally.</summary>
/// <typeparam name="TValue">The values: numbers, or series of numbers.</typeparam>
public sealed class ResultDictionary<TValue> : Dictionary<string, TValue>, IReadOnlyDictionary<string, TValue>, IDictionary<string, TValue>
{
    /// <summary>An empty dictionary described as <paramref name="what"/> in errors ("Evaluate's results").</summary>
    public ResultDictionary(string what)
        : base(StringComparer.Ordinal)
    {
        What = what;
    }

    /// <summary>A copy of <paramref name="values"/> described as <paramref name="what"/> in errors.</summary>
    public ResultDictionary(string what, IEnumerable<KeyValuePair<string, TValue>> values)
        : base(values, StringComparer.Ordinal)
    {
        What = what;
    }

    /// <summary>What the dictionary holds, for error messages ("Evaluate's results", "the epoch logs").</summary>
    public string What { get; }

    /// <summary>The value for <paramref name="key"/>; setting adds or replaces it.</summary>
    /// <exception cref="KeyNotFoundException">No such key; the message lists the keys there are.</exception>
    public new TValue this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw Missing(key);
        set => base[key] = value;
    }

    TValue IReadOnlyDictionary<string, TValue>.this[string key] => this[key];

    TValue IDictionary<string, TValue>.this[string key]
    {
        get => this[key];
        set => base[key] = value;
    }

    private KeyNotFoundException Missing(string key)
    {
        string keys = Count == 0 ? "none" : string.Join(", ", Keys);
        string hint = key.StartsWith("val_", StringComparison.Ordinal) && !Keys.Any(k => k.StartsWith("val_", StringComparison.Ordinal))
            ? " (validation values appear only when Fit has validation data)"
            : Keys.Contains("loss") ? " (metrics appear under the names given to Compile)" : "";
        return new KeyNotFoundException($"{What} have no '{key}'. Keys: {keys}{hint}.");
    }
}
