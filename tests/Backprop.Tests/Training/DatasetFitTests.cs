using Backprop.Data;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>Fit/Evaluate/Predict on tf.data-style datasets: the same steps as on tensors, Keras's rules for
/// datasets (batched, with targets for Fit/Evaluate), and no per-batch allocation.</summary>
[Collection("Parallelism")]
public sealed class DatasetFitTests
{
    [Fact]
    public void Unshuffled_dataset_fit_gives_the_same_weights_and_history_as_tensor_fit()
    {
        var (x, y) = TrainingTestKit.Regression(77, 21);
        var (xVal, yVal) = TrainingTestKit.Regression(19, 22);
        var fromTensors = TrainingTestKit.SmallModel();
        var fromDataset = TrainingTestKit.SmallModel();
        fromTensors.Compile(new SGD(0.05, momentum: 0.9, nesterov: true), "mse", ["mae"]);
        fromDataset.Compile(new SGD(0.05, momentum: 0.9, nesterov: true), "mse", ["mae"]);

        var expected = fromTensors.Fit(x, y, epochs: 3, batchSize: 32, validationData: (xVal, yVal), shuffle: false, verbose: 0);
        var actual = fromDataset.Fit(Dataset.FromTensorSlices((x, y)).Batch(32), epochs: 3,
            validationData: Dataset.FromTensorSlices((xVal, yVal)).Batch(32), verbose: 0);

        Assert.True(TrainingTestKit.SameWeights(fromTensors.GetWeights(), fromDataset.GetWeights()));
        Assert.Equal(expected.Values.Keys.Order(), actual.Values.Keys.Order());
        foreach (var key in expected.Values.Keys)
        {
            Assert.Equal(expected[key], actual[key]);
        }

        Assert.Equal(3, actual.Params["steps"]);
    }

    [Fact]
    public void Shuffled_dataset_trains_and_reshuffles_every_epoch()
    {
        var (x, y) = TrainingTestKit.Regression(200, 23);
        var model = TrainingTestKit.SmallModel();
        model.Compile(new SGD(0.05), "mse");
        var history = model.Fit(Dataset.FromTensorSlices((x, y)).Shuffle(200, seed: 5).Batch(16), epochs: 20, verbose: 0);
        Assert.True(history["loss"][^1] < 0.5 * history["loss"][0], $"loss {history["loss"][0]} → {history["loss"][^1]}");

        // Not the unshuffled trajectory.
        var plain = TrainingTestKit.SmallModel();
        plain.Compile(new SGD(0.05), "mse");
        plain.Fit(x, y, epochs: 20, batchSize: 16, shuffle: false, verbose: 0);
        Assert.False(TrainingTestKit.SameWeights(plain.GetWeights(), model.GetWeights()));
    }

    [Fact]
    public void Evaluate_and_Predict_on_datasets_equal_the_tensor_versions()
    {
        var (x, y) = TrainingTestKit.Regression(45, 24);
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse", ["mae"]);
        var expected = model.Evaluate(x, y, batchSize: 7);
        var actual = model.Evaluate(Dataset.FromTensorSlices((x, y)).Batch(7));
        Assert.Equal(expected["loss"], actual["loss"], 14);
        Assert.Equal(expected["mae"], actual["mae"], 14);

        // Features only, and (x, y) with the targets ignored; a short last batch.
        Assert.Equal(model.Predict(x).ToArray(), model.Predict(Dataset.FromTensorSlices(x).Batch(8)).ToArray());
        var withTargets = model.Predict(Dataset.FromTensorSlices((x, y)).Batch(10));
        Assert.Equal([45, 1], withTargets.Shape.ToArray());
        Assert.Equal(model.Predict(x).ToArray(), withTargets.ToArray());
    }

    [Fact]
    public void Bad_datasets_are_rejected_with_clear_messages()
    {
        var (x, y) = TrainingTestKit.Regression(10, 25);
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse");

        var unbatched = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensorSlices((x, y)), verbose: 0));
        Assert.Contains("Batch(", unbatched.Message);
        var noTargets = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensorSlices(x).Batch(4), verbose: 0));
        Assert.Contains("targets", noTargets.Message);
        Assert.Throws<ArgumentException>(() => model.Evaluate(Dataset.FromTensorSlices(x).Batch(4)));
        Assert.Throws<ArgumentException>(() => model.Predict(Dataset.FromTensorSlices(x)));
        var badValidation = Assert.Throws<ArgumentException>(() =>
            model.Fit(Dataset.FromTensorSlices((x, y)).Batch(4), validationData: Dataset.FromTensorSlices((x, y)), verbose: 0));
        Assert.Equal("validationData", badValidation.ParamName);

        var floats = Dataset.FromTensorSlices((Tensor.Cast<double, float>(x), Tensor.Cast<double, float>(y))).Batch(4);
        var dtype = Assert.Throws<ArgumentException>(() => model.Fit(floats, verbose: 0));
        Assert.Contains("float64", dtype.Message);

        var empty = Dataset.FromTensorSlices((x, y)).Take(0).Batch(4);
        Assert.Throws<ArgumentException>(() => model.Fit(empty, verbose: 0));

        var lbfgs = TrainingTestKit.SmallModel();
        lbfgs.Compile(new LBFGS(), "mse");
        Assert.Throws<ArgumentException>(() => lbfgs.Fit(Dataset.FromTensorSlices((x, y)).Batch(4), verbose: 0));

        var wrongWidth = Dataset.FromTensorSlices((TestData.Tensor(3, 10, 5), y)).Batch(4);
        Assert.Throws<ShapeMismatchException>(() => model.Fit(wrongWidth, verbose: 0));
    }

    [Fact]
    public void Dataset_fit_allocation_does_not_grow_with_the_number_of_batches()
    {
        var model = new Sequential(
            new Dense(8, activation: "relu", kernelInitializer: "zeros", inputShape: [4]),
            new Dropout(0.1, seed: 3),
            new Dense(1, kernelInitializer: "zeros"));
        LayerTestKit.Randomize(model, 2, -0.5, 0.5);
        model.Compile(new SGD(0.01, momentum: 0.9), "mse", ["mae"]);
        model.Output = TextWriter.Null;
        var (x, y) = (Tensor.From(TestData.Floats(4000, 5), 1000, 4), Tensor.From(TestData.Floats(1000, 6), 1000, 1));
        var few = Dataset.FromTensorSlices((x, y)).Shuffle(1000, seed: 1).Batch(500);
        var many = Dataset.FromTensorSlices((x, y)).Shuffle(1000, seed: 1).Batch(10);

        long PerFit(Dataset<float> data)
        {
            for (int i = 0; i < 3; i++)
            {
                model.Fit(data, epochs: 1, verbose: 0);
            }

            // The least over five single Fits: garbage made per batch shows in every one of them, while a one-off
            // allocation that lands in one measured Fit by timing (seen in CI on the AVX2 path: 1,928 bytes more with
            // 100 batches, not reproducible on demand) does not.
            long least = long.MaxValue;
            for (int i = 0; i < 5; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                model.Fit(data, epochs: 1, verbose: 0);
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            return least;
        }

        long twoBatches = PerFit(few);
        long hundredBatches = PerFit(many);
        // Per-Fit setup (History, logs, feeds) is the same; 98 more batches must not add garbage.
        Assert.True(hundredBatches - twoBatches < 1024, $"{twoBatches} bytes per Fit with 2 batches, {hundredBatches} with 100 batches");
    }
}
