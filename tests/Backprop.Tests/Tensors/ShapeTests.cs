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
}
