namespace Backprop.Training;

/// <summary>What <c>Sequential.Fit</c> returns: per-epoch logs. <see cref="Values"/> is Keras's
/// <c>history.history</c> ({"loss": [...], "mae": [...], "val_loss": [...], …}) and <see cref="Epoch"/> its
/// <c>history.epoch</c> (0-based epoch numbers).</summary>
public sealed class History
{
    private readonly List<int> _epochs = [];
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);

    /// <summary>The epochs run, 0-based.</summary>
    public IReadOnlyList<int> Epoch => _epochs;

    /// <summary>Each logged quantity per epoch, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Values =>
        new ResultDictionary<IReadOnlyList<double>>("History's values", _values.Select(kv => new KeyValuePair<string, IReadOnlyList<double>>(kv.Key, kv.Value)));

    /// <summary>The series for one key ("loss", "val_mae" …); throws listing the keys when absent.</summary>
    public IReadOnlyList<double> this[string key] =>
        _values.TryGetValue(key, out var list)
            ? list
            : throw new KeyNotFoundException($"History has no '{key}'. Keys: {string.Join(", ", _values.Keys)}.");

    /// <summary>Fit's parameters (epochs, steps) as Keras's <c>history.params</c>.</summary>
    public IReadOnlyDictionary<string, object> Params { get; internal set; } = new Dictionary<string, object>();

    /// <summary>Replaces the contents with a saved History (a resumed Fit continues it).</summary>
    internal void Restore(IReadOnlyList<int> epochs, IReadOnlyDictionary<string, IReadOnlyList<double>> values)
    {
        _epochs.Clear();
        _epochs.AddRange(epochs);
        _values.Clear();
        foreach (var (key, list) in values)
        {
            if (list.Count != epochs.Count)
            {
                throw new ArgumentException($"History '{key}' has {list.Count} values for {epochs.Count} epochs.");
            }

            _values[key] = [.. list];
        }
    }

    internal void Append(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochs.Add(epoch);
        foreach (var (key, value) in logs)
        {
            if (!_values.TryGetValue(key, out var list))
            {
                list = [];
                _values[key] = list;
            }

            list.Add(value);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"History({_epochs.Count} epochs: {string.Join(", ", _values.Select(kv => $"{kv.Key}={(kv.Value.Count > 0 ? kv.Value[^1].ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "-")}"))})";
}
