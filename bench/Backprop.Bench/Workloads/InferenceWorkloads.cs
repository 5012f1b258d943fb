using Backprop.Layers;
using Backprop.Models;
using Backprop.Training;

namespace Backprop.Bench.Workloads;

/// <summary>Inference, side by side with bench/peers/workloads_inference.py (numpy, torch, scikit-learn):
/// "infer mnist-mlp bN" — <c>Predict</c> of 10,000 random rows through 784→100 relu→10 in batches of N (seconds,
/// lower is better); "infer mnist-1000 bN" — the same through 784→1000 relu→10; "predict linear-1000 256x784" —
/// <c>Predict</c> of 256×784 rows through a linear Dense(1000) with the default batch size (Keras's 32), in
/// GFLOP/s (numpy: <c>x @ W + b</c>).</summary>
public sealed class InferenceWorkloads : IWorkloadGroup
{
    public IEnumerable<Workload> Workloads(bool quick)
    {
        int rows = quick ? 1_000 : 10_000;
        foreach (var (name, hidden) in new[] { ("mnist-mlp", 100), ("mnist-1000", 1000) })
        {
            foreach (int batch in new[] { 1000, 1 })
            {
                yield return new Workload($"infer {name} b{batch}", _ => Infer(hidden, batch, rows, quick));
            }
        }

        yield return new Workload("predict linear-1000 256x784", _ => Linear(quick));
    }

    private static Measurement Infer(int hidden, int batch, int rows, bool quick)
    {
        var x = TrainingWorkloads.Data(rows * 784, 5, rows, 784, 0, 1);
        var model = new Sequential(new Dense(hidden, activation: "relu", inputShape: [784]), new Dense(10));
        double seconds = Timing.BestSecondsPerCall(() => model.Predict(x, batchSize: batch), repetitions: quick ? 2 : 3, minSeconds: 0.2);
        return new Measurement(seconds * 10_000 / rows, "s", false);
    }

    private static Measurement Linear(bool quick)
    {
        var x = TrainingWorkloads.Data(256 * 784, 5, 256, 784, 0, 1);
        var model = new Sequential(new Dense(1000, inputShape: [784]));
        double seconds = Timing.BestSecondsPerCall(() => model.Predict(x), repetitions: quick ? 3 : 10, minSeconds: 0.05);
        return new Measurement(2.0 * 256 * 784 * 1000 / seconds / 1e9, "GFLOP/s", true);
    }
}
