using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>The fused tail of a GEMM: adds a per-column bias and applies an activation to a block of C rows
/// while they are still in cache.</summary>
internal static unsafe class GemmEpilogue
{
    /// <summary>True when there is anything to do.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsActive<T>(T* bias, GemmActivation activation)
        where T : unmanaged => bias is not null || activation != GemmActivation.None;

    /// <summary>For rows [i0, i1) and columns [j0, j1) of C: c ← f(c + bias[j]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<T>(T* c, nint ldc, int i0, int i1, int j0, int j1, T* bias, GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = j1 - j0;
        if (width <= 0)
        {
            return;
        }

        if (activation is GemmActivation.None or GemmActivation.Relu)
        {
            // Inline vector loops: blocks are often a few dozen columns wide, where a library call per row and
            // operation costs more than the arithmetic.
            AddBiasRelu(c, ldc, i0, i1, j0, width, bias, activation == GemmActivation.Relu);
            return;
        }

        for (int i = i0; i < i1; i++)
        {
            var row = new Span<T>(c + i * ldc + j0, width);
            if (bias is not null)
            {
                TensorPrimitives.Add(row, new ReadOnlySpan<T>(bias + j0, width), row);
            }

            Activate(row, activation);
        }
    }

    // c ← c + bias[j] (when there is one), then max(c, 0) when relu: TensorPrimitives.Add's and Max's results
    // (Vector.Max and T.Max both propagate NaN and order −0 below +0).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddBiasRelu<T>(T* c, nint ldc, int i0, int i1, int j0, int width, T* bias, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector.IsHardwareAccelerated && ldc == width && width % Vector<T>.Count != 0 && width <= 4 * Vector<T>.Count
            && i1 - i0 >= Vector<T>.Count)
        {
            // Short rows one after another that are not whole vectors (a 2- or 10-unit layer): one flat pass instead
            // of a scalar tail in every row. Only from a vector's count of rows on, where building the bias patterns
            // (width × lanes values) costs no more than the rows' own work: a single row (Predict at batch 1) took
            // ten times longer that way.
            AddBiasReluFlat(c + i0 * ldc, (i1 - i0) * width, width, bias, relu);
            return;
        }

        int vectorEnd = Vector.IsHardwareAccelerated ? width - (width % Vector<T>.Count) : 0;
        for (int i = i0; i < i1; i++)
        {
            T* row = c + i * ldc + j0;
            int j = 0;
            for (; j < vectorEnd; j += Vector<T>.Count)
            {
                var v = Vector.Load(row + j);
                if (bias is not null)
                {
                    v += Vector.Load(bias + j0 + j);
                }

                if (relu)
                {
                    v = Vector.Max(v, Vector<T>.Zero);
                }

                v.Store(row + j);
            }

            for (; j < width; j++)
            {
                T v = bias is not null ? row[j] + bias[j0 + j] : row[j];
                row[j] = relu ? T.Max(v, T.Zero) : v;
            }
        }
    }

    /// <summary><see cref="AddBiasRelu{T}"/> on <paramref name="count"/> contiguous values, rows of
    /// <paramref name="width"/> (at most four vectors): the bias repeats every <paramref name="width"/> values, so the
    /// vector starting at flat offset o adds the pattern bias[(o + l) mod width], one of at most
    /// <paramref name="width"/> patterns, built once per call. The same addition and maximum per element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddBiasReluFlat<T>(T* c, int count, int width, T* bias, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector<T>.Count;
        T* patterns = stackalloc T[bias is null ? 1 : width * lanes];
        if (bias is not null)
        {
            // Pattern p holds bias[(p + l) mod width] in lane l, without a division per value.
            for (int p = 0; p < width; p++)
            {
                int column = p;
                for (int l = 0; l < lanes; l++)
                {
                    patterns[p * lanes + l] = bias[column];
                    column = column + 1 == width ? 0 : column + 1;
                }
            }
        }

        int step = lanes % width, phase = 0, i = 0;   // vector m starts at column (m·lanes) mod width
        for (; i <= count - lanes; i += lanes)
        {
            var v = Vector.Load(c + i);
            if (bias is not null)
            {
                v += Vector.Load(patterns + phase * lanes);
                phase += step;
                if (phase >= width)
                {
                    phase -= width;
                }
            }

            if (relu)
            {
                v = Vector.Max(v, Vector<T>.Zero);
            }

            v.Store(c + i);
        }

        for (; i < count; i++)
        {
            T v = bias is not null ? c[i] + bias[i % width] : c[i];
            c[i] = relu ? T.Max(v, T.Zero) : v;
        }
    }

    /// <summary>Applies <paramref name="activation"/> in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate<T>(Span<T> values, GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case GemmActivation.None:
                break;
            case GemmActivation.Relu:
                TensorPrimitives.Max(values, T.Zero, values);
                break;
            case GemmActivation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case GemmActivation.Sigmoid:
                TensorPrimitives.Sigmoid(values, values);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown GEMM activation.");
        }
    }
}
