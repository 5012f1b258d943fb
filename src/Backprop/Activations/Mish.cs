using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x·tanh(softplus(x)) (Misra 2019). Keras <c>mish</c>; PyTorch <c>nn.Mish</c>.
/// f′ = tanh(sp) + x·(1 − tanh²(sp))·σ(x) with sp = softplus(x).</summary>
public sealed class Mish : Activation
{
    /// <inheritdoc/>
    public override string Name => "mish";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        SmoothActivationKernels.MishForward<T>(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        SmoothActivationKernels.MishBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
