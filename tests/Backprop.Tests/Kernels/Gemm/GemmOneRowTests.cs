using System.Numerics;
using System.Runtime.Intrinsics.X86;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>A one-row product (the GEMV route) sums its depth in the packed GEMM's slices, so each row of a
/// many-row packed product has exactly the bits of the same row computed alone; <c>Predict</c> relies on this to
/// group batches of one row.</summary>
[Collection(nameof(ThreadCountCollection))]
public class GemmOneRowTests
{
    [Theory]
    [InlineData(1, 33)]
    [InlineData(7, 100)]
    [InlineData(240, 17)]
    [InlineData(241, 64)]
    [InlineData(288, 1000)]
    [InlineData(289, 37)]
    [InlineData(784, 1000)]
    [InlineData(1031, 7)]
    [InlineData(8192, 300)]
    public void A_row_alone_equals_that_row_of_a_packed_product(int k, int n)
    {
        if (!Fma.IsSupported || GemmPacked.Kind == GemmKernelKind.Portable)
        {
            return; // without FMA the two routes are not meant to agree (Predict then never groups single rows)
        }

        Check<float>(k, n, alpha: 1, beta: 0);
        Check<float>(k, n, alpha: 0.5, beta: 1.5);
        Check<double>(k, n, alpha: 1, beta: 0);
    }

    private static void Check<T>(int k, int n, double alpha, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // 300 rows: a packed product at every depth here (more rows than a few-row tile, more work than a small GEMM).
        const int m = 300;
        T a0 = T.CreateTruncating(alpha), b0 = T.CreateTruncating(beta);
        T[] a = RandomArray<T>(m * k, k + n), b = RandomArray<T>(k * n, k * n), c0 = RandomArray<T>(m * n, n);
        T[] bias = RandomArray<T>(n, 5);
        var many = (T[])c0.Clone();
        Gemm.Multiply(false, false, m, n, k, a0, a, k, b, n, b0, many, n, bias, GemmActivation.Relu);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            WithThreads(threads, () =>
            {
                foreach (int row in new[] { 0, 1, m / 2, m - 1 })
                {
                    var one = c0.AsSpan(row * n, n).ToArray();
                    Gemm.Multiply(false, false, 1, n, k, a0, a.AsSpan(row * k, k), k, b, n, b0, one, n, bias, GemmActivation.Relu);
                    int differ = 0, first = -1;
                    for (int j = 0; j < n; j++)
                    {
                        if (!one[j].Equals(many[(row * n) + j]))
                        {
                            differ++;
                            first = first < 0 ? j : first;
                        }
                    }

                    Assert.True(differ == 0,
                        $"{typeof(T).Name} k={k} n={n} α={alpha} β={beta} row {row}, {threads} thread(s): {differ} of {n} elements differ from the packed product's row (first at column {first}: {(first < 0 ? default : one[first])} against {(first < 0 ? default : many[(row * n) + first])}).");
                }
            });
        }
    }
}
