using System.Numerics;
using Backprop.Kernels;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Kernels;

/// <summary>The vectorised, register-blocked and threaded batch-normalisation passes equal their scalar formulas
/// (naive loops over rows in order, in double) bit for bit, in float and double, on awkward shapes (features not
/// a multiple of any vector width or block: 24 leaves one lone AVX-512 vector after the pairs of the element-wise
/// passes), at one, two and three threads, with sums that start non-zero. Run also with DOTNET_EnableAVX512=0
/// (AVX), DOTNET_EnableAVX2=0 (128-bit) and DOTNET_EnableHWIntrinsic=0 (scalar) to cover the other widths.</summary>
[Collection(nameof(ThreadCountCollection))]
public sealed class BatchNormKernelsTests
{
    private static readonly int[] s_threadCounts = [1, 2, 3];

    public static TheoryData<int, int> Shapes()
    {
        var shapes = new TheoryData<int, int>();
        foreach (int rows in new[] { 1, 2, 7, 33, 1000 })
        {
            foreach (int features in new[] { 1, 3, 7, 16, 24, 33, 256, 1031 })
            {
                shapes.Add(rows, features);
            }
        }

        return shapes;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_passes_equal_the_scalar_formulas(int rows, int features) =>
        Check<float>(rows, features, (n, seed) => TestData.Floats(n, seed));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_passes_equal_the_scalar_formulas(int rows, int features) =>
        Check<double>(rows, features, (n, seed) => TestData.Doubles(n, seed));

    private static void Check<T>(int rows, int features, Func<int, int, T[]> random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = rows * features;
        T[] x = random(length, 1), dy = random(length, 2), xhat = random(length, 3);
        T[] gamma = random(features, 4), beta = random(features, 5);
        double[] start = TestData.Doubles(features, 6), start2 = TestData.Doubles(features, 7);
        double[] mean = TestData.Doubles(features, 8, -1, 1), inverseStd = TestData.Doubles(features, 9, 0.1, 3);
        double[] coefficient = TestData.Doubles(features, 10), sumDy = TestData.Doubles(features, 11, -30, 30);
        double[] sumDyXhat = TestData.Doubles(features, 12, -30, 30);

        // The formulas of the summaries, as naive loops: rows in order, each term added to the running sum.
        var expectedColumnSums = (double[])start.Clone();
        var expectedSquares = (double[])start.Clone();
        var expectedSumDy = (double[])start.Clone();
        var expectedSumDyXhat = (double[])start2.Clone();
        var expectedDx = new T[length];
        var expectedScaledDx = new T[length];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < features; j++)
            {
                int i = (r * features) + j;
                double xi = double.CreateTruncating(x[i]), dyi = double.CreateTruncating(dy[i]), hi = double.CreateTruncating(xhat[i]);
                expectedColumnSums[j] += xi;
                double d = xi - mean[j];
                expectedSquares[j] += d * d;
                expectedSumDy[j] += dyi;
                expectedSumDyXhat[j] += dyi * hi;
                expectedDx[i] = T.CreateChecked(coefficient[j] * ((rows * dyi) - sumDy[j] - (hi * sumDyXhat[j])));
                expectedScaledDx[i] = T.CreateChecked(coefficient[j] * dyi);
            }
        }

