using Backprop.Labs.Eckerle4Regression;
using Backprop.Optimizers;

namespace Backprop.Labs.Tests;

public sealed class Eckerle4RegressionLabTests
{
    [Fact]
    public void The_published_table_is_the_courses()
    {
        // course-experiments.md §1.4: sixteen rows, two "did not work".
        Assert.Equal(16, Eckerle4Config.Course.Count);
        Assert.Equal([3, 5], Eckerle4Config.Course.Where(c => c.DidNotWork).Select(c => c.Number));
        var best = Eckerle4Config.Course.Single(c => c.Number == 13);
        Assert.Equal([128, 128, 64], best.Hidden);
        Assert.Equal((0.002878, 0.001552, 0.003066, 0.001185), (best.TrainMean, best.TrainStd, best.TestMean, best.TestStd));
        Assert.Equal((0.042178, 0.077668), (Eckerle4Config.Course[6].TrainMean, Eckerle4Config.Course[6].TestMean));
        Assert.Equal(0.2, Eckerle4Config.Course.Single(c => c.Number == 14).Dropout);
        Assert.Equal(14 * 2 + 2 + 1, new Eckerle4RegressionLab().Published.Count);
        Assert.Equal(0.003066, Eckerle4RegressionPublished.TestMse[13].Value.Number);

        // The optimisers the rows name, with the table's default learning rate 0.01.
        var sgd = Assert.IsType<SGD>(Eckerle4Config.Course[5].CreateOptimizer());
        Assert.Equal((0.01, 0.99, true), (sgd.LearningRate, sgd.Momentum, sgd.Nesterov));
        Assert.IsType<Nadam>(Eckerle4Config.Course[1].CreateOptimizer());
        Assert.Equal(0.001, Assert.IsType<Adam>(Eckerle4Config.Course[12].CreateOptimizer()).LearningRate);
    }

    [Fact]
    public void Scaling_on_all_rows_or_on_the_training_rows()
    {
        var course = Eckerle4Data.Load(42, Eckerle4Scaling.WholeDataSet);
        var leakFree = Eckerle4Data.Load(42, Eckerle4Scaling.TrainingRowsOnly);
        Assert.Equal((21, 14), (course.TrainRows.Length, course.TestRows.Length));
        Assert.Equal(course.TestRows, leakFree.TestRows);
        // NIST's Eckerle4 spans x = 400…500; the course's scaling maps all 35 rows onto [0, 1].
        Assert.Equal(400, course.XScaler.DataMin![0]);
        Assert.Equal(500, course.XScaler.DataMax![0]);
        var all = course.XTrain.ToArray().Concat(course.XTest.ToArray()).Concat(course.YTrain.ToArray()).Concat(course.YTest.ToArray());
        Assert.All(all, v => Assert.InRange(v, 0f, 1f));
        // The training rows' own range maps the training rows onto [0, 1] exactly.
        Assert.Equal(0, leakFree.YTrain.ToArray().Min(), 6);
        Assert.Equal(1, leakFree.YTrain.ToArray().Max(), 6);
        // Errors are reported on the course's scale in both variants.
        Assert.Equal(1.0 / Math.Pow(course.RawY.Max() - course.RawY.Min(), 2), course.OnCourseScale(1.0), 12);
    }

    [Fact]
    public void The_did_not_work_rule_flags_a_network_that_predicts_one_value()
    {
        Assert.True(new Eckerle4Run(0.1, 0.1, 0.0, [0.1], []).Collapsed);
        Assert.True(new Eckerle4Run(0.1, 0.1, 0.09, [0.1], []).Collapsed);
        Assert.True(new Eckerle4Run(double.NaN, double.NaN, double.NaN, [double.NaN], []).Collapsed);
        Assert.False(new Eckerle4Run(0.01, 0.01, 0.95, [0.01], []).Collapsed);

        // SGD with momentum 0.99 at lr 0.01 on this data ends at a constant: its predictions do not spread.
        var data = Eckerle4Data.Load(42, Eckerle4Scaling.WholeDataSet);
        var run = Eckerle4Training.Train(data, [128, 64, 64], 0, new SGD(0.01, momentum: 0.99), seed: 1, epochs: 64);
        Assert.True(run.Collapsed, $"spread ratio {run.SpreadRatio}");
        var adam = Eckerle4Training.Train(data, [128, 64, 64], 0, new Adam(0.001), seed: 1, epochs: 64);
        Assert.False(adam.Collapsed, $"spread ratio {adam.SpreadRatio}");
        Assert.True(adam.TestMse < 0.05, $"test MSE {adam.TestMse}");
    }

    [Fact]
    public void A_quick_run_compares_all_31_figures()
    {
        var root = GradientLabRunner.QuickRoot(new Eckerle4RegressionLab());
        var published = root["published"]!.AsArray();
        Assert.Equal(31, published.Count);
        Assert.All(published, row => Assert.NotEqual("not measured", row!["verdict"]!.GetValue<string>()));
        var results = root["results"]!.AsObject();
        Assert.Equal(Eckerle4RegressionLab.QuickRepetitions, results["course.13.test_mse"]!.AsArray().Count);
        Assert.Equal(Eckerle4RegressionLab.QuickRepetitions, results["leak_free.13.test_mse"]!.AsArray().Count);
        Assert.True(results.ContainsKey("lbfgs.test_mse"));
    }
}
