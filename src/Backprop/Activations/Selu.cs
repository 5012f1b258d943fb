using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>Scaled ELU: f(x) = λ·x for x &gt; 0, λ·α·(eˣ − 1) otherwise, with Keras's constants
/// α = 1.6732632423543772848 and λ = 1.0507009873554804934 (Klambauer et al. 2017). Keras <c>selu</c>; PyTorch
/// <c>nn.SELU</c>. Meant with lecun_normal initialisation.</summary>
public sealed class Selu : Activation
{
    /// <summary>α = 1.6732632423543772848…, Klambauer et al.'s constant (Keras's value).</summary>
    public const double Alpha = 1.6732632423543772848170429916717;

    /// <summary>λ = 1.0507009873554804934…, Klambauer et al.'s constant (Keras's value).</summary>
    public const double Scale = 1.0507009873554804934193349852946;

    /// <inheritdoc/>
    public override string Name => "selu";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        SmoothActivationKernels.EluForward<T>(x.AsSpan(), y.AsSpan(), Alpha, Scale);
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        SmoothActivationKernels.EluBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan(), Alpha, Scale);
    }
}
