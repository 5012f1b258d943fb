using System.Numerics;

namespace Backprop.Regularizers;

/// <summary>A penalty on a weight tensor added to the training loss (Keras adds it to the reported loss too).
/// Strings convert by Keras name ("l1", "l2", "l1_l2") with Keras's default factor 0.01.</summary>
public abstract class Regularizer
{
    public abstract string Name { get; }

    /// <summary>The penalty R(w).</summary>
    public abstract double Penalty<T>(Tensor<T> weights) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Adds ∂R/∂w to <paramref name="gradient"/>.</summary>
    public abstract void AddGradient<T>(Tensor<T> weights, Tensor<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>;

    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    public static Regularizer Get(string name) => RegularizerRegistry.Create(name);

    public static implicit operator Regularizer(string name) => Get(name);

    public override string ToString() => Name;
}
