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
            ThrowNegativeSize(m, n, k);
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

        if (ld < cols || (long)(rows - 1) * ld + cols > length)
        {
            ThrowMatrix(name, rows, cols, length, ld);
        }
    }

    // The messages are built here, apart from the checks, so that every GEMM entry point that inlines the checks
    // compiles small (a process's first product compiles that entry point on the spot).
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegativeSize(int m, int n, int k) =>
        throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative; got m={m}, n={n}, k={k}.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMatrix(string name, int rows, int cols, int length, int ld)
    {
        if (ld < cols)
        {
            throw new ArgumentOutOfRangeException(nameof(ld), $"GEMM: leading dimension of {name} is {ld}, less than its {cols} columns.");
        }

        throw new ArgumentException($"GEMM: {name} needs {(long)(rows - 1) * ld + cols} elements for {rows}×{cols} with leading dimension {ld}; its buffer has {length}.");
    }
}
