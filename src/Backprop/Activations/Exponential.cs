using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = eˣ. Keras <c>exponential</c>. f′ = eˣ = y.</summary>
public sealed class Exponential : Activation
{
    /// <inheritdoc/>
    public override string Name => "exponential";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        Elementwise.Exp(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        Elementwise.Multiply(dy.AsSpan(), y.AsSpan(), dx.AsSpan());
    }
}
