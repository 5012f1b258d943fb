using System.Text.Json.Nodes;
using Backprop.Labs.LeNetBatchNormDropout;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.Tests;

/// <summary>One quick run of the lenet-batchnorm-dropout lab, shared by the tests that read its output.</summary>
public sealed class LeNetQuickRun
{
    public LeNetQuickRun()
    {
        Root = GradientLabRunner.QuickRoot(new LeNetBatchNormDropoutLab());
        Results = Root["results"]!.AsObject();
    }

    public JsonObject Root { get; }

    public JsonObject Results { get; }
}

public class LeNetBatchNormDropoutLabTests : IClassFixture<LeNetQuickRun>
{
    private readonly LeNetQuickRun _run;

    public LeNetBatchNormDropoutLabTests(LeNetQuickRun run)
    {
        _run = run;
    }

    [Fact]
    public void PublishedFiguresAreTheCoursesNumbers()
    {
        // ../shared/notes/course-experiments.md, section 1.6: the four evaluate() lines and the dropout log.
        Assert.Equal([0.9511, 0.9772, 0.9601, 0.9795], LeNetBatchNormDropoutPublished.TestAccuracies.Select(f => f.Value.Number!.Value));
        Assert.Equal([0.1521, 0.0780, 0.1255, 0.0626], LeNetBatchNormDropoutPublished.TestLosses.Select(f => f.Value.Number!.Value));
        Assert.Equal(4, LeNetBatchNormDropoutPublished.DropoutEpochsAtChance.Value.Number);
        Assert.Equal(9, LeNetBatchNormDropoutPublished.All.Count);
        Assert.Equal(LeNetBatchNormDropoutPublished.All.Count, LeNetBatchNormDropoutPublished.All.Distinct().Count());

        var logs = LeNetBatchNormDropoutPublished.Logs;
        Assert.Equal([5, 5, 15, 15], new[] { "standard_norm", "batchnorm_input", "dropout", "batchnorm_dropout" }.Select(k => logs[k].Count));
        Assert.Equal(new CourseEpoch(0.5432, 0.9003, 2.4032, 0.2858), logs["standard_norm"][0]);
        Assert.Equal(new CourseEpoch(0.0561, 0.9847, 0.0682, 0.9808), logs["batchnorm_input"][4]);
        Assert.Equal(new CourseEpoch(1.6285, 0.4072, 0.4646, 0.8658), logs["dropout"][4]);
        Assert.Equal(new CourseEpoch(0.2476, 0.9276, 0.0561, 0.9842), logs["batchnorm_dropout"][14]);
        // The log agrees with the published figure: four epochs at 0.1050 before the jump.
        Assert.Equal(4, LeNetTraining.EpochsAtChance(logs["dropout"].Select(e => e.ValAccuracy).ToArray()));

        // Each course model maps to its figures; the lab's additions have none.
        Assert.Same(LeNetBatchNormDropoutPublished.BatchNormTestAccuracy, LeNetBatchNormDropoutPublished.TestAccuracyOf("batchnorm_input"));
        Assert.Same(LeNetBatchNormDropoutPublished.DropoutTestLoss, LeNetBatchNormDropoutPublished.TestLossOf("dropout"));
        Assert.Null(LeNetBatchNormDropoutPublished.TestAccuracyOf("plain"));
        Assert.Null(LeNetBatchNormDropoutPublished.TestAccuracyOf("standard_norm_adapted"));
        Assert.Null(LeNetBatchNormDropoutPublished.TestLossOf("cnn"));
    }

    [Fact]
    public void VerdictsFollowTheSeedSpread()
    {
        var figure = LeNetBatchNormDropoutPublished.BatchNormTestAccuracy;
        Assert.Equal(Verdict.Matches, figure.Tolerance.Judge(figure.Value, Measurement.Of(0.97724)));
        Assert.Equal(Verdict.WithinSpread, figure.Tolerance.Judge(figure.Value, Measurement.OfRepetitions([0.975, 0.979, 0.981])));
        Assert.Equal(Verdict.Differs, figure.Tolerance.Judge(figure.Value, Measurement.OfRepetitions([0.986, 0.987, 0.988])));
        Assert.Equal(Verdict.Differs, figure.Tolerance.Judge(figure.Value, Measurement.Of(double.NaN)));

        var chance = LeNetBatchNormDropoutPublished.DropoutEpochsAtChance;
        Assert.Equal(Verdict.Matches, chance.Tolerance.Judge(chance.Value, Measurement.OfRepetitions([4, 4, 4])));
        Assert.Equal(Verdict.WithinSpread, chance.Tolerance.Judge(chance.Value, Measurement.OfRepetitions([2, 4, 5])));
        Assert.Equal(Verdict.Differs, chance.Tolerance.Judge(chance.Value, Measurement.OfRepetitions([0, 0, 0])));
    }

