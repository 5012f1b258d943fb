using Backprop.Initializers;
using Backprop.Labs.EggholderCapacity;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.Tests;

public sealed class EggholderCapacityLabTests
{
    [Theory]
    [InlineData(512, 404.2319, -959.6406627106155)]       // the global minimum
    [InlineData(0, 0, -25.460337185286313)]
    [InlineData(-512, -512, 737.2782418559191)]
    [InlineData(100, -200, -81.68626748365273)]
    [InlineData(-465.6948, 385.7203, -894.5788963252828)]  // a deep local minimum
    public void The_eggholder_function_at_known_points(double x1, double x2, double expected)
    {
        // Values from numpy: −(x₂ + 47)·sin(√|x₂ + x₁/2 + 47|) − x₁·sin(√|x₁ − (x₂ + 47)|).
        Assert.Equal(expected, EggholderData.F(x1, x2), 10);
    }

    [Fact]
    public void The_global_minimum_is_minus_959_6407()
    {
        Assert.Equal(-959.6407, EggholderData.F(512, 404.2319), 4);
        // No point of a fine grid over the square goes lower.
        double lowest = double.PositiveInfinity;
        for (double x1 = -512; x1 <= 512; x1 += 0.5)
        {
            for (double x2 = -512; x2 <= 512; x2 += 0.5)
            {
                lowest = Math.Min(lowest, EggholderData.F(x1, x2));
            }
        }

        Assert.True(lowest >= -959.6407, $"grid minimum {lowest}");
        Assert.True(lowest < -959.0, $"grid minimum {lowest}");
    }

    [Fact]
    public void The_data_is_seeded_uniform_noisy_and_split_80_20()
    {
        var data = EggholderData.Generate(seed: 3, points: 20_000);
        var again = EggholderData.Generate(seed: 3, points: 20_000);
        Assert.Equal(data.YTest.ToArray(), again.YTest.ToArray());
        Assert.NotEqual(data.YTest.ToArray(), EggholderData.Generate(seed: 4, points: 20_000).YTest.ToArray());
        Assert.Equal((16_000, 2), (data.XTrain.Shape[0], data.XTrain.Shape[1]));
        Assert.Equal(4_000, data.YTest.Shape[0]);

        var x = data.XTrain.ToArray();
        var y = data.YTrain.ToArray();
        Assert.All(x, v => Assert.InRange(v, -512f, 512f));
        Assert.InRange(x.Average(v => (double)v), -8, 8);                           // U(−512, 512): mean 0, std 296
        // y − f(x) is the noise: mean 0, variance 0.3 (float32 rounding of |y| ≤ 1100 adds < 1e-8 to the variance).
        double[] noise = Enumerable.Range(0, y.Length).Select(i => y[i] - EggholderData.F(x[2 * i], x[(2 * i) + 1])).ToArray();
        Assert.InRange(noise.Average(), -0.02, 0.02);
        Assert.InRange(noise.Average(e => e * e), 0.28, 0.32);
    }

    [Fact]
    public void Parameter_counts_are_the_courses()
    {
        // course-experiments.md §1.8 (derived): trainable parameters, BN's γ and β included.
        int[] expected = [257, 513, 1025, 2049, 401, 1313, 4673, 17537, 67841, 705, 1857, 4769, 17345, 67457];
        // 4 + 5 + 5 = 14 networks (the issue says 15).
        Assert.Equal(expected, EggholderModels.Course.Select(c => c.Parameters));
        var configs = EggholderModels.Course;
        foreach (var config in configs)
        {
            var model = EggholderModels.Build(config, seed: 1, dampening: 0);
            Assert.Equal(config.Parameters, model.TrainableParameters.Sum(p => p.Shape.Length));
        }

        Assert.Equal(new[] { 32, 64, 128, 256, 512 }, EggholderModels.Course.Where(c => c.Depth == 2).Select(c => c.HiddenUnits));
        Assert.Equal(new[] { 48, 80, 160, 256, 512 }, EggholderModels.Course.Where(c => c.Depth == 3).Select(c => c.HiddenUnits));
    }

    [Fact]
    public void The_networks_have_pytorchs_semantics()
    {
        var config = EggholderModels.Course[^1];
        var model = EggholderModels.Build(config, seed: 2, dampening: 0.25);
        var sgd = Assert.IsType<SGD>(model.Optimizer);
        Assert.Equal((1e-4, 0.9, 0.25, false), (sgd.LearningRate, sgd.Momentum, sgd.Dampening, sgd.Nesterov));
        var bns = model.Layers.OfType<BatchNormalization>().ToList();
        Assert.Equal(3, bns.Count);
        Assert.All(bns, bn => Assert.Equal((0.9, 1e-5, true), (bn.Momentum, bn.Epsilon, bn.UnbiasedMovingVariance)));
        foreach (var dense in model.Layers.OfType<Dense>())
        {
            Assert.IsType<FanInUniform>(dense.KernelInitializer);
            double bound = 1 / Math.Sqrt(dense.Kernel.Shape[0]);
            Assert.All(dense.Bias!.ValueAs<float>().ToArray(), b => Assert.InRange(b, -bound, bound));
        }

        // Linear → BN → ReLU per hidden layer, then Linear(1).
        Assert.Equal(["Dense", "BatchNormalization", "Activation", "Dense", "BatchNormalization", "Activation", "Dense", "BatchNormalization", "Activation", "Dense"],
            model.Layers.Select(l => l.GetType().Name));
    }

