using Backprop.Training;
using Backprop.Inspection;
using Backprop.Labs.LogisticRegression;

namespace Backprop.Labs.Tests;

public sealed class LogisticRegressionLabTests
{
    [Fact]
    public void Splits_are_scikit_learns_rows()
    {
        // train_test_split(np.arange(n), test_size=0.25, random_state=42), printed by the peers script.
        var digits = ClassificationData.Digits();
        Assert.Equal((1347, 450, 64), (digits.YTrain.Length, digits.YTest.Length, digits.Features));
        Assert.Equal([1245, 220, 1518, 438, 1270], digits.TestRows[..5]);
        Assert.InRange(digits.XTrain.ToArray().Max(), 0.99, 1.0);
        var iris = ClassificationData.Iris();
        Assert.Equal((112, 38, 4), (iris.YTrain.Length, iris.YTest.Length, iris.Features));
        Assert.Equal([73, 18, 118, 78, 76], iris.TestRows[..5]);
        // Standardised with the training rows: each training column has mean 0 and population std 1.
        var x = iris.XTrain;
        for (int j = 0; j < 4; j++)
        {
            var column = Enumerable.Range(0, 112).Select(i => x[i, j]).ToArray();
            Assert.Equal(0, column.Average(), 12);
            Assert.Equal(1, Math.Sqrt(column.Average(v => v * v)), 12);
        }
    }

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(7, 5, 3)]
    [InlineData(33, 64, 10)]
    public void The_hand_written_layer_passes_the_gradient_check(int rows, int features, int classes)
    {
        var random = new Random.RandomGenerator(5);
        var x = new Tensor<double>(rows, features);
        random.FillNormal<double>(x.AsSpan(), 0, 1);
        var report = GradientCheck.CheckLayer(new SoftmaxRegression(classes, seed: 3), x);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(3, report.Entries.Count);
    }

    [Fact]
    public void Initial_weights_are_scaled_by_one_over_root_n()
    {
        var layer = new SoftmaxRegression(10, seed: 1, inputShape: [400]);
        _ = new Models.Sequential(DType.Float64, layer);
        var w = layer.W.ValueAs<double>().ToArray();
        double std = Math.Sqrt(w.Average(v => v * v));
        Assert.Equal(1 / Math.Sqrt(400), std, 0.05 / Math.Sqrt(400));
    }

    [Fact]
    public void The_layer_takes_the_same_steps_as_dense_softmax()
    {
        var data = ClassificationData.Iris();
        var ours = LogisticRegressionLab.Build(data, 9);
        var dense = LogisticRegressionLab.BuildDense(data, ours);
        var y = data.OneHotTrain();
        for (int step = 0; step < 7; step++)
        {
            var xb = data.XTrain.SliceRows(step * 16, 16);
            var yb = y.SliceRows(step * 16, 16);
            Assert.Equal(ours.TrainOnBatch(xb, yb), dense.TrainOnBatch(xb, yb), 1e-12);
            var (w, b) = LogisticRegressionLab.WeightDifference(ours, dense);
            Assert.True(w <= 1e-12 && b <= 1e-12, $"step {step}: |ΔW| {w}, |Δb| {b}");
        }

        // And they did move: the step is not the identity.
        Assert.NotEqual(LogisticRegressionLab.Build(data, 9).GetWeights()[0].ToArray(), ours.GetWeights()[0].ToArray());
    }

    [Fact]
    public void Published_figures_are_the_peers_scripts()
    {
        Assert.Equal(436.0 / 450, LogisticRegressionPublished.DigitsDefault.Value.Number!.Value, 15);
        Assert.Equal(438.0 / 450, LogisticRegressionPublished.DigitsUnpenalised.Value.Number!.Value, 15);
        Assert.Equal(1.0, LogisticRegressionPublished.IrisDefault.Value.Number);
        Assert.Equal(1.0, LogisticRegressionPublished.IrisUnpenalised.Value.Number);
        var digits = LogisticRegressionPublished.DigitsDefault;
        Assert.Equal(Verdict.Matches, digits.Tolerance.Judge(digits.Value, Measurement.OfRepetitions([0.96, 0.955])));
        Assert.Equal(Verdict.Differs, digits.Tolerance.Judge(digits.Value, Measurement.OfRepetitions([0.94, 0.945])));
    }

    [Fact]
    public void A_quick_run_compares_with_scikit_learn_and_shows_the_equivalence()
    {
        var root = GradientLabRunner.QuickRoot(new LogisticRegressionLab());
        var results = root["results"]!.AsObject();
        Assert.True(results["gradient_check.passed"]!.GetValue<bool>());
        foreach (string data in new[] { "digits", "iris" })
        {
            Assert.True(results[$"{data}.equivalence.max_weight_difference"]!.GetValue<double>() <= LogisticRegressionLab.SameValues);
            Assert.True(results[$"{data}.equivalence.same_predictions"]!.GetValue<bool>());
            Assert.All(results[$"{data}.test_accuracy"]!.AsArray(), a => Assert.InRange(a!.GetValue<double>(), 0.9, 1.0));
        }

        Assert.Equal(4, root["published"]!.AsArray().Count);
        Assert.Equal(10, results["digits.confusion"]!.AsArray().Count);
    }
}
