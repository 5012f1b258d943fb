using Backprop.Data;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Bench.Workloads;

/// <summary>Whole training runs, in seconds (lower is better), side by side with bench/peers/workloads_training.py
/// (PyTorch, scikit-learn):
/// "train boston 300ep" — 300 epochs of 13→32 swish→16 swish→1 on 303 rows, batch 32, SGD Nesterov (1e-3, 0.9),
/// MSE, with a validation pass over 101 rows each epoch;
/// "train mnist-mlp bN" — one epoch over 60,000 rows of 784→100 relu→10 at batch N (SGD 0.01, MSE on random data);
/// "train mnist-1000 bN" — the same with 1000 hidden units; "train mnist-1000 gelu|elu|mish b128" — that network at
/// batch 128 with the smooth activations (torch only: scikit-learn has none of them), whose element-wise passes cost
/// more than ReLU's; "train sigmoid-deep b8" — 784→[100]×6 sigmoid→10;
/// "train deep-adam b128" — one epoch of 784→[256]×3 relu→10 with Adam (Keras defaults) after two untimed epochs, when
/// the moments of units that died early have decayed towards the subnormal range (docs/performance.md, "Subnormal
/// optimiser state").
/// Backprop only (no peers): "train mnist-mlp b128 dataset" — the b128 epoch fed by
/// <c>Dataset.FromTensorSlices((x, y)).Shuffle(60000).Batch(128)</c> instead of Fit's own shuffled batches, and
/// "pipeline mnist-mlp b128 bare" — that pipeline's epoch without training; their difference to
/// "train mnist-mlp b128" is the pipeline overhead.</summary>
public sealed class TrainingWorkloads : IWorkloadGroup
{
    private static readonly string[] SmoothActivations = ["gelu", "elu", "mish"];

    public IEnumerable<Workload> Workloads(bool quick)
    {
        int rows = quick ? 6_000 : 60_000;
        yield return new Workload("train boston 300ep", _ => Boston(quick ? 30 : 300));
        foreach (int batch in new[] { 1, 8, 32, 128 })
        {
            yield return new Workload($"train mnist-mlp b{batch}", _ => Mnist([100], "relu", batch, rows));
        }

        foreach (int batch in new[] { 8, 128 })
        {
            yield return new Workload($"train mnist-1000 b{batch}", _ => Mnist([1000], "relu", batch, rows));
        }

        foreach (string activation in SmoothActivations)
        {
            yield return new Workload($"train mnist-1000 {activation} b128", _ => Mnist([1000], activation, 128, rows));
        }

        yield return new Workload("train sigmoid-deep b8", _ => Mnist([100, 100, 100, 100, 100, 100], "sigmoid", 8, rows));
        yield return new Workload("train deep-adam b128", _ => Mnist([256, 256, 256], "relu", 128, rows, adam: true));
        yield return new Workload("train mnist-mlp b128 dataset", _ => Mnist([100], "relu", 128, rows, fromDataset: true));
        yield return new Workload("pipeline mnist-mlp b128 bare", _ => BarePipeline(128, rows));
    }

    /// <summary>One 300-epoch (or <paramref name="epochs"/>) Boston run of a fresh model, as a user's program
    /// would do it (ColdWorkloads times it in fresh processes).</summary>
    public static void BostonFit(int epochs)
    {
        var (x, y, xVal, yVal) = BostonData();
        var model = BostonModel();
        model.Fit(x, y, epochs: epochs, batchSize: 32, validationData: (xVal, yVal), verbose: 0, seed: 1);
    }

    private static (Tensor<float> X, Tensor<float> Y, Tensor<float> XVal, Tensor<float> YVal) BostonData() =>
        (Data(303 * 13, 1, 303, 13), Data(303, 2, 303, 1), Data(101 * 13, 3, 101, 13), Data(101, 4, 101, 1));

