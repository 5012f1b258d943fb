using Backprop.Data;
using static Backprop.Tests.Data.Pipeline.PipelineTestData;

namespace Backprop.Tests.Data.Pipeline;

public class TransformationTests
{
    private static Dataset<double> Doubled(Dataset<double> ds, Action? onCall = null) => ds.Map((input, output) =>
    {
        onCall?.Invoke();
        ReadOnlySpan<double> x = input.X.AsSpan();
        Span<double> o = output.X.AsSpan();
        for (int k = 0; k < o.Length; k++)
        {
            o[k] = 2 * x[k];
        }

        output.Y!.CopyFrom(input.Y!);
    });

    [Theory]
    [InlineData(0, 5)]
    [InlineData(3, 5)]
    [InlineData(8, 5)]
    [InlineData(2, -1)]
    [InlineData(-1, 4)]
    public void SkipThenTakeSelectsARangeOfRows(long skip, long take)
    {
        const int n = 10;
        var ds = Dataset.FromTensorSlices(Rows(n)).Skip(skip).Take(take);
        int from = skip < 0 ? n : (int)Math.Min(skip, n);
        int count = take < 0 ? n - from : (int)Math.Min(take, n - from);
        Assert.Equal(Enumerable.Range(from, count), Epoch(ds));
        Assert.Equal(count, ds.Cardinality);
    }

    [Fact]
    public void TakeAndSkipCountBatchesAfterBatch()
    {
        var ds = Dataset.FromTensorSlices(Rows(33)).Batch(5).Skip(2).Take(3);
        Assert.Equal(Enumerable.Range(10, 15), Epoch(ds));
        Assert.Equal(3, ds.Cardinality);
        Assert.Equal(Enumerable.Range(30, 3), Epoch(Dataset.FromTensorSlices(Rows(33)).Batch(5).Skip(6)));
    }

    [Fact]
    public void MapBeforeAndAfterBatchGiveTheSameValues()
    {
        var before = Doubled(Dataset.FromTensorSlices(Rows(33))).Batch(8);
        var after = Doubled(Dataset.FromTensorSlices(Rows(33)).Batch(8));
        var expected = Rows(33).X.ToArray().Select(v => 2 * v).ToArray();
        Assert.Equal(expected, before.SelectMany(b => b.X.ToArray()).ToArray());
        Assert.Equal(expected, after.SelectMany(b => b.X.ToArray()).ToArray());
    }

    [Fact]
    public void MapCanChangeTheElementTypeAndRowShape()
    {
        var pixels = Tensor<byte>.Wrap([0, 51, 255, 102, 0, 204, 255, 255], new Shape(2, 2, 2));
        var labels = Tensor<byte>.Wrap([3, 7], new Shape(2));
        Dataset<float> floats = Dataset.FromTensorSlices((pixels, labels)).Map<float>((input, output) =>
        {
            ReadOnlySpan<byte> p = input.X.AsSpan();
            Span<float> o = output.X.AsSpan();
            for (int k = 0; k < p.Length; k++)
            {
                o[k] = p[k] / 255f;
            }

            output.Y![0] = input.Y!.ToScalar();
        }, xRowShape: new Shape(4), yRowShape: new Shape(1)).Batch(2);

        Assert.Equal("(TensorSpec(shape=(None, 4), dtype=float32), TensorSpec(shape=(None, 1), dtype=float32))", floats.ElementSpec.ToString());
        using var e = floats.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Equal(new float[] { 0, 0.2f, 1, 0.4f, 0, 0.8f, 1, 1 }, e.Current.X.ToArray());
        Assert.Equal(new float[] { 3, 7 }, e.Current.Y!.ToArray());
        Assert.False(e.MoveNext());
    }

