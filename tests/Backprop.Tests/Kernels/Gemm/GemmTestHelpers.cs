using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>Random operands and the float64 reference every GEMM/GEMV test compares against.</summary>
internal static class GemmTestHelpers
{
    /// <summary>Uniform values in [-1, 1) from a seeded generator (test data only).</summary>
    public static T[] RandomArray<T>(int length, int seed)
        where T : IFloatingPointIeee754<T>
    {
        var random = new System.Random(seed);
        var values = new T[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    public static double[] ToDouble<T>(T[] values)
        where T : IFloatingPointIeee754<T> => values.Select(v => double.CreateTruncating(v)).ToArray();

    /// <summary>The naive float64 loop (<see cref="GemmReference"/>) on exact double copies of the operands,
    /// plus the same loop on absolute values: the scale |α|·Σ|a||b| + |β|·|c| that bounds the rounding error.</summary>
    public static (double[] Expected, double[] Scale) Reference<T>(
        bool transposeA, bool transposeB, int m, int n, int k, double alpha, T[] a, int lda, T[] b, int ldb, double beta, T[] c, int ldc)
        where T : IFloatingPointIeee754<T>
    {
        double[] expected = ToDouble(c), scale = ToDouble(c).Select(Math.Abs).ToArray();
        if (beta == 0)
        {
            // β = 0 must not read C (which may hold NaN).
            Array.Clear(expected);
            Array.Clear(scale);
        }

        GemmReference.Multiply(transposeA, transposeB, m, n, k, alpha, ToDouble(a), lda, ToDouble(b), ldb, beta, expected, ldc);
        GemmReference.Multiply(transposeA, transposeB, m, n, k, Math.Abs(alpha), ToDouble(a).Select(Math.Abs).ToArray(), lda,
            ToDouble(b).Select(Math.Abs).ToArray(), ldb, Math.Abs(beta), scale, ldc);
        return (expected, scale);
    }

    /// <summary>Unit roundoff of T.</summary>
    public static double Epsilon<T>()
        where T : IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? 6e-8 : 1.2e-16;

    /// <summary>Asserts every element of the m×n block of <paramref name="actual"/> is within the forward error bound
    /// of a length-k dot product, 2·(k + 4)·u·scale, of the reference, and that the brief's global measure
    /// max|C − ref| / max|ref| stays below 1e-5 (float) or 1e-12 (double). Elements outside the block (padding of
    /// the leading dimension) must be untouched.</summary>
    public static void AssertClose<T>(double[] expected, double[] scale, T[] actual, T[] original, int m, int n, int ldc, int k, string what)
        where T : IFloatingPointIeee754<T>
    {
        double u = Epsilon<T>(), maxError = 0, maxReference = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int at = i * ldc + j;
                double got = double.CreateTruncating(actual[at]);
                double error = Math.Abs(got - expected[at]);
                double bound = (2.0 * (k + 4) * u * scale[at]) + 1e-300;
                if (!(error <= bound))
                {
                    Assert.Fail($"{what}: C[{i},{j}] = {got:R}, reference {expected[at]:R}, error {error:G3} > bound {bound:G3}.");
                }

                maxError = Math.Max(maxError, error);
                maxReference = Math.Max(maxReference, Math.Abs(expected[at]));
            }

            for (int j = n; j < ldc && i * ldc + j < actual.Length; j++)
            {
                int at = i * ldc + j;
                Assert.True(actual[at].Equals(original[at]) || (T.IsNaN(actual[at]) && T.IsNaN(original[at])),
                    $"{what}: padding C[{i},{j}] was overwritten.");
            }
        }

        double relative = maxReference == 0 ? maxError : maxError / maxReference;
        Assert.True(relative < (typeof(T) == typeof(float) ? 1e-5 : 1e-12), $"{what}: max|C−ref|/max|ref| = {relative:G3}.");
    }

    /// <summary>Runs <paramref name="action"/> with <see cref="Parallelism.ThreadCount"/> set, restoring it after.</summary>
    public static void WithThreads(int threads, Action action)
    {
        int saved = Parallelism.ThreadCount;
        Parallelism.ThreadCount = threads;
        try
        {
            action();
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }
}
