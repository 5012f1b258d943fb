using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Activations;

/// <summary>f(x) = x. Keras <c>linear</c> (the default of Dense).</summary>
public sealed class Linear : Activation
{
    /// <inheritdoc/>
    public override string Name => "linear";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y) => y.CopyFrom(x);

    // f′(x) = 1
    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        if (!ReferenceEquals(dx, dy))
        {
            dx.CopyFrom(dy);
        }
    }
}
