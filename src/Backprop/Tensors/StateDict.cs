using System.Globalization;

namespace Backprop;

/// <summary>The mutable state of an object as named tensors, in a fixed order: PyTorch's <c>state_dict()</c>. An
/// optimiser's slots and step count, a metric's running totals, a callback's best value are all kept this way, so
/// one file format (safetensors) can hold any of them and hand them back bit for bit. Numbers are one-element
/// tensors: float64 for real values, int64 for counts and for 64-bit patterns (seeds, stream positions).</summary>
public sealed class StateDict
{
    private readonly OrderedDictionary<string, Tensor> _entries = new(StringComparer.Ordinal);

    /// <summary>The entries in insertion order.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Entries => _entries;

    /// <summary>The names in insertion order.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>How many entries there are.</summary>
    public int Count => _entries.Count;

    /// <summary>The tensor called <paramref name="name"/>; throws listing the names when absent.</summary>
    public Tensor this[string name]
    {
        get => _entries.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"The state has no '{name}'. Entries: {string.Join(", ", _entries.Keys)}.");
        set => Set(name, value);
    }

    /// <summary>Adds or replaces an entry (the tensor is stored as given, not copied).</summary>
    public void Set(string name, Tensor value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _entries[name] = value;
    }

    /// <summary>Stores a real number as a float64 scalar.</summary>
    public void SetDouble(string name, double value) => Set(name, Scalar(value));

    /// <summary>Stores an integer (or a 64-bit pattern) as an int64 scalar.</summary>
    public void SetInt64(string name, long value) => Set(name, Scalar(value));

    /// <summary>True when an entry called <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The entry, or false when absent.</summary>
    public bool TryGet(string name, out Tensor value) => _entries.TryGetValue(name, out value!);

    /// <summary>A float64 scalar entry; throws <see cref="ArgumentException"/> naming the entry when it is absent
    /// or not a one-element float64 tensor.</summary>
    public double GetDouble(string name) =>
        this[name] is Tensor<double> { Length: 1 } t ? t.AsSpan()[0] : throw WrongKind(name, "a float64 scalar");

    /// <summary>An int64 scalar entry; throws <see cref="ArgumentException"/> naming the entry when it is absent or
    /// not a one-element int64 tensor.</summary>
    public long GetInt64(string name) =>
        this[name] is Tensor<long> { Length: 1 } t ? t.AsSpan()[0] : throw WrongKind(name, "an int64 scalar");

    /// <summary>The float64 scalar, or null when absent.</summary>
    public double? GetDoubleOrNull(string name) => Contains(name) ? GetDouble(name) : null;

    /// <summary>The entries whose names start with <paramref name="prefix"/>, with the prefix removed.</summary>
    public StateDict WithPrefix(string prefix)
    {
        var result = new StateDict();
        foreach (var (key, value) in _entries)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                result.Set(key[prefix.Length..], value);
            }
        }

        return result;
    }

    /// <summary>Adds every entry of <paramref name="other"/> under <paramref name="prefix"/>.</summary>
    public void AddAll(string prefix, StateDict other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, value) in other._entries)
        {
            Set(prefix + key, value);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"StateDict({string.Join(", ", _entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value.DType.Name()}{e.Value.Shape}")))})";

    private static Tensor<double> Scalar(double value)
    {
        var t = new Tensor<double>(Shape.Scalar);
        t.AsSpan()[0] = value;
        return t;
    }

    private static Tensor<long> Scalar(long value)
    {
        var t = new Tensor<long>(Shape.Scalar);
        t.AsSpan()[0] = value;
        return t;
    }

    private ArgumentException WrongKind(string name, string expected) =>
        new($"State entry '{name}' must be {expected}; it is {this[name].DType.Name()} {this[name].Shape}.");
}
