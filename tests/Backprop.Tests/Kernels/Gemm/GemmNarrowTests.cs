using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>The narrow route (<see cref="GemmSmall.RunNarrow{T}"/>: at most four column tiles, many rows, A read in
/// place) must give every element exactly the bits of the packed GEMM — training results, and Predict's grouping of
/// batches, rely on the route never showing — and stay within the reference's rounding.</summary>
[Collection(nameof(ThreadCountCollection))]
public class GemmNarrowTests
{
    /// <summary>Widths from 2 to the widest narrow product (edge tiles of every kind), depths of one slice, just
    /// over one (289) and several uneven ones, row counts that leave partial row tiles and row blocks.</summary>
    [Theory]
    [InlineData(9, 2, 5)]
    [InlineData(33, 10, 1000)]
    [InlineData(128, 100, 784)]
    [InlineData(257, 17, 289)]
    [InlineData(1000, 10, 100)]
    [InlineData(97, 128, 300)]
    [InlineData(50, 64, 1)]
    [InlineData(1001, 33, 577)]
    public void Narrow_route_has_the_packed_bits_at_any_thread_count(int m, int n, int k)
    {
        Check<float>(m, n, k);
        Check<double>(m, n, k);
    }

    private static unsafe void Check<T>(int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n > GemmSmall.NarrowColumns<T>())
        {
            return;
        }

        int lda = k + 3, ldb = n + 1, ldc = n + 2;
        T[] a = RandomArray<T>(m * lda, 21), b = RandomArray<T>(k * ldb, 22);
        T[] bias = RandomArray<T>(n, 23);
        T[] c0 = RandomArray<T>(m * ldc, 24);
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return;
        }

        foreach (var (beta, activation) in new[] { (0.0, GemmActivation.None), (1.5, GemmActivation.Relu), (0.0, GemmActivation.Tanh) })
        {
            // The packed path with the kernel the dispatcher uses (any FMA kernel gives the same bits: each element is
            // one FMA chain per slice whatever the vector width).
            T[] packed = (T[])c0.Clone();
            Run(packed, narrow: false);
            var (expected, scale) = Reference(false, false, m, n, k, 0.75, a, lda, b, ldb, beta, c0, ldc);
            if (activation == GemmActivation.None)
            {
                AssertClose(expected, scale, packed, c0, m, n, ldc, k, $"packed {typeof(T).Name}");
            }

            foreach (int threads in new[] { 1, 2, 3 })
            {
                T[] narrow = (T[])c0.Clone();
                WithThreads(threads, () => Run(narrow, narrow: true));
                Assert.Equal(packed, narrow);

                // And through the public entry point, which must route it here or to the packed path: same bits.
                T[] routed = (T[])c0.Clone();
                WithThreads(threads, () => Gemm.Multiply(false, false, m, n, k, T.CreateChecked(0.75), a, lda, b, ldb, T.CreateChecked(beta), routed, ldc, activation == GemmActivation.None ? [] : bias, activation));
                Assert.Equal(packed, routed);
            }

            void Run(T[] c, bool narrow)
            {
                fixed (T* pa = a, pb = b, pc = c, pbias = bias)
                {
                    var call = new GemmCall<T>
                    {
                        M = m, N = n, K = k, Alpha = T.CreateChecked(0.75), Beta = T.CreateChecked(beta),
                        A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc, Bias = activation == GemmActivation.None ? null : pbias, Activation = activation,
                    };
                    if (narrow)
                    {
                        GemmSmall.RunNarrow(call);
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
