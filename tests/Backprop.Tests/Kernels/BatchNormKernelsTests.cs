using System.Numerics;
using Backprop.Kernels;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Kernels;

/// <summary>The vectorised batch-normalisation passes equal their scalar formulas bit for bit, in float and
/// double, on awkward shapes (features not a multiple of any vector width).</summary>
public sealed class BatchNormKernelsTests
{
    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 7, 7 }, { 33, 33 }, { 1000, 256 }, { 5, 3 }, { 64, 128 }, { 2, 17 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_passes_equal_the_scalar_formulas(int rows, int features) =>
        Check(rows, features, TestData.Floats(rows * features, 1), TestData.Floats(rows * features, 2), TestData.Floats(features, 3), TestData.Floats(features, 4));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_passes_equal_the_scalar_formulas(int rows, int features) =>
        Check(rows, features, TestData.Doubles(rows * features, 5), TestData.Doubles(rows * features, 6), TestData.Doubles(features, 7), TestData.Doubles(features, 8));

    private static void Check<T>(int rows, int features, T[] x, T[] dy, T[] gamma, T[] beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Statistics.
        var sums = new double[features];
        var expectedSums = new double[features];
        BatchNormKernels.AddColumnSums<T>(x, features, sums);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < features; j++)
            {
                expectedSums[j] += double.CreateTruncating(x[(r * features) + j]);
            }
        }

        Assert.Equal(expectedSums, sums);
        var mean = sums.Select(s => s / rows).ToArray();
        var squares = new double[features];
        var expectedSquares = new double[features];
        BatchNormKernels.AddSquaredDeviations<T>(x, features, mean, squares);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < features; j++)
            {
                double d = double.CreateTruncating(x[(r * features) + j]) - mean[j];
                expectedSquares[j] += d * d;
            }
        }

        Assert.Equal(expectedSquares, squares);
        var inverseStd = squares.Select(s => 1 / Math.Sqrt((s / rows) + 1e-5)).ToArray();

        // Normalisation, with and without γ and β.
        foreach (bool affine in new[] { true, false })
        {
            var xhat = new T[x.Length];
            var y = new T[x.Length];
            var expectedXhat = new T[x.Length];
            var expectedY = new T[x.Length];
            BatchNormKernels.Normalize<T>(x, features, mean, inverseStd, affine ? gamma : default, affine ? beta : default, xhat, y);
            for (int i = 0; i < x.Length; i++)
            {
                int j = i % features;
                expectedXhat[i] = T.CreateChecked((double.CreateTruncating(x[i]) - mean[j]) * inverseStd[j]);
                expectedY[i] = affine ? (gamma[j] * expectedXhat[i]) + beta[j] : expectedXhat[i];
            }

            Assert.Equal(expectedXhat, xhat);
            Assert.Equal(expectedY, y);
        }

        // Gradients.
        var normalized = new T[x.Length];
        BatchNormKernels.Normalize<T>(x, features, mean, inverseStd, default, default, normalized, new T[x.Length]);
        var sumDy = new double[features];
        var sumDyXhat = new double[features];
        var expectedDy = new double[features];
        var expectedDyXhat = new double[features];
        BatchNormKernels.AddGradientSums<T>(dy, normalized, features, sumDy, sumDyXhat);
        for (int i = 0; i < x.Length; i++)
        {
            double d = double.CreateTruncating(dy[i]);
            expectedDy[i % features] += d;
            expectedDyXhat[i % features] += d * double.CreateTruncating(normalized[i]);
        }

        Assert.Equal(expectedDy, sumDy);
        Assert.Equal(expectedDyXhat, sumDyXhat);

        var coefficient = gamma.Select((g, j) => double.CreateTruncating(g) * inverseStd[j] / rows).ToArray();
        var dx = new T[x.Length];
        var expectedDx = new T[x.Length];
        BatchNormKernels.InputGradient<T>(dy, normalized, features, coefficient, rows, sumDy, sumDyXhat, dx);
        for (int i = 0; i < x.Length; i++)
        {
            int j = i % features;
            expectedDx[i] = T.CreateChecked(coefficient[j] * ((rows * double.CreateTruncating(dy[i])) - sumDy[j] - (double.CreateTruncating(normalized[i]) * sumDyXhat[j])));
        }

        Assert.Equal(expectedDx, dx);
        BatchNormKernels.ScaledInputGradient<T>(dy, features, coefficient, dx);
        Assert.Equal(dy.Select((d, i) => T.CreateChecked(coefficient[i % features] * double.CreateTruncating(d))), dx);
    }

    [Fact]
    public void Ragged_spans_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BatchNormKernels.AddColumnSums<float>(new float[10], 3, new double[3]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.AddColumnSums<float>(new float[9], 3, new double[4]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Normalize<float>(new float[9], 3, new double[3], new double[3], default, default, new float[9], new float[8]));
    }
}