    [Fact]
    public void Three_steps_of_linear_batchnorm_relu_with_dampened_momentum_match_pytorch()
    {
        // torch (float64): Linear(2, 3) → BatchNorm1d(3) → ReLU → Linear(3, 1), SGD(lr=0.05, momentum=0.9,
        // dampening=0.5), MSELoss on y_pred.squeeze(), three steps on one batch of five rows; weights set by hand.
        var first = new Dense(3, kernelInitializer: new Zeros(), inputShape: [2]);
        var bn = new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true);
        var last = new Dense(1, kernelInitializer: new Zeros());
        var model = new Sequential(DType.Float64, first, bn, new Activation("relu"), last);
        new double[] { 0.5, 0.2, -0.6, -0.3, 0.8, 0.1 }.CopyTo(first.Kernel.ValueAs<double>().AsSpan());   // weightᵀ, (in, out)
        new double[] { 0.1, -0.2, 0.05 }.CopyTo(first.Bias!.ValueAs<double>().AsSpan());
        new double[] { 0.7, -0.4, 0.9 }.CopyTo(last.Kernel.ValueAs<double>().AsSpan());
        new double[] { 0.3 }.CopyTo(last.Bias!.ValueAs<double>().AsSpan());
        model.Compile(new SGD(0.05, momentum: 0.9, dampening: 0.5), "mse");
        var x = Tensor.From([1.0, 2.0, -1.5, 0.5, 0.3, -0.7, 2.0, 1.0, -0.4, -1.2], 5, 2);
        var y = Tensor.From([1.0, -0.5, 0.25, 2.0, 0.0], 5, 1);

        double[] losses = [model.TrainOnBatch(x, y), model.TrainOnBatch(x, y), model.TrainOnBatch(x, y)];
        AssertClose([1.7869861339338864, 1.3369048635627376, 0.8449054509928005], losses);
        AssertClose([0.6472222101104531, 0.17534749764043336, -0.6100476265477152, -0.02077254582768415, 0.8060875148945322, 0.034400368800566246], first.Kernel.ValueAs<double>().ToArray());
        AssertClose([0.1, -0.2, 0.05], first.Bias.ValueAs<double>().ToArray());
        AssertClose([1.0653286642253836, 0.917813243208371, 0.735543016166459], bn.Gamma!.ValueAs<double>().ToArray());
        AssertClose([0.03419811044039019, -0.0721171195301859, -0.20250443239462237], bn.Beta!.ValueAs<double>().ToArray());
        AssertClose([0.05009424032160477, 0.029922415759751228, -0.025222486545675687], bn.MovingMean.ValueAs<double>().ToArray());
        AssertClose([0.8497679691252811, 1.101458232093457, 0.8870059086550441], bn.MovingVariance.ValueAs<double>().ToArray());
        AssertClose([0.7926120213007042, -0.18527832235230388, 0.6092507332675596], last.Kernel.ValueAs<double>().ToArray());
        AssertClose([0.22509718300557166], last.Bias.ValueAs<double>().ToArray());
        AssertClose([0.6136967248057111, 0.5811023542611907, 0.4890905628754115, 1.3277725889257226, 0.23397935969592643], model.Forward(x, training: false).ToArray());
    }

    [Fact]
    public void Capacity_curves_interpolate_in_log_parameters()
    {
        double[] p = [100, 1000, 10000];
        double[] r = [3, 2, 1];
        Assert.Equal(2.5, CapacityCurve.Interpolate(p, r, Math.Sqrt(10) * 100), 12);
        Assert.Equal(2, CapacityCurve.Interpolate(p, r, 1000), 12);
        Assert.True(double.IsNaN(CapacityCurve.Interpolate(p, r, 50)));
        Assert.True(double.IsNaN(CapacityCurve.Interpolate(p, r, 20000)));
        Assert.Equal(2, CapacityCurve.Slope([0, 1, 2, 3], [1, 3, 5, 7]), 12);
    }

    [Fact]
    public void A_quick_run_judges_every_claim()
    {
        var root = GradientLabRunner.QuickRoot(new EggholderCapacityLab());
        var published = root["published"]!.AsArray();
        Assert.Equal(4, published.Count);
        Assert.All(published, row => Assert.NotEqual("not measured", row!["verdict"]!.GetValue<string>()));
        var results = root["results"]!.AsObject();
        Assert.True(results.ContainsKey("models.3.128-256-128.rmse_course"));
        Assert.True(results.ContainsKey("models.1.64.rmse_inference"));
        // One layer has no batch normalisation: both ways of evaluating give the same RMSE.
        Assert.Equal(results["models.1.64.rmse_course"]!.GetValue<double>(), results["models.1.64.rmse_inference"]!.GetValue<double>(), 9);
        Assert.Equal(4, results["depth.time_slopes_seconds_per_1000_parameters"]!.AsArray().Count + 1);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
