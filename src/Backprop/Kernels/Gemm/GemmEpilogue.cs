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
