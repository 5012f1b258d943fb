using System.Numerics;

namespace Backprop.Activations;

/// <summary>f(x) = max(x, 0). Keras <c>relu</c>; the derivative at 0 is taken as 0, as in Keras and PyTorch.</summary>
public sealed class Relu : Activation
{
    public override string Name => "relu";

    public override void Forward<T>(Tensor<T> x, Tensor<T> y) => Ops.Maximum(x, T.Zero, y);

    // f′(x) = 1 if x > 0 else 0
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        var xs = x.AsSpan();
        var dys = dy.AsSpan();
        var dxs = dx.AsSpan();
        for (int i = 0; i < xs.Length; i++)
        {
            dxs[i] = xs[i] > T.Zero ? dys[i] : T.Zero;
        }
    }
}
