using Backprop.Data;
using static Backprop.Tests.Data.Pipeline.PipelineTestData;

namespace Backprop.Tests.Data.Pipeline;

public class ShuffleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void BufferOfOneKeepsTheOrder(int n)
    {
        var ds = Dataset.FromTensorSlices(Rows(n)).Shuffle(1, seed: 5);
        Assert.Equal(Enumerable.Range(0, n), Epoch(ds));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(33, 33)]
    [InlineData(33, 1000)]
    [InlineData(1001, 64)]
    [InlineData(1001, 5000)]
    public void EveryEpochIsAPermutation(int n, int bufferSize)
    {
        var ds = Dataset.FromTensorSlices(Rows(n)).Shuffle(bufferSize, seed: 11);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            AssertPermutation(Epoch(ds), n);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void AnElementLeavesNoLaterThanTheBufferAllows(int bufferSize)
    {
        // With a buffer of B, output position p holds one of the first p + B input elements, and an input
        // element i cannot appear before position i − B + 1.
        const int n = 500;
        var ds = Dataset.FromTensorSlices(Rows(n)).Shuffle(bufferSize, seed: 3);
        List<int> ids = Epoch(ds);
        AssertPermutation(ids, n);
        for (int p = 0; p < n; p++)
        {
            Assert.True(ids[p] < p + bufferSize, $"position {p} holds element {ids[p]} with a buffer of {bufferSize}");
        }

        Assert.NotEqual(Enumerable.Range(0, n), ids);
    }

    [Fact]
    public void FirstOutputIsUniformOverTheFirstBufferfulOfElements()
    {
        const int bufferSize = 5, seeds = 5000;
        var counts = new int[20];
        for (int seed = 0; seed < seeds; seed++)
        {
            var ds = Dataset.FromTensorSlices(Rows(20)).Shuffle(bufferSize, seed: (ulong)seed);
            using var e = ds.GetEnumerator();
            Assert.True(e.MoveNext());
            counts[(int)e.Current.Y!.ToScalar()]++;
        }

        Assert.All(counts.Skip(bufferSize), c => Assert.Equal(0, c));
        double expected = seeds / (double)bufferSize;
        double chiSquare = counts.Take(bufferSize).Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chiSquare < 18.47, $"chi-square {chiSquare} over 4 degrees of freedom (p < 0.001 at 18.47)");
    }

    [Fact]
    public void FullBufferReachesEveryPermutationUniformly()
    {
        // 4 elements have 24 orders; over 12,000 seeds each should appear about 500 times.
        const int n = 4, seeds = 12000;
        var counts = new Dictionary<string, int>();
        for (int seed = 0; seed < seeds; seed++)
        {
            var ds = Dataset.FromTensorSlices(Rows(n)).Shuffle(n, seed: (ulong)seed);
            string key = string.Join(",", Epoch(ds));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(24, counts.Count);
        double expected = seeds / 24.0;
        double chiSquare = counts.Values.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chiSquare < 49.73, $"chi-square {chiSquare} over 23 degrees of freedom (p < 0.001 at 49.73)");
    }

    [Fact]
    public void EpochsOfAReshufflingDatasetAreAlsoUniform()
    {
        // The orders of successive epochs of one seeded dataset, not only of different seeds, must be uniform.
        const int n = 3, epochs = 6000;
        var ds = Dataset.FromTensorSlices(Rows(n)).Shuffle(n, seed: 42);
        var counts = new Dictionary<string, int>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            string key = string.Join(",", Epoch(ds));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(6, counts.Count);
        double expected = epochs / 6.0;
        double chiSquare = counts.Values.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chiSquare < 20.52, $"chi-square {chiSquare} over 5 degrees of freedom (p < 0.001 at 20.52)");
    }

    [Fact]
    public void SeededShuffleIsReproducibleAcrossDatasets()
    {
        var a = Dataset.FromTensorSlices(Rows(100)).Shuffle(30, seed: 1234);
        var b = Dataset.FromTensorSlices(Rows(100)).Shuffle(30, seed: 1234);
        var c = Dataset.FromTensorSlices(Rows(100)).Shuffle(30, seed: 1235);
        List<int> a1 = Epoch(a), a2 = Epoch(a);
        Assert.Equal(a1, Epoch(b));
        Assert.Equal(a2, Epoch(b));
        Assert.NotEqual(a1, Epoch(c));
    }

    [Fact]
    public void ReshuffleEachIterationChangesTheOrderPerEpoch()
    {
        var ds = Dataset.FromTensorSlices(Rows(50)).Shuffle(50, seed: 9, reshuffleEachIteration: true);
        List<int> first = Epoch(ds), second = Epoch(ds), third = Epoch(ds);
        Assert.NotEqual(first, second);
        Assert.NotEqual(second, third);
        AssertPermutation(second, 50);
    }

    [Fact]
    public void WithoutReshuffleEveryEpochRepeatsTheOrder()
    {
        var ds = Dataset.FromTensorSlices(Rows(50)).Shuffle(50, seed: 9, reshuffleEachIteration: false);
        List<int> first = Epoch(ds);
        Assert.NotEqual(Enumerable.Range(0, 50), first);
        Assert.Equal(first, Epoch(ds));
        Assert.Equal(first, Epoch(ds));

        var unseeded = Dataset.FromTensorSlices(Rows(50)).Shuffle(50, reshuffleEachIteration: false);
        Assert.Equal(Epoch(unseeded), Epoch(unseeded));
    }

    [Fact]
    public void ShuffleAfterMapCopiesElementsOutOfTheReusedMapBuffer()
    {
        var ds = Dataset.FromTensorSlices(Rows(300))
            .Map((input, output) => { output.X.CopyFrom(input.X); output.Y!.CopyFrom(input.Y!); })
            .Shuffle(64, seed: 8);
        AssertPermutation(Epoch(ds), 300);
        AssertPermutation(Epoch(ds), 300);
    }

    [Fact]
    public void ShufflingBatchesKeepsEachBatchIntact()
    {
        var ds = Dataset.FromTensorSlices(Rows(70)).Batch(8).Shuffle(4, seed: 2);
        var firstRows = new List<int>();
        var all = new List<int>();
        foreach (var (x, y) in ds)
        {
            double[] ids = y!.ToArray();
            for (int r = 1; r < ids.Length; r++)
            {
                Assert.Equal(ids[0] + r, ids[r]);
            }

            Assert.Equal(10 * ids[0], x[0, 0]);
            firstRows.Add((int)ids[0]);
            all.AddRange(ids.Select(v => (int)v));
        }

        AssertPermutation(all, 70);
        Assert.NotEqual(firstRows.Order(), firstRows);
    }

    [Fact]
    public void RejectsAnEmptyBuffer()
    {
        var ds = Dataset.FromTensorSlices(Rows(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Shuffle(0));
    }
}
