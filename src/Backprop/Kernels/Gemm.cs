using System.Numerics;

namespace Backprop.Kernels;

/// <summary>General matrix multiply on row-major matrices: <c>C ← α·op(A)·op(B) + β·C</c>, where op(A) is m×k,
/// op(B) is k×n and C is m×n; <c>op(X) = Xᵀ</c> when the matching flag is set. Leading dimensions are row
/// strides (<c>lda ≥ k</c> for A untransposed, ≥ m transposed). BLAS's sgemm/dgemm with row-major storage.
/// When β = 0, C is written without being read (NaNs in C do not propagate), as in BLAS.</summary>
public static class Gemm
{
    public static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmReference.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
