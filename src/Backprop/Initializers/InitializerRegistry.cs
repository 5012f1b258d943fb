using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Keras names → initialisers: the built-in entries of <see cref="Initializer.Registry"/>, with Keras's
/// default arguments when created by name alone.</summary>
public static class InitializerRegistry
{
    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => Initializer.Registry.Names;

    /// <summary>A new initialiser for a Keras name with its default arguments; an unknown name throws
    /// <see cref="ArgumentException"/> listing every registered one.</summary>
    public static Initializer Create(string name) => Initializer.Registry.Create(name, new Dictionary<string, object?>());

    internal static ConfigRegistry<Initializer> CreateBuiltIns()
    {
        var registry = new ConfigRegistry<Initializer>("initializer", ignoreCase: true);
        registry.Register("zeros", Zeros.FromConfig);
        registry.Register("ones", Ones.FromConfig);
        registry.Register("constant", Constant.FromConfig);
        registry.Register("random_normal", RandomNormal.FromConfig);
        registry.Register("random_uniform", RandomUniform.FromConfig);
        registry.Register("truncated_normal", TruncatedNormal.FromConfig);
        registry.Register("variance_scaling", VarianceScaling.FromConfig);
        registry.Register("glorot_uniform", GlorotUniform.FromConfig);
        registry.Register("glorot_normal", GlorotNormal.FromConfig);
        registry.Register("he_uniform", HeUniform.FromConfig);
        registry.Register("he_normal", HeNormal.FromConfig);
        registry.Register("lecun_uniform", LeCunUniform.FromConfig);
        registry.Register("lecun_normal", LeCunNormal.FromConfig);
        registry.Register("orthogonal", Orthogonal.FromConfig);
        registry.Register("identity", Identity.FromConfig);
        // PyTorch's nn.Linear / nn.Conv2d default (not a Keras name).
        registry.Register("fan_in_uniform", FanInUniform.FromConfig);
        return registry;
    }
}
