using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x·tanh(softplus(x)) (Misra 2019). Keras <c>mish</c>; PyTorch <c>nn.Mish</c>.
/// f′ = tanh(sp) + x·(1 − tanh²(sp))·σ(x) with sp = softplus(x).</summary>
public sealed class Mish : Activation
{
    /// <inheritdoc/>
    public override string Name => "mish";

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
        public T Value<T>(T x) where T : IFloatingPointIeee754<T> => x * T.Tanh(default(Softplus.Function).Value(x));

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            T t = T.Tanh(default(Softplus.Function).Value(x));
            return t + x * (T.One - t * t) * ActivationKernels.Sigmoid(x);
        }
    }
}
