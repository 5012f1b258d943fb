using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = min(max(x, 0), 6). Keras <c>relu6</c>; PyTorch <c>nn.ReLU6</c>. f′ = 1 on (0, 6), else 0.</summary>
public sealed class Relu6 : Activation
{
    /// <inheritdoc/>
    public override string Name => "relu6";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        PiecewiseActivationKernels.Relu6Forward<T>(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        PiecewiseActivationKernels.Relu6Backward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
