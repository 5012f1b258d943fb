namespace Backprop.Initializers;

/// <summary>Keras names → initialisers with default arguments.</summary>
public static class InitializerRegistry
{
    private static readonly Dictionary<string, Func<Initializer>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["zeros"] = () => new Zeros(),
    };

    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    public static Initializer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown initializer '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
