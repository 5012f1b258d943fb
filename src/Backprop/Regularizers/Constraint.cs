using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>A projection applied to a weight tensor after every optimiser step (Keras <c>constraints</c>). Strings
/// convert by Keras name ("max_norm", "non_neg", "unit_norm", "min_max_norm") with Keras's defaults.</summary>
public abstract class Constraint
{
    /// <summary>The Keras name ("max_norm", "non_neg", …) under which the registry creates it.</summary>
    public abstract string Name { get; }

    /// <summary>Projects <paramref name="weights"/> in place onto the constraint set.</summary>
    public abstract void Apply<T>(Tensor<T> weights) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The constructor arguments with Keras key names; the registered factory reads them back.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <summary>The constraint classes a config may name: the built-ins, and any a user registers
    /// (<c>Constraint.Registry.Register("my_constraint", MyConstraint.FromConfig)</c>).</summary>
    public static ConfigRegistry<Constraint> Registry { get; } = ConstraintRegistry.CreateBuiltIns();

    /// <summary>Keras's description <c>{"class_name": name, "config": {…}}</c>, which <see cref="Registry"/> reads
    /// back with <see cref="ConfigRegistry{T}.FromDescription"/>.</summary>
    public Dictionary<string, object?> Describe() => ConfigRegistry<Constraint>.Describe(Name, GetConfig());

    /// <summary>The constraint with this Keras name; an unknown name throws, listing the valid ones.</summary>
    public static Constraint Get(string name) => ConstraintRegistry.Create(name);

    /// <summary>A constraint by its Keras name, so <c>kernelConstraint: "non_neg"</c> works (see <see cref="Get"/>).</summary>
    public static implicit operator Constraint(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
