using Backprop.Data;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Data.Pipeline;

public class AllocationTests
{
    private static Dataset<float> Pipeline(int rows, bool prefetch)
    {
        var random = new global::System.Random(rows);
        var x = new float[rows * 13];
        var y = new float[rows];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] = i % 10;
        }

        var ds = Dataset.FromTensorSlices((Tensor<float>.Wrap(x, new Shape(rows, 13)), Tensor<float>.Wrap(y, new Shape(rows))))
            .Shuffle(1000, seed: 7)
            .Batch(32);
        return prefetch ? ds.Prefetch(2) : ds;
    }

    /// <summary>Bytes allocated on the consumer thread by one whole epoch — GetEnumerator, every MoveNext and
    /// Current, reading each batch, and Dispose — after two warm-up epochs.</summary>
    private static long EpochAllocation(Dataset<float> ds, out int batches)
    {
        float sink = 0;
        for (int warm = 0; warm < 3; warm++)
        {
            foreach (Batch<float> batch in ds)
            {
                sink += batch.X.AsSpan()[0] + batch.Y!.AsSpan()[^1];
            }
        }

        int counted = 0;
        long allocated = Allocations.By(() =>
        {
            counted = 0;
            foreach (Batch<float> batch in ds)
            {
                sink += batch.X.AsSpan()[0] + batch.Y!.AsSpan()[^1];
                counted++;
            }
        });
        batches = counted;
        Assert.True(float.IsFinite(sink));
        return allocated;
    }

    [Fact]
    public void AShuffledBatchedEpochAllocatesNothingAfterWarmUp()
    {
        long small = EpochAllocation(Pipeline(2_000, prefetch: false), out int smallBatches);
        long large = EpochAllocation(Pipeline(20_000, prefetch: false), out int largeBatches);
        Assert.Equal(63, smallBatches);
        Assert.Equal(625, largeBatches);
        Assert.Equal(small, large);
        Assert.Equal(0, large);
    }

    [Fact]
    public void APrefetchedEpochAllocatesNothingPerBatch()
    {
        // The producer runs on a pool thread; this measures the consumer thread, where a training step runs.
        long small = EpochAllocation(Pipeline(2_000, prefetch: true), out _);
        long large = EpochAllocation(Pipeline(20_000, prefetch: true), out _);
        Assert.Equal(small, large);
        Assert.Equal(0, large);
    }
}
