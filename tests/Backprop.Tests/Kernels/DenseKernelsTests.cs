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
    public void Swish_forward_is_within_float_rounding_of_the_separate_tensor_primitives_passes(int rows, int columns, bool withBias)
    {
        // What the layer computed before the fused pass: GEMM bias epilogue, TensorPrimitives Sigmoid and Multiply.
        int n = rows * columns;
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
        for (int i = 0; i < n; i++)
        {
            // Ours within 3 ulp of the exact σ, TensorPrimitives' within about 1.5; z·σ adds one rounding to each.
            AssertClose(expectedS[i], s[i], 6 * 6e-8, $"σ[{i}]");
            AssertClose(expectedY[i], y[i], 7 * 6e-8, $"y[{i}]");
        }
    }

    public static TheoryData<string, int, int, bool, bool> BackwardCases()
    {
        var data = new TheoryData<string, int, int, bool, bool>();
        foreach (string kind in new[] { "relu", "tanh", "sigmoid", "swish" })
        {
            foreach (var (rows, columns) in new[] { (0, 5), (1, 1), (7, 1), (3, 15), (33, 16), (2, 33), (32, 32), (5, 47), (2, 1000), (1, 1031) })
            {
                data.Add(kind, rows, columns, true, true);
                data.Add(kind, rows, columns, true, false);
                data.Add(kind, rows, columns, false, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BackwardCases))]
    public void Backward_equals_the_scalar_formula_with_bias_sums_in_row_order(string kind, int rows, int columns, bool withBias, bool overwrite)
    {
        int n = rows * columns;
        int seed = rows * 1000 + columns;
        float[] y = TestData.Floats(n, seed, -2, 2), aux = TestData.Floats(n, seed + 1, 0, 1), dy = TestData.Floats(n, seed + 2);
        float[] bias0 = withBias ? TestData.Floats(columns, seed + 3) : [];
        if (kind is "sigmoid")
        {
            y = aux;
        }

        var (expectedDz, expectedBias) = DenseBackwardReference.Expected(kind, rows, columns, y, aux, dy, bias0, overwrite);
        var dz = new float[n];
        float[] bias = (float[])bias0.Clone();
        DenseBackwardReference.Run(kind, rows, columns, y, aux, dy, dz, bias, overwrite);

        Assert.Equal(expectedDz, dz);
        Assert.Equal(expectedBias, bias);

        // dz may be dy itself.
        float[] inPlace = (float[])dy.Clone();
        bias = (float[])bias0.Clone();
        if (kind == "swish")
        {
            DenseKernels.SwishBackward<float>(rows, columns, y, aux, inPlace, inPlace, bias, overwrite);
            Assert.Equal(expectedDz, inPlace);
            Assert.Equal(expectedBias, bias);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 33)]
    [InlineData(32, 16)]
    [InlineData(15, 1031)]
    public void Swish_backward_matches_float64(int rows, int columns)
    {
        int n = rows * columns;
        double[] z = TestData.Doubles(n, 5, -8, 8), dy = TestData.Doubles(n, 6);
        double[] s = z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
        double[] y = z.Select((v, i) => v * s[i]).ToArray();
        var dz = new double[n];
        var db = new double[columns];
        DenseKernels.SwishBackward<double>(rows, columns, y, s, dy, dz, db, overwriteBias: true);
        var expectedDb = new double[columns];
        for (int i = 0; i < n; i++)
        {
            // d/dz z·σ(z) = σ(z)·(1 + z·(1 − σ(z)))
            double expected = dy[i] * s[i] * (1 + z[i] * (1 - s[i]));
            AssertClose(expected, dz[i], 1e-12, $"dz[{i}]");
            expectedDb[i % columns] += expected;
        }

        for (int j = 0; j < columns; j++)
        {
            Assert.Equal(expectedDb[j], db[j], 1e-10);
        }
    }

    [Theory]
    [InlineData(0, 3, true)]
    [InlineData(1, 1, true)]
    [InlineData(32, 1, false)]
    [InlineData(7, 15, true)]
    [InlineData(33, 16, false)]
    [InlineData(3, 33, true)]
    [InlineData(2, 1031, false)]
    public void Column_sums_add_rows_in_order(int rows, int columns, bool overwrite)
    {
        float[] matrix = TestData.Floats(rows * columns, columns, -1, 1);
        float[] sum0 = TestData.Floats(columns, 9);
        float[] expected = overwrite ? new float[columns] : (float[])sum0.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                expected[j] = overwrite && r == 0 ? matrix[j] : expected[j] + matrix[r * columns + j];
            }
        }

        float[] sum = (float[])sum0.Clone();
        DenseKernels.ColumnSums<float>(rows, columns, matrix, sum, overwrite);
        Assert.Equal(expected, sum);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(33, 1)]
    [InlineData(7, 3)]
    [InlineData(5, 33)]
    [InlineData(2, 1031)]
    public void Add_bias_adds_each_column_its_value(int rows, int columns)
    {
        float[] y0 = TestData.Floats(rows * columns, 11), bias = TestData.Floats(columns, 12);
        float[] y = (float[])y0.Clone();
        DenseKernels.AddBias<float>(rows, columns, y, bias);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(y0[i] + bias[i % columns], y[i]);
        }

        Assert.Throws<ArgumentException>(() => DenseKernels.AddBias<float>(rows, columns, y, new float[columns + 1]));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(32, 16)]
    [InlineData(15, 13)]
    [InlineData(7, 33)]
    [InlineData(3, 1031)]
    public void Outer_product_is_the_rounded_float64_product(int rows, int columns)
    {
        float[] column = TestData.Floats(rows, 21), row = TestData.Floats(columns, 22);
        var result = new float[rows * columns];
        DenseKernels.OuterProduct<float>(column, row, result);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                // A float product is exact in float64, so rounding it once gives the correctly rounded float product.
                Assert.Equal((float)((double)column[r] * row[j]), result[r * columns + j]);
            }
        }

        Assert.Throws<ArgumentException>(() => DenseKernels.OuterProduct<float>(column, row, new float[rows * columns + 1]));
    }

    [Fact]
    public void Swish_forward_rejects_mismatched_spans()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.SwishForward<float>(2, 3, new float[6], new float[2], new float[6]));
        Assert.Throws<ArgumentException>(() => DenseKernels.SwishForward<float>(2, 3, new float[6], default, new float[5]));
    }

    [Fact]
    public void Each_length_error_names_the_kernel_the_span_and_both_sizes()
    {
        // The messages are built in throw helpers apart from the kernels; these pin what they say.
        var swish = Assert.Throws<ArgumentException>(() => DenseKernels.SwishForward<float>(2, 3, new float[6], new float[2], new float[6]));
        Assert.Equal("bias", swish.ParamName);
        Assert.StartsWith("Swish forward: the bias has 2 values for 3 units.", swish.Message);
        var sigma = Assert.Throws<ArgumentException>(() => DenseKernels.SwishForward<float>(2, 3, new float[6], default, new float[5]));
        Assert.Equal("Dense kernel: the σ buffer has 5 values, not 2×3.", sigma.Message);
        var addBias = Assert.Throws<ArgumentException>(() => DenseKernels.AddBias<float>(7, 33, new float[231], new float[34]));
        Assert.StartsWith("Add bias: the bias has 34 values for 33 columns.", addBias.Message);
        var sums = Assert.Throws<ArgumentException>(() => DenseKernels.ColumnSums<double>(7, 33, new double[231], new double[1], false));
        Assert.Equal("sum", sums.ParamName);
        Assert.StartsWith("Column sums: the sum has 1 values for 33 columns.", sums.Message);
        var bias = Assert.Throws<ArgumentException>(() => DenseKernels.ReluBackward<float>(7, 33, new float[231], new float[231], new float[231], new float[32], false));
        Assert.Equal("biasGradient", bias.ParamName);
        Assert.StartsWith("Dense backward: the bias gradient has 32 values for 33 units.", bias.Message);
        var dy = Assert.Throws<ArgumentException>(() => DenseKernels.ReluBackward<float>(7, 33, new float[231], new float[230], new float[231], default, false));
        Assert.Equal("Dense kernel: dy has 230 values, not 7×33.", dy.Message);
    }

    private static void AssertClose(double expected, double actual, double relative, string what)
    {
        // The absolute part covers z < −88.7, where e^(−z) overflows float and σ is 0 (as TensorPrimitives gives):
        // the exact σ there is below 3e-39 and |z·σ| below 4e-37.
        double tolerance = relative * Math.Abs(expected) + 1e-36;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}.");
    }
}
