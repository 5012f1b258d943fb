using System.Text.Json.Nodes;
using Backprop.Labs.DyingRelu;

namespace Backprop.Labs.Tests;

/// <summary>One --quick run of dying-relu shared by the tests that read its files.</summary>
public sealed class DyingReluQuickRun
{
    public DyingReluQuickRun()
    {
        Root = GradientLabRunner.QuickRoot(new DyingReluLab());
        Results = Root["results"]!.AsObject();
    }

    public JsonObject Root { get; }

    public JsonObject Results { get; }
}

public class DyingReluLabTests : IClassFixture<DyingReluQuickRun>
{
    private readonly DyingReluQuickRun _run;

    public DyingReluLabTests(DyingReluQuickRun run)
    {
        _run = run;
    }

    [Fact]
    public void PublishedFiguresArePinnedToTheNotes()
    {
        Assert.Equal(0.996, DyingReluPublished.ReluCollapse.Value.Number);
        Assert.Equal(0.830, DyingReluPublished.LeakyCollapse.Value.Number);
        Assert.All(DyingReluPublished.All, f => Assert.StartsWith("course 003, Problem 2.2", f.Source, StringComparison.Ordinal));
        var figure = DyingReluPublished.ReluCollapse;
        Assert.Equal(Verdict.Matches, figure.Tolerance.Judge(figure.Value, Measurement.Of(0.99)));
        Assert.Equal(Verdict.Differs, figure.Tolerance.Judge(figure.Value, Measurement.Of(0.9)));
    }

    [Theory]
    [InlineData(0, 10, 0, 0.27753)]
    [InlineData(5, 10, 0.23659, 0.76341)]
    [InlineData(10, 10, 0.72247, 1)]
    [InlineData(996, 1000, 0.98976, 0.99844)]
    [InlineData(83, 100, 0.74452, 0.89106)]
    public void WilsonInterval_MatchesHandComputedBounds(int count, int trials, double low, double high)
    {
        var interval = BinomialInterval.Wilson(count, trials);
        Assert.Equal(low, interval.Low, 5);
        Assert.Equal(high, interval.High, 5);
        Assert.True(interval.Contains(interval.Fraction));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialInterval.Wilson(trials + 1, trials));
    }

    [Fact]
    public void TheCoursesNetworkHas67Parameters()
    {
        var setup = new CollapseSetup("relu", CollapseTarget.Abs, CollapseInit.GlorotUniform);
        var model = CollapseExperiment.Build(setup, Enumerable.Range(1, 12).ToArray());
        Assert.Equal(67, setup.ParameterCount);
        Assert.Equal(67, model.CountParams());
        Assert.Equal(12, model.Layers.Count);
    }

    [Fact]
    public void ParallelRuns_GiveTheSameBitsAsSequentialOnes()
    {
        var setups = new[]
        {
            new CollapseSetup("relu", CollapseTarget.Abs, CollapseInit.GlorotUniform),
            new CollapseSetup("leaky_relu", CollapseTarget.AbsXSin5X, CollapseInit.HeNormal),
            new CollapseSetup("relu", CollapseTarget.AbsXSin5X, CollapseInit.RandomNormal, Width: 4, Depth: 3),
        };
        var jobs = Enumerable.Range(0, 8).Select(i => new CollapseJob(setups[i % 3], CollapseExperiment.Stream(9, i / 3))).ToArray();
        var one = CollapseExperiment.RunMany(jobs, seed: 5, threads: 1, epochs: 2);
        var three = CollapseExperiment.RunMany(jobs, seed: 5, threads: 3, epochs: 2);
        Assert.Equal(one, three);
        Assert.Equal(one[4], CollapseExperiment.Run(jobs[4].Setup, 5, jobs[4].Stream, epochs: 2));
        // Different runs draw different data and weights.
        Assert.NotEqual(one[0].PredictionHash, one[3].PredictionHash);
    }

    [Fact]
    public void ADeadReluNetworkNeverRevives()
    {
        // With zero biases, a ReLU layer whose units are all off for every input passes no gradient: a network
        // constant at initialisation stays constant. A backward pass that leaked gradient through ReLU's off side
        // would revive some of them.
        var setup = new CollapseSetup("relu", CollapseTarget.Abs, CollapseInit.GlorotUniform);
        var jobs = Enumerable.Range(0, 16).Select(i => new CollapseJob(setup, CollapseExperiment.Stream(11, i))).ToArray();
        var outcomes = CollapseExperiment.RunMany(jobs, seed: 3, threads: 2, epochs: 3);
        Assert.Contains(outcomes, o => o.BornDead);
        Assert.All(outcomes.Where(o => o.BornDead), o => Assert.True(o.Collapsed));
        Assert.All(outcomes.Where(o => o.Collapsed), o => Assert.True(o.CollapsedTolerance));
    }

    [Fact]
    public void QuickRun_AWideNetworkCollapsesFarLessOftenThanANarrowOne()
    {
        var results = _run.Results;
        double narrow = (double)results["width.relu.w2.collapsed_fraction"]!;
        double wide = (double)results["width.relu.w10.collapsed_fraction"]!;
        Assert.True(narrow - wide >= 0.5, $"width 2 collapses in {narrow:P0} of runs, width 10 in {wide:P0}");
        Assert.True((bool)results["sweep.width_separated_relu"]!);
        // Depth kills: the deepest ReLU net collapses at least as often as the shallowest.
        Assert.True((double)results["depth.relu.d10.collapsed_fraction"]! >= (double)results["depth.relu.d2.collapsed_fraction"]!);
    }

    [Fact]
    public void QuickRun_ComparesEveryCellAndReproducesItsRuns()
    {
        var published = _run.Root["published"]!.AsArray();
        Assert.Equal(9, published.Count);
        Assert.All(published, row => Assert.Contains(row!["verdict"]!.GetValue<string>(), new[] { "matches", "differs" }));
        Assert.True((bool)_run.Results["determinism.identical"]!);
        foreach (var init in DyingReluLab.Inits)
        {
            foreach (string activation in DyingReluLab.Activations)
            {
                foreach (var target in DyingReluLab.Targets)
                {
                    string key = $"grid.{new CollapseSetup(activation, target, init).Key}";
                    Assert.Equal(DyingReluLab.QuickRuns, (int)_run.Results[$"{key}.runs"]!);
                    double collapsed = (double)_run.Results[$"{key}.collapsed_fraction"]!;
                    Assert.InRange(collapsed, 0, 1);
                    Assert.True(collapsed <= (double)_run.Results[$"{key}.collapsed_tolerance_fraction"]!);
                }
            }
        }

        GradientLabRunner.AssertAllFinite(_run.Results);
    }
}
