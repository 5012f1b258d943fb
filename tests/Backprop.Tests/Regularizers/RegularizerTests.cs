using Backprop.Regularizers;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Regularizers;

public class RegularizerTests
{
    public static TheoryData<string> Regularizers() => new() { "l1", "l2", "l1_l2", "l1l2(0.3, 0.05)" };

    private static Regularizer Make(string label) => label == "l1l2(0.3, 0.05)" ? new L1L2(0.3, 0.05) : Regularizer.Get(label);

    [Theory]
    [MemberData(nameof(Regularizers))]
    public void AddGradient_adds_the_central_difference_gradient_of_the_penalty(string label)
    {
        var regularizer = Make(label);
        var random = new System.Random(17);
        foreach (int rows in new[] { 1, 7, 33 })
        {
            foreach (int cols in new[] { 1, 3, 10 })
            {
                var shape = new Shape(rows, cols);
                double[] w = NumericalGradient.RandomAwayFrom(random, shape.Length, -2, 2, [0]);
                double[] before = Enumerable.Range(0, shape.Length).Select(_ => random.NextDouble()).ToArray();
                var gradient = Tensor<double>.Wrap((double[])before.Clone(), shape);
                regularizer.AddGradient(Tensor<double>.Wrap((double[])w.Clone(), shape), gradient);
                double[] added = gradient.ToArray().Zip(before, (a, b) => a - b).ToArray();
                double[] numeric = NumericalGradient.Of(x => regularizer.Penalty(Tensor<double>.Wrap(x, shape)), w);
                NumericalGradient.AssertClose(added, numeric, $"{label} {shape}");
            }
        }
    }

    [Fact]
    public void Penalties_by_hand_with_Keras_defaults()
    {
        var w = Tensor<double>.Wrap([1, -2, 0.5, 0], new Shape(2, 2));
        Assert.Equal(0.01 * 3.5, Regularizer.Get("l1").Penalty(w), 15);
        Assert.Equal(0.01 * 5.25, Regularizer.Get("l2").Penalty(w), 15);
        Assert.Equal(0.01 * 3.5 + 0.01 * 5.25, Regularizer.Get("l1_l2").Penalty(w), 15);
        Assert.Equal(0, new L1L2().Penalty(w));    // the class defaults are 0 and 0, as Keras's L1L2
        var gradient = new Tensor<double>(2, 2);
        new L1(0.5).AddGradient(w, gradient);
        Assert.Equal([0.5, -0.5, 0.5, 0], gradient.ToArray()); // sign(0) = 0
    }

    [Fact]
    public void Constraints_follow_Keras_formulas()
    {
        // Dense kernel (in 2, out 2), axis 0: column norms 5 and 0.5
        var w = Tensor<double>.Wrap([3, 0.3, 4, 0.4], new Shape(2, 2));
        Constraint maxNorm = "max_norm";
        maxNorm.Apply(w);
        Assert.Equal(3 * 2 / (5 + 1e-7), w[0, 0], 14);
        Assert.Equal(4 * 2 / (5 + 1e-7), w[1, 0], 14);
        Assert.Equal(0.3 * 0.5 / (0.5 + 1e-7), w[0, 1], 14);

        var u = Tensor<double>.Wrap([3, 0.3, 4, 0.4], new Shape(2, 2));
        new UnitNorm().Apply(u);
        Assert.Equal(3 / (5 + 1e-7), u[0, 0], 14);
        Assert.Equal(0.4 / (0.5 + 1e-7), u[1, 1], 14);

        var m = Tensor<double>.Wrap([3, 0.3, 4, 0.4], new Shape(2, 2));
        new MinMaxNorm(minValue: 1, maxValue: 2, rate: 0.5).Apply(m);
        // column 0: desired = 0.5·2 + 0.5·5 = 3.5; column 1: 0.5·1 + 0.5·0.5 = 0.75
        Assert.Equal(3 * 3.5 / (5 + 1e-7), m[0, 0], 14);
        Assert.Equal(0.4 * 0.75 / (0.5 + 1e-7), m[1, 1], 14);

        var rows = Tensor<double>.Wrap([3, 4, 0.3, 0.4], new Shape(2, 2));
        new MaxNorm(1, axis: 1).Apply(rows);
        Assert.Equal(4 / (5 + 1e-7), rows[0, 1], 14);

        var n = Tensor<double>.Wrap([-1, 2, -0.0, 0.5], new Shape(4));
        Constraint.Get("non_neg").Apply(n);
        Assert.Equal([0, 2, 0, 0.5], n.ToArray());
    }

    [Fact]
    public void Unknown_names_and_bad_arguments_are_reported()
    {
        var error = Assert.Throws<ArgumentException>(() => Regularizer.Get("l3"));
        Assert.Contains("l1", error.Message);
        Assert.Contains("l1_l2", error.Message);
        var constraint = Assert.Throws<ArgumentException>(() => Constraint.Get("maxnorm"));
        Assert.Contains("max_norm", constraint.Message);
        Assert.Contains("unit_norm", constraint.Message);
        Assert.Contains("-0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new L1(-0.1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1L2(0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinMaxNorm(minValue: 2, maxValue: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxNorm(axis: 2).Apply(new Tensor<double>(2, 2)));
        var shapes = Assert.Throws<ShapeMismatchException>(() => new L1().AddGradient(new Tensor<double>(2, 3), new Tensor<double>(3, 2)));
        Assert.Contains("(2, 3)", shapes.Message);
    }
}
