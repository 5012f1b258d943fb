using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = relu6(x + 3)/6 = clip(x/6 + ½, 0, 1). Keras 3 <c>hard_sigmoid</c> (Keras 2 used 0.2x + 0.5);
/// PyTorch <c>nn.Hardsigmoid</c>. f′ = 1/6 on (−3, 3), else 0.</summary>
public sealed class HardSigmoid : Activation
{
    /// <inheritdoc/>
    public override string Name => "hard_sigmoid";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        PiecewiseActivationKernels.HardSigmoidForward<T>(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        PiecewiseActivationKernels.HardSigmoidBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
