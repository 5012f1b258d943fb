using System.Text.Json.Nodes;
using Backprop.Labs.BatchNormStudy;
using Backprop.Layers;

namespace Backprop.Labs.Tests;

/// <summary>One --quick run of batchnorm-study shared by the tests that read its files.</summary>
public sealed class BatchNormStudyQuickRun
{
    public BatchNormStudyQuickRun()
    {
        Root = GradientLabRunner.QuickRoot(new BatchNormStudyLab());
        Results = Root["results"]!.AsObject();
    }

    public JsonObject Root { get; }

    public JsonObject Results { get; }
}

public class BatchNormStudyLabTests : IClassFixture<BatchNormStudyQuickRun>
{
    private readonly BatchNormStudyQuickRun _run;

    public BatchNormStudyLabTests(BatchNormStudyQuickRun run)
    {
        _run = run;
    }

    [Fact]
    public void Networks_FollowPyTorchsLinearAndBatchNorm1d()
    {
        var plain = BatchNormStudyLab.Build([256, 128], batchNorm: false, seed: 1);
        Assert.Equal(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, plain.CountParams());
        var bn = BatchNormStudyLab.Build([256, 128], batchNorm: true, seed: 1);
        var norms = bn.Layers.OfType<BatchNormalization>().ToList();
        Assert.Equal(2, norms.Count);
        Assert.All(norms, n =>
        {
            Assert.Equal(0.9, n.Momentum);
            Assert.Equal(1e-5, n.Epsilon);
            Assert.True(n.UnbiasedMovingVariance);
        });
        Assert.Equal(plain.CountParams() + 4 * (256 + 128), bn.CountParams());

        // nn.Linear's initialisation: kernel and bias inside ±1/√fan_in, and filling most of it.
        var denses = plain.Layers.OfType<Dense>().ToList();
        int[] fanIns = [784, 256, 128];
        for (int l = 0; l < denses.Count; l++)
        {
            double bound = 1 / Math.Sqrt(fanIns[l]);
            foreach (var values in new[] { denses[l].Kernel.ValueAs<float>().ToArray(), denses[l].Bias!.ValueAs<float>().ToArray() })
            {
                Assert.All(values, v => Assert.InRange(v, -bound, bound));
                Assert.True(values.Max(Math.Abs) > 0.8 * bound);
            }
        }

        // The same seed gives the same Linear weights with and without BN: the comparison is paired.
        Assert.Equal(denses[0].Kernel.ValueAs<float>().ToArray(), bn.Layers.OfType<Dense>().First().Kernel.ValueAs<float>().ToArray());
    }

    [Fact]
    public void DeadFraction_CountsUnitsThatAreZeroForEveryRow()
    {
        var output = Tensor<float>.Wrap([0, 1, 0, 5, 0, 2, 0, 0, 0, 3, 0, 0], new Shape(3, 4));
        Assert.Equal(0.5, BatchNormStudyLab.DeadFraction(output));
    }

    [Fact]
    public void Labels_NameEachSize()
    {
        Assert.Equal("[512, 256, 128]", BatchNormStudyLab.Label([512, 256, 128]));
        Assert.Equal("[128]×8", BatchNormStudyLab.Label([128, 128, 128, 128, 128, 128, 128, 128]));
    }

    [Fact]
    public void QuickRun_BatchNormKeepsUnitsAliveWhereThePlainDeepNetLosesThem()
    {
        double plain = (double)_run.Results["dead_unit_fraction.plain"]!;
        double bn = (double)_run.Results["dead_unit_fraction.bn"]!;
        Assert.True(plain > bn, $"dead units: {plain:P1} without BN, {bn:P1} with");
        var deepPlain = _run.Results["summary.[128]×8.plain.dead_unit_fraction_per_layer"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(8, deepPlain.Length);
        Assert.True(deepPlain[^1] > deepPlain[0]);
    }

    [Fact]
    public void QuickRun_ComparesThePremiseAndSaysTheTableIsLost()
    {
        var published = _run.Root["published"]!.AsArray();
        Assert.Equal(2, published.Count);
        Assert.Equal("matches", published[0]!["verdict"]!.GetValue<string>());
        Assert.Equal("not measured", published[1]!["verdict"]!.GetValue<string>());
        foreach (var hidden in BatchNormStudyLab.Sizes)
        {
            foreach (string bn in new[] { "plain", "bn" })
            {
                double accuracy = (double)_run.Results[$"summary.{BatchNormStudyLab.Label(hidden)}.{bn}.val_accuracy_final"]!;
                Assert.InRange(accuracy, 0, 1);
            }
        }

        GradientLabRunner.AssertAllFinite(_run.Results);
    }
}
