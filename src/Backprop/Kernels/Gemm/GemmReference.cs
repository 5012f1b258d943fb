using System.Numerics;

namespace Backprop.Kernels;

/// <summary>The plain triple loop every fast GEMM path must match; accumulates in double.</summary>
internal static class GemmReference
{
    public static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmArguments.Check(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        double alphaD = double.CreateTruncating(alpha), betaD = double.CreateTruncating(beta);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    T av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    T bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += double.CreateTruncating(av) * double.CreateTruncating(bv);
                }

                double old = betaD == 0 ? 0 : betaD * double.CreateTruncating(c[i * ldc + j]);
                c[i * ldc + j] = T.CreateTruncating(alphaD * sum + old);
            }
        }
    }
}
