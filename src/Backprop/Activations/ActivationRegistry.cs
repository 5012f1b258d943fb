namespace Backprop.Activations;

/// <summary>Keras names → activations.</summary>
public static class ActivationRegistry
{
    private static readonly Dictionary<string, Func<Activation>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["linear"] = () => new Linear(),
        ["relu"] = () => new Relu(),
    };

    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    public static Activation Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown activation '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
