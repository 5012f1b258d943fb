using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x·σ(x). Keras <c>silu</c>, alias <c>swish</c> (no β); PyTorch <c>nn.SiLU</c>.
/// f′ = σ(x)·(1 + x·(1 − σ(x))). Reports the name it was created under ("swish" or "silu").</summary>
public sealed class Swish : Activation
{
    public Swish(string name = "swish")
    {
        if (name is not ("swish" or "silu"))
        {
            throw new ArgumentException($"Swish is named 'swish' or 'silu', not '{name}'.", nameof(name));
        }

        Name = name;
    }

    public override string Name { get; }

    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        Elementwise.Sigmoid(x.AsSpan(), y.AsSpan());
        Elementwise.Multiply(x.AsSpan(), y.AsSpan(), y.AsSpan());
    }

    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        ActivationKernels.SwishBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }
}
