using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>What the narrow and panel routes both promise: every element of C has exactly the packed GEMM's bits
/// (training results, and Predict's grouping of batches, rely on the route never showing), at any thread count,
/// through the route itself and through the public entry point; the packed result is within the float64 reference's
/// rounding; and the padding past C's columns is never written.</summary>
internal static unsafe class GemmRouteBits
{
    /// <summary>Runs one route on a prepared call (its pointers fixed by the caller).</summary>
    public delegate void Route<T>(in GemmCall<T> call)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Checks <paramref name="route"/> on an m×n×k product with padded leading dimensions, for each
    /// (β, epilogue) case; the route itself runs only for the epilogues it accepts (<paramref name="takes"/>).
    /// Returns how many results of the route were compared with the packed path's (0 without FMA, where the packed
    /// kernels differ).</summary>
    public static int Check<T>(int m, int n, int k, int seed, (double Beta, GemmActivation Activation)[] cases, Func<GemmActivation, bool> takes, Route<T> route)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return 0;
        }

        int compared = 0;

        int lda = k + 3, ldb = n + 1, ldc = n + 2;
        T[] a = RandomArray<T>(m * lda, seed), b = RandomArray<T>(k * ldb, seed + 1);
        T[] bias = RandomArray<T>(n, seed + 2);
        T[] c0 = RandomArray<T>(m * ldc, seed + 3);
        foreach (var (beta, activation) in cases)
        {
            // The packed path with the kernel the dispatcher uses (any FMA kernel gives the same bits: each element is
            // one FMA chain per slice whatever the vector width).
            T[] packed = (T[])c0.Clone();
            Run(packed, viaRoute: false);
            var (expected, scale) = Reference(false, false, m, n, k, 0.75, a, lda, b, ldb, beta, c0, ldc);
            if (activation == GemmActivation.None)
            {
                AssertClose(expected, scale, packed, c0, m, n, ldc, k, $"packed {typeof(T).Name}");
            }

            foreach (int threads in new[] { 1, 2, 3 })
            {
                if (takes(activation))
                {
                    T[] routed = (T[])c0.Clone();
                    WithThreads(threads, () => Run(routed, viaRoute: true));
                    Assert.Equal(packed, routed);
                    compared++;
                }

                // Through the public entry point, whichever route it takes: the same bits (the small route, one FMA
                // chain over the whole depth, has bits of its own once the depth spans several slices).
                if (!GemmSmall.Takes(m, n, k, transposeB: false) || GemmPacked.SliceDepth<T>(k) == k)
                {
                    T[] entry = (T[])c0.Clone();
                    WithThreads(threads, () => Gemm.Multiply(false, false, m, n, k, T.CreateChecked(0.75), a, lda, b, ldb, T.CreateChecked(beta), entry, ldc,
                        activation == GemmActivation.None ? [] : bias, activation));
                    Assert.Equal(packed, entry);
                }
            }

            if (takes(activation))
            {
                // The padding past C's n columns in each row is never written.
                T[] padded = (T[])c0.Clone();
                Run(padded, viaRoute: true);
                for (int i = 0; i < m; i++)
                {
                    for (int j = n; j < ldc; j++)
                    {
                        Assert.Equal(c0[i * ldc + j], padded[i * ldc + j]);
                    }
                }
            }

            void Run(T[] c, bool viaRoute)
            {
                fixed (T* pa = a, pb = b, pc = c, pbias = bias)
                {
                    var call = new GemmCall<T>
                    {
                        M = m, N = n, K = k, Alpha = T.CreateChecked(0.75), Beta = T.CreateChecked(beta),
                        A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc, Bias = activation == GemmActivation.None ? null : pbias, Activation = activation,
                    };
                    if (viaRoute)
                    {
                        route(call);
                    }
                    else
                    {
                        GemmPacked.Run(call, GemmPacked.Kind);
                    }
                }
            }
        }

        return compared;
    }
}