    private static Sequential BostonModel()
    {
        var model = new Sequential(
            new Dense(32, activation: "swish", inputShape: [13]),
            new Dense(16, activation: "swish"),
            new Dense(1));
        model.Compile(new SGD(learningRate: 1e-3, momentum: 0.9, nesterov: true), "mse");
        return model;
    }

    private static Measurement Boston(int epochs)
    {
        var (x, y, xVal, yVal) = BostonData();
        var model = BostonModel();

        // Warm up with whole runs for at least a second: the peers time after one full run, and .NET needs about
        // that long to finish tiering the hot paths up to optimised, PGO-guided code (a cold first run is slower;
        // docs/performance-training.md gives both figures).
        var warm = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            model.Fit(x, y, epochs: epochs, batchSize: 32, validationData: (xVal, yVal), verbose: 0, seed: 1);
        }
        while (warm.Elapsed.TotalSeconds < 1.0);

        double best = double.MaxValue;
        for (int repetition = 0; repetition < 5; repetition++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            model.Fit(x, y, epochs: epochs, batchSize: 32, validationData: (xVal, yVal), verbose: 0, seed: 1);
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return new Measurement(best, "s", false);
    }

    private static Measurement Mnist(int[] hidden, string activation, int batch, int rows, bool fromDataset = false, bool adam = false)
    {
        var x = Data(rows * 784, 5, rows, 784, 0, 1);
        var y = Data(rows * 10, 6, rows, 10, 0, 1);
        var layers = new List<Layer>();
        foreach (int units in hidden)
        {
            layers.Add(layers.Count == 0 ? new Dense(units, activation: activation, inputShape: [784]) : new Dense(units, activation: activation));
        }

        layers.Add(new Dense(10));
        var model = new Sequential([.. layers]);
        model.Compile(adam ? new Adam() : new SGD(learningRate: 0.01), "mse");
        var dataset = Dataset.FromTensorSlices((x, y)).Shuffle(rows, seed: 1).Batch(batch);
        int warmRows = Math.Min(rows, 2000);
        model.Fit(x.SliceRows(0, warmRows), y.SliceRows(0, warmRows), epochs: 1, batchSize: batch, verbose: 0, seed: 1);
        if (adam)
        {
            model.Fit(x, y, epochs: 2, batchSize: batch, verbose: 0, seed: 1);
        }
        if (fromDataset)
        {
            model.Fit(dataset, epochs: 1, verbose: 0);
        }

        double best = double.MaxValue;
        for (int repetition = 0; repetition < 2; repetition++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (fromDataset)
            {
                model.Fit(dataset, epochs: 1, verbose: 0);
            }
            else
            {
                model.Fit(x, y, epochs: 1, batchSize: batch, verbose: 0, seed: 1);
            }

            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        // The quick run trains on a tenth of the rows; scale to the full epoch so the names mean the same.
        return new Measurement(best * 60_000 / rows, "s", false);
    }

    /// <summary>One epoch of the training workload's pipeline with nothing done per batch but reading it.</summary>
    private static Measurement BarePipeline(int batch, int rows)
    {
        var x = Data(rows * 784, 5, rows, 784, 0, 1);
        var y = Data(rows * 10, 6, rows, 10, 0, 1);
        var dataset = Dataset.FromTensorSlices((x, y)).Shuffle(rows, seed: 1).Batch(batch);
        float sink = 0;
        double seconds = Timing.BestSecondsPerCall(() =>
        {
            foreach (var (xb, yb) in dataset)
            {
                sink += xb.AsSpan()[0] + yb!.AsSpan()[^1];
            }
        }, repetitions: 3, minSeconds: 0.3);
        GC.KeepAlive(sink);
        return new Measurement(seconds * 60_000 / rows, "s", false);
    }

    internal static Tensor<float> Data(int count, int seed, int rows, int columns, double low = -1, double high = 1)
    {
        var rng = new System.Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(low + (high - low) * rng.NextDouble());
        }

        return Tensor.From(values, rows, columns);
    }
}