    [Fact]
    public void CacheRunsTheUpstreamOnceAndReplaysTheFirstEpoch()
    {
        int calls = 0;
        var ds = Doubled(Dataset.FromTensorSlices(Rows(40)), () => calls++).Shuffle(40, seed: 1).Cache();
        List<int> first = Epoch(ds, 2);
        Assert.Equal(40, calls);
        Assert.Equal(first, Epoch(ds, 2));
        Assert.Equal(first, Epoch(ds, 2));
        Assert.Equal(40, calls);
        AssertPermutation(first, 40);
        Assert.Equal(80.0, ds.First(b => b.Y!.ToScalar() == 4).X[0]);
    }

    [Fact]
    public void CacheThenShuffleReshufflesTheCachedElements()
    {
        int calls = 0;
        var ds = Doubled(Dataset.FromTensorSlices(Rows(60)), () => calls++).Cache().Shuffle(60, seed: 4).Batch(16);
        List<int> first = Epoch(ds, 2), second = Epoch(ds, 2);
        AssertPermutation(first, 60);
        AssertPermutation(second, 60);
        Assert.NotEqual(first, second);
        Assert.Equal(60, calls);
    }

    [Fact]
    public void AnAbandonedFirstEpochLeavesNoPartialCache()
    {
        int calls = 0;
        var ds = Doubled(Dataset.FromTensorSlices(Rows(10)), () => calls++).Cache();
        Assert.Equal(3, ds.Take(3).Count());
        foreach (Batch<double> _ in ds)
        {
            break;
        }

        Assert.Equal(Enumerable.Range(0, 10), Epoch(ds, 2));
        int afterFull = calls;
        Assert.Equal(Enumerable.Range(0, 10), Epoch(ds, 2));
        Assert.Equal(afterFull, calls);
    }

    [Fact]
    public void CachingBatchesCopiesThemOutOfTheReusedBatchBuffer()
    {
        var ds = Dataset.FromTensorSlices(Rows(23)).Batch(5).Cache();
        Assert.Equal(Enumerable.Range(0, 23), Epoch(ds));
        Assert.Equal(Enumerable.Range(0, 23), Epoch(ds));
    }

    [Fact]
    public void FilterKeepsMatchingElementsAndMakesTheCardinalityUnknown()
    {
        var ds = Dataset.FromTensorSlices(Rows(20)).Filter(e => e.Y!.ToScalar() % 3 == 0);
        Assert.Equal(Dataset.UnknownCardinality, ds.Cardinality);
        Assert.Equal(Dataset.UnknownCardinality, ds.Batch(2).Cardinality);
        Assert.Equal(new[] { 0, 3, 6, 9, 12, 15, 18 }, Epoch(ds));
    }

    [Fact]
    public void EnumerationsOfOneDatasetCanOverlap()
    {
        var ds = Dataset.FromTensorSlices(Rows(6)).Batch(2);
        var pairs = new List<(double, double)>();
        foreach (Batch<double> outer in ds)
        {
            double o = outer.Y![0];
            foreach (Batch<double> inner in ds)
            {
                pairs.Add((o, inner.Y![0]));
            }
        }

        Assert.Equal(9, pairs.Count);
        Assert.Equal([(0.0, 0.0), (0.0, 2.0), (0.0, 4.0)], pairs.Take(3));
        Assert.Equal((4.0, 4.0), pairs[^1]);
    }

    [Fact]
    public void CardinalityFollowsTheTransformations()
    {
        var ds = Dataset.FromTensorSlices(Rows(1000));
        Assert.Equal(1000, ds.Cardinality);
        Assert.Equal(1000, ds.Shuffle(10).Map((i, o) => o.X.CopyFrom(i.X)).Cache().Prefetch(2).Cardinality);
        Assert.Equal(32, ds.Batch(32).Cardinality);
        Assert.Equal(31, ds.Batch(32, dropRemainder: true).Cardinality);
        Assert.Equal(0, ds.Skip(2000).Cardinality);
        Assert.Equal(0, ds.Skip(-1).Cardinality);
        Assert.Equal(1000, ds.Take(-1).Cardinality);
        Assert.Equal(7, ds.Take(7).Cardinality);
        Assert.Equal(Dataset.UnknownCardinality, ds.Filter(_ => true).Take(7).Cardinality);
    }
}
