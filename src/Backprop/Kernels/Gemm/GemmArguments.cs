using System.Runtime.CompilerServices;
namespace Backprop.Kernels;

/// <summary>Validates GEMM sizes, strides and buffer lengths before any kernel touches memory.</summary>
internal static class GemmArguments
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(bool transposeA, bool transposeB, int m, int n, int k, int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative; got m={m}, n={n}, k={k}.");
        }

        CheckMatrix("A", transposeA ? k : m, transposeA ? m : k, aLength, lda);
        CheckMatrix("B", transposeB ? n : k, transposeB ? k : n, bLength, ldb);
        CheckMatrix("C", m, n, cLength, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CheckMatrix(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (ld < cols)
        {
            throw new ArgumentOutOfRangeException(nameof(ld), $"GEMM: leading dimension of {name} is {ld}, less than its {cols} columns.");
        }

        if ((long)(rows - 1) * ld + cols > length)
        {
            throw new ArgumentException($"GEMM: {name} needs {(long)(rows - 1) * ld + cols} elements for {rows}×{cols} with leading dimension {ld}; its buffer has {length}.");
        }
    }
}
