using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>The panel route (<see cref="GemmSmall.RunPanels{T}"/>: few rows, wider than the narrow route, B read in
/// place panel by panel, bias and ReLU epilogues only) must give every element exactly the bits of the packed GEMM —
/// a Dense layer's forward product takes it or not depending on the batch size and thread count — and stay within the
/// reference's rounding.</summary>
[Collection(nameof(ThreadCountCollection))]
public class GemmPanelTests
{
    /// <summary>Widths just over one panel, several uneven panels and a partial last tile; depths of one slice, just
    /// over one (289) and several uneven ones; row counts of one, partial row tiles and row blocks, and 256.</summary>
    [Theory]
    [InlineData(9, 129, 5)]
    [InlineData(1, 200, 50)]
    [InlineData(33, 1000, 784)]
    [InlineData(128, 1000, 784)]
    [InlineData(7, 300, 289)]
    [InlineData(256, 257, 577)]
    [InlineData(100, 1001, 33)]
    [InlineData(64, 513, 1)]
    public void Panel_route_has_the_packed_bits_at_any_thread_count(int m, int n, int k)
    {
        Check<float>(m, n, k);
        Check<double>(m, n, k);
    }

    private static unsafe void Check<T>(int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return;
        }

        int lda = k + 3, ldb = n + 1, ldc = n + 2;
        T[] a = RandomArray<T>(m * lda, 31), b = RandomArray<T>(k * ldb, 32);
        T[] bias = RandomArray<T>(n, 33);
        T[] c0 = RandomArray<T>(m * ldc, 34);
        foreach (var (beta, activation) in new[] { (0.0, GemmActivation.None), (1.5, GemmActivation.Relu), (0.0, GemmActivation.Relu), (0.0, GemmActivation.Sigmoid) })
        {
            T[] packed = (T[])c0.Clone();
            Run(packed, panels: false);
            var (expected, scale) = Reference(false, false, m, n, k, 0.75, a, lda, b, ldb, beta, c0, ldc);
            if (activation == GemmActivation.None)
            {
                AssertClose(expected, scale, packed, c0, m, n, ldc, k, $"packed {typeof(T).Name}");
            }

            foreach (int threads in new[] { 1, 2, 3 })
            {
                // Sigmoid and tanh epilogues never take the route (a panel's short last span would round differently).
                if (activation is GemmActivation.None or GemmActivation.Relu)
                {
                    T[] panel = (T[])c0.Clone();
                    WithThreads(threads, () => Run(panel, panels: true));
                    Assert.Equal(packed, panel);
                }

                // Through the public entry point, whichever route it takes: the same bits (the small route, one FMA
                // chain over the whole depth, is the one route with bits of its own).
                if (!GemmSmall.Takes(m, n, k, transposeB: false))
                {
                    T[] routed = (T[])c0.Clone();
                    WithThreads(threads, () => Gemm.Multiply(false, false, m, n, k, T.CreateChecked(0.75), a, lda, b, ldb, T.CreateChecked(beta), routed, ldc, activation == GemmActivation.None ? [] : bias, activation));
                    Assert.Equal(packed, routed);
                }
            }

            if (activation is not (GemmActivation.None or GemmActivation.Relu))
            {
                continue;
            }

            // The elements outside C's columns (the padding of each row) are never written.
            T[] padded = (T[])c0.Clone();
            Run(padded, panels: true);
            for (int i = 0; i < m; i++)
            {
                for (int j = n; j < ldc; j++)
                {
                    Assert.Equal(c0[i * ldc + j], padded[i * ldc + j]);
                }
            }

            void Run(T[] c, bool panels)
            {
                fixed (T* pa = a, pb = b, pc = c, pbias = bias)
                {
                    var call = new GemmCall<T>
                    {
                        M = m, N = n, K = k, Alpha = T.CreateChecked(0.75), Beta = T.CreateChecked(beta),
                        A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc, Bias = activation == GemmActivation.None ? null : pbias, Activation = activation,
                    };
                    if (panels)
                    {
                        GemmSmall.RunPanels(call);
                    }
                    else
                    {
                        GemmPacked.Run(call, GemmPacked.Kind);
                    }
                }
            }
        }
    }
}
