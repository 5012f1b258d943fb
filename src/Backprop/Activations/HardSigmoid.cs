using System.Runtime.CompilerServices;
using System.Numerics;

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
        ScalarActivationLoops.Forward(default(Function), x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        ScalarActivationLoops.Backward(default(Function), x.AsSpan(), y.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }

    internal readonly struct Function : IScalarActivation
    {
        public T Value<T>(T x) where T : IFloatingPointIeee754<T>
        {
            T six = T.CreateChecked(6);
            return T.Clamp(x + T.CreateChecked(3), T.Zero, six) / six;
        }

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            T three = T.CreateChecked(3);
            return x > -three && x < three ? T.One / T.CreateChecked(6) : T.Zero;
        }
    }
}
