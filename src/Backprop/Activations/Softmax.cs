using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>softmax(x)ᵢ = e^(xᵢ − max x)/Σⱼ e^(xⱼ − max x) along the last axis, stable at any logits. Keras
/// <c>softmax</c> (axis −1); PyTorch <c>nn.Softmax(dim=-1)</c>. Backward is the Jacobian-vector product
/// dx = y ⊙ (dy − Σ dy ⊙ y) per row. With (sparse) categorical cross-entropy as the loss the model can skip it:
/// see <see cref="Losses.IFusesWithActivation"/>.</summary>
public sealed class Softmax : Activation
{
    /// <inheritdoc/>
    public override string Name => "softmax";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        int n = RowLength(x);
        var xs = x.AsSpan();
        var ys = y.AsSpan();
        for (int start = 0; start < xs.Length; start += n)
        {
            Elementwise.Softmax(xs.Slice(start, n), ys.Slice(start, n));
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        int n = RowLength(x);
        var ys = y.AsSpan();
        var dys = dy.AsSpan();
        var dxs = dx.AsSpan();
        for (int start = 0; start < ys.Length; start += n)
        {
            var yRow = ys.Slice(start, n);
            var dyRow = dys.Slice(start, n);
            var dxRow = dxs.Slice(start, n);
            T dot = Elementwise.Dot<T>(dyRow, yRow);
            Elementwise.Subtract<T>(dyRow, dot, dxRow);
            Elementwise.Multiply<T>(dxRow, yRow, dxRow);
        }
    }

    internal static int RowLength<T>(Tensor<T> x) where T : unmanaged, INumber<T> => x.Rank == 0 ? 1 : Math.Max(x.Shape[-1], 1);
}
