using Backprop.Labs.PerceptronHinge;
using Backprop.Losses;

namespace Backprop.Labs.Tests;

public sealed class PerceptronHingeLabTests
{
    [Fact]
    public void The_data_is_numpys_draw_after_seeding()
    {
        // np.random.seed(42); a, b = np.random.rand(20), np.random.rand(20)
        var data = SeparableSquare.Draw(42);
        Assert.Equal(0.3745401188473625, data.XTrain[0, 0]);
        Assert.Equal(0.9507143064099162, data.XTrain[1, 0]);
        Assert.Equal(0.6118528947223795, data.XTrain[0, 1]);
        Assert.Equal(0.13949386065204183, data.XTrain[1, 1]);
        Assert.Equal([-1.0, 1.0], data.YTrain[..2]);
        Assert.Equal(1000, data.YTest.Length);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => data.XTest[i, 0] > data.XTest[i, 1] ? 1.0 : -1.0), data.YTest);
    }

    [Fact]
    public void The_online_rule_gives_numpys_weights()
    {
        // The course's percept_train run in numpy on the seed-42 draw (float64, same order of operations).
        var data = SeparableSquare.Draw(42);
        Assert.Equal([0.12502600634450423, -0.12545443194079653], OnlineRule.Train(data.XTrain, data.YTrain, 0, 0.1, 50).W);
        Assert.Equal([6.306857390967896, -6.465235258031077], OnlineRule.Train(data.XTrain, data.YTrain, 1, 0.1, 200).W);
    }

    [Fact]
    public void The_online_rule_by_hand()
    {
        // Points (0.5, 0.2) y=+1 and (0.1, 0.4) y=−1, η = 0.1, a = 0, from w = 0:
        // epoch 1: margin 0 ≤ 0 → w = (0.05, 0.02); second: −1·(0.005 + 0.008) < 0 → w = (0.04, −0.02).
        // epoch 2: 0.5·0.04 − 0.2·0.02 = 0.016 > 0 and −(0.004 − 0.008) = 0.004 > 0: no update.
        double[,] x = { { 0.5, 0.2 }, { 0.1, 0.4 } };
        var result = OnlineRule.Train(x, [1, -1], 0, 0.1, 3);
        Assert.Equal(0.04, result.W[0], 15);
        Assert.Equal(-0.02, result.W[1], 15);
        Assert.Equal([2, 0, 0], result.UpdatesPerEpoch);
        Assert.Equal(1, result.LastEpochWithUpdate);
    }

    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    [InlineData(1000)]
    public void The_library_path_gives_the_online_rules_weights(int seed)
    {
        var data = SeparableSquare.Draw(seed);
        var perceptron = OnlineRule.Train(data.XTrain, data.YTrain, 0, 0.1, PerceptronHingeLab.PerceptronEpochs).W;
        var hinge = OnlineRule.Train(data.XTrain, data.YTrain, 1, 0.1, PerceptronHingeLab.HingeEpochs).W;
        Assert.NotEqual(0.0, perceptron[0]);
        Assert.Equal(perceptron, LibraryPath.Train(data.XTrain, data.YTrain, new Perceptron(), 0.1, PerceptronHingeLab.PerceptronEpochs));
        Assert.Equal(hinge, LibraryPath.Train(data.XTrain, data.YTrain, new Hinge(), 0.1, PerceptronHingeLab.HingeEpochs));
    }

    [Fact]
    public void Exact_accuracy_on_the_square()
    {
        // The notes' derived values for the course's weights: 1 − (1 − w₁/|w₂|)/2.
        Assert.Equal(0.8812, SquareAccuracy.Of(0.06943906675610265, -0.09107289548530381), 4);
        Assert.Equal(0.9499, SquareAccuracy.Of(7.061454974712272, -7.848020193905932), 4);
        Assert.Equal(1 - ((1 - (0.3 / 0.5)) / 2), SquareAccuracy.Of(0.3, -0.5), 14);
        Assert.Equal(1.0, SquareAccuracy.Of(1, -1), 14);
        Assert.Equal(0.0, SquareAccuracy.Of(-1, 1), 14);
        Assert.Equal(0.5, SquareAccuracy.Of(0, 0), 14);   // w = 0 predicts +1 everywhere
        Assert.Equal(0.5, SquareAccuracy.Of(1, 0), 14);   // x₁ ≥ 0: +1 everywhere

        // Against a dense grid for boundaries on both sides of the diagonal and flipped ones.
        foreach (var (w1, w2) in new[] { (0.3, -1.0), (1.0, -0.2), (-0.4, -1.0), (2.0, 1.0), (-1.0, 0.5), (1.0, -1.7) })
        {
            const int n = 1000;
            int agree = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double x1 = (i + 0.5) / n, x2 = (j + 0.5) / n;
                    agree += (w1 * x1 + w2 * x2 >= 0) == (x1 > x2) ? 1 : 0;
                }
            }

            Assert.Equal((double)agree / (n * n), SquareAccuracy.Of(w1, w2), 2.5e-3);
        }
    }

    [Fact]
    public void Published_figures_are_the_courses()
    {
        Assert.Equal(0.06943906675610265, PerceptronHingePublished.PerceptronW1.Value.Number);
        Assert.Equal(-0.09107289548530381, PerceptronHingePublished.PerceptronW2.Value.Number);
        Assert.Equal(0.902, PerceptronHingePublished.PerceptronAccuracy.Value.Number);
        Assert.Equal(7.061454974712272, PerceptronHingePublished.HingeW1.Value.Number);
        Assert.Equal(-7.848020193905932, PerceptronHingePublished.HingeW2.Value.Number);
        Assert.Equal(0.955, PerceptronHingePublished.HingeAccuracy.Value.Number);
        Assert.False(PerceptronHingePublished.HingeBetter.Value.IsNumber);

        var accuracy = PerceptronHingePublished.PerceptronAccuracy;
        Assert.Equal(Verdict.Matches, accuracy.Tolerance.Judge(accuracy.Value, Measurement.OfRepetitions([0.9, 0.9042])));
        Assert.Equal(Verdict.WithinSpread, accuracy.Tolerance.Judge(accuracy.Value, Measurement.OfRepetitions([0.95, 0.9, 0.99])));
        Assert.Equal(Verdict.Differs, accuracy.Tolerance.Judge(accuracy.Value, Measurement.OfRepetitions([0.99, 0.995, 0.998])));
        var better = PerceptronHingePublished.HingeBetter;
        Assert.Equal(Verdict.Matches, better.Tolerance.Judge(better.Value, Measurement.Of(0.6)));
        Assert.Equal(Verdict.Differs, better.Tolerance.Judge(better.Value, Measurement.Of(0.4)));
    }

    [Fact]
    public void A_quick_run_compares_every_figure_and_records_the_weights()
    {
        var root = GradientLabRunner.QuickRoot(new PerceptronHingeLab());
        var results = root["results"]!.AsObject();
        Assert.Equal([0.12502600634450423, -0.12545443194079653], results["perceptron.w"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(0.0, results["sets.library_max_difference"]!.GetValue<double>());
        Assert.Equal(PerceptronHingeLab.QuickSets, results["sets.hinge.exact_accuracy"]!.AsArray().Count);
        var published = root["published"]!.AsArray();
        Assert.Equal(13, published.Count);
        Assert.Equal(0.8812, results["course.perceptron_exact_accuracy"]!.GetValue<double>(), 4);
    }
}
