namespace Backprop.Tests.Tensors;

public class ShapeTests
{
    [Fact]
    public void ToStringFollowsNumpyTupleNotation()
    {
        Assert.Equal("()", Shape.Scalar.ToString());
        Assert.Equal("(5,)", new Shape(5).ToString());
        Assert.Equal("(2, 3)", new Shape(2, 3).ToString());
        Assert.Equal(1, Shape.Scalar.Length);
        Assert.Equal(24, new Shape(2, 3, 4).Length);
    }

    [Fact]
    public void NegativeAxisCountsFromTheEnd()
    {
        var s = new Shape(2, 3, 7);
        Assert.Equal(7, s[-1]);
        Assert.Equal(2, s[-3]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s[3]);
        Assert.Contains("(2, 3, 7)", e.Message);
    }

    [Fact]
    public void RejectsRankAboveFourNegativeDimensionsAndOverflow()
    {
        Assert.Throws<ArgumentException>(() => new Shape(1, 2, 3, 4, 5));
        Assert.Throws<ArgumentException>(() => new Shape(2, -1));
        Assert.Throws<ArgumentException>(() => new Shape(65536, 65536));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 4, 5 }, "A tensor has at most 4 dimensions; got 5: (1, 2, 3, 4, 5).")]
    [InlineData(new[] { 2, -1 }, "Dimensions must be non-negative; got (2, -1).")]
    [InlineData(new[] { -3, 65536, 65536 }, "Dimensions must be non-negative; got (-3, 65536, 65536).")]
    [InlineData(new[] { 65536, 65536 }, "Shape (65536, 65536) has more than 2147483647 elements.")]
    // The product passes int.MaxValue before the negative dimension is reached: the overflow is reported.
    [InlineData(new[] { 65536, 65536, -1 }, "Shape (65536, 65536, -1) has more than 2147483647 elements.")]
    [InlineData(new[] { 65536, 65536, 0 }, "Shape (65536, 65536, 0) has more than 2147483647 elements.")]
    public void Each_invalid_shape_gets_its_own_message(int[] dimensions, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new Shape(dimensions));
        Assert.Equal("dimensions", e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Theory]
    [InlineData(new int[0], 1)]
    [InlineData(new[] { 0 }, 0)]
    [InlineData(new[] { 7, 0, 5 }, 0)]
    [InlineData(new[] { 46341, 46340 }, 2147441940)]
    [InlineData(new[] { 1, 2147483647 }, 2147483647)]
    [InlineData(new[] { 33, 1, 7, 1000 }, 231000)]
    public void Valid_shapes_keep_their_dimensions_and_length(int[] dimensions, int length)
    {
        var shape = new Shape(dimensions);
        Assert.Equal(dimensions.Length, shape.Rank);
        Assert.Equal(length, shape.Length);
        Assert.Equal(dimensions, shape.ToArray());
    }
}
