using System.Numerics;

namespace Backprop.Regularizers;

/// <summary>Rescales the slices of a weight tensor along one axis by a factor computed from each slice's L2 norm,
/// as Keras's norm constraints do with <c>ops.sum(ops.square(w), axis=axis, keepdims=True)</c>. For a Dense kernel
/// (in, out) and axis 0, each slice is one output unit's incoming weight vector.</summary>
internal static class NormAxis
{
    public static int Normalise(int axis, int rank, string constraint)
    {
        int effectiveRank = Math.Max(rank, 1);
        int resolved = axis < 0 ? axis + effectiveRank : axis;
        return resolved >= 0 && resolved < effectiveRank
            ? resolved
            : throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{constraint}: axis {axis} is out of range for a rank-{rank} weight tensor.");
    }

    /// <summary>For each slice along <paramref name="axis"/>: w ← w · scale(‖w‖₂).</summary>
    public static void Rescale<T>(Tensor<T> weights, int axis, Func<double, double> scaleForNorm, string constraint) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(weights);
        int a = Normalise(axis, weights.Rank, constraint);
        var dims = weights.Rank == 0 ? [1] : weights.Shape.ToArray();
        int outer = 1;
        for (int i = 0; i < a; i++)
        {
            outer *= dims[i];
        }

        int length = dims[a];
        int inner = 1;
        for (int i = a + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        var w = weights.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            int baseIndex = o * length * inner;
            for (int c = 0; c < inner; c++)
            {
                double sumOfSquares = 0;
                for (int k = 0; k < length; k++)
                {
                    double v = double.CreateTruncating(w[baseIndex + k * inner + c]);
                    sumOfSquares += v * v;
                }

                T scale = T.CreateTruncating(scaleForNorm(Math.Sqrt(sumOfSquares)));
                for (int k = 0; k < length; k++)
                {
                    w[baseIndex + k * inner + c] *= scale;
                }
            }
        }
    }
}
