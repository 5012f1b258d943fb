using Backprop.Data;
using static Backprop.Tests.Data.Pipeline.PipelineTestData;

namespace Backprop.Tests.Data.Pipeline;

/// <summary>A shuffle over FromTensorSlices (possibly after Skip, Take or Cache) buffers row indices and its
/// batch gathers rows from the source; these tests pin that path to the element-buffer path and to a naive
/// re-implementation of tf.data's buffer algorithm.</summary>
public class RowIndexShuffleTests
{
    [Theory]
    [InlineData(1, 1, 1, false)]
    [InlineData(1, 5, 4, true)]
    [InlineData(7, 7, 3, false)]
    [InlineData(7, 3, 3, true)]
    [InlineData(7, 100, 50, false)]
    [InlineData(7, 100, 50, true)]
    [InlineData(33, 33, 32, false)]
    [InlineData(33, 4, 8, true)]
    [InlineData(1001, 1001, 128, false)]
    [InlineData(1001, 1001, 128, true)]
    [InlineData(1001, 64, 33, false)]
    public void IndexAndElementPathsGiveIdenticalBatches(int n, int bufferSize, int batchSize, bool dropRemainder)
    {
        var source = Dataset.FromTensorSlices(Rows(n));
        var byIndex = source.Shuffle(bufferSize, 21, true, gatherByIndex: true).Batch(batchSize, dropRemainder);
        var byElement = source.Shuffle(bufferSize, 21, true, gatherByIndex: false).Batch(batchSize, dropRemainder);
        Assert.True(byIndex.UsesRowIndexShuffle);
        Assert.False(byElement.UsesRowIndexShuffle);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            List<(double[] X, double[] Y)> indexBatches = Batches(byIndex);
            List<(double[] X, double[] Y)> elementBatches = Batches(byElement);
            Assert.Equal(elementBatches.Count, indexBatches.Count);
            for (int b = 0; b < indexBatches.Count; b++)
            {
                Assert.Equal(elementBatches[b].X, indexBatches[b].X);
                Assert.Equal(elementBatches[b].Y, indexBatches[b].Y);
            }

            int expectedBatches = dropRemainder ? n / batchSize : (n + batchSize - 1) / batchSize;
            Assert.Equal(expectedBatches, indexBatches.Count);
            Assert.Equal(byIndex.Cardinality, indexBatches.Count);
            List<int> ids = Epoch(byIndex);
            Assert.Equal(Epoch(byElement), ids);
            // Batches drew epoch 2·e of the shuffle's seeds and Epoch the next one.
            int expectedRows = dropRemainder ? expectedBatches * batchSize : n;
            Assert.Equal(ReferenceOrder(Enumerable.Range(0, n).ToList(), bufferSize, 21, epoch * 2 + 1).Take(expectedRows), ids);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(33, 1000)]
    [InlineData(1001, 100)]
    public void UnbatchedIndexShuffleMatchesTheReferenceAlgorithm(int n, int bufferSize)
    {
        var ds = Dataset.FromTensorSlices(Rows(n)).Shuffle(bufferSize, seed: 8);
        Assert.True(ds.UsesRowIndexShuffle);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(ReferenceOrder(Enumerable.Range(0, n).ToList(), bufferSize, 8, epoch), Epoch(ds));
        }
    }

    [Fact]
    public void SkipTakeAndCacheKeepTheIndexPathAndSelectTheRightRows()
    {
        const int n = 1001, bufferSize = 50;
        var source = Dataset.FromTensorSlices(Rows(n));
        var ds = source.Skip(100).Take(700).Cache().Skip(7).Shuffle(bufferSize, seed: 4, reshuffleEachIteration: false);
        Assert.True(ds.UsesRowIndexShuffle);
        List<int> expected = ReferenceOrder(Enumerable.Range(107, 693).ToList(), bufferSize, 4, 0);
        Assert.Equal(expected, Epoch(ds));
        Assert.Equal(expected, Epoch(ds.Batch(33)));
        Assert.Equal(expected, Epoch(ds));
    }

    [Theory]
    [InlineData(-1, 5, 0)]
    [InlineData(3, -1, 7)]
    [InlineData(10, 0, 0)]
    [InlineData(0, 20, 10)]
    [InlineData(8, 5, 2)]
    public void TakeAndSkipEdgeCountsMatchTheElementPath(long skip, long take, int expectedRows)
    {
        var source = Dataset.FromTensorSlices(Rows(10)).Skip(skip).Take(take);
        var byIndex = source.Shuffle(4, 9, true, gatherByIndex: true).Batch(3);
        var byElement = source.Shuffle(4, 9, true, gatherByIndex: false).Batch(3);
        Assert.True(byIndex.UsesRowIndexShuffle);
        List<int> ids = Epoch(byIndex);
        Assert.Equal(Epoch(byElement), ids);
        Assert.Equal(expectedRows, ids.Count);
    }

    [Fact]
    public void MapAndFilterFallBackToTheElementPathWithTheSameOrder()
    {
        const int n = 333;
        var source = Dataset.FromTensorSlices(Rows(n));
        var filtered = source.Filter(_ => true).Shuffle(n, seed: 2).Batch(16);
        var mapped = source.Map((i, o) => { o.X.CopyFrom(i.X); o.Y!.CopyFrom(i.Y!); }).Shuffle(n, seed: 2).Batch(16);
        var indexed = source.Shuffle(n, seed: 2).Batch(16);
        Assert.False(filtered.UsesRowIndexShuffle);
        Assert.False(mapped.UsesRowIndexShuffle);
        Assert.True(indexed.UsesRowIndexShuffle);
        List<int> expected = ReferenceOrder(Enumerable.Range(0, n).ToList(), n, 2, 0);
        Assert.Equal(expected, Epoch(indexed));
        Assert.Equal(expected, Epoch(filtered));
        Assert.Equal(expected, Epoch(mapped));
    }

    [Fact]
    public void FeaturesOnlyDatasetsGatherXAlone()
    {
        (Tensor<double> x, _) = Rows(50);
        var ds = Dataset.FromTensorSlices(x).Shuffle(50, seed: 6).Batch(7);
        Assert.True(ds.UsesRowIndexShuffle);
        List<int> expected = ReferenceOrder(Enumerable.Range(0, 50).ToList(), 50, 6, 0);
        var ids = new List<int>();
        foreach (Batch<double> batch in ds)
        {
            Assert.Null(batch.Y);
            double[] values = batch.X.ToArray();
            for (int r = 0; r < batch.Count; r++)
            {
                ids.Add((int)(values[r * Features] / 10));
                Assert.Equal(values[r * Features] + 2, values[r * Features + 2]);
            }
        }

        Assert.Equal(expected, ids);
    }

    /// <summary>tf.data's shuffle written out naively on a list: fill the buffer, then repeatedly draw a slot,
    /// emit it, and refill it with the next input or, once the input is exhausted, with the last slot.</summary>
    private static List<int> ReferenceOrder(List<int> input, int bufferSize, ulong seed, long epoch)
    {
        var random = new ShuffleRandom(ShuffleRandom.DeriveSeed(seed, epoch));
        var buffer = input.Take(bufferSize).ToList();
        int next = buffer.Count;
        var output = new List<int>();
        while (buffer.Count > 0)
        {
            int slot = random.NextInt(buffer.Count);
            output.Add(buffer[slot]);
            if (next < input.Count)
            {
                buffer[slot] = input[next++];
            }
            else
            {
                buffer[slot] = buffer[^1];
                buffer.RemoveAt(buffer.Count - 1);
            }
        }

        return output;
    }

    private static List<(double[] X, double[] Y)> Batches(Dataset<double> ds)
    {
        var batches = new List<(double[] X, double[] Y)>();
        foreach (Batch<double> batch in ds)
        {
            batches.Add((batch.X.ToArray(), batch.Y!.ToArray()));
        }

        return batches;
    }
}
