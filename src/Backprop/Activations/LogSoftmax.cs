using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>log_softmax(x)ᵢ = xᵢ − max x − log Σⱼ e^(xⱼ − max x) along the last axis. Keras <c>log_softmax</c>;
/// PyTorch <c>nn.LogSoftmax(dim=-1)</c>. Backward per row: dx = dy − softmax(x)·Σ dy, with softmax = e^y.</summary>
public sealed class LogSoftmax : Activation
{
    /// <inheritdoc/>
    public override string Name => "log_softmax";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        int n = Softmax.RowLength(x);
        var xs = x.AsSpan();
        var ys = y.AsSpan();
        for (int start = 0; start < xs.Length; start += n)
        {
            Elementwise.LogSoftmax<T>(xs.Slice(start, n), ys.Slice(start, n));
        }
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        int n = Softmax.RowLength(x);
        var ys = y.AsSpan();
        var dys = dy.AsSpan();
        var dxs = dx.AsSpan();
        Span<T> softmaxTimesSum = stackalloc T[256];
        for (int start = 0; start < ys.Length; start += n)
        {
            var yRow = ys.Slice(start, n);
            var dyRow = dys.Slice(start, n);
            var dxRow = dxs.Slice(start, n);
            T sum = Elementwise.Sum<T>(dyRow);

            // e^y·Σdy in a stack buffer, a chunk at a time, so that dx may be dy or y.
            for (int j = 0; j < n; j += softmaxTimesSum.Length)
            {
                int length = Math.Min(softmaxTimesSum.Length, n - j);
                var part = softmaxTimesSum[..length];
                Elementwise.Exp<T>(yRow.Slice(j, length), part);
                Elementwise.Multiply<T>(part, sum, part);
                Elementwise.Subtract<T>(dyRow.Slice(j, length), part, dxRow.Slice(j, length));
            }
        }
    }
}
