using System.Runtime.CompilerServices;
using System.Numerics;

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
        public T Value<T>(T x) where T : IFloatingPointIeee754<T> => T.Clamp(x, T.Zero, T.CreateChecked(6));

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T> => x > T.Zero && x < T.CreateChecked(6) ? T.One : T.Zero;
    }
}
