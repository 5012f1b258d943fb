namespace Backprop.Labs.Tests;

/// <summary>The "this run" column of the published table follows one rule: one decimal more than the course printed,
/// fewer only when the value has fewer.</summary>
public sealed class PublishedPrecisionTests
{
    [Theory]
    [InlineData(2.199, 2.1176712, "2.1177")]
    [InlineData(9.1605, 9.0799123, "9.07991")]
    [InlineData(12.0, 7.0, "7")]
    [InlineData(-0.5, -0.5, "-0.5")]
    [InlineData(2.390625, 2.390625, "2.390625")]
    [InlineData(1.5e-5, 1.2345678e-5, "0.0000123")]
    [InlineData(0.12345678901234568, 0.1, "0.1")]
    [InlineData(0.12345678901234568, 0.98765432109876543, "0.987654321099")]
    [InlineData(2.199, double.NaN, "NaN")]
    public void OneDecimalMoreThanTheCoursePrinted(double published, double measured, string expected)
    {
        var figure = new PublishedFigure("q", published, "s", Tolerance.Exact);
        Assert.Equal(expected, PublishedSection.MeasuredText(PublishedComparison.Evaluate(figure, Measurement.Of(measured))));
    }

    [Fact]
    public void AMeanAndItsSpreadShareTheDecimals()
    {
        var figure = new PublishedFigure("q", 2.199, "s", Tolerance.Exact);
        var measured = Measurement.OfRepetitions([2.1177, 2.0965, 2.1961, 2.3202, 2.3743]);
        Assert.Equal("2.2210 ± 0.1226 (n = 5)", PublishedSection.MeasuredText(PublishedComparison.Evaluate(figure, measured)));
        var words = new PublishedFigure("q", "worse in most seeds", "s", Tolerance.AtLeast(0.6, "most"));
        Assert.Equal("1", PublishedSection.MeasuredText(PublishedComparison.Evaluate(words, Measurement.Of(1))));
    }
}