    [Fact]
    public void EpochsAtChanceCountsTheLeadingEpochsBelowTheCeiling()
    {
        Assert.Equal(0, LeNetTraining.EpochsAtChance([0.9, 0.1]));
        Assert.Equal(2, LeNetTraining.EpochsAtChance([0.1, 0.199, 0.2, 0.1]));
        Assert.Equal(1, LeNetTraining.EpochsAtChance([double.NaN, 0.5]));
        Assert.Equal(3, LeNetTraining.EpochsAtChance([0.1, 0.1, 0.1]));
        Assert.Equal(0, LeNetTraining.EpochsAtChance([]));
    }

    [Fact]
    public void PlainLeNetHas44426ParametersAndKerasSummary()
    {
        var model = LeNetModels.Build(LeNetModels.Plain, seed: 1);
        Assert.Equal(44_426, model.CountParams());

        // Keras 3's model.summary() of the course's layer list without BN and dropout, in a fresh session.
        (string Layer, string Shape, string Params)[] keras =
        [
            ("conv2d (Conv2D)", "(None, 24, 24, 6)", "156"),
            ("activation (Activation)", "(None, 24, 24, 6)", "0"),
            ("average_pooling2d (AveragePooling2D)", "(None, 12, 12, 6)", "0"),
            ("conv2d_1 (Conv2D)", "(None, 8, 8, 16)", "2,416"),
            ("activation_1 (Activation)", "(None, 8, 8, 16)", "0"),
            ("average_pooling2d_1 (AveragePooling2D)", "(None, 4, 4, 16)", "0"),
            ("flatten (Flatten)", "(None, 256)", "0"),
            ("dense (Dense)", "(None, 120)", "30,840"),
            ("activation_2 (Activation)", "(None, 120)", "0"),
            ("dense_1 (Dense)", "(None, 84)", "10,164"),
            ("activation_3 (Activation)", "(None, 84)", "0"),
            ("dense_2 (Dense)", "(None, 10)", "850"),
        ];
        string summary = model.Summary();
        AssertSummaryRows(keras, summary);
        Assert.Contains(" Total params: 44,426 (173.54 KB)", summary);
        Assert.Contains(" Trainable params: 44,426 (173.54 KB)", summary);
        Assert.Contains(" Non-trainable params: 0 (0.00 B)", summary);
    }

    [Fact]
    public void BatchNormLeNetSummaryCountsTheMovingStatisticsAsNonTrainable()
    {
        var model = LeNetModels.Build(LeNetModels.BatchNormInput, seed: 1);
        (string Layer, string Shape, string Params)[] keras =
        [
            ("batch_normalization (BatchNormalization)", "(None, 28, 28, 1)", "4"),
            ("conv2d (Conv2D)", "(None, 24, 24, 6)", "156"),
            ("batch_normalization_1 (BatchNormalization)", "(None, 24, 24, 6)", "24"),
            ("activation (Activation)", "(None, 24, 24, 6)", "0"),
            ("average_pooling2d (AveragePooling2D)", "(None, 12, 12, 6)", "0"),
            ("conv2d_1 (Conv2D)", "(None, 8, 8, 16)", "2,416"),
            ("batch_normalization_2 (BatchNormalization)", "(None, 8, 8, 16)", "64"),
            ("activation_1 (Activation)", "(None, 8, 8, 16)", "0"),
            ("average_pooling2d_1 (AveragePooling2D)", "(None, 4, 4, 16)", "0"),
            ("flatten (Flatten)", "(None, 256)", "0"),
            ("dense (Dense)", "(None, 120)", "30,840"),
            ("batch_normalization_3 (BatchNormalization)", "(None, 120)", "480"),
            ("activation_2 (Activation)", "(None, 120)", "0"),
            ("dense_1 (Dense)", "(None, 84)", "10,164"),
            ("batch_normalization_4 (BatchNormalization)", "(None, 84)", "336"),
            ("activation_3 (Activation)", "(None, 84)", "0"),
            ("dense_2 (Dense)", "(None, 10)", "850"),
        ];
        string summary = model.Summary();
        AssertSummaryRows(keras, summary);
        // 44,426 + 4·(1 + 6 + 16 + 120 + 84) = 45,334; half of the BN weights (moving mean and variance) are not trained.
        Assert.Contains(" Total params: 45,334 (177.09 KB)", summary);
        Assert.Contains(" Trainable params: 44,880 (175.31 KB)", summary);
        Assert.Contains(" Non-trainable params: 454 (1.77 KB)", summary);
    }

