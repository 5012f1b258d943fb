using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.Layers;
using Backprop.Training.Callbacks;
using Backprop.Training;

namespace Backprop.Tests.Training;

public sealed class FitTests
{
    [Fact]
    public void History_has_keras_keys_and_one_value_per_epoch()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile(new SGD(0.01), "mse", ["mae"]);
        var (x, y) = TrainingTestKit.Regression(50, 3);
        var history = model.Fit(x, y, epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0, seed: 1);
        Assert.Equal(["loss", "mae", "val_loss", "val_mae"], history.Values.Keys.Order());
        Assert.All(history.Values.Values, v => Assert.Equal(3, v.Count));
        Assert.Equal([0, 1, 2], history.Epoch);
    }

    [Fact]
    public void Validation_split_takes_the_last_rows_before_shuffling()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile(new SGD(0.0), "mse", ["mae"]);
        var (x, y) = TrainingTestKit.Regression(50, 4);
        var history = model.Fit(x, y, epochs: 1, batchSize: 7, validationSplit: 0.3, verbose: 0, seed: 2);
        // floor(50 · 0.7) = 35: validation is rows 35..49. With η = 0 the weights do not move.
        var expected = model.Evaluate(x.SliceRows(35, 15), y.SliceRows(35, 15));
        Assert.Equal(expected["loss"], history["val_loss"][0], 12);
        Assert.Equal(expected["mae"], history["val_mae"][0], 12);
        var train = model.Evaluate(x.SliceRows(0, 35), y.SliceRows(0, 35));
        Assert.Equal(train["loss"], history["loss"][0], 12);
    }

    [Fact]
    public void Epoch_loss_is_the_batch_size_weighted_mean_of_the_batch_losses()
    {
        var model = TrainingTestKit.SmallModel();
        var twin = TrainingTestKit.SmallModel();
        model.Compile(new SGD(0.05), "mse");
        twin.Compile(new SGD(0.05), "mse");
        var (x, y) = TrainingTestKit.Regression(23, 5);
        var history = model.Fit(x, y, epochs: 1, batchSize: 10, shuffle: false, verbose: 0);
        double sum = 0;
        foreach (var (start, count) in new[] { (0, 10), (10, 10), (20, 3) })
        {
            sum += twin.TrainOnBatch(x.SliceRows(start, count), y.SliceRows(start, count)) * count;
        }

        Assert.Equal(sum / 23, history["loss"][0], 12);
        Assert.True(TrainingTestKit.SameWeights(model.GetWeights(), twin.GetWeights()));
    }

    [Fact]
    public void Regularization_penalties_are_part_of_the_reported_loss()
    {
        var model = new Sequential(DType.Float64,
            new Dense(3, kernelInitializer: "zeros", kernelRegularizer: new Backprop.Regularizers.L2(0.1), inputShape: [4]));
        LayerTestKit.Randomize(model, 3);
        model.Compile(new SGD(0.0), "mse");
        var (x, _) = TrainingTestKit.Regression(8, 6);
        var y = new Tensor<double>(8, 3);
        double mse = new Backprop.Losses.MeanSquaredError().Forward(y, model.Predict(x));
        double penalty = 0.1 * model.Layers[0].GetWeights()[0].ToArray().Sum(w => w * w);
        Assert.Equal(mse + penalty, model.TestOnBatch(x, y), 12);
        Assert.Equal(mse + penalty, model.Evaluate(x, y)["loss"], 12);
    }

    [Fact]
    public void Evaluate_equals_the_loss_computed_by_hand()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse", ["mae"]);
        var (x, y) = TrainingTestKit.Regression(37, 8);
        var prediction = model.Predict(x).ToArray();
        var target = y.ToArray();
        double mse = prediction.Zip(target).Average(p => (p.First - p.Second) * (p.First - p.Second));
        double mae = prediction.Zip(target).Average(p => Math.Abs(p.First - p.Second));
        var scores = model.Evaluate(x, y, batchSize: 5);
        Assert.Equal(mse, scores["loss"], 12);
        Assert.Equal(mae, scores["mae"], 12);
    }

    [Fact]
    public void Predict_in_batches_equals_one_shot()
    {
        var model = TrainingTestKit.SmallModel();
        var (x, _) = TrainingTestKit.Regression(33, 9);
        Assert.Equal(model.Predict(x, batchSize: 1000).ToArray(), model.Predict(x, batchSize: 4).ToArray());
    }

    [Fact]
    public void Initial_epoch_starts_counting_there()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse");
        var (x, y) = TrainingTestKit.Regression(16, 1);
        var history = model.Fit(x, y, epochs: 5, initialEpoch: 3, verbose: 0, seed: 1);
        Assert.Equal([3, 4], history.Epoch);
    }

    [Fact]
    public void Verbose_output_looks_like_keras()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse", ["mae"]);
        var writer = new StringWriter();
        model.Output = writer;
        var (x, y) = TrainingTestKit.Regression(20, 1);
        model.Fit(x, y, epochs: 2, batchSize: 8, validationData: (x, y), verbose: 1, seed: 1);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.True(lines.Length == 4, writer.ToString());
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(lines[1], @"^3/3 ━{20} \d+s \d+(us|ms|s)/step - loss: \d+\.\d{4} - mae: \d+\.\d{4} - val_loss: \d+\.\d{4} - val_mae: \d+\.\d{4}$"), lines[1]);
        Assert.Equal("Epoch 2/2", lines[2]);

        writer.GetStringBuilder().Clear();
        model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 2, seed: 1);
        Assert.Matches(@"^3/3 - \d+s - \d+(us|ms|s)/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}\r?$", writer.ToString().Split('\n')[0]);

        writer.GetStringBuilder().Clear();
        model.Fit(x, y, epochs: 2, verbose: 0, seed: 1);
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void Terminate_on_nan_stops_names_epoch_and_batch_and_keeps_the_last_good_weights()
    {
        var (x, y) = TrainingTestKit.Regression(40, 3);
        x[25, 1] = double.NaN; // batch 3 of epoch 2 (0-based 2) with batch size 10, no shuffling
        var model = TrainingTestKit.SmallModel();
        model.Compile(new SGD(0.01), "mse");
        var clean = x.Clone();
        clean[25, 1] = 0;
        var terminate = new TerminateOnNaN();

        // Epoch 1 runs batches 0–1 cleanly, then batch 2 holds the NaN row.
        var history = model.Fit(x, y, epochs: 3, batchSize: 10, shuffle: false, verbose: 0, callbacks: [terminate]);
        Assert.Equal(0, terminate.StoppedEpoch);
        Assert.Equal(2, terminate.StoppedBatch);
        Assert.Contains("Epoch 1, batch 3", terminate.Message);
        Assert.Single(history.Epoch);

        var reference = TrainingTestKit.SmallModel();
        reference.Compile(new SGD(0.01), "mse");
        reference.TrainOnBatch(clean.SliceRows(0, 10), y.SliceRows(0, 10));
        reference.TrainOnBatch(clean.SliceRows(10, 10), y.SliceRows(10, 10));
        Assert.True(TrainingTestKit.SameWeights(reference.GetWeights(), model.GetWeights()));
        Assert.All(model.GetWeights(), w => Assert.All(w.ToArray(), v => Assert.True(double.IsFinite(v))));
    }

    [Fact]
    public void Without_terminate_on_nan_a_nan_batch_is_not_applied_and_stops_training_unless_skipping_is_asked_for()
    {
        var (x, y) = TrainingTestKit.Regression(20, 3);
        x[5, 0] = double.NaN;
        var model = TrainingTestKit.SmallModel();
        var before = model.GetWeights();
        model.Compile(new SGD(0.01), "mse");
        var e = Assert.Throws<NonFiniteTrainingException>(() => model.Fit(x, y, epochs: 2, batchSize: 10, shuffle: false, verbose: 0));
        Assert.Equal((0, 0), (e.Epoch, e.Batch));
        Assert.Contains("Epoch 1, batch 1", e.Message);
        Assert.True(TrainingTestKit.SameWeights(before, model.GetWeights()), "the first batch was not finite, so no step was applied");

        model.Trainer!.NonFiniteSteps = NonFiniteStepPolicy.Skip;
        var history = model.Fit(x, y, epochs: 2, batchSize: 10, shuffle: false, verbose: 0);
        Assert.True(double.IsNaN(history["loss"][0]));
        Assert.Equal(2, model.Trainer!.SkippedSteps);   // batch 1 of each epoch
        Assert.All(model.GetWeights(), w => Assert.All(w.ToArray(), v => Assert.True(double.IsFinite(v))));
    }

    [Fact]
    public void Reduce_lr_on_plateau_and_scheduler_change_the_learning_rate_like_keras()
    {
        var model = TrainingTestKit.SmallModel();
        var sgd = new SGD(0.1);
        model.Compile(sgd, "mse");
        var (x, y) = TrainingTestKit.Regression(16, 1);
        var script = new LambdaCallback(onEpochEnd: (e, logs) => ((IDictionary<string, double>)logs)["val_loss"] = 1.0);
        // Flat val_loss (Keras's algorithm): e0 improves on +∞; e1 wait 1; e2 wait 2 = patience → lr 0.1 → 0.01,
        // cooldown 1; e3 cooldown ends (counter → 0, wait 0) and, no longer in cooldown, wait 1; e4 wait 2 → 0.001;
        // e5 cooldown ends, wait 1. "learning_rate" is logged before the epoch's reduction, as in Keras.
        var history = model.Fit(x, y, epochs: 6, validationData: (x, y), verbose: 0, seed: 1,
            callbacks: [script, new ReduceLROnPlateau(patience: 2, cooldown: 1)]);
        Assert.Equal([0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1], history["learning_rate"]);
        Assert.Equal(0.1 * 0.1 * 0.1, sgd.LearningRate, 15);

        var scheduled = model.Fit(x, y, epochs: 3, verbose: 0, seed: 1, callbacks: [new LearningRateScheduler((epoch, lr) => 0.5 / (epoch + 1))]);
        Assert.Equal([0.5, 0.25, 0.5 / 3], scheduled["learning_rate"]);
    }

    [Fact]
    public void Csv_logger_writes_keras_layout()
    {
        string path = Path.Combine(Path.GetTempPath(), $"backprop-csv-{Guid.NewGuid():N}.csv");
        try
        {
            var model = TrainingTestKit.SmallModel();
            model.Compile("sgd", "mse", ["mae"]);
            var (x, y) = TrainingTestKit.Regression(16, 1);
            var history = model.Fit(x, y, epochs: 2, validationData: (x, y), verbose: 0, seed: 1, callbacks: [new CsvLogger(path)]);
            var lines = File.ReadAllLines(path);
            Assert.Equal("epoch,loss,mae,val_loss,val_mae", lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("1,", lines[2]);
            Assert.Equal(history["val_mae"][1], double.Parse(lines[2].Split(',')[4], System.Globalization.CultureInfo.InvariantCulture));
            model.Fit(x, y, epochs: 1, validationData: (x, y), verbose: 0, seed: 1, callbacks: [new CsvLogger(path, append: true)]);
            Assert.Equal(4, File.ReadAllLines(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>Fit at different thread counts. It sets the process-wide thread count, so it runs in the collection that
/// runs alone: a test running beside it (an allocation count) would otherwise start at one thread and measure the
/// first split of its kernels.</summary>
[Collection(nameof(Backprop.Tests.Kernels.ThreadCountCollection))]
public sealed class FitThreadCountTests
{
    [Fact]
    public void Same_seed_gives_identical_weights_and_thread_count_does_not_matter()
    {
        var (x, y) = TrainingTestKit.Regression(64, 7);
        Tensor[] Train(int threads, ulong seed)
        {
            int saved = Parallelism.ThreadCount;
            Parallelism.ThreadCount = threads;
            try
            {
                var model = TrainingTestKit.SmallModel(dtype: DType.Float32);
                model.Compile(new SGD(0.01, momentum: 0.9, nesterov: true), "mse");
                model.Fit(Tensor.Cast<double, float>(x), Tensor.Cast<double, float>(y), epochs: 3, batchSize: 8, verbose: 0, seed: seed);
                return model.GetWeights();
            }
            finally
            {
                Parallelism.ThreadCount = saved;
            }
        }

        var a = Train(1, 42);
        Assert.True(TrainingTestKit.SameWeights(a, Train(1, 42)));
        Assert.True(TrainingTestKit.SameWeights(a, Train(2, 42)));
        Assert.False(TrainingTestKit.SameWeights(a, Train(1, 43)));
    }
}
