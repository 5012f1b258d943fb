namespace Backprop.Activations;

/// <summary>Keras names (and aliases) → activations with Keras's default arguments.</summary>
public static class ActivationRegistry
{
    private static readonly Dictionary<string, Func<Activation>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["linear"] = () => new Linear(),
        ["relu"] = () => new Relu(),
        ["relu6"] = () => new Relu6(),
        ["sigmoid"] = () => new Sigmoid(),
        ["tanh"] = () => new Tanh(),
        ["leaky_relu"] = () => new LeakyRelu(),
        ["elu"] = () => new Elu(),
        ["selu"] = () => new Selu(),
        ["gelu"] = () => new Gelu(),
        ["swish"] = () => new Swish("swish"),
        ["silu"] = () => new Swish("silu"),
        ["softplus"] = () => new Softplus(),
        ["softsign"] = () => new Softsign(),
        ["hard_sigmoid"] = () => new HardSigmoid(),
        ["hard_silu"] = () => new HardSwish("hard_silu"),
        ["hard_swish"] = () => new HardSwish("hard_swish"),
        ["exponential"] = () => new Exponential(),
        ["mish"] = () => new Mish(),
        ["softmax"] = () => new Softmax(),
        ["log_softmax"] = () => new LogSoftmax(),
    };

    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>A new activation for a Keras name (case-insensitive); an unknown name throws
    /// <see cref="ArgumentException"/> listing every valid one.</summary>
    public static Activation Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown activation '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
