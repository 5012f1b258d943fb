using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x/(1 + |x|). Keras <c>softsign</c>; PyTorch <c>nn.Softsign</c>. f′ = 1/(1 + |x|)².</summary>
public sealed class Softsign : Activation
{
    /// <inheritdoc/>
    public override string Name => "softsign";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        PiecewiseActivationKernels.SoftsignForward<T>(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        PiecewiseActivationKernels.SoftsignBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
