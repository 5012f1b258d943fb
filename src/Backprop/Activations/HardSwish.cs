using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x·relu6(x + 3)/6. Keras <c>hard_silu</c>, alias <c>hard_swish</c>; PyTorch <c>nn.Hardswish</c>.
/// f′ = 0 below −3, 1 above 3, (2x + 3)/6 between.</summary>
public sealed class HardSwish : Activation
{
    /// <summary>Hard swish, reporting the Keras name it was asked for.</summary>
    /// <param name="name">"hard_silu" (Keras's name) or its alias "hard_swish".</param>
    public HardSwish(string name = "hard_silu")
    {
        if (name is not ("hard_silu" or "hard_swish"))
        {
            throw new ArgumentException($"HardSwish is named 'hard_silu' or 'hard_swish', not '{name}'.", nameof(name));
        }

        Name = name;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        PiecewiseActivationKernels.HardSwishForward<T>(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        PiecewiseActivationKernels.HardSwishBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
