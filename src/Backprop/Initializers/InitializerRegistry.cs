namespace Backprop.Initializers;

/// <summary>Keras names → initialisers with Keras's default arguments (unseeded).</summary>
public static class InitializerRegistry
{
    private static readonly Dictionary<string, Func<Initializer>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["zeros"] = () => new Zeros(),
        ["ones"] = () => new Ones(),
        ["constant"] = () => new Constant(),
        ["random_normal"] = () => new RandomNormal(),
        ["random_uniform"] = () => new RandomUniform(),
        ["truncated_normal"] = () => new TruncatedNormal(),
        ["variance_scaling"] = () => new VarianceScaling(),
        ["glorot_uniform"] = () => new GlorotUniform(),
        ["glorot_normal"] = () => new GlorotNormal(),
        ["he_uniform"] = () => new HeUniform(),
        ["he_normal"] = () => new HeNormal(),
        ["lecun_uniform"] = () => new LeCunUniform(),
        ["lecun_normal"] = () => new LeCunNormal(),
        ["orthogonal"] = () => new Orthogonal(),
        ["identity"] = () => new Identity(),
    };

    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>A new initialiser for a Keras name; an unknown name throws <see cref="ArgumentException"/> listing
    /// every valid one.</summary>
    public static Initializer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown initializer '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
