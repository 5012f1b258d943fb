using System.Numerics;

namespace Backprop.Regularizers;

/// <summary>A projection applied to a weight tensor after every optimiser step (Keras <c>constraints</c>).</summary>
public abstract class Constraint
{
    public abstract string Name { get; }

    /// <summary>Projects <paramref name="weights"/> in place onto the constraint set.</summary>
    public abstract void Apply<T>(Tensor<T> weights) where T : unmanaged, IFloatingPointIeee754<T>;

    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    public override string ToString() => Name;
}
