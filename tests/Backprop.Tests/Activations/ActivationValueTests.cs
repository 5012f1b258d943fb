using System.Globalization;
using Backprop.Activations;
using Backprop.Kernels;

namespace Backprop.Tests.Activations;

/// <summary>Values and derivatives against torch autograd in float64 (Fixtures/make_activation_fixtures.py), erf
/// against Python's math.erf, and the behaviour Keras specifies.</summary>
public class ActivationValueTests
{
    private static IEnumerable<string[]> Rows(string file) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)).Skip(1).Select(line => line.Split(','));

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Values_and_derivatives_match_torch_autograd()
    {
        int checkedRows = 0;
        foreach (var row in Rows("activation_values.csv"))
        {
            Activation activation = row[0] == "gelu_tanh" ? new Gelu(approximate: true) : Activation.Get(row[0]);
            double x = Parse(row[1]);
            double expectedY = Parse(row[2]);
            double expectedDerivative = Parse(row[3]);
            var xs = Tensor<double>.Wrap([x], new Shape(1, 1));
            var ys = new Tensor<double>(new Shape(1, 1));
            activation.Forward(xs, ys);
            var dx = new Tensor<double>(new Shape(1, 1));
            activation.Backward(xs, ys, Tensor<double>.Wrap([1.0], new Shape(1, 1)), dx);
            double y = ys.AsSpan()[0];
            double d = dx.AsSpan()[0];
            Assert.True(Math.Abs(y - expectedY) <= 1e-14 * (1 + Math.Abs(expectedY)), $"{row[0]}({x}) = {y:R}, torch {expectedY:R}");
            // torch's hardsigmoid/hardswish backward kernels use the float32 constant 1/6.
            double derivativeTolerance = row[0].StartsWith("hard_", StringComparison.Ordinal) ? 1e-7 : 1e-13;
            Assert.True(Math.Abs(d - expectedDerivative) <= derivativeTolerance * (1 + Math.Abs(expectedDerivative)), $"{row[0]}'({x}) = {d:R}, torch {expectedDerivative:R}");
            checkedRows++;
        }

        Assert.True(checkedRows >= 150);
    }

    [Fact]
    public void Erf_and_erfc_match_python_math_to_a_few_ulps()
    {
        foreach (var row in Rows("erf_values.csv"))
        {
            double x = Parse(row[0]);
            double erf = Parse(row[1]);
            double erfc = Parse(row[2]);
            Assert.True(Math.Abs(SpecialFunctions.Erf(x) - erf) <= 2e-15 * Math.Max(Math.Abs(erf), 1e-300), $"erf({x}) = {SpecialFunctions.Erf(x):R}, expected {erf:R}");
            // erfc is relative-accurate in both tails; between 0.5 and 2.5 it is 1 − erf (absolute ≈1e-15).
            double tolerance = x is > 0.5 and < 2.5 ? 1e-15 : 4e-15 * erfc;
            Assert.True(Math.Abs(SpecialFunctions.Erfc(x) - erfc) <= tolerance, $"erfc({x}) = {SpecialFunctions.Erfc(x):R}, expected {erfc:R}");
        }

        Assert.Equal(0.0, SpecialFunctions.Erf(0.0));
        Assert.Equal(1.0, SpecialFunctions.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    public void Log_softmax_rows_match_float64_forward_and_backward_with_dx_over_dy(int columns)
    {
        var random = new System.Random(columns);
        int rows = 3;
        double[] x = Enumerable.Range(0, rows * columns).Select(_ => (random.NextDouble() * 40) - 20).ToArray();
        double[] dy = Enumerable.Range(0, rows * columns).Select(_ => random.NextDouble() - 0.5).ToArray();
        var shape = new Shape(rows, columns);
        var activation = new LogSoftmax();
        var xs = Tensor<float>.Wrap(Array.ConvertAll(x, v => (float)v), shape);
        var ys = new Tensor<float>(shape);
        activation.Forward(xs, ys);
        var dys = Tensor<float>.Wrap(Array.ConvertAll(dy, v => (float)v), shape);
        activation.Backward(xs, ys, dys, dys);
        for (int r = 0; r < rows; r++)
        {
            double max = Enumerable.Range(0, columns).Max(c => (double)xs[r, c]);
            double logSum = Math.Log(Enumerable.Range(0, columns).Sum(c => Math.Exp(xs[r, c] - max)));
            double dySum = Enumerable.Range(0, columns).Sum(c => (double)(float)dy[(r * columns) + c]);
            for (int c = 0; c < columns; c++)
            {
                double want = xs[r, c] - max - logSum;
                Assert.True(Math.Abs(ys[r, c] - want) <= 4e-6 * (1 + Math.Abs(want)), $"log_softmax[{r},{c}] = {ys[r, c]}, want {want}");
                double wantDx = (float)dy[(r * columns) + c] - (Math.Exp(want) * dySum);
                Assert.True(Math.Abs(dys[r, c] - wantDx) <= 1e-5 * (1 + Math.Abs(dySum)), $"dx[{r},{c}] = {dys[r, c]}, want {wantDx}");
            }
        }
    }

    [Fact]
    public void Softmax_is_stable_at_huge_logits_and_rows_sum_to_one()
    {
        var x = Tensor<double>.Wrap([1e4, -1e4, 0, 1e4, 1e4, -1e4], new Shape(2, 3));
        var y = new Tensor<double>(x.Shape);
        new Softmax().Forward(x, y);
        Assert.Equal([1, 0, 0, 0.5, 0.5, 0], y.ToArray());
        var logY = new Tensor<double>(x.Shape);
        new LogSoftmax().Forward(x, logY);
        Assert.Equal(0, logY[0, 0]);
        Assert.Equal(-2e4, logY[0, 1]);
        Assert.Equal(-Math.Log(2), logY[1, 0], 14);
        var dx = new Tensor<double>(x.Shape);
        new Softmax().Backward(x, y, Tensor<double>.Wrap([1, 2, 3, 4, 5, 6], x.Shape), dx);
        Assert.All(dx.ToArray(), v => Assert.True(double.IsFinite(v)));
        // Row 2: y = (½, ½, 0), dy = (4, 5, 6): Σdy·y = 4.5, dx = y ⊙ (dy − 4.5) = (−¼, ¼, 0).
        Assert.Equal([0, 0, 0, -0.25, 0.25, 0], dx.ToArray());
    }

    [Fact]
    public void Softmax_backward_matches_the_full_jacobian()
    {
        double[] x = [0.3, -1.2, 2.0, 0.5];
        double[] dy = [0.7, -0.1, 0.4, 1.3];
        var y = new Tensor<double>(new Shape(1, 4));
        new Softmax().Forward(Tensor<double>.Wrap(x, new Shape(1, 4)), y);
        var dx = new Tensor<double>(new Shape(1, 4));
        new Softmax().Backward(Tensor<double>.Wrap(x, new Shape(1, 4)), y, Tensor<double>.Wrap(dy, new Shape(1, 4)), dx);
        for (int k = 0; k < 4; k++)
        {
            double expected = 0;
            for (int j = 0; j < 4; j++)
            {
                expected += dy[j] * y[0, j] * ((j == k ? 1 : 0) - y[0, k]);
            }

            Assert.Equal(expected, dx[0, k], 14);
        }
    }

    [Theory]
    [InlineData("leaky_relu", -2.0, -0.4)]   // keras.activations.leaky_relu default slope 0.2
    [InlineData("hard_sigmoid", 1.5, 0.75)]  // Keras 3: relu6(x + 3)/6
    [InlineData("selu", -1.0, -1.1113307378125628)]
    [InlineData("selu", 2.0, 2.1014019747109610)]
    [InlineData("elu", -1.0, -0.63212055882855767)]
    [InlineData("swish", 1.0, 0.7310585786300049)]
    [InlineData("silu", 1.0, 0.7310585786300049)]
    [InlineData("softplus", 800.0, 800.0)]
    [InlineData("softplus", -800.0, 0.0)]
    [InlineData("gelu", 1.0, 0.8413447460685429)]
    [InlineData("softsign", 3.0, 0.75)]
    [InlineData("relu6", 7.5, 6.0)]
    public void Hand_values_follow_Keras(string name, double x, double expected)
    {
        var y = new Tensor<double>(new Shape(1));
        Activation.Get(name).Forward(Tensor<double>.Wrap([x], new Shape(1)), y);
        Assert.Equal(expected, y[0], 14);
    }

    [Fact]
    public void Relu_options_follow_Keras_static_call()
    {
        var relu = new Relu(negativeSlope: 0.1, maxValue: 2, threshold: 0.5);
        double[] x = [-1, 0.25, 0.75, 3];
        var y = new Tensor<double>(new Shape(4));
        relu.Forward(Tensor<double>.Wrap(x, new Shape(4)), y);
        // below the threshold: 0.1·(x − 0.5); above: min(x, 2)
        Assert.Equal([-0.15, -0.025, 0.75, 2], y.ToArray().Select(v => Math.Round(v, 12)).ToArray());
    }

    [Fact]
    public void Names_and_aliases_resolve_and_unknown_names_list_valid_ones()
    {
        Assert.Equal("silu", Activation.Get("silu").Name);
        Assert.Equal("swish", Activation.Get("SWISH").Name);
        Assert.IsType<Swish>(Activation.Get("silu"));
        Activation fromString = "gelu";
        Assert.IsType<Gelu>(fromString);
        var error = Assert.Throws<ArgumentException>(() => Activation.Get("relux"));
        Assert.Contains("relux", error.Message);
        Assert.Contains("relu", error.Message);
        Assert.Contains("softmax", error.Message);
        Assert.Contains("gelu", error.Message);
    }

    [Fact]
    public void Mismatched_shapes_and_bad_arguments_are_rejected_with_the_values()
    {
        var error = Assert.Throws<ShapeMismatchException>(() => new Sigmoid().Forward(new Tensor<double>(2, 3), new Tensor<double>(3, 2)));
        Assert.Contains("(2, 3)", error.Message);
        Assert.Contains("(3, 2)", error.Message);
        var slope = Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyRelu(-0.5));
        Assert.Contains("-0.5", slope.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Relu(maxValue: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Elu(double.NaN));
    }
}
