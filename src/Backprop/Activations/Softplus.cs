using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = log(1 + eˣ), computed stably as log1p(e^(−|x|)) + max(x, 0). Keras <c>softplus</c>; PyTorch
/// <c>nn.Softplus()</c> (β = 1). f′ = σ(x).</summary>
public sealed class Softplus : Activation
{
    /// <inheritdoc/>
    public override string Name => "softplus";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        SmoothActivationKernels.SoftplusForward<T>(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        SmoothActivationKernels.SoftplusBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
