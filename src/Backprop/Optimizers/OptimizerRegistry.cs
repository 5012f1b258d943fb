namespace Backprop.Optimizers;

/// <summary>Keras names → optimisers with Keras defaults.</summary>
public static class OptimizerRegistry
{
    private static readonly Dictionary<string, Func<Optimizer>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sgd"] = () => new SGD(),
    };

    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    public static Optimizer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown optimizer '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
