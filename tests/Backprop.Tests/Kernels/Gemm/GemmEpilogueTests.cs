using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

public class GemmEpilogueTests
{
    /// <summary>The fused bias + activation equals the reference product followed by a separate bias add and the
    /// activation in double, on every path: GEMV routes (m or n = 1), small, packed (with several K slices, so
    /// the epilogue must run once, after the last one), and packed split over threads.</summary>
    [Theory]
    [InlineData(1, 40, 30)]
    [InlineData(40, 1, 30)]
    [InlineData(32, 32, 13)]
    [InlineData(37, 70, 600)]
    [InlineData(300, 520, 40)]
    public void BiasAndActivation_MatchSeparatePasses(int m, int n, int k)
    {
        foreach (GemmActivation activation in Enum.GetValues<GemmActivation>())
        {
            Check<float>(m, n, k, activation, withBias: true);
            Check<double>(m, n, k, activation, withBias: activation == GemmActivation.Tanh);
        }
    }

    /// <summary>Short rows one after another (ldc = n: a 2- or 10-unit layer's output) take one flat pass whose bias
    /// repeats every n values: every element must have exactly the bits of the plain product followed by c + bias[j]
    /// and max(·, 0), one element at a time — for widths below, between and past whole vectors (and past the flat
    /// pass's limit of four vectors), row counts that leave a partial last vector, and the GEMV route of a one-column
    /// product.</summary>
    [Theory]
    [InlineData(1, 37)]
    [InlineData(2, 33)]
    [InlineData(3, 100)]
    [InlineData(5, 7)]
    [InlineData(7, 64)]
    [InlineData(10, 31)]
    [InlineData(15, 9)]
    [InlineData(2, 1)]
    [InlineData(17, 12)]
    [InlineData(33, 5)]
    [InlineData(64, 3)]
    [InlineData(70, 4)]
    public void NarrowContiguousRows_HaveTheElementwiseBits(int n, int m)
    {
        CheckNarrow<float>(m, n);
        CheckNarrow<double>(m, n);
    }

    private static void CheckNarrow<T>(int m, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int k = 5;
        T[] a = RandomArray<T>(m * k, m + n), b = RandomArray<T>(k * n, n + 1), bias = RandomArray<T>(n, 9);
        foreach (GemmActivation activation in new[] { GemmActivation.None, GemmActivation.Relu })
        {
            foreach (bool withBias in new[] { true, false })
            {
                if (!withBias && activation == GemmActivation.None)
                {
                    continue;
                }

                T[] plain = new T[m * n], fused = new T[m * n];
                Gemm.Multiply(false, false, m, n, k, T.One, a, k, b, n, T.Zero, plain, n);
                Gemm.Multiply(false, false, m, n, k, T.One, a, k, b, n, T.Zero, fused, n, withBias ? bias : [], activation);
                for (int i = 0; i < m * n; i++)
                {
                    T v = withBias ? plain[i] + bias[i % n] : plain[i];
                    T want = activation == GemmActivation.Relu ? T.Max(v, T.Zero) : v;
                    Assert.True(want.Equals(fused[i]) || (T.IsNaN(want) && T.IsNaN(fused[i])),
                        $"{typeof(T).Name} {m}×{n} {activation} bias={withBias}: element {i} is {fused[i]}, want {want}.");
                }
            }
        }
    }

    private static void Check<T>(int m, int n, int k, GemmActivation activation, bool withBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ldc = n + 3;
        T[] a = RandomArray<T>(m * k, m + k), b = RandomArray<T>(n * k, n), c0 = RandomArray<T>(m * ldc, 7);
        T[] bias = withBias ? RandomArray<T>(n, 8) : [];
        var (expected, scale) = Reference(false, true, m, n, k, 2.0, a, k, b, k, -0.5, c0, ldc);
        T[] c = (T[])c0.Clone();
        Gemm.Multiply(false, true, m, n, k, T.CreateTruncating(2.0), a, k, b, k, T.CreateTruncating(-0.5), c, ldc, bias, activation);
        double u = Epsilon<T>();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int at = i * ldc + j;
                double preActivation = expected[at] + (withBias ? double.CreateTruncating(bias[j]) : 0);
                double want = activation switch
                {
                    GemmActivation.Relu => Math.Max(preActivation, 0),
                    GemmActivation.Tanh => Math.Tanh(preActivation),
                    GemmActivation.Sigmoid => 1 / (1 + Math.Exp(-preActivation)),
                    _ => preActivation,
                };

                // Every activation here has slope ≤ 1, so the product's error bound carries over, plus a few ulps
                // for the bias add and the activation itself.
                double bound = (2.0 * (k + 4) * u * (scale[at] + 2)) + (8 * u * Math.Abs(want));
                double got = double.CreateTruncating(c[at]);
                Assert.True(Math.Abs(got - want) <= bound,
                    $"{typeof(T).Name} {m}×{n}×{k} {activation}: C[{i},{j}] = {got:R}, want {want:R}.");
            }

            Assert.Equal(c0[i * ldc + n], c[i * ldc + n]);
        }
    }
}
