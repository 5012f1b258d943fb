using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x·σ(x). Keras <c>silu</c>, alias <c>swish</c> (no β); PyTorch <c>nn.SiLU</c>.
/// f′ = σ(x)·(1 + x·(1 − σ(x))). Reports the name it was created under ("swish" or "silu").</summary>
public sealed class Swish : Activation
{
    /// <summary>x·σ(x), reporting the Keras name it was asked for.</summary>
    /// <param name="name">"swish" or its alias "silu".</param>
    public Swish(string name = "swish")
    {
        if (name is not ("swish" or "silu"))
        {
            throw new ArgumentException($"Swish is named 'swish' or 'silu', not '{name}'.", nameof(name));
        }

        Name = name;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        ActivationKernels.SwishForward<T>(x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        ActivationKernels.SwishBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
