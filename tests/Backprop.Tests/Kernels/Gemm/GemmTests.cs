using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

public class GemmTests
{
    // (m, n, k): awkward sizes around the 6×16 / 8×32 tiles, the small-path limit, KC ≤ 288 (several K slices),
    // MC (several row blocks), NC = 4096 (two column blocks), and the GEMV routes (m = 1 or n = 1).
    private static readonly (int M, int N, int K)[] s_shapes =
    [
        (1, 1, 1), (1, 7, 1), (7, 1, 7), (7, 7, 7), (1, 257, 33), (257, 1, 33), (33, 17, 5), (6, 16, 1), (6, 32, 256),
        (33, 257, 7), (32, 13, 32), (32, 32, 16), (100, 130, 300), (257, 33, 300), (13, 1000, 70), (1000, 7, 129),
    ];

    // Heavier shapes, run for two transpose combinations only to keep the suite fast: three K slices, two
    // A row blocks (MC = 768 at KC = 256), two B column blocks (NC = 4096).
    private static readonly (int M, int N, int K)[] s_largeShapes = [(257, 129, 600), (1000, 40, 256), (7, 4200, 40)];

    public static TheoryData<int, int, int, bool, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (m, n, k) in s_shapes)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    data.Add(m, n, k, ta, tb);
                }
            }
        }

        foreach (var (m, n, k) in s_largeShapes)
        {
            data.Add(m, n, k, false, false);
            data.Add(m, n, k, true, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_MatchesFloat64Reference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        Check<float>(m, n, k, transposeA, transposeB, alpha: 1, beta: 0, seed: m * 31 + n * 7 + k);
        Check<float>(m, n, k, transposeA, transposeB, alpha: -0.75, beta: 1.5, seed: m + n + k);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_MatchesFloat64Reference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        Check<double>(m, n, k, transposeA, transposeB, alpha: 1.25, beta: -0.5, seed: m * 3 + n * 5 + k);
        Check<double>(m, n, k, transposeA, transposeB, alpha: 1, beta: 1, seed: m * 7 + k);
    }

    [Theory]
    [InlineData(7, 33, 5)]
    [InlineData(64, 96, 40)]
    [InlineData(200, 300, 100)]
    [InlineData(1, 50, 20)]
    [InlineData(50, 1, 20)]
    public void BetaZero_DoesNotReadC(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                Check<float>(m, n, k, ta, tb, alpha: 2, beta: 0, seed: 5, fillCWithNaN: true);
                Check<double>(m, n, k, ta, tb, alpha: 0.5, beta: 0, seed: 6, fillCWithNaN: true);
            }
        }
    }

    [Fact]
    public void AlphaZeroOrEmptyK_ScalesC()
    {
        Check<float>(9, 11, 0, false, false, alpha: 1, beta: 0.5, seed: 1);
        Check<float>(9, 11, 8, false, true, alpha: 0, beta: -2, seed: 2);
        Check<double>(9, 11, 0, true, false, alpha: 1, beta: 0, seed: 3, fillCWithNaN: true);
    }

    [Fact]
    public void EmptyOutput_DoesNothing()
    {
        float[] c = [42f];
        Gemm.Multiply(false, false, 0, 5, 3, 1f, Array.Empty<float>(), 3, new float[15], 5, 0f, Array.Empty<float>(), 5);
        Gemm.Multiply(false, false, 1, 0, 3, 1f, new float[3], 3, Array.Empty<float>(), 1, 0f, c, 1);
        Assert.Equal(42f, c[0]);
    }

    [Fact]
    public void Half_UsesReferenceLoop()
    {
        Check<Half>(5, 6, 7, false, true, alpha: 1, beta: 0, seed: 4, tolerance: 2e-3);
    }

    /// <summary>Every micro-kernel this machine can run (AVX-512, AVX2, scalar) on the packed path directly,
    /// so one test run covers them all whatever the dispatcher picked; the FMA kernels must agree bitwise. The
    /// widths leave every kind of edge tile: narrower than one vector (130, 9, 200) and wider (47, 57), and a few
    /// columns after full tiles, as a 100-unit layer's products leave them (100 in both of its shapes, 33, 98, 36, 130:
    /// the AVX-512 column kernel, two row slivers at a time), a vector and a few columns (50, 20: the narrow kernel,
    /// then the column kernel), in row blocks of 1 to 17 rows past whole tiles and over two packed row blocks (800
    /// rows).</summary>
    [Theory]
    [InlineData(100, 130, 300, false, false)]
    [InlineData(128, 100, 784, false, false)]
    [InlineData(784, 100, 128, true, false)]
    [InlineData(9, 33, 7, false, true)]
    [InlineData(17, 98, 1, true, true)]
    [InlineData(1, 3, 300, false, false)]
    [InlineData(33, 36, 530, false, true)]
    [InlineData(800, 4, 600, false, false)]
    [InlineData(61, 47, 530, true, true)]
    [InlineData(7, 200, 9, false, true)]
    [InlineData(150, 9, 33, true, false)]
    [InlineData(45, 57, 100, false, false)]
    [InlineData(21, 50, 300, false, false)]
    [InlineData(40, 20, 290, true, true)]
    [InlineData(25, 1, 70, false, false)]
    public void PackedKernels_AllKindsMatchReference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        CheckAllKinds<float>(m, n, k, transposeA, transposeB);
        CheckAllKinds<double>(m, n, k, transposeA, transposeB);
    }

    private static unsafe void CheckAllKinds<T>(int m, int n, int k, bool transposeA, bool transposeB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kinds = new List<GemmKernelKind> { GemmKernelKind.Portable };
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            kinds.Add(GemmKernelKind.Avx2);
        }

        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            kinds.Add(GemmKernelKind.Avx512);
        }

        int lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 1, ldc = n + 2;
        T[] a = RandomArray<T>((transposeA ? k : m) * lda, 1), b = RandomArray<T>((transposeB ? n : k) * ldb, 2);
        T[] c0 = RandomArray<T>(m * ldc, 3);
        var (expected, scale) = Reference(transposeA, transposeB, m, n, k, 0.5, a, lda, b, ldb, 2.0, c0, ldc);
        T[]? fmaResult = null;
        foreach (GemmKernelKind kind in kinds)
        {
            T[] c = (T[])c0.Clone();
            fixed (T* pa = a, pb = b, pc = c)
            {
                var call = new GemmCall<T>
                {
                    TransposeA = transposeA, TransposeB = transposeB, M = m, N = n, K = k,
                    Alpha = T.CreateChecked(0.5), Beta = T.CreateChecked(2.0),
                    A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc,
                };
                GemmPacked.Run(call, kind);
            }

            AssertClose(expected, scale, c, c0, m, n, ldc, k, $"packed {kind} {typeof(T).Name}");
            if (kind != GemmKernelKind.Portable)
            {
                if (fmaResult is null)
                {
                    fmaResult = c;
                }
                else
                {
                    Assert.Equal(fmaResult, c);
                }
            }
        }
    }

    [Fact]
    public unsafe void PortableAndSmallPaths_MatchReference()
    {
        foreach (var (m, n, k, ta, tb) in new[] { (33, 17, 5, false, true), (9, 40, 70, true, false), (4, 16, 3, false, false) })
        {
            int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1;
            double[] a = RandomArray<double>((ta ? k : m) * lda, 1), b = RandomArray<double>((tb ? n : k) * ldb, 2);
            double[] c0 = RandomArray<double>(m * ldc, 3);
            var (expected, scale) = Reference(ta, tb, m, n, k, -1.5, a, lda, b, ldb, 0.25, c0, ldc);
            foreach (bool portable in new[] { true, false })
            {
                if (!portable && !System.Runtime.Intrinsics.X86.Fma.IsSupported)
                {
                    continue;
                }

                double[] c = (double[])c0.Clone();
                fixed (double* pa = a, pb = b, pc = c)
                {
                    var call = new GemmCall<double>
                    {
                        TransposeA = ta, TransposeB = tb, M = m, N = n, K = k, Alpha = -1.5, Beta = 0.25,
                        A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc,
                    };
                    if (portable)
                    {
                        GemmPortable.Run(call);
                    }
                    else
                    {
                        GemmSmall.Run(call);
                    }
                }

                AssertClose(expected, scale, c, c0, m, n, ldc, k, portable ? "portable" : "small");
            }
        }
    }

    [Fact]
    public void BadArguments_ThrowTypedExceptionsNamingTheProblem()
    {
        float[] a = new float[6], b = new float[6], c = new float[4];
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
        Assert.Contains("leading dimension of A is 2", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, new float[5], 2, 0f, c, 2));
        Assert.Contains("B needs 6 elements", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, new float[3], 2));
        Assert.Contains("C needs 4 elements", e3.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(true, false, 2, 2, 3, 1f, a, 1, b, 2, 0f, c, 2));
        var e4 = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2, new float[3], GemmActivation.Relu));
        Assert.Contains("bias has 3 values but C has 2 columns", e4.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2, [], (GemmActivation)99));
    }

    [Fact]
    public void BadArguments_MessagesGiveEverySize()
    {
        // The messages are built in throw helpers apart from the entry points; these pin what they say.
        float[] a = new float[6], b = new float[6], c = new float[4];
        var sizes = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, -7, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.StartsWith("GEMM sizes must be non-negative; got m=2, n=-7, k=3.", sizes.Message);
        var ld = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 1, 0f, c, 2));
        Assert.Equal("ld", ld.ParamName);
        Assert.StartsWith("GEMM: leading dimension of B is 1, less than its 2 columns.", ld.Message);
        var buffer = Assert.Throws<ArgumentException>(() => Gemm.Multiply(true, false, 3, 2, 2, 1f, new float[5], 3, b, 2, 0f, new float[6], 2));
        Assert.Equal("GEMM: A needs 6 elements for 2×3 with leading dimension 3; its buffer has 5.", buffer.Message);
        var bias = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2, new float[1], GemmActivation.None));
        Assert.Equal("bias", bias.ParamName);
        Assert.StartsWith("GEMM: bias has 1 values but C has 2 columns (pass an empty span for no bias).", bias.Message);
        var activation = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2, new float[2], (GemmActivation)99));
        Assert.Equal("activation", activation.ParamName);
        Assert.StartsWith("Unknown GEMM activation.", activation.Message);
    }

    private static void Check<T>(int m, int n, int k, bool transposeA, bool transposeB, double alpha, double beta, int seed,
        bool fillCWithNaN = false, double tolerance = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Leading dimensions wider than the rows, by an amount that varies with the seed.
        int lda = (transposeA ? m : k) + (seed % 3), ldb = (transposeB ? k : n) + (seed % 4), ldc = n + (seed % 2) + 1;
        T[] a = RandomArray<T>((transposeA ? k : m) * lda, seed), b = RandomArray<T>((transposeB ? n : k) * ldb, seed + 1);
        T[] c0 = fillCWithNaN ? Enumerable.Repeat(T.NaN, m * ldc).ToArray() : RandomArray<T>(m * ldc, seed + 2);
        var (expected, scale) = Reference(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
        T[] c = (T[])c0.Clone();
        Gemm.Multiply(transposeA, transposeB, m, n, k, T.CreateTruncating(alpha), a, lda, b, ldb, T.CreateTruncating(beta), c, ldc);
        string what = $"{typeof(T).Name} {m}×{n}×{k} tA={transposeA} tB={transposeB} α={alpha} β={beta}";
        if (tolerance > 0)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    Assert.True(Math.Abs(double.CreateTruncating(c[i * ldc + j]) - expected[i * ldc + j]) <= tolerance * (1 + scale[i * ldc + j]), what);
                }
            }

            return;
        }

        AssertClose(expected, scale, c, c0, m, n, ldc, k, what);
    }
}
