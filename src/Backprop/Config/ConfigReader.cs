using System.Globalization;
using System.Text.Json;

namespace Backprop.Config;

/// <summary>Reads one object's Keras-style config — the dictionary its <c>GetConfig()</c> wrote — whose values may
/// be CLR primitives, arrays and dictionaries (as <c>GetConfig</c> writes them) or <see cref="JsonElement"/>s (as
/// System.Text.Json reads them back). Typed getters name the object and the key when a value is missing or of the
/// wrong kind (<see cref="ArgumentException"/>), and <see cref="EnsureAllRead"/> reports keys nobody read, so a
/// misspelt key is an error rather than a silently ignored setting. A user's own layer reads its config with it in
/// the factory it registers (<see cref="ConfigRegistry{T}.Register{TItem}"/>).</summary>
public sealed class ConfigReader
{
    private readonly IReadOnlyDictionary<string, object?> _config;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <param name="owner">What the config describes, for error messages ("layer 2 'dense_1' (Dense)").</param>
    /// <param name="config">The config dictionary.</param>
    public ConfigReader(string owner, IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(config);
        Owner = owner;
        _config = config;
    }

    /// <summary>What the config describes, as error messages name it.</summary>
    public string Owner { get; }

    /// <summary>The keys present.</summary>
    public IEnumerable<string> Keys => _config.Keys;

    /// <summary>True when the key is present and not null.</summary>
    public bool Has(string key) => _config.TryGetValue(key, out var value) && !IsNull(value);

    /// <summary>Marks a key as read without reading it (keys that are accepted and not used).</summary>
    public void Ignore(string key) => _read.Add(key);

