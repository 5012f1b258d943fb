using Backprop.Data;
using static Backprop.Tests.Data.Pipeline.PipelineTestData;

namespace Backprop.Tests.Data.Pipeline;

[Collection(nameof(Backprop.Tests.Kernels.ThreadCountCollection))]
public class PrefetchTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1001, 1)]
    [InlineData(1001, 3)]
    [InlineData(33, 64)]
    public void PrefetchYieldsTheSameSequenceAsWithoutIt(int n, int bufferSize)
    {
        var plain = Dataset.FromTensorSlices(Rows(n)).Shuffle(100, seed: 17).Batch(32);
        var prefetched = Dataset.FromTensorSlices(Rows(n)).Shuffle(100, seed: 17).Batch(32).Prefetch(bufferSize);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(Epoch(plain), Epoch(prefetched));
        }
    }

    /// <summary>The producer's kernels stay on its own thread (one kernel thread), so they never take the kernel
    /// workers from the training steps running beside them; the consumer's thread count is untouched.</summary>
    [Fact]
    public void TheProducerRunsItsKernelsOnOneThread()
    {
        int seenInProducer = 0;
        var ds = Dataset.FromTensorSlices(Rows(20)).Map((input, output) =>
        {
            Volatile.Write(ref seenInProducer, Backprop.Kernels.Parallelism.ThreadCount);
            output.X.CopyFrom(input.X);
            output.Y!.CopyFrom(input.Y!);
        }).Batch(5).Prefetch(2);

        Backprop.Tests.Kernels.GemmTestHelpers.WithThreads(3, () =>
        {
            Assert.Equal(Enumerable.Range(0, 20), Epoch(ds));
            Assert.Equal(1, Volatile.Read(ref seenInProducer));
            Assert.Equal(3, Backprop.Kernels.Parallelism.ThreadCount);
        });
    }

    [Fact]
    public void UnbatchedElementsCanBePrefetched()
    {
        var ds = Dataset.FromTensorSlices(Rows(50)).Prefetch(Dataset.Autotune);
        Assert.Equal(Enumerable.Range(0, 50), Epoch(ds));
    }

    [Fact]
    public void AnExceptionInThePipelineReachesTheConsumerAfterTheEarlierBatches()
    {
        var ds = Dataset.FromTensorSlices(Rows(100)).Map((input, output) =>
        {
            if (input.Y!.ToScalar() == 45)
            {
                throw new InvalidDataException("row 45 is corrupt");
            }

            output.X.CopyFrom(input.X);
            output.Y!.CopyFrom(input.Y!);
        }).Batch(10).Prefetch(2);

        var seen = new List<int>();
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (Batch<double> batch in ds)
            {
                seen.Add((int)batch.Y![0]);
            }
        });
        Assert.Equal("row 45 is corrupt", error.Message);
        Assert.Equal([0, 10, 20, 30], seen);

        // The failed epoch leaves the dataset usable: the next epoch runs and fails the same way.
        Assert.Throws<InvalidDataException>(() => Epoch(ds));
    }

    [Fact]
    public void DisposingTheEnumeratorStopsTheProducer()
    {
        int produced = 0;
        var ds = Dataset.FromTensorSlices(Rows(10_000)).Map((input, output) =>
        {
            Interlocked.Increment(ref produced);
            output.X.CopyFrom(input.X);
        }).Batch(10).Prefetch(3);

        using (var e = ds.GetEnumerator())
        {
            Assert.True(e.MoveNext());
            Assert.True(e.MoveNext());
        }

        // Dispose waits for the producer; afterwards nothing more is produced. At most the two consumed
        // batches, three queued, one being filled and one more row are ever produced.
        int atDispose = Volatile.Read(ref produced);
        Thread.Sleep(50);
        Assert.Equal(atDispose, Volatile.Read(ref produced));
        Assert.InRange(atDispose, 20, (2 + 3 + 1) * 10 + 10);

        // And the next epoch starts from the beginning.
        using var again = ds.GetEnumerator();
        Assert.True(again.MoveNext());
        Assert.Equal(0.0, again.Current.X[0, 0]);
    }

    [Fact]
    public void RejectsANonPositiveBuffer()
    {
        var ds = Dataset.FromTensorSlices(Rows(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Prefetch(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Prefetch(-5));
    }
}
