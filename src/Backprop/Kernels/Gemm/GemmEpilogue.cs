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