    [Fact]
    public void ModelsHaveTheCoursesLayersInTheCoursesOrder()
    {
        string Layout(LeNetModel m) => string.Join(" ", LeNetModels.Build(m, 3).Layers.Select(l => l switch
        {
            Conv2D c => $"C{c.Filters}",
            BatchNormalization => "BN",
            Activation a => a.Function.Name[..3],
            Dropout d => $"D{d.Rate}",
            AveragePooling2D => "A",
            MaxPooling2D => "M",
            Flatten => "F",
            Dense d => $"FC{d.Units}",
            Normalization => "N",
            _ => l.GetType().Name,
        }));

        Assert.Equal("C6 sig A C16 sig A F FC120 sig FC84 sig FC10", Layout(LeNetModels.Plain));
        Assert.Equal("N C6 BN sig A C16 BN sig A F FC120 BN sig FC84 BN sig FC10", Layout(LeNetModels.StandardNorm));
        Assert.Equal("N C6 BN sig A C16 BN sig A F FC120 BN sig FC84 BN sig FC10", Layout(LeNetModels.StandardNormAdapted));
        Assert.Equal("BN C6 BN sig A C16 BN sig A F FC120 BN sig FC84 BN sig FC10", Layout(LeNetModels.BatchNormInput));
        Assert.Equal("D0.2 C6 sig D0.5 A C16 sig D0.5 A F FC120 sig D0.5 FC84 sig D0.5 FC10", Layout(LeNetModels.DropoutOnly));
        Assert.Equal("BN D0.2 C6 BN sig D0.5 A C16 BN sig D0.5 A F FC120 BN sig D0.5 FC84 BN sig D0.5 FC10", Layout(LeNetModels.BatchNormDropout));
        Assert.Equal("C32 C64 M D0.25 F FC128 D0.5 FC10", Layout(LeNetModels.Cnn));
        Assert.Equal([5, 5, 5, 5, 15, 15, 5], LeNetModels.All.Select(m => m.Epochs));

        // Keras's MNIST CNN has 1,199,882 parameters; LeNet's dense head ends in softmax, the CNN's convolutions in ReLU.
        Assert.Equal(1_199_882, LeNetModels.Build(LeNetModels.Cnn, 1).CountParams());
        Assert.Equal(44_426 + 2 + 904, LeNetModels.Build(LeNetModels.StandardNorm, 1).CountParams());
        Assert.Equal(44_426, LeNetModels.Build(LeNetModels.DropoutOnly, 1).CountParams());

        var lenet = LeNetModels.Build(LeNetModels.Plain, 1);
        var adam = Assert.IsType<Adam>(lenet.Optimizer);
        Assert.Equal(1e-3, adam.LearningRate);
        var rmsprop = Assert.IsType<RMSprop>(LeNetModels.Build(LeNetModels.Cnn, 1).Optimizer);
        Assert.Equal((1e-3, 0.9), (rmsprop.LearningRate, rmsprop.Rho));
        Assert.Equal("categorical_crossentropy", lenet.Loss!.Name);
    }

    [Fact]
    public void TheSeedFixesTheInitialWeightsAndDropoutMasks()
    {
        static float[] Weights(Sequential m) => m.GetWeights().SelectMany(w => ((Tensor<float>)w).ToArray()).ToArray();
        Assert.Equal(Weights(LeNetModels.Build(LeNetModels.BatchNormDropout, 5)), Weights(LeNetModels.Build(LeNetModels.BatchNormDropout, 5)));
        Assert.NotEqual(Weights(LeNetModels.Build(LeNetModels.BatchNormDropout, 5)), Weights(LeNetModels.Build(LeNetModels.BatchNormDropout, 6)));
        // Models that share a seed share their convolution and dense kernels: they differ only by what the lab varies.
        var plain = LeNetModels.Build(LeNetModels.Plain, 5).Layers.OfType<Conv2D>().First().Kernel.ValueAs<float>().ToArray();
        var withBn = LeNetModels.Build(LeNetModels.BatchNormInput, 5).Layers.OfType<Conv2D>().First().Kernel.ValueAs<float>().ToArray();
        Assert.Equal(plain, withBn);

        var seeds = LeNetModels.Build(LeNetModels.BatchNormDropout, 5).Layers.OfType<Dropout>().Select(d => d.Seed).ToArray();
        Assert.Equal(5, seeds.Length);
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.Equal(seeds, LeNetModels.Build(LeNetModels.BatchNormDropout, 5).Layers.OfType<Dropout>().Select(d => d.Seed));
    }

    [Fact]
    public void AnUnadaptedNormalizationIsTheIdentity()
    {
        var model = LeNetModels.Build(LeNetModels.StandardNorm, 2);
        var normalization = Assert.IsType<Normalization>(model.Layers[0]);
        var x = new Tensor<float>(7, 28, 28, 1);
        var random = new System.Random(3);
        var values = x.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        Assert.Equal(x.ToArray(), normalization.Forward(x, training: true).ToArray());
        Assert.Equal([0f], normalization.Mean.ValueAs<float>().ToArray());
        Assert.Equal([1f], normalization.Variance.ValueAs<float>().ToArray());
    }

