using Backprop.Layers;
using Backprop.Models;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Layers;

/// <summary>Dense fuses bias and activation into the GEMM and computes dz = dy ⊙ f′ from its stored output in the
/// same pass as the bias gradient. Each fused activation (and the unfused path, via elu) is checked against a
/// naive float64 evaluation of the textbook formulas on awkward shapes, including 3-D inputs and accumulation
/// into existing gradients.</summary>
public sealed class DenseFusionTests
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string activation in new[] { "linear", "relu", "tanh", "sigmoid", "swish", "elu" })
        {
            foreach (var (rows, inputs, units) in new[] { (1, 1, 1), (7, 13, 33), (33, 7, 17), (4, 33, 100) })
            {
                data.Add(activation, rows, inputs, units);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_forward_and_backward_match_the_formulas(string activation, int rows, int inputs, int units)
    {
        int seed = rows * 1000 + inputs * 10 + units;
        var layer = new Dense(units, activation: activation, inputShape: [inputs]);
        var model = new Backprop.Models.Sequential(DType.Float64, layer);
        LayerTestKit.Randomize(layer, seed);
        var x = TestData.Tensor(seed + 1, rows, inputs);
        var dy = TestData.Tensor(seed + 2, rows, units);
        double[] w = layer.Kernel.ValueAs<double>().ToArray(), b = layer.Bias!.ValueAs<double>().ToArray();

        var y = layer.Forward(x, training: true).ToArray();
        // Gradients accumulate: start from known non-zero values.
        double[] dw0 = TestData.Doubles(w.Length, seed + 3), db0 = TestData.Doubles(b.Length, seed + 4);
        Tensor.From(dw0, inputs, units).AsSpan().CopyTo(layer.Kernel.GradientAs<double>().AsSpan());
        Tensor.From(db0, units).AsSpan().CopyTo(layer.Bias.GradientAs<double>().AsSpan());
        var dx = layer.Backward(dy).ToArray();

        var expected = Reference(activation, x.ToArray(), w, b, dy.ToArray(), rows, inputs, units);
        AssertClose(expected.Y, y, 1e-12, "y");
        AssertClose(expected.Dx, dx, 1e-12, "dx");
        AssertClose(expected.Dw.Zip(dw0, (g, g0) => g + g0).ToArray(), layer.Kernel.GradientAs<double>().ToArray(), 1e-12, "dW");
        AssertClose(expected.Db.Zip(db0, (g, g0) => g + g0).ToArray(), layer.Bias.GradientAs<double>().ToArray(), 1e-12, "db");
        Assert.NotNull(model);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("swish")]
    public void Float32_three_dimensional_input_matches_the_formulas(string activation)
    {
        const int batch = 3, steps = 5, inputs = 9, units = 19;
        var layer = new Dense(units, activation: activation);
        var x = Tensor.From(TestData.Floats(batch * steps * inputs, 11), batch, steps, inputs);
        layer.Build(new Shape(steps, inputs));
        LayerTestKit.Randomize(layer, 12);
        var dy = Tensor.From(TestData.Floats(batch * steps * units, 13), batch, steps, units);
        var y = layer.Forward(x, training: true).ToDoubleArray();
        layer.Kernel.ZeroGradient();
        layer.Bias!.ZeroGradient();
        var dx = layer.Backward(dy).ToDoubleArray();

        var expected = Reference(activation, x.ToDoubleArray(), layer.Kernel.Value.ToDoubleArray(), layer.Bias.Value.ToDoubleArray(),
            dy.ToDoubleArray(), batch * steps, inputs, units);
        AssertClose(expected.Y, y, 2e-5, "y");
        AssertClose(expected.Dx, dx, 2e-5, "dx");
        AssertClose(expected.Dw, layer.Kernel.Gradient.ToDoubleArray(), 2e-5, "dW");
        AssertClose(expected.Db, layer.Bias.Gradient.ToDoubleArray(), 2e-5, "db");
    }

    private static (double[] Y, double[] Dx, double[] Dw, double[] Db) Reference(
        string activation, double[] x, double[] w, double[] b, double[] dy, int rows, int inputs, int units)
    {
        var y = new double[rows * units];
        var dz = new double[rows * units];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < units; j++)
            {
                double z = b[j];
                for (int i = 0; i < inputs; i++)
                {
                    z += x[r * inputs + i] * w[i * units + j];
                }

                double s = 1 / (1 + Math.Exp(-z));
                (double f, double derivative) = activation switch
                {
                    "linear" => (z, 1.0),
                    "relu" => (Math.Max(z, 0), z > 0 ? 1.0 : 0.0),
                    "tanh" => (Math.Tanh(z), 1 - Math.Tanh(z) * Math.Tanh(z)),
                    "sigmoid" => (s, s * (1 - s)),
                    "swish" => (z * s, s * (1 + z * (1 - s))),
                    "elu" => (z > 0 ? z : Math.Exp(z) - 1, z > 0 ? 1.0 : Math.Exp(z)),
                    _ => throw new ArgumentException(activation),
                };
                y[r * units + j] = f;
                dz[r * units + j] = dy[r * units + j] * derivative;
            }
        }

        var dx = new double[rows * inputs];
        var dw = new double[inputs * units];
        var db = new double[units];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < units; j++)
            {
                double g = dz[r * units + j];
                db[j] += g;
                for (int i = 0; i < inputs; i++)
                {
                    dw[i * units + j] += x[r * inputs + i] * g;
                    dx[r * inputs + i] += g * w[i * units + j];
                }
            }
        }

        return (y, dx, dw, db);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
