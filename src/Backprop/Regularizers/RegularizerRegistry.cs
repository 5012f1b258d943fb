using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>Keras names → regularisers: the built-in entries of <see cref="Regularizer.Registry"/>. Created by name alone, "l1" and "l2" take Keras's default factor 0.01, and
/// "l1_l2" is Keras 2's <c>l1_l2()</c> shortcut with 0.01 for both (the <see cref="L1L2"/> class itself defaults to
/// 0 and 0).</summary>
public static class RegularizerRegistry
{
    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => Regularizer.Registry.Names;

    /// <summary>A new regulariser for a Keras name; an unknown name throws <see cref="ArgumentException"/> listing
    /// every registered one.</summary>
    public static Regularizer Create(string name) => Regularizer.Registry.Create(name, new Dictionary<string, object?>());

    internal static ConfigRegistry<Regularizer> CreateBuiltIns()
    {
        var registry = new ConfigRegistry<Regularizer>("regularizer", ignoreCase: true);
        registry.Register("l1", L1.FromConfig, "L1");
        registry.Register("l2", L2.FromConfig, "L2");
        registry.Register("l1_l2", L1L2.FromConfig, "L1L2");
        return registry;
    }
}