    /// <summary>Keys of other frameworks' configs that Backprop does not implement: accepted when absent, null or
    /// holding the neutral value <paramref name="neutral"/> (so configs written by Keras load), a
    /// <see cref="NotSupportedException"/> otherwise.</summary>
    public void IgnoreNeutral(string key, object? neutral)
    {
        _read.Add(key);
        if (!_config.TryGetValue(key, out var value) || IsNull(value))
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
            throw new NotSupportedException($"{Owner}: '{key}' = {Describe(value)} is not supported by Backprop.");
        }
    }

    /// <summary>The raw value (null when absent), marked as read: for nested objects handed to a registry.</summary>
    public object? Value(string key)
    {
        _read.Add(key);
        return _config.TryGetValue(key, out var value) && !IsNull(value) ? value : null;
    }

    /// <summary>A nested object described under <paramref name="key"/> (a registered name or Keras's
    /// <c>{"class_name": …, "config": {…}}</c>), created through <paramref name="registry"/>; null when absent.</summary>
    public T? Object<T>(string key, ConfigRegistry<T> registry)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.FromDescription(Value(key), $"{Owner}: '{key}'");
    }

    /// <summary>A required number.</summary>
    public double Double(string key)
    {
        _read.Add(key);
        return _config.TryGetValue(key, out var value) && !IsNull(value) ? ToDouble(key, value) : throw Missing(key);
    }

    /// <summary>A number, or <paramref name="fallback"/> when absent or null.</summary>
    public double Double(string key, double fallback) => NullableDouble(key) ?? fallback;

    /// <summary>A number, or null when absent or null.</summary>
    public double? NullableDouble(string key)
    {
        _read.Add(key);
        return _config.TryGetValue(key, out var value) && !IsNull(value) ? ToDouble(key, value) : null;
    }

    /// <summary>A required whole number.</summary>
    public long Long(string key) => ToLong(key, Double(key));

    /// <summary>A whole number, or <paramref name="fallback"/> when absent or null.</summary>
    public long Long(string key, long fallback) => Has(key) ? Long(key) : Ignored(key, fallback);

    /// <summary>A required whole number in the range of <see cref="int"/>.</summary>
    public int Int(string key) => ToInt(key, Long(key));

    /// <summary>A whole number in the range of <see cref="int"/>, or <paramref name="fallback"/> when absent.</summary>
    public int Int(string key, int fallback) => Has(key) ? Int(key) : Ignored(key, fallback);

    /// <summary>A whole number, or null when absent or null.</summary>
    public int? NullableInt(string key) => Has(key) ? Int(key) : Ignored<int?>(key, null);

    /// <summary>An unsigned 64-bit whole number read exactly (a seed), or null when absent or null.</summary>
    public ulong? NullableULong(string key)
    {
        _read.Add(key);
        if (!_config.TryGetValue(key, out var value) || IsNull(value))
        {
            return null;
        }

        return value switch
        {
            ulong u => u,
            long l when l >= 0 => (ulong)l,
            int i when i >= 0 => (ulong)i,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetUInt64(out ulong u) => u,
            _ => throw new ArgumentException($"{Owner}: '{key}' must be a whole number in [0, 2^64); received {Describe(value)}.", key),
        };
    }

    /// <summary>A true/false value, or <paramref name="fallback"/> when absent or null.</summary>
    public bool Bool(string key, bool fallback)
    {
        _read.Add(key);
        return _config.TryGetValue(key, out var value) && !IsNull(value) ? ToBool(key, value) : fallback;
    }

    /// <summary>A required string.</summary>
    public string String(string key)
    {
        _read.Add(key);
        if (!_config.TryGetValue(key, out var value) || IsNull(value))
        {
            throw Missing(key);
        }

        return value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
            _ => throw new ArgumentException($"{Owner}: '{key}' must be a string; received {Describe(value)}.", key),
        };
    }

    /// <summary>A string, or <paramref name="fallback"/> when absent or null.</summary>
    public string String(string key, string fallback) => Has(key) ? String(key) : Ignored(key, fallback);

    /// <summary>A string, or null when absent or null.</summary>
    public string? NullableString(string key) => Has(key) ? String(key) : Ignored<string?>(key, null);

    /// <summary>A required nested dictionary.</summary>
    public IReadOnlyDictionary<string, object?> Dictionary(string key)
    {
        _read.Add(key);
        return _config.TryGetValue(key, out var value) && AsDictionary(value) is { } dictionary
            ? dictionary
            : throw new ArgumentException($"{Owner}: '{key}' must be a dictionary; received {Describe(_config.GetValueOrDefault(key))}.", key);
    }

    /// <summary>A required list of numbers.</summary>
    public double[] DoubleArray(string key) => Elements(key).Select(e => ToDouble(key, e)).ToArray();

    /// <summary>A list of numbers, or null when absent or null.</summary>
    public double[]? NullableDoubleArray(string key) => Has(key) ? DoubleArray(key) : Ignored<double[]?>(key, null);

    /// <summary>A required list of whole numbers.</summary>
    public long[] LongArray(string key) => Elements(key).Select(e => ToLong(key, ToDouble(key, e))).ToArray();

    /// <summary>A required list of whole numbers in the range of <see cref="int"/> (shapes, axes).</summary>
    public int[] IntArray(string key) => LongArray(key).Select(v => ToInt(key, v)).ToArray();

    /// <summary>A list of whole numbers, or null when absent or null (an optional shape).</summary>
    public int[]? NullableIntArray(string key) => Has(key) ? IntArray(key) : Ignored<int[]?>(key, null);

    /// <summary>Throws when the config holds keys no getter read, naming them and the known ones.</summary>
    public void EnsureAllRead()
    {
        var unknown = _config.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"{Owner}: unknown config key(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}. Known: {string.Join(", ", _read.Order(StringComparer.Ordinal))}.");
        }
    }

    /// <summary>A dictionary view of a config value: a CLR dictionary or a JSON object; null for anything else.</summary>
    public static IReadOnlyDictionary<string, object?>? AsDictionary(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> d => d,
        IDictionary<string, object?> d => d.ToDictionary(p => p.Key, p => p.Value),
        JsonElement { ValueKind: JsonValueKind.Object } e => e.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value),
        _ => null,
    };

    /// <summary>The text of a config value that is a string (CLR or JSON), else null.</summary>
    public static string? AsString(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => null,
    };

    /// <summary>A config value as a short text for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        JsonElement e => e.GetRawText(),
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };

    private T Ignored<T>(string key, T fallback)
    {
        _read.Add(key);
        return fallback;
    }

    private IEnumerable<object?> Elements(string key)
    {
        _read.Add(key);
        _config.TryGetValue(key, out var value);
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => (object?)x).ToArray(),
            System.Collections.IEnumerable list when value is not string => list.Cast<object?>().ToArray(),
            _ => throw new ArgumentException($"{Owner}: '{key}' must be a list; received {Describe(value)}.", key),
        };
    }

    private static bool IsNull(object? value) => value is null or JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    private ArgumentException Missing(string key) => new($"{Owner}: the config lacks the required key '{key}'.", key);

    private double ToDouble(string key, object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        ulong u => u,
        decimal m => (double)m,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        _ => throw new ArgumentException($"{Owner}: '{key}' must be a number; received {Describe(value)}.", key),
    };

    private long ToLong(string key, double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 9e15
            ? (long)d
            : throw new ArgumentException($"{Owner}: '{key}' must be an integer; received {d.ToString(CultureInfo.InvariantCulture)}.", key);

    private int ToInt(string key, long value) =>
        value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new ArgumentException($"{Owner}: '{key}' = {value.ToString(CultureInfo.InvariantCulture)} is out of range.", key);

    private bool ToBool(string key, object? value) => value switch
    {
        bool b => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        _ => throw new ArgumentException($"{Owner}: '{key}' must be true or false; received {Describe(value)}.", key),
    };
}
