using System.Text.Json.Nodes;
using Backprop.Labs.VanishingGradients;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.Tests;

/// <summary>One --quick run of vanishing-gradients shared by the tests that read its files.</summary>
public sealed class VanishingQuickRun
{
    public VanishingQuickRun()
    {
        Root = GradientLabRunner.QuickRoot(new VanishingGradientsLab());
        Results = Root["results"]!.AsObject();
    }

    public JsonObject Root { get; }

    public JsonObject Results { get; }
}

public class VanishingGradientsLabTests : IClassFixture<VanishingQuickRun>
{
    private readonly VanishingQuickRun _run;

    public VanishingGradientsLabTests(VanishingQuickRun run)
    {
        _run = run;
    }

    [Fact]
    public void PublishedTableIsPinnedToTheNotes()
    {
        Assert.Equal(10, VanishingGradientsPublished.Table.Count);
        Assert.Equal([2.302763, 0.110340, 2.304596, 0.106400, 2.302881, 0.113500], VanishingGradientsPublished.Table["sigmoid_6"]);
        Assert.Equal(0.977600, VanishingGradientsPublished.Table["relu_6"][5]);
        Assert.Equal(5.376817, VanishingGradientsPublished.Table["relu_6_bn_uniform_l1"][0]);
        Assert.Equal(VanishingConfig.Published.Select(c => c.Key), VanishingGradientsPublished.Table.Keys);
        Assert.Equal(3 + 60 + 5, VanishingGradientsPublished.All.Count);

        // The class counts: each part sums to its size, and train + validation give Keras's training counts.
        long[] keras = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
        var counts = VanishingGradientsPublished.ClassCounts;
        Assert.Equal(50_000, counts["train"].Sum());
        Assert.Equal(10_000, counts["validation"].Sum());
        Assert.Equal(10_000, counts["test"].Sum());
        Assert.Equal(keras, counts["train"].Zip(counts["validation"], (a, b) => a + b));

        var accuracy = VanishingGradientsPublished.Figure(VanishingConfig.Published[0], "test_accuracy");
        Assert.Equal(Verdict.Matches, accuracy.Tolerance.Judge(accuracy.Value, Measurement.OfRepetitions([0.950, 0.952, 0.949])));
        Assert.Equal(Verdict.WithinSpread, accuracy.Tolerance.Judge(accuracy.Value, Measurement.OfRepetitions([0.93, 0.96, 0.90])));
        Assert.Equal(Verdict.Differs, accuracy.Tolerance.Judge(accuracy.Value, Measurement.OfRepetitions([0.90, 0.901, 0.902])));
        var failed = VanishingGradientsPublished.FailedRescue;
        Assert.Equal(Verdict.Matches, failed.Tolerance.Judge(failed.Value, Measurement.Of(0.11)));
        Assert.Equal(Verdict.Differs, failed.Tolerance.Judge(failed.Value, Measurement.Of(0.95)));
    }

    [Fact]
    public void QuickRun_TheSixLayerSigmoidGradientVanishes_AndReLUsDoesNot()
    {
        double sigmoid = (double)_run.Results["gradient_norms.sigmoid_6.first_over_output_epoch1"]!;
        double relu = (double)_run.Results["gradient_norms.relu_6.first_over_output_epoch1"]!;
        double shallow = (double)_run.Results["gradient_norms.sigmoid_1.first_over_output_epoch1"]!;
        Assert.True(sigmoid < 1e-2, $"6 sigmoid layers: first kernel's gradient is {sigmoid:G3} of the output kernel's");
        Assert.True(relu > 0.1, $"6 ReLU layers: {relu:G3}");
        Assert.True(shallow > 0.1, $"1 sigmoid layer: {shallow:G3}");
        // Every added sigmoid layer shrinks it further.
        Assert.True((double)_run.Results["gradient_norms.sigmoid_5.first_over_output_epoch1"]! < shallow);
    }

    [Fact]
    public void QuickRun_ComparesEveryPublishedFigure()
    {
        var published = _run.Root["published"]!.AsArray();
        Assert.Equal(3 + 60 + 5 + 4, published.Count);
        var classRows = published.Take(3).Select(r => r!["verdict"]!.GetValue<string>()).ToList();
        string? data = Environment.GetEnvironmentVariable("BACKPROP_DATA");
        if (data is not null && File.Exists(Path.Combine(data, "mnist", "train-labels-idx1-ubyte.gz")))
        {
            // Full MNIST: the course's split has exactly the course's class counts.
            Assert.All(classRows, v => Assert.Equal("matches", v));
        }

        Assert.All(published, row => Assert.NotNull(row!["verdict"]));
        GradientLabRunner.AssertAllFinite(_run.Results);
    }

