using System.Globalization;
using System.Text.Json;

namespace Backprop.Optimizers;

/// <summary>Reads a Keras-style config dictionary whose values may be CLR primitives (as GetConfig writes them)
/// or <see cref="JsonElement"/>s (as System.Text.Json reads them back), and reports keys nobody read.</summary>
internal sealed class ConfigReader(string owner, IReadOnlyDictionary<string, object?> config)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public bool Has(string key) => config.TryGetValue(key, out var value) && !IsNull(value);

    public void Ignore(string key) => _read.Add(key);

    /// <summary>Keras base-optimiser keys Backprop does not implement: accepted when they hold their neutral value
    /// (so configs written by Keras load), rejected otherwise.</summary>
    public void IgnoreNeutral(string key, object? neutral)
    {
        _read.Add(key);
        if (!config.TryGetValue(key, out var value) || IsNull(value))
        {
            return;
        }

        bool isNeutral = neutral switch
        {
            bool b => ToBool(key, value) == b,
            null => false,
            _ => true,
        };
        if (!isNeutral)
        {
            throw new NotSupportedException($"{owner}: '{key}' = {Describe(value)} is not supported by Backprop.");
        }
    }

    public double Double(string key)
    {
        _read.Add(key);
        return config.TryGetValue(key, out var value) && !IsNull(value)
            ? ToDouble(key, value)
            : throw new ArgumentException($"{owner}: the config lacks the required key '{key}'.", nameof(config));
    }

    public double Double(string key, double fallback) => NullableDouble(key) ?? fallback;

    public double? NullableDouble(string key)
    {
        _read.Add(key);
        return config.TryGetValue(key, out var value) && !IsNull(value) ? ToDouble(key, value) : null;
    }

    public long Long(string key)
    {
        double d = Double(key);
        return d == Math.Floor(d) && Math.Abs(d) < 9e15
            ? (long)d
            : throw new ArgumentException($"{owner}: '{key}' must be an integer; received {d.ToString(CultureInfo.InvariantCulture)}.", nameof(config));
    }

    public long Long(string key, long fallback) => Has(key) ? Long(key) : Ignored(key, fallback);

    public int Int(string key, int fallback) => Has(key) ? checked((int)Long(key)) : Ignored(key, fallback);

    public bool Bool(string key, bool fallback)
    {
        _read.Add(key);
        return config.TryGetValue(key, out var value) && !IsNull(value) ? ToBool(key, value) : fallback;
    }

    public string String(string key)
    {
        _read.Add(key);
        return config.TryGetValue(key, out var value) && !IsNull(value)
            ? value switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
                _ => throw new ArgumentException($"{owner}: '{key}' must be a string; received {Describe(value)}.", nameof(config)),
            }
            : throw new ArgumentException($"{owner}: the config lacks the required key '{key}'.", nameof(config));
    }

    public IReadOnlyDictionary<string, object?> Dictionary(string key)
    {
        _read.Add(key);
        return config.TryGetValue(key, out var value) && AsDictionary(value) is { } dictionary
            ? dictionary
            : throw new ArgumentException($"{owner}: '{key}' must be a dictionary; received {Describe(config.GetValueOrDefault(key))}.", nameof(config));
    }

    public double[] DoubleArray(string key) => Elements(key).Select(e => ToDouble(key, e)).ToArray();

    public long[] LongArray(string key) => Elements(key).Select(e => (long)ToDouble(key, e)).ToArray();

    /// <summary>A learning rate stored as a number or as a serialised schedule.</summary>
    public LearningRateOrSchedule LearningRate(double fallback)
    {
        _read.Add("learning_rate");
        if (!config.TryGetValue("learning_rate", out var value) || IsNull(value))
        {
            return fallback;
        }

        return AsDictionary(value) is { } serialized
            ? Schedules.LearningRateSchedule.Deserialize(serialized)
            : ToDouble("learning_rate", value);
    }

    public void EnsureAllRead()
    {
        var unknown = config.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"{owner}: unknown config key(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}. Known: {string.Join(", ", _read.Order(StringComparer.Ordinal))}.",
                nameof(config));
        }
    }

    private T Ignored<T>(string key, T fallback)
    {
        _read.Add(key);
        return fallback;
    }

    private IEnumerable<object?> Elements(string key)
    {
        _read.Add(key);
        config.TryGetValue(key, out var value);
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => (object?)x).ToArray(),
            System.Collections.IEnumerable list when value is not string => list.Cast<object?>().ToArray(),
            _ => throw new ArgumentException($"{owner}: '{key}' must be a list; received {Describe(value)}.", nameof(config)),
        };
    }

    private static IReadOnlyDictionary<string, object?>? AsDictionary(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> d => d,
        IDictionary<string, object?> d => d.ToDictionary(p => p.Key, p => p.Value),
        JsonElement { ValueKind: JsonValueKind.Object } e => e.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value),
        _ => null,
    };

    private static bool IsNull(object? value) => value is null or JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    private double ToDouble(string key, object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        _ => throw new ArgumentException($"{owner}: '{key}' must be a number; received {Describe(value)}.", nameof(config)),
    };

    private bool ToBool(string key, object? value) => value switch
    {
        bool b => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        _ => throw new ArgumentException($"{owner}: '{key}' must be true or false; received {Describe(value)}.", nameof(config)),
    };

    private static string Describe(object? value) => value switch
    {
        null => "null",
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
