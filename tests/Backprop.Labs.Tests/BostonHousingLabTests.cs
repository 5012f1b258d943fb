using System.Text.Json.Nodes;
using BostonHousingDataset = Backprop.Data.Datasets.BostonHousing;
using Backprop.Labs.BostonHousing;

namespace Backprop.Labs.Tests;

/// <summary>One quick run of the boston-housing lab, shared by the tests that only read its output.</summary>
public sealed class BostonHousingQuickRun : IDisposable
{
    public BostonHousingQuickRun()
    {
        Directory = Path.Combine(Path.GetTempPath(), "backprop-boston-" + Guid.NewGuid().ToString("N"));
        Result = BostonHousingLabTests.RunQuick(Directory, seed: 7);
        Root = ResultsFile.Read(Result.ResultsPath)!.AsObject();
        Results = Root["results"]!.AsObject();
    }

    public string Directory { get; }

    public JsonObject Root { get; }

    public LabRunResult Result { get; }

    public JsonObject Results { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public class BostonHousingLabTests : IClassFixture<BostonHousingQuickRun>
{
    private readonly BostonHousingQuickRun _run;

    public BostonHousingLabTests(BostonHousingQuickRun run)
    {
        _run = run;
    }

    [Fact]
    public void QuickRunWritesReportResultsAndFigures()
    {
        Assert.True(File.Exists(_run.Result.ReportPath));
        Assert.True(File.Exists(_run.Result.ResultsPath));
        string html = File.ReadAllText(_run.Result.ReportPath);
        Assert.Contains("TensorSpec(shape=(None, 13), dtype=float32)", html);
        Assert.Contains("Total params", html);
        Assert.Contains("--quick", html);

        // b and d draw MSE and MAE curves (c too unless it never had a finite value), plus the overlay and the seed bar chart.
        var figures = System.IO.Directory.GetFiles(_run.Directory, "*.png").Select(Path.GetFileName).ToArray();
        foreach (string name in new[] { "b-mse", "b-mae", "d-mse", "d-mae", "comparison-val-mae", "seeds-val-mae" })
        {
            Assert.Single(figures, f => f!.EndsWith($"-{name}.png", StringComparison.Ordinal));
        }

        Assert.Contains("Batch loss (MSE) at each step", html);
    }

    [Fact]
    public void ResultsHoldEveryFigureAsFiniteNumbers()
    {
        var results = _run.Results;
        foreach (string variant in new[] { "b", "d" })
        {
            foreach (string key in new[] { "best_val_mae", "best_val_mse", "test_mae", "test_mse", "seconds" })
            {
                double value = Number(results, $"{variant}.{key}");
                Assert.True(double.IsFinite(value) && value >= 0, $"{variant}.{key} = {value}");
            }

            Assert.InRange(Number(results, $"{variant}.best_epoch"), 1, 30);
            Assert.InRange(Number(results, $"{variant}.epochs_trained"), 1, 30);
            Assert.True(results.ContainsKey($"{variant}.stopped_epoch"));
            Assert.False(results[$"{variant}.diverged"]!.GetValue<bool>());
            AssertFiniteArray(results, $"{variant}.history.loss", 30);
            AssertFiniteArray(results, $"{variant}.history.val_mae", 30);
            AssertFiniteArray(results, $"seeds.{variant}.best_val_mae", 2);
            Assert.True(double.IsFinite(Number(results, $"seeds.{variant}.mean")));
            Assert.True(double.IsFinite(Number(results, $"seeds.{variant}.std")));
        }

        // Standardised features learn within the quick run's 30 epochs; the house prices are ~22 on average.
        Assert.InRange(Number(results, "b.best_val_mae"), 1.0, 4.0);

        // (c) may diverge: its numbers are then NaN/Infinity (written as strings), and it says so.
        Assert.True(results.ContainsKey("c.best_val_mae"));
        bool cDiverged = results["c.diverged"]!.GetValue<bool>();
        Assert.True(cDiverged || double.IsFinite(Number(results, "c.best_val_mae")));
        Assert.Equal(2, results["seeds.c.best_val_mae"]!.AsArray().Count);

        Assert.True(Number(results, "timing.optimizer_steps") > 0);
        AssertFiniteArray(results, "b.first_epoch_step_losses", 10);
    }

    [Fact]
    public void EvaluateOnRestoredWeightsMatchesTheBestLoggedEpoch()
    {
        foreach (string variant in new[] { "b", "d" })
        {
            var history = _run.Results[$"{variant}.history.val_mae"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            int best = (int)Number(_run.Results, $"{variant}.best_epoch");
            Assert.Equal(history.Min(), history[best - 1]);
            Assert.Equal(history.Min(), Number(_run.Results, $"{variant}.best_val_mae"), 5);
        }
    }

    [Fact]
    public void SameSeedGivesIdenticalResults()
    {
        string other = Path.Combine(Path.GetTempPath(), "backprop-boston-" + Guid.NewGuid().ToString("N"));
        try
        {
            var again = RunQuick(other, seed: 7);
            var results = ResultsFile.Read(again.ResultsPath)!["results"]!.AsObject();
            var compared = _run.Results.Where(kv => !IsTiming(kv.Key)).ToList();
            Assert.True(compared.Count > 40);
            foreach (var (key, value) in compared)
            {
                Assert.True(results.ContainsKey(key), key);
                Assert.Equal(value!.ToJsonString(), results[key]!.ToJsonString());
            }
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void PublishedTableIsTheCoursesLog()
    {
        // Course 000, Q1(b), notes §3.1 and Appendix B: best val MAE 2.1990 (val MSE 9.1605) at epoch 12, stopped after 42.
        Assert.Equal(2.1990, BostonHousingPublished.BestValidationMae.Value.Number);
        Assert.Equal(9.1605, BostonHousingPublished.ValidationMse.Value.Number);
        Assert.Equal(12.0, BostonHousingPublished.BestEpoch.Value.Number);
        Assert.Equal(42.0, BostonHousingPublished.EpochsTrained.Value.Number);
        Assert.Equal(500.8671, BostonHousingPublished.FirstEpochLoss.Value.Number);
        Assert.Equal(20.0420, BostonHousingPublished.FirstEpochMae.Value.Number);
        Assert.Equal(235.7174, BostonHousingPublished.FirstEpochValidationMse.Value.Number);
        Assert.Equal(12.5556, BostonHousingPublished.FirstEpochValidationMae.Value.Number);
        Assert.False(BostonHousingPublished.RawFeaturesWorse.Value.IsNumber);
        Assert.Equal(9, new BostonHousingLab().Published.Count);

        // Passing and failing: within the printed digits it matches; one seed is judged by the seeds' spread.
        var mae = BostonHousingPublished.BestValidationMae;
        Assert.Equal(Verdict.Matches, mae.Tolerance.Judge(mae.Value, Measurement.OfRepetitions([2.19, 2.20808])));
        Assert.Equal(Verdict.WithinSpread, mae.Tolerance.Judge(mae.Value, Measurement.OfRepetitions([2.1, 2.4, 2.3])));
        Assert.Equal(Verdict.Differs, mae.Tolerance.Judge(mae.Value, Measurement.OfRepetitions([2.8, 2.9, 2.85])));
        var stop = BostonHousingPublished.EpochsTrained;
        Assert.Equal(Verdict.Matches, stop.Tolerance.Judge(stop.Value, Measurement.OfRepetitions([40, 44])));
        Assert.Equal(Verdict.Differs, stop.Tolerance.Judge(stop.Value, Measurement.OfRepetitions([30, 30])));
    }

    [Fact]
    public void QuickRunComparesEverySeedAndTheMean()
    {
        // 4 figures × (2 seeds + mean) + 4 epoch-1 means + the (c) claim.
        var published = _run.Root["published"]!.AsArray();
        Assert.Equal(17, published.Count);
        Assert.Equal("(b) best validation MAE, seed 7", published[0]!["quantity"]!.GetValue<string>());
        Assert.Equal("(b) best validation MAE, mean ± std over 2 seeds", published[2]!["quantity"]!.GetValue<string>());
        Assert.Equal(2.199, published[2]!["published"]!.GetValue<double>());
        double mean = _run.Results["seeds.b.mean"]!.GetValue<double>();
        Assert.Equal(mean, published[2]!["measured"]!.GetValue<double>(), 12);
        Assert.Equal(_run.Results["seeds.b.std"]!.GetValue<double>(), published[2]!["measured_std"]!.GetValue<double>(), 12);
        Assert.Null(published[0]!["measured_std"]);
        // The quick run trains 30 epochs, so early stopping (patience 30) cannot fire: 30 epochs ≠ 42.
        Assert.Equal(30, published[11]!["measured"]!.GetValue<double>());
        Assert.Equal("differs", published[11]!["verdict"]!.GetValue<string>());
        Assert.Contains("Against the published results", File.ReadAllText(_run.Result.ReportPath));
    }

    [Fact]
    public void SplitsHaveTheExerciseSizes()
    {
        var data = BostonHousingData.Load();
        Assert.Equal((303, 13), (data.XTrain.Shape[0], data.XTrain.Shape[1]));
        Assert.Equal((101, 13), (data.XValidation.Shape[0], data.XValidation.Shape[1]));
        Assert.Equal((102, 13), (data.XTest.Shape[0], data.XTest.Shape[1]));
        Assert.Equal(303, data.YTrain.Shape[0]);
        Assert.Equal(101, data.YValidation.Shape[0]);
        Assert.Equal(102, data.YTest.Shape[0]);
        Assert.Equal(303, data.Scaler.SamplesSeen);

        // Training and validation rows partition Keras's 404 training rows.
        Assert.Equal(Enumerable.Range(0, 404), data.TrainRows.Concat(data.ValidationRows).Order());
    }

    [Fact]
    public void RowsFollowKerasAndScikitLearnOrder()
    {
        // keras.datasets.boston_housing.load_data(): first training targets.
        var keras = BostonHousingDataset.Load();
        Assert.Equal([15.2, 42.3, 50.0, 21.1, 17.7], keras.YTrain.ToArray()[..5]);

        // train_test_split(np.arange(404), test_size=0.25, random_state=42), by /usr/bin/python3 with scikit-learn.
        var data = BostonHousingData.Load();
        Assert.Equal([219, 75, 110, 113, 16, 66, 271, 7, 19, 176], data.TrainRows[..10]);
        Assert.Equal([70, 218, 384, 33, 42, 77, 137, 331, 365, 265], data.ValidationRows[..10]);
        Assert.Equal([23.8f, 16.5f, 19.4f, 19.7f, 50.0f], data.YTrain.ToArray()[..5]);
        Assert.Equal([19.3f, 23.3f, 17.5f, 23.1f, 22.2f], data.YValidation.ToArray()[..5]);
        Assert.Equal(keras.YTest.ToArray().Select(v => (float)v), data.YTest.ToArray());
    }

    [Fact]
    public void StandardisationUsesTrainingStatisticsOnly()
    {
        var data = BostonHousingData.Load();

        // StandardScaler().fit(x_train) in scikit-learn: mean_ and scale_.
        double[] sklearnMean = [3.38111690e+00, 1.24983498e+01, 1.07649835e+01, 6.93069307e-02, 5.54464686e-01, 6.28564356e+00, 6.81597360e+01, 3.79517591e+00, 9.24092409e+00, 3.99660066e+02, 1.82983498e+01, 3.55147855e+02, 1.25289439e+01];
        double[] sklearnScale = [7.37608812e+00, 2.43546235e+01, 6.87459987e+00, 2.53975353e-01, 1.19245361e-01, 7.18612620e-01, 2.83331925e+01, 2.04957868e+00, 8.58915821e+00, 1.66143820e+02, 2.23549905e+00, 9.31176747e+01, 7.39911503e+00];
        double[] sklearnFirstRow = [-0.40833527, -0.51318181, -0.1258231, -0.27288841, -0.0877576, 0.39152727, 0.67554209, -0.09410515, -0.61017901, -0.57576662, 0.0454709, 0.43538614, -0.43909898];
        var mean = data.Scaler.Mean!.ToArray();
        var scale = data.Scaler.Scale!.ToArray();
        for (int j = 0; j < 13; j++)
        {
            Assert.Equal(sklearnMean[j], mean[j], sklearnMean[j] * 1e-8);
            Assert.Equal(sklearnScale[j], scale[j], sklearnScale[j] * 1e-8);
            Assert.Equal(sklearnFirstRow[j], data.XTrain[0, j], 1e-6);
        }

        // Each standardised training column: mean ≈ 0 and population standard deviation ≈ 1 (float64 sums).
        var (trainMean, trainStd) = ColumnStatistics(data.XTrain.ToArray(), 13);
        for (int j = 0; j < 13; j++)
        {
            Assert.Equal(0, trainMean[j], 1e-6);
            Assert.Equal(1, trainStd[j], 1e-6);
        }

        // The validation rows are transformed with the training statistics, so they are not exactly centred.
        var (validationMean, _) = ColumnStatistics(data.XValidation.ToArray(), 13);
        Assert.Contains(validationMean, m => Math.Abs(m) > 0.05);
    }

    internal static LabRunResult RunQuick(string directory, int seed) =>
        LabRunner.Run(new BostonHousingLab(), new LabRunOptions(Seed: seed, Quick: true, OutputDirectory: directory), new PlainLabConsole(TextWriter.Null));

    private static bool IsTiming(string key) => key.StartsWith("timing.", StringComparison.Ordinal) || key.EndsWith(".seconds", StringComparison.Ordinal);

    private static double Number(JsonObject results, string key)
    {
        Assert.True(results.ContainsKey(key), $"results.json has no '{key}'");
        var node = results[key]!.AsValue();
        return node.TryGetValue(out string? text) ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : node.GetValue<double>();
    }

    private static void AssertFiniteArray(JsonObject results, string key, int expectedCount)
    {
        Assert.True(results.ContainsKey(key), $"results.json has no '{key}'");
        var values = results[key]!.AsArray();
        Assert.Equal(expectedCount, values.Count);
        Assert.All(values, v => Assert.True(double.IsFinite(v!.GetValue<double>()), $"{key} holds {v}"));
    }

    private static (double[] Mean, double[] Std) ColumnStatistics(float[] values, int columns)
    {
        int rows = values.Length / columns;
        var mean = new double[columns];
        var std = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            double sum = 0;
            for (int i = 0; i < rows; i++)
            {
                sum += values[(i * columns) + j];
            }

            mean[j] = sum / rows;
            double squares = 0;
            for (int i = 0; i < rows; i++)
            {
                double d = values[(i * columns) + j] - mean[j];
                squares += d * d;
            }

            std[j] = Math.Sqrt(squares / rows);
        }

        return (mean, std);
    }
}