    [Fact]
    public void GradientNormTrainer_RecordsTheDataLossGradient_WithoutThePenalty()
    {
        // Two networks with the same initial weights, one with an L1 penalty: the trainer's norms of the penalised
        // one equal the unpenalised one's gradient norms from ComputeGradients.
        var plain = VanishingConfig.Published.Single(c => c.Key == "sigmoid_6_uniform");
        var penalised = VanishingConfig.Published.Single(c => c.Key == "sigmoid_6_uniform_l1");
        var reference = plain.Build(seed: 4);
        reference.Compile(new SGD(0.01), new SparseCategoricalCrossentropy(fromLogits: true));
        var model = penalised.Build(seed: 4);
        var trainer = new GradientNormTrainer(new SGD(0.01), new SparseCategoricalCrossentropy(fromLogits: true));
        model.Compile(trainer);

        var random = new System.Random(2);
        var x = new Tensor<float>(8, 784);
        foreach (ref float v in x.AsSpan())
        {
            v = (float)random.NextDouble();
        }

        var y = Tensor<float>.Wrap([0, 1, 2, 3, 4, 5, 6, 7], new Shape(8));
        var expected = reference.ComputeGradients(x, y).Items.Where(g => g.ParameterName == "kernel")
            .Select(g => Math.Sqrt(g.Gradient.ToDoubleArray().Sum(v => v * v))).ToArray();
        model.TrainOnBatch(x, y);
        trainer.EndEpoch();
        Assert.Equal(7, trainer.PerEpoch[0].Length);
        for (int l = 0; l < 7; l++)
        {
            Assert.Equal(expected[l], trainer.PerEpoch[0][l], expected[l] * 1e-4);
        }

        // The first layer's is orders of magnitude below the output layer's already at the first step.
        var deep = VanishingConfig.Published.Single(c => c.Key == "sigmoid_6").Build(seed: 4);
        var deepTrainer = new GradientNormTrainer(new SGD(0.01), new SparseCategoricalCrossentropy(fromLogits: true));
        deep.Compile(deepTrainer);
        deep.TrainOnBatch(x, y);
        deepTrainer.EndEpoch();
        Assert.True(deepTrainer.PerEpoch[0][0] < 1e-2 * deepTrainer.PerEpoch[0][^1]);
    }

    [Fact]
    public void BeforeAfterTiles_PutsUnitsBeforeOnTheLeftAndAfterOnTheRight()
    {
        float[] before = Enumerable.Range(0, 784 * 100).Select(i => (float)(i % 100)).ToArray();
        float[] after = before.Select(v => -v).ToArray();
        float[] tiles = VanishingGradientsLab.BeforeAfterTiles(before, after);
        Assert.Equal(784 * 32, tiles.Length);
        // Tile (row 1, column 2) is unit 6 before; tile (row 1, column 6) is unit 6 after.
        Assert.Equal(6f, tiles[5 * 32 + (1 * 8 + 2)]);
        Assert.Equal(-6f, tiles[5 * 32 + (1 * 8 + 6)]);
        Assert.Equal(15f, tiles[3 * 8 + 3]);
    }

    [Fact]
    public void Configs_BuildTheCoursesNetworks()
    {
        var one = VanishingConfig.Published[0].Build(1);
        Assert.Equal(784 * 100 + 100 + 100 * 10 + 10, one.CountParams());
        var bn = VanishingConfig.Published.Single(c => c.Key == "sigmoid_6_bn").Build(1);
        Assert.Equal(6, bn.Layers.OfType<BatchNormalization>().Count());
        var dropout = VanishingConfig.Failures.Single(c => c.Key == "sigmoid_6_dropout").Build(1);
        Assert.Equal(6, dropout.Layers.OfType<Dropout>().Count());
        var uniform = VanishingConfig.Published.Single(c => c.Key == "sigmoid_6_uniform_l1").Build(1);
        Assert.All(uniform.Layers.OfType<Dense>(), d =>
        {
            Assert.NotNull(d.KernelRegularizer);
            Assert.NotNull(d.BiasRegularizer);
            Assert.All(d.Kernel.ValueAs<float>().ToArray(), v => Assert.InRange(v, -1, 1));
        });
    }
}
