using Backprop.Data;

namespace Backprop.Bench;

/// <summary>Input-pipeline throughput: one epoch of MNIST-sized float rows, shuffled with a full buffer and
/// batched, with each batch touched (its first and last values read) so nothing is optimised away.</summary>
public sealed class PipelineWorkloads : IWorkloadGroup
{
    public IEnumerable<Workload> Workloads(bool quick)
    {
        yield return new Workload("pipeline epoch 60000x784 b128", _ => Epoch(prefetch: false));
        yield return new Workload("pipeline epoch 60000x784 b128 prefetch2", _ => Epoch(prefetch: true));
    }

    private static Measurement Epoch(bool prefetch)
    {
        const int rows = 60_000, features = 784;
        var random = new global::System.Random(1);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)random.NextDouble();
        }

        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = random.Next(10);
        }

        var dataset = Dataset.FromTensorSlices((Tensor<float>.Wrap(x, new Shape(rows, features)), Tensor<float>.Wrap(y, new Shape(rows))))
            .Shuffle(rows, seed: 7)
            .Batch(128);
        if (prefetch)
        {
            dataset = dataset.Prefetch(2);
        }

        float sink = 0;
        double seconds = Timing.BestSecondsPerCall(() =>
        {
            foreach (Batch<float> batch in dataset)
            {
                Span<float> values = batch.X.AsSpan();
                sink += values[0] + values[^1] + batch.Y!.AsSpan()[0];
            }
        }, repetitions: 3, minSeconds: 0.5);
        GC.KeepAlive(sink);
        return new Measurement(seconds, "s", HigherIsBetter: false);
    }
}