    [Fact]
    public void QuickRunRecordsEveryModelsTestAccuracyPerSeedAndItsMean()
    {
        var results = _run.Results;
        GradientLabRunner.AssertAllFinite(results);
        foreach (var model in LeNetModels.All)
        {
            var accuracy = results[$"{model.Key}.test_accuracy"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            Assert.Equal(2, accuracy.Length);
            Assert.All(accuracy, a => Assert.InRange(a, 0, 1));
            Assert.Equal(accuracy.Average(), results[$"{model.Key}.test_accuracy_mean"]!.GetValue<double>(), 12);
            int epochs = LeNetBatchNormDropoutLab.EpochsOf(model, quick: true);
            foreach (string metric in new[] { "loss", "accuracy", "val_loss", "val_accuracy" })
            {
                var perSeed = results[$"{model.Key}.history.{metric}"]!.AsArray();
                Assert.Equal(2, perSeed.Count);
                Assert.All(perSeed, h => Assert.Equal(epochs, h!.AsArray().Count));
            }
        }

        // --quick: 3,000 training digits split 2,700 / 300 as Keras's validation_split = 0.1, and 500 test digits.
        Assert.Equal(2_700, results["data.train_rows"]!.GetValue<int>());
        Assert.Equal(300, results["data.validation_rows"]!.GetValue<int>());
        Assert.Equal(500, results["data.test_rows"]!.GetValue<int>());
        Assert.Equal(44_426, results["plain.parameters"]!.GetValue<long>());
        Assert.Equal(0, results["standard_norm.normalization.max_abs_change"]!.GetValue<double>());

        // The learned BN parameters: one array per seed of one value per channel, for every BN layer.
        int[] channels = [1, 6, 16, 120, 84];
        for (int layer = 1; layer <= 5; layer++)
        {
            foreach (string kind in new[] { "gamma", "beta", "moving_mean", "moving_variance" })
            {
                var perSeed = results[$"batchnorm_dropout.batchnorm.layer{layer}.{kind}"]!.AsArray();
                Assert.Equal(2, perSeed.Count);
                Assert.All(perSeed, v => Assert.Equal(channels[layer - 1], v!.AsArray().Count));
            }
        }

        Assert.False(results.ContainsKey("standard_norm.batchnorm.layer5.gamma"));
        Assert.False(results.ContainsKey("dropout.batchnorm.layer1.gamma"));
    }

    [Fact]
    public void QuickRunComparesEveryPublishedFigure()
    {
        var published = _run.Root["published"]!.AsArray();
        // Four accuracies per seed (2) and as mean ± std, four losses as mean ± std, the epochs at chance.
        Assert.Equal(4 * 3 + 4 + 1, published.Count);
        Assert.All(published, row => Assert.Contains(row!["verdict"]!.GetValue<string>(), new[] { "matches", "within spread", "differs" }));
        var accuracyRows = published.Where(r => r!["quantity"]!.GetValue<string>().Contains("test accuracy", StringComparison.Ordinal)).ToArray();
        Assert.Equal(12, accuracyRows.Length);
        Assert.Equal(0.9772, accuracyRows.First(r => r!["quantity"]!.GetValue<string>().StartsWith("batch norm: test accuracy, mean", StringComparison.Ordinal))!["published"]!.GetValue<double>());
        // A seed's row is one value; the mean row carries the seeds' standard deviation.
        Assert.All(accuracyRows, r => Assert.Equal(r!["quantity"]!.GetValue<string>().Contains("mean ± std", StringComparison.Ordinal), r["measured_std"] is not null));
    }

    private static void AssertSummaryRows((string Layer, string Shape, string Params)[] keras, string summary)
    {
        // A row whose Param # cell is empty continues the row above (Keras wraps long names onto a second line).
        var rows = new List<string[]>();
        foreach (var cells in summary.Split('\n').Where(l => l.StartsWith('│')).Select(l => l.Split('│', StringSplitOptions.TrimEntries)))
        {
            if (cells[3].Length == 0)
            {
                rows[^1][1] += " " + cells[1];
            }
            else
            {
                rows.Add(cells);
            }
        }

        Assert.Equal(keras.Length, rows.Count);
        for (int i = 0; i < keras.Length; i++)
        {
            Assert.Equal(keras[i].Layer, rows[i][1]);
            Assert.Equal(keras[i].Shape, rows[i][2]);
            Assert.Equal(keras[i].Params, rows[i][3]);
        }
    }
}
