using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

public class GemvTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 33)]
    [InlineData(33, 7)]
    [InlineData(257, 1000)]
    [InlineData(1000, 17)]
    [InlineData(3, 2500)]
    [InlineData(6, 8213)]
    [InlineData(9, 37)]
    [InlineData(1003, 530)]
    [InlineData(8, 65541)]
    public void MatchesFloat64Reference(int m, int n)
    {
        foreach (bool transpose in new[] { false, true })
        {
            Check<float>(transpose, m, n, 1.5, -0.25, seed: m + n, nanY: false);
            Check<float>(transpose, m, n, 1, 0, seed: m * n, nanY: true);
            Check<double>(transpose, m, n, -0.5, 2, seed: m, nanY: false);
        }
    }

    [Fact]
    public void BadArguments_ThrowTypedExceptionsNamingTheProblem()
    {
        float[] a = new float[12], x = new float[4], y = new float[3];
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => Gemv.Multiply(false, 3, 4, 1f, a, 3, x, 0f, y));
        Assert.Contains("leading dimension of A is 3", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Gemv.Multiply(false, 3, 4, 1f, new float[11], 4, x, 0f, y));
        Assert.Contains("A needs 12 elements", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => Gemv.Multiply(false, 3, 4, 1f, a, 4, new float[3], 0f, y));
        Assert.Contains("x needs 4 elements", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => Gemv.Multiply(true, 3, 4, 1f, a, 4, new float[3], 0f, y));
        Assert.Contains("y needs 4 elements", e4.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemv.Multiply(false, -3, 4, 1f, a, 4, x, 0f, y));
    }

    private static void Check<T>(bool transpose, int m, int n, double alpha, double beta, int seed, bool nanY)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lda = n + (seed % 3);
        int xLength = transpose ? m : n, yLength = transpose ? n : m;
        T[] a = RandomArray<T>(m * lda, seed), x = RandomArray<T>(xLength, seed + 1);
        T[] y0 = nanY ? Enumerable.Repeat(T.NaN, yLength).ToArray() : RandomArray<T>(yLength, seed + 2);

        // GEMV is the GEMM op(A)·X with X an xLength×1 column.
        var (expected, scale) = Reference(transpose, false, yLength, 1, xLength, alpha, a, lda, x, 1, beta, y0, 1);
        T[] y = (T[])y0.Clone();
        Gemv.Multiply(transpose, m, n, T.CreateTruncating(alpha), a, lda, x, T.CreateTruncating(beta), y);
        AssertClose(expected, scale, y, y0, yLength, 1, 1, xLength, $"{typeof(T).Name} gemv {m}×{n} t={transpose}");
    }
}
