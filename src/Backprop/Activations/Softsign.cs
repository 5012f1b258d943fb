using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Activations;

/// <summary>f(x) = x/(1 + |x|). Keras <c>softsign</c>; PyTorch <c>nn.Softsign</c>. f′ = 1/(1 + |x|)².</summary>
public sealed class Softsign : Activation
{
    /// <inheritdoc/>
    public override string Name => "softsign";

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
        public T Value<T>(T x) where T : IFloatingPointIeee754<T> => x / (T.One + T.Abs(x));

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            T d = T.One + T.Abs(x);
            return T.One / (d * d);
        }
    }
}
