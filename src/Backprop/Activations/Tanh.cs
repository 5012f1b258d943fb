using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = tanh(x). Keras <c>tanh</c>; PyTorch <c>nn.Tanh</c>. f′ = 1 − tanh², computed from the output.</summary>
public sealed class Tanh : Activation
{
    /// <inheritdoc/>
    public override string Name => "tanh";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        Elementwise.Tanh(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        ActivationKernels.TanhBackward<T>(y.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
