using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

public class GemmPackingTests
{
    /// <summary>The packed B slivers hold op(B)[p0 + p, j0 + jr + j] at <c>sliver·kc·nr + p·nr + j</c> and zeros past the
    /// last column, whether B is stored as it is used (K×N) or transposed (N×K, the Dense layer's ∂x = ∂z·Wᵀ): both
    /// layouts of the same matrix must give the same packing, checked against that formula element by element, for
    /// every tile width the kernels use, on blocks that start inside the matrix and end in a partial sliver.</summary>
    [Theory]
    [InlineData(1, 1, 16)]
    [InlineData(7, 33, 32)]
    [InlineData(37, 100, 32)]
    [InlineData(262, 1000, 32)]
    [InlineData(100, 17, 16)]
    [InlineData(9, 8, 8)]
    [InlineData(256, 64, 16)]
    [InlineData(33, 1001, 8)]
    public void Plain_and_transposed_B_pack_into_the_same_slivers(int kc, int nc, int nr)
    {
        Check<float>(kc, nc, nr);
        Check<double>(kc, nc, nr);
    }

    private static unsafe void Check<T>(int kc, int nc, int nr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The packed block starts at row p0 and column j0 of a larger K×N matrix with padded rows.
        int p0 = 3, j0 = 5, k = p0 + kc + 2, n = j0 + nc + 4;
        int ldb = n + 3, ldbT = k + 1;
        T[] b = RandomArray<T>(k * ldb, kc * 31 + nc);
        var bT = new T[n * ldbT];
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                bT[j * ldbT + p] = b[p * ldb + j];
            }
        }

        int slivers = (nc + nr - 1) / nr;
        var plain = new T[slivers * kc * nr];
        var transposed = new T[slivers * kc * nr];
        // Stale values everywhere: the padding must be written, not assumed zero.
        Array.Fill(plain, T.CreateChecked(7));
        Array.Fill(transposed, T.CreateChecked(-7));
        fixed (T* pb = b, pbT = bT, pPlain = plain, pTransposed = transposed)
        {
            GemmPacking.PackB(false, pb, ldb, p0, kc, j0, nc, nr, pPlain);
            GemmPacking.PackB(true, pbT, ldbT, p0, kc, j0, nc, nr, pTransposed);
        }

        for (int s = 0; s < slivers; s++)
        {
            for (int p = 0; p < kc; p++)
            {
                for (int j = 0; j < nr; j++)
                {
                    int column = s * nr + j;
                    T expected = column < nc ? b[(p0 + p) * ldb + j0 + column] : T.Zero;
                    int at = (s * kc + p) * nr + j;
                    if (plain[at] != expected || transposed[at] != expected)
                    {
                        Assert.Fail($"{typeof(T).Name}, sliver {s}, p {p}, j {j}: plain {plain[at]}, transposed {transposed[at]}, expected {expected}");
                    }
                }
            }
        }
    }
    /// <summary>The packed A slivers hold op(A)[i0 + ir + r, p0 + p] at <c>sliver·kc·rows + p·rows + r</c> and zeros past
    /// the last row, whether A is stored as it is used (M×K) or transposed (K×M, the weight gradient's xᵀ), for both
    /// tile heights (6 and 8 rows) and both element types.</summary>
    [Theory]
    [InlineData(1, 1, 6)]
    [InlineData(7, 33, 8)]
    [InlineData(37, 100, 6)]
    [InlineData(784, 128, 8)]
    [InlineData(100, 17, 6)]
    [InlineData(48, 262, 8)]
    [InlineData(13, 5, 8)]
    public void Plain_and_transposed_A_pack_into_the_same_slivers(int mc, int kc, int rows)
    {
        CheckA<float>(mc, kc, rows);
        CheckA<double>(mc, kc, rows);
    }

    private static unsafe void CheckA<T>(int mc, int kc, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i0 = 2, p0 = 3, m = i0 + mc + 3, k = p0 + kc + 2;
        int lda = k + 1, ldaT = m + 5;
        T[] a = RandomArray<T>(m * lda, mc * 17 + kc);
        var aT = new T[k * ldaT];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                aT[p * ldaT + i] = a[i * lda + p];
            }
        }

        int slivers = (mc + rows - 1) / rows;
        var plain = new T[slivers * kc * rows];
        var transposed = new T[slivers * kc * rows];
        Array.Fill(plain, T.CreateChecked(7));
        Array.Fill(transposed, T.CreateChecked(-7));
        fixed (T* pa = a, paT = aT, pPlain = plain, pTransposed = transposed)
        {
            GemmPacking.PackA(false, pa, lda, i0, mc, p0, kc, rows, pPlain);
            GemmPacking.PackA(true, paT, ldaT, i0, mc, p0, kc, rows, pTransposed);
        }

        for (int s = 0; s < slivers; s++)
        {
            for (int p = 0; p < kc; p++)
            {
                for (int r = 0; r < rows; r++)
                {
                    int row = s * rows + r;
                    T expected = row < mc ? a[(i0 + row) * lda + p0 + p] : T.Zero;
                    int at = (s * kc + p) * rows + r;
                    if (plain[at] != expected || transposed[at] != expected)
                    {
                        Assert.Fail($"{typeof(T).Name}, sliver {s}, p {p}, r {r}: plain {plain[at]}, transposed {transposed[at]}, expected {expected}");
                    }
                }
            }
        }
    }
}
