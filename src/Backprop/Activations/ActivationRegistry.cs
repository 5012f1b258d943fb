using Backprop.Config;

namespace Backprop.Activations;

/// <summary>Keras names (and aliases) → activations: the built-in entries of <see cref="Activation.Registry"/>, with
/// Keras's default arguments when created by name alone; activations with arguments (relu, leaky_relu, elu, gelu)
/// read them back from their config.</summary>
public static class ActivationRegistry
{
    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => Activation.Registry.Names;

    /// <summary>A new activation for a Keras name (case-insensitive); an unknown name throws
    /// <see cref="ArgumentException"/> listing every registered one.</summary>
    public static Activation Create(string name) => Activation.Registry.Create(name, new Dictionary<string, object?>());

    internal static ConfigRegistry<Activation> CreateBuiltIns()
    {
        var registry = new ConfigRegistry<Activation>("activation", ignoreCase: true);
        registry.Register("linear", _ => new Linear());
        registry.Register("relu", c => new Relu(c.Double("negative_slope", 0.0), c.NullableDouble("max_value"), c.Double("threshold", 0.0)));
        registry.Register("relu6", _ => new Relu6());
        registry.Register("sigmoid", _ => new Sigmoid());
        registry.Register("tanh", _ => new Tanh());
        registry.Register("leaky_relu", c => new LeakyRelu(c.Double("negative_slope", 0.2)));
        registry.Register("elu", c => new Elu(c.Double("alpha", 1.0)));
        registry.Register("selu", _ => new Selu());
        registry.Register("gelu", c => new Gelu(c.Bool("approximate", false)));
        registry.Register("swish", _ => new Swish("swish"));
        registry.Register("silu", _ => new Swish("silu"));
        registry.Register("softplus", _ => new Softplus());
        registry.Register("softsign", _ => new Softsign());
        registry.Register("hard_sigmoid", _ => new HardSigmoid());
        registry.Register("hard_silu", _ => new HardSwish("hard_silu"));
        registry.Register("hard_swish", _ => new HardSwish("hard_swish"));
        registry.Register("exponential", _ => new Exponential());
        registry.Register("mish", _ => new Mish());
        registry.Register("softmax", _ => new Softmax());
        registry.Register("log_softmax", _ => new LogSoftmax());
        return registry;
    }
}
