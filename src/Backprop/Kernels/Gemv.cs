using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Kernels;

/// <summary>Matrix–vector multiply on a row-major matrix: <c>y ← α·op(A)·x + β·y</c> with A m×n (row stride
/// <c>lda ≥ n</c>) and op(A) = Aᵀ when <c>transposeA</c> is set. BLAS's sgemv/dgemv (row-major). When β = 0,
/// y is written without being read.</summary>
/// <remarks>Memory bound: A is streamed once in address order, split over <see cref="Parallelism.ThreadCount"/>
/// threads by disjoint ranges of y (rows of A, or column ranges when transposed), so results are bit-identical
/// for any thread count. <see cref="Gemm.Multiply{T}(bool, bool, int, int, int, T, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, T, Span{T}, int)"/>
/// routes products with m = 1 or n = 1 here.</remarks>
public static class Gemv
{
    /// <summary><c>y ← α·op(A)·x + β·y</c>; x has n elements (m when transposed), y has m (n when transposed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Multiply<T>(
        bool transposeA, int m, int n, T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> x, T beta, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m < 0 || n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMV sizes must be non-negative; got m={m}, n={n}.");
        }

        int xLength = transposeA ? m : n, yLength = transposeA ? n : m;
        if (m > 0 && n > 0)
        {
            if (lda < n)
            {
                throw new ArgumentOutOfRangeException(nameof(lda), $"GEMV: leading dimension of A is {lda}, less than its {n} columns.");
            }

            if ((long)(m - 1) * lda + n > a.Length)
            {
                throw new ArgumentException($"GEMV: A needs {(long)(m - 1) * lda + n} elements for {m}×{n} with leading dimension {lda}; its buffer has {a.Length}.", nameof(a));
            }
        }

        if (x.Length < xLength)
        {
            throw new ArgumentException($"GEMV: x needs {xLength} elements for {(transposeA ? "Aᵀ" : "A")} of {m}×{n}; it has {x.Length}.", nameof(x));
        }

        if (y.Length < yLength)
        {
            throw new ArgumentException($"GEMV: y needs {yLength} elements for {(transposeA ? "Aᵀ" : "A")} of {m}×{n}; it has {y.Length}.", nameof(y));
        }

        if (yLength == 0)
        {
            return;
        }

        if (xLength == 0 || alpha == T.Zero || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
        {
            Portable(transposeA, m, n, alpha, a, lda, x, beta, y);
            return;
        }

        fixed (T* pa = a, px = x, py = y)
        {
            GemvKernels.Run(transposeA, m, n, alpha, pa, lda, px, 1, beta, py, 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Portable<T>(bool transposeA, int m, int n, T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> x, T beta, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xLength = transposeA ? m : n, yLength = transposeA ? n : m;
        for (int i = 0; i < yLength; i++)
        {
            double sum = 0;
            if (alpha != T.Zero)
            {
                for (int j = 0; j < xLength; j++)
                {
                    T aij = transposeA ? a[j * lda + i] : a[i * lda + j];
                    sum += double.CreateTruncating(aij) * double.CreateTruncating(x[j]);
                }
            }

            T scaled = T.CreateTruncating(sum) * alpha;
            y[i] = beta == T.Zero ? scaled : y[i] * beta + scaled;
        }
    }
}
