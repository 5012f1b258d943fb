using Backprop.Data;
using static Backprop.Tests.Data.Pipeline.PipelineTestData;

namespace Backprop.Tests.Data.Pipeline;

public class BatchTests
{
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(1, 32, false)]
    [InlineData(1, 32, true)]
    [InlineData(7, 1, false)]
    [InlineData(7, 3, false)]
    [InlineData(7, 3, true)]
    [InlineData(33, 32, false)]
    [InlineData(33, 32, true)]
    [InlineData(33, 33, true)]
    [InlineData(1000, 32, false)]
    [InlineData(1001, 7, true)]
    [InlineData(1001, 2000, false)]
    [InlineData(1001, 2000, true)]
    public void BatchesAreConsecutiveRowsWithAShortOrDroppedLastBatch(int n, int batchSize, bool dropRemainder)
    {
        var ds = Dataset.FromTensorSlices(Rows(n)).Batch(batchSize, dropRemainder);
        int fullBatches = n / batchSize;
        int remainder = n % batchSize;
        int expectedBatches = fullBatches + (remainder > 0 && !dropRemainder ? 1 : 0);
        Assert.Equal(expectedBatches, ds.Cardinality);

        var sizes = new List<int>();
        foreach (Batch<double> batch in ds)
        {
            Assert.Equal(new Shape(batch.Count, Features), batch.X.Shape);
            Assert.Equal(new Shape(batch.Count), batch.Y!.Shape);
            sizes.Add(batch.Count);
        }

        Assert.Equal(expectedBatches, sizes.Count);
        Assert.All(sizes.Take(fullBatches), s => Assert.Equal(batchSize, s));
        if (expectedBatches > fullBatches)
        {
            Assert.Equal(remainder, sizes[^1]);
        }

        Assert.Equal(Enumerable.Range(0, sizes.Sum()), Epoch(ds));
    }

    [Fact]
    public void FeaturesOnlyDatasetBatchesWithoutTargets()
    {
        (Tensor<double> x, _) = Rows(10);
        var ds = Dataset.FromTensorSlices(x).Batch(4);
        var firsts = new List<double>();
        foreach (Batch<double> batch in ds)
        {
            Assert.Null(batch.Y);
            firsts.Add(batch.X[0, 0]);
        }

        Assert.Equal(new double[] { 0, 40, 80 }, firsts);
        Assert.False(ds.HasTargets);
    }

    [Fact]
    public void ImagesKeepTheirRowShape()
    {
        var pixels = new byte[5 * 2 * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)i;
        }

        var images = Tensor<byte>.Wrap(pixels, new Shape(5, 2, 3));
        var labels = Tensor<byte>.Wrap([0, 1, 2, 3, 4], new Shape(5));
        var ds = Dataset.FromTensorSlices((images, labels)).Batch(2);
        var shapes = ds.Select(b => b.X.Shape).ToList();
        Assert.Equal([new Shape(2, 2, 3), new Shape(2, 2, 3), new Shape(1, 2, 3)], shapes);
        using var e = ds.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(e.MoveNext());
        Assert.Equal(12, e.Current.X[0, 0, 0]);
        Assert.Equal(23, e.Current.X[1, 1, 2]);
        Assert.Equal(3, e.Current.Y![1]);
    }

    [Fact]
    public void BatchingABatchedDatasetIsRejected()
    {
        var ds = Dataset.FromTensorSlices(Rows(10)).Batch(2);
        var error = Assert.Throws<InvalidOperationException>(() => ds.Batch(2));
        Assert.Contains("already batched", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromTensorSlices(Rows(10)).Batch(0));
    }

    [Fact]
    public void MismatchedRowCountsAreNamed()
    {
        (Tensor<double> x, _) = Rows(10);
        var y = new Tensor<double>(9);
        var error = Assert.Throws<ShapeMismatchException>(() => Dataset.FromTensorSlices(x, y));
        Assert.Contains("x has 10 rows but y has 9", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(Tensor.Scalar(1.0)));
    }
}
