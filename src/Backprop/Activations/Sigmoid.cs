using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>σ(x) = 1/(1 + e^(−x)). Keras <c>sigmoid</c>; PyTorch <c>nn.Sigmoid</c>. σ′ = σ(1 − σ), computed from the
/// output. With binary cross-entropy as the loss, the model can skip this derivative: see
/// <see cref="Losses.IFusesWithActivation"/>.</summary>
public sealed class Sigmoid : Activation
{
    /// <inheritdoc/>
    public override string Name => "sigmoid";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        Elementwise.Sigmoid(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        ActivationKernels.SigmoidBackward<T>(y.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
