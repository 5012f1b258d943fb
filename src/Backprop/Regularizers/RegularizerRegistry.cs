namespace Backprop.Regularizers;

/// <summary>Keras names → regularisers with default factors.</summary>
public static class RegularizerRegistry
{
    private static readonly Dictionary<string, Func<Regularizer>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["l2"] = () => new L2(),
    };

    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    public static Regularizer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown regularizer '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
