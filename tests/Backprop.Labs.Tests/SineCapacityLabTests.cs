using Backprop.Labs.SineCapacity;

namespace Backprop.Labs.Tests;

public sealed class SineCapacityLabTests
{
    [Fact]
    public void The_generator_is_seeded_fixed_and_follows_its_documented_formula()
    {
        var (xTrain, yTrain, xTest, yTest) = SineData.Load();
        var again = SineData.Load();
        Assert.Equal(xTrain.ToArray(), again.XTrain.ToArray());
        Assert.Equal(yTest.ToArray(), again.YTest.ToArray());
        Assert.Equal((SineData.TrainCount, 1), (xTrain.Shape[0], xTrain.Shape[1]));
        Assert.Equal(SineData.TestCount, xTest.Shape[0]);
        Assert.NotEqual(xTrain.ToArray(), SineData.Load(seed: 1).XTrain.ToArray());

        // y = (0.5 + 0.15x)·sin(0.6x + 0.03x²): F(0) = 0, F(5) = 1.25·sin(3.75), F(10) = 2·sin(9).
        Assert.Equal(0, SineData.F(0), 15);
        Assert.Equal(1.25 * Math.Sin(3.75), SineData.F(5), 14);
        Assert.Equal(2 * Math.Sin(9), SineData.F(10), 14);

        // Inputs in [0, 10); the noise around F has the documented spread (σ = 0.25) over the 230 points.
        var x = xTrain.ToArray().Concat(xTest.ToArray()).ToArray();
        var y = yTrain.ToArray().Concat(yTest.ToArray()).ToArray();
        Assert.All(x, v => Assert.InRange(v, 0f, 10f));
        double[] noise = x.Select((v, i) => y[i] - SineData.F(v)).ToArray();
        double std = Math.Sqrt(noise.Average(e => e * e));
        Assert.InRange(std, 0.2, 0.3);
        Assert.InRange(noise.Average(), -0.06, 0.06);
    }

    [Fact]
    public void Distinct_optima_group_losses_more_than_five_percent_apart()
    {
        Assert.Equal(1, SineCapacityLab.DistinctOptima([0.5, 0.51, 0.52]));
        Assert.Equal(3, SineCapacityLab.DistinctOptima([0.4354, 0.642, 0.6489, 0.5981, 0.4354, 0.642]));
        Assert.Equal(2, SineCapacityLab.DistinctOptima([1.0, 1.2]));
    }

    [Fact]
    public void Published_figures_and_verdicts()
    {
        Assert.Equal(0.50623, SineCapacityPublished.LinearModelError.Value.Number);
        Assert.Equal(9, new SineCapacityLab().Published.Count);
        var overfit = SineCapacityPublished.HundredOverfits;
        Assert.Equal(Verdict.Matches, overfit.Tolerance.Judge(overfit.Value, Measurement.Of(1.5)));
        Assert.Equal(Verdict.Differs, overfit.Tolerance.Judge(overfit.Value, Measurement.Of(1.1)));
        var similar = SineCapacityPublished.ReluSigmoidSimilar;
        Assert.Equal(Verdict.Matches, similar.Tolerance.Judge(similar.Value, Measurement.Of(1.2)));
        Assert.Equal(Verdict.Differs, similar.Tolerance.Judge(similar.Value, Measurement.Of(2.0)));
    }

    [Fact]
    public void A_quick_run_compares_every_claim_and_says_why_the_number_is_not_measured()
    {
        var root = GradientLabRunner.QuickRoot(new SineCapacityLab());
        var published = root["published"]!.AsArray();
        Assert.Equal(9, published.Count);
        Assert.Equal("not measured", published[0]!["verdict"]!.GetValue<string>());
        Assert.All(published.Skip(1), row => Assert.NotEqual("not measured", row!["verdict"]!.GetValue<string>()));
        var results = root["results"]!.AsObject();
        Assert.Equal(SineCapacityLab.Restarts, results["restarts.train_mse"]!.AsArray().Count);
        // The linear model cannot do better than the best line: its training MSE is the same for every seed.
        Assert.InRange(results["size.0.train_mse"]!.AsArray()[0]!.GetValue<double>(), 0.5, 0.8);
    }
}
