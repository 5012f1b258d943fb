using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>The unpacked path for products with few rows (a batch-8 forward pass) and small problems: masked
/// edge tiles, leftover rows, transposed operands and a fused epilogue, against the float64 reference.</summary>
public class GemmFewRowsTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 33)]
    [InlineData(3, 100)]
    [InlineData(5, 17)]
    [InlineData(8, 1000)]
    [InlineData(9, 31)]
    [InlineData(15, 16)]
    [InlineData(6, 48)]
    public void FewRowProducts_MatchReference(int m, int n)
    {
        foreach (int k in new[] { 1, 8, 100, 784 })
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    Check<float>(m, n, k, ta, tb, 1.25, 0.5, m * 7 + n + k);
                    Check<double>(m, n, k, ta, tb, -0.75, 0, m + n * 3 + k);
                }
            }
        }
    }

    [Fact]
    public void FusedBiasAndActivation_MatchTheUnfusedProduct()
    {
        const int m = 8, n = 37, k = 300;
        float[] a = RandomArray<float>(m * k, 1), b = RandomArray<float>(k * n, 2), bias = RandomArray<float>(n, 3);
        float[] plain = new float[m * n], fused = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, plain, n);
        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, fused, n, bias, GemmActivation.Relu);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(Math.Max(0f, plain[i * n + j] + bias[j]), fused[i * n + j]);
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 9)]
    [InlineData(8, 8)]
    [InlineData(4, 4)]
    [InlineData(5, 12)]
    [InlineData(12, 5)]
    [InlineData(33, 100)]
    [InlineData(100, 10)]
    [InlineData(17, 1001)]
    public unsafe void Transpose_MovesEveryElement(int rows, int cols)
    {
        int lds = cols + 3, ldd = rows + 1;
        float[] src = RandomArray<float>(rows * lds, rows + cols);
        double[] srcD = RandomArray<double>(rows * lds, rows * cols);
        float[] dst = new float[cols * ldd];
        double[] dstD = new double[cols * ldd];
        fixed (float* s = src, d = dst)
        {
            Transpose.Copy(s, lds, rows, cols, d, ldd);
        }

        fixed (double* s = srcD, d = dstD)
        {
            Transpose.Copy(s, lds, rows, cols, d, ldd);
        }

        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                Assert.Equal(src[i * lds + j], dst[j * ldd + i]);
                Assert.Equal(srcD[i * lds + j], dstD[j * ldd + i]);
            }
        }
    }

    private static void Check<T>(int m, int n, int k, bool ta, bool tb, double alpha, double beta, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int lda = (ta ? m : k) + seed % 3, ldb = (tb ? k : n) + seed % 2, ldc = n + 1;
        T[] a = RandomArray<T>((ta ? k : m) * lda, seed), b = RandomArray<T>((tb ? n : k) * ldb, seed + 1);
        T[] c0 = RandomArray<T>(m * ldc, seed + 2);
        var (expected, scale) = Reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
        T[] c = (T[])c0.Clone();
        Gemm.Multiply(ta, tb, m, n, k, T.CreateTruncating(alpha), a, lda, b, ldb, T.CreateTruncating(beta), c, ldc);
        AssertClose(expected, scale, c, c0, m, n, ldc, k, $"{typeof(T).Name} {m}×{n}×{k} ta={ta} tb={tb}");
    }
}
