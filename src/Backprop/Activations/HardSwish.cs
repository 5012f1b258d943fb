using System.Runtime.CompilerServices;
using System.Numerics;

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
        ScalarActivationLoops.Forward(default(Function), x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        ScalarActivationLoops.Backward(default(Function), x.AsSpan(), y.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }

    private readonly struct Function : IScalarActivation
    {
        public T Value<T>(T x) where T : IFloatingPointIeee754<T> => x * default(HardSigmoid.Function).Value(x);

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            T three = T.CreateChecked(3);
            if (x <= -three)
            {
                return T.Zero;
            }

            return x >= three ? T.One : (x + x + three) / T.CreateChecked(6);
        }
    }
}
