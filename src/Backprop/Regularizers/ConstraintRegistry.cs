using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>Keras names → weight constraints: the built-in entries of <see cref="Constraint.Registry"/>, with Keras's
/// default arguments when created by name alone.</summary>
public static class ConstraintRegistry
{
    /// <summary>Keras's <c>backend.epsilon()</c>, added to norms before dividing by them.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => Constraint.Registry.Names;

    /// <summary>A new constraint for a Keras name with its default arguments; an unknown name throws
    /// <see cref="ArgumentException"/> listing every registered one.</summary>
    public static Constraint Create(string name) => Constraint.Registry.Create(name, new Dictionary<string, object?>());

    internal static ConfigRegistry<Constraint> CreateBuiltIns()
    {
        var registry = new ConfigRegistry<Constraint>("constraint", ignoreCase: true);
        registry.Register("max_norm", MaxNorm.FromConfig);
        registry.Register("min_max_norm", MinMaxNorm.FromConfig);
        registry.Register("non_neg", NonNeg.FromConfig);
        registry.Register("unit_norm", UnitNorm.FromConfig);
        return registry;
    }
}
