using Backprop.Data;

namespace Backprop.Tests.Data.Preprocessing;

public class ClassCountsTests
{
    [Fact]
    public void CountsAndPercentagesPerSplit()
    {
        var train = Tensor<byte>.Wrap([0, 1, 1, 2, 2, 2, 0, 1], new Shape(8));
        var val = Tensor<byte>.Wrap([2, 2, 0, 0], new Shape(4, 1));
        Tensor<float> test = OneHot.ToCategorical([1, 1, 0], 3);

        var counts = ClassCounts.Of(("train", train), ("val", val), ("test", test));
        Assert.Equal(["train", "val", "test"], counts.Splits);
        Assert.Equal(3, counts.ClassCount);
        Assert.Equal(3, counts.Count("train", 1));
        Assert.Equal(0, counts.Count("val", 1));
        Assert.Equal(2, counts.Count("test", 1));
        Assert.Equal(8, counts.Total("train"));
        Assert.Equal(37.5, counts.Percent("train", 1));
        Assert.Equal(50.0, counts.Percent("val", 2));

        string expected =
            "class        train          val         test\n" +
            "    0   2 (25.00%)   2 (50.00%)   1 (33.33%)\n" +
            "    1   3 (37.50%)    0 (0.00%)   2 (66.67%)\n" +
            "    2   3 (37.50%)   2 (50.00%)    0 (0.00%)\n" +
            "total  8 (100.00%)  4 (100.00%)  3 (100.00%)\n";
        Assert.Equal(expected, counts.ToString());
    }

    [Fact]
    public void BadLabelsAndNamesAreReported()
    {
        var bad = Tensor.From(new double[] { 0, 1.5 }, 2);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ClassCounts.Of(("val", bad)));
        Assert.Contains("split 'val'", error.Message, StringComparison.Ordinal);
        Assert.Contains("label 1.5 at index 1", error.Message, StringComparison.Ordinal);
        var counts = ClassCounts.Of(("train", Tensor.From(new double[] { 0, 1 }, 2)));
        Assert.Throws<ArgumentException>(() => counts.Count("test", 0));
        Assert.Throws<ArgumentException>(() => ClassCounts.Of());
    }
}
