namespace Backprop.Losses;

/// <summary>Keras names and aliases → losses.</summary>
public static class LossRegistry
{
    private static readonly Dictionary<string, Func<Loss>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mean_squared_error"] = () => new MeanSquaredError(),
        ["mse"] = () => new MeanSquaredError(),
    };

    /// <summary>All registered names and aliases, sorted.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    public static Loss Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown loss '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
