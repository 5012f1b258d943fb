using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>A penalty on a weight tensor added to the training loss (Keras adds it to the reported loss too).
/// Strings convert by Keras name ("l1", "l2", "l1_l2") with Keras's default factor 0.01.</summary>
public abstract class Regularizer
{
    /// <summary>The Keras name ("l1", "l2", "l1_l2", …) under which the registry creates it.</summary>
    public abstract string Name { get; }

    /// <summary>The penalty R(w).</summary>
    public abstract double Penalty<T>(Tensor<T> weights) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Adds ∂R/∂w to <paramref name="gradient"/>.</summary>
    public abstract void AddGradient<T>(Tensor<T> weights, Tensor<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The constructor arguments with Keras key names; the registered factory reads them back.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <summary>The regulariser classes a config may name: the built-ins, and any a user registers
    /// (<c>Regularizer.Registry.Register("my_regulariser", MyRegularizer.FromConfig)</c>).</summary>
    public static ConfigRegistry<Regularizer> Registry { get; } = RegularizerRegistry.CreateBuiltIns();

    /// <summary>Keras's description <c>{"class_name": name, "config": {…}}</c>, which <see cref="Registry"/> reads
    /// back with <see cref="ConfigRegistry{T}.FromDescription"/>.</summary>
    public Dictionary<string, object?> Describe() => ConfigRegistry<Regularizer>.Describe(Name, GetConfig());

    /// <summary>The regulariser with this Keras name and Keras's default factor; an unknown name throws, listing the valid ones.</summary>
    public static Regularizer Get(string name) => RegularizerRegistry.Create(name);

    /// <summary>A regulariser by its Keras name, so <c>kernelRegularizer: "l2"</c> works (see <see cref="Get"/>).</summary>
    public static implicit operator Regularizer(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
