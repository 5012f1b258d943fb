namespace Backprop.Regularizers;

/// <summary>Keras names → regularisers with Keras's default factors: "l1" and "l2" 0.01; "l1_l2" is Keras's
/// <c>l1_l2()</c> shortcut with 0.01 for both (the <see cref="L1L2"/> class itself defaults to 0 and 0).</summary>
public static class RegularizerRegistry
{
    private static readonly Dictionary<string, Func<Regularizer>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["l1"] = () => new L1(),
        ["l2"] = () => new L2(),
        ["l1_l2"] = () => new L1L2(0.01, 0.01),
    };

    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>A new regulariser for a Keras name; an unknown name throws <see cref="ArgumentException"/> listing
    /// every valid one.</summary>
    public static Regularizer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown regularizer '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
