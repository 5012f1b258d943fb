namespace Backprop.Regularizers;

/// <summary>Keras names → weight constraints with Keras's default arguments.</summary>
public static class ConstraintRegistry
{
    /// <summary>Keras's <c>backend.epsilon()</c>, added to norms before dividing by them.</summary>
    public const double Epsilon = 1e-7;

    private static readonly Dictionary<string, Func<Constraint>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["max_norm"] = () => new MaxNorm(),
        ["non_neg"] = () => new NonNeg(),
        ["unit_norm"] = () => new UnitNorm(),
        ["min_max_norm"] = () => new MinMaxNorm(),
    };

    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>A new constraint for a Keras name; an unknown name throws <see cref="ArgumentException"/> listing
    /// every valid one.</summary>
    public static Constraint Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown constraint '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