        int saved = Parallelism.ThreadCount;
        try
        {
            foreach (int threads in s_threadCounts)
            {
                Parallelism.ThreadCount = threads;
                var sums = (double[])start.Clone();
                BatchNormKernels.AddColumnSums<T>(x, features, sums);
                Assert.Equal(expectedColumnSums, sums);

                sums = (double[])start.Clone();
                BatchNormKernels.AddSquaredDeviations<T>(x, features, mean, sums);
                Assert.Equal(expectedSquares, sums);

                var gotSumDy = (double[])start.Clone();
                var gotSumDyXhat = (double[])start2.Clone();
                BatchNormKernels.AddGradientSums<T>(dy, xhat, features, gotSumDy, gotSumDyXhat);
                Assert.Equal(expectedSumDy, gotSumDy);
                Assert.Equal(expectedSumDyXhat, gotSumDyXhat);

                var dx = new T[length];
                BatchNormKernels.InputGradient<T>(dy, xhat, features, coefficient, rows, sumDy, sumDyXhat, dx);
                Assert.Equal(expectedDx, dx);

                BatchNormKernels.ScaledInputGradient<T>(dy, features, coefficient, dx);
                Assert.Equal(expectedScaledDx, dx);

                CheckNormalize(rows, features, x, mean, inverseStd, gamma, beta);
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    // Every combination of γ and β (each has its own loop).
    private static void CheckNormalize<T>(int rows, int features, T[] x, double[] mean, double[] inverseStd, T[] gamma, T[] beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (bool scale in new[] { true, false })
        {
            foreach (bool shift in new[] { true, false })
            {
                var expectedXhat = new T[x.Length];
                var expectedY = new T[x.Length];
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < features; j++)
                    {
                        int i = (r * features) + j;
                        T normalized = T.CreateChecked((double.CreateTruncating(x[i]) - mean[j]) * inverseStd[j]);
                        expectedXhat[i] = normalized;
                        T scaled = scale ? gamma[j] * normalized : normalized;
                        expectedY[i] = shift ? scaled + beta[j] : scaled;
                    }
                }

                var xhat = new T[x.Length];
                var y = new T[x.Length];
                BatchNormKernels.Normalize<T>(x, features, mean, inverseStd, scale ? gamma : default, shift ? beta : default, xhat, y);
                Assert.Equal(expectedXhat, xhat);
                Assert.Equal(expectedY, y);
            }
        }
    }

    /// <summary>After warm-up no pass allocates, on one thread or split over two.</summary>
    [Fact]
    public void Passes_do_not_allocate_after_warm_up()
    {
        const int rows = 1000, features = 256;
        float[] x = TestData.Floats(rows * features, 1), dy = TestData.Floats(rows * features, 2);
        float[] xhat = new float[rows * features], y = new float[rows * features], dx = new float[rows * features];
        float[] gamma = TestData.Floats(features, 3), beta = TestData.Floats(features, 4);
        double[] mean = new double[features], inverseStd = new double[features], sums = new double[features], sums2 = new double[features];
        Array.Fill(inverseStd, 1.5);

        void RunAll()
        {
            for (int threads = 1; threads <= 2; threads++)
            {
                Parallelism.ThreadCount = threads;
                BatchNormKernels.AddColumnSums<float>(x, features, sums);
                BatchNormKernels.AddSquaredDeviations<float>(x, features, mean, sums);
                BatchNormKernels.Normalize<float>(x, features, mean, inverseStd, gamma, beta, xhat, y);
                BatchNormKernels.AddGradientSums<float>(dy, xhat, features, sums, sums2);
                BatchNormKernels.InputGradient<float>(dy, xhat, features, inverseStd, rows, sums, sums2, dx);
                BatchNormKernels.ScaledInputGradient<float>(dy, features, inverseStd, dx);
            }
        }

        int saved = Parallelism.ThreadCount;
        try
        {
            RunAll();

            // The least of three rounds, as in AllocationTests: a test running in parallel may grow the shared worker
            // pool (which allocates on the thread that needs the new workers) during one of them.
            Assert.Equal(0, Allocations.By(RunAll));
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    [Fact]
    public void Ragged_spans_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BatchNormKernels.AddColumnSums<float>(new float[10], 3, new double[3]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.AddColumnSums<float>(new float[9], 3, new double[4]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Normalize<float>(new float[9], 3, new double[3], new double[3], default, default, new float[9], new float[8]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Normalize<float>(new float[9], 3, new double[3], new double[3], new float[2], default, new float[9], new float[9]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Normalize<float>(new float[9], 3, new double[3], new double[3], default, new float[4], new float[9], new float[9]));
    }
}
