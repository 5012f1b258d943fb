using System.Numerics.Tensors;
using Backprop.Kernels;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Kernels;

/// <summary>The fused Dense element-wise kernels against float64 formulas, and against the separate
/// TensorPrimitives passes they replace (bit for bit).</summary>
public sealed class DenseKernelsTests
{
    public static TheoryData<int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var (rows, columns) in new[] { (1, 1), (1, 7), (3, 15), (7, 16), (2, 33), (5, 32), (1, 1000), (3, 1031) })
        {
            data.Add(rows, columns, true);
            data.Add(rows, columns, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Swish_forward_matches_float64_and_keeps_sigma(int rows, int columns, bool withBias)
    {
        // Wide range: saturated σ at both ends and the exp overflow/underflow fix-ups (|z| > 87) included.
        float[] product = TestData.Floats(rows * columns, rows * 100 + columns, -120, 120);
        float[] bias = withBias ? TestData.Floats(columns, 7, -2, 2) : [];
        float[] y = (float[])product.Clone();
        var s = new float[product.Length];
        DenseKernels.SwishForward<float>(rows, columns, y, bias, s);

        double[] yd = product.Select(v => (double)v).ToArray();
        var sd = new double[yd.Length];
        DenseKernels.SwishForward<double>(rows, columns, yd, withBias ? bias.Select(v => (double)v).ToArray() : [], sd);
        for (int i = 0; i < product.Length; i++)
        {
            double z = withBias ? (double)(product[i] + bias[i % columns]) : product[i];
            double sigma = 1 / (1 + Math.Exp(-z));
            AssertClose(sigma, s[i], 4e-7, $"σ[{i}] (z = {z})");
            AssertClose(z * sigma, y[i], 4e-7, $"y[{i}] (z = {z})");
            double z64 = withBias ? (double)product[i] + bias[i % columns] : product[i];
            double sigma64 = 1 / (1 + Math.Exp(-z64));
            AssertClose(sigma64, sd[i], 1e-15, $"float64 σ[{i}]");
            AssertClose(z64 * sigma64, yd[i], 1e-15, $"float64 y[{i}]");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Swish_forward_equals_the_separate_bias_sigmoid_and_multiply_passes(int rows, int columns, bool withBias)
    {
        int n = rows * columns;
        if (n < 16)
        {
            // TensorPrimitives computes spans shorter than a vector with the scalar float.Exp, not the vector one.
            return;
        }

        float[] product = TestData.Floats(n, n + columns, -12, 12);
        float[] bias = withBias ? TestData.Floats(columns, 3) : [];
        float[] expectedY = (float[])product.Clone();
        if (withBias)
        {
            for (int r = 0; r < rows; r++)
            {
                TensorPrimitives.Add(expectedY.AsSpan(r * columns, columns), bias, expectedY.AsSpan(r * columns, columns));
            }
        }

        var expectedS = new float[n];
        TensorPrimitives.Sigmoid(expectedY, expectedS);
        TensorPrimitives.Multiply(expectedY, expectedS, expectedY);

        float[] y = (float[])product.Clone();
        var s = new float[n];
        DenseKernels.SwishForward<float>(rows, columns, y, bias, s);
        Assert.Equal(expectedS, s);
        Assert.Equal(expectedY, y);
    }

    [Fact]
    public void Swish_forward_rejects_mismatched_spans()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.SwishForward<float>(2, 3, new float[6], new float[2], new float[6]));
        Assert.Throws<ArgumentException>(() => DenseKernels.SwishForward<float>(2, 3, new float[6], default, new float[5]));
    }

    private static void AssertClose(double expected, double actual, double relative, string what)
    {
        // The absolute part covers z < −88.7, where e^(−z) overflows float and σ is 0 (as TensorPrimitives gives):
        // the exact σ there is below 3e-39 and |z·σ| below 4e-37.
        double tolerance = relative * Math.Abs(expected) + 1e-36;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}.");
    }
}
