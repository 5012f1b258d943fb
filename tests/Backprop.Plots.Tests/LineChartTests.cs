using ScottPlot;
using ScottPlot.Plottables;
using SkiaSharp;

namespace Backprop.Plots.Tests;

public sealed class LineChartTests
{
    private static LineSeries Widths(string name, double scale) =>
        new(name, [2, 3, 4, 6, 10], [0.9 * scale, 0.6 * scale, 0.3 * scale, 0.1 * scale, 0.01 * scale],
            [0.85 * scale, 0.55 * scale, 0.25 * scale, 0.08 * scale, 0.005 * scale], [0.95 * scale, 0.65 * scale, 0.35 * scale, 0.12 * scale, 0.02 * scale]);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void LineChart_RendersEveryAxisScale(bool logX, bool logY)
    {
        Chart chart = Charts.LineChart([Widths("ReLU", 1), Widths("LeakyReLU", 0.5)], "Collapse against width", "width", "collapsed fraction", logX, logY);

        byte[] png = chart.ToPngBytes(640, 400);
        Assert.Equal((640, 400), PngInfo.Size(png));
        Assert.True(ChartTests.CountDarkPixels(png, 0, 400) > 2_000);
        Assert.Contains("</svg>", chart.ToSvg(), StringComparison.Ordinal);
        Assert.Equal(logX ? "width (log scale)" : "width", chart.Plot.Axes.Bottom.Label.Text);
        Assert.Equal(logY ? "collapsed fraction (log scale)" : "collapsed fraction", chart.Plot.Axes.Left.Label.Text);
    }

    [Fact]
    public void LineChart_DrawsEachSeriesAtItsNumericX_WithLog10OnLogAxes()
    {
        Chart chart = Charts.LineChart([new LineSeries("moment", [1, 10, 100], [1e-3, 1, 1e3])], null, "depth", "E[z²]", logX: true, logY: true);

        Scatter line = chart.Plot.GetPlottables<Scatter>().Single();
        Coordinates[] points = line.Data.GetScatterPoints().ToArray();
        Assert.Equal([0.0, 1.0, 2.0], points.Select(p => p.X), new ToleranceComparer(1e-12));
        Assert.Equal([-3.0, 0.0, 3.0], points.Select(p => p.Y), new ToleranceComparer(1e-12));
        Assert.Equal("moment", line.LegendText);
    }

    [Fact]
    public void LinePoints_SkipNonFiniteValues_AndNonPositiveOnesOnALogAxis()
    {
        var line = new LineSeries("s", [0, 1, 2, 3, 4], [1, double.NaN, -1, 0, 100]);

        (double[] x, double[] y) = Charts.LinePoints(line, logX: false, logY: false);
        Assert.Equal([0.0, 2, 3, 4], x);
        Assert.Equal([1.0, -1, 0, 100], y);

        (x, y) = Charts.LinePoints(line, logX: false, logY: true);
        Assert.Equal([0.0, 4], x);
        Assert.Equal([0.0, 2], y, new ToleranceComparer(1e-12));

        (x, _) = Charts.LinePoints(line, logX: true, logY: false);
        // x = 0 has no logarithm, and x = 1 carries the NaN.
        Assert.Equal([Math.Log10(2), Math.Log10(3), Math.Log10(4)], x, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Band_IsShadedInTheSeriesColour_AndOrdersItsEdges()
    {
        var line = new LineSeries("s", [1, 2, 3], [0.5, 0.5, 0.5], Lower: [0.6, 0.4, 0.4], Upper: [0.4, 0.6, 0.6]);
        var band = Charts.BandPoints(line, logX: false, logY: false);
        Assert.All(band, b => Assert.True(b.Low <= b.High));
        Assert.Equal((1.0, 0.4, 0.6), band[0]);

        Chart chart = Charts.LineChart([line], "band", "x", "y");
        FillY fill = chart.Plot.GetPlottables<FillY>().Single();
        Assert.Equal(ChartStyle.ColorAt(0).WithAlpha(0.18), fill.FillColor);

        // The light band appears in the image: pixels tinted towards tab10 blue (#1f77b4) but much lighter.
        using SKBitmap bitmap = SKBitmap.Decode(chart.ToPngBytes(640, 400));
        int tinted = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                tinted += c.Blue > 215 && c.Red < 225 && c.Red > 170 && c.Blue - c.Red > 15 ? 1 : 0;
            }
        }

        Assert.True(tinted > 5_000, $"only {tinted} band pixels");
    }

    [Fact]
    public void WideLogAxes_LabelDecadesInScientificNotation_NarrowOnesInDigits()
    {
        Assert.Equal("1e-12", Charts.LogTickLabel(1, -12));
        Assert.Equal("2e6", Charts.LogTickLabel(2, 6));
        Assert.Equal("0.005", Charts.LogTickLabel(5, -3));
        Assert.Equal("10,000", Charts.LogTickLabel(1, 4));

        // Both render, over 14 decades and over half of one.
        double[] depth = [1, 25, 50];
        Chart wide = Charts.LineChart([new LineSeries("vanishing", depth, [1, 1e-7, 1e-14])], null, "layer", "E[z²]", logY: true);
        Chart narrow = Charts.LineChart([new LineSeries("steady", depth, [0.8, 1.5, 3])], null, "layer", "E[z²]", logY: true);
        foreach (Chart chart in new[] { wide, narrow })
        {
            Assert.True(ChartTests.CountDarkPixels(chart.ToPngBytes(640, 400), 0, 400) > 2_000);
            Assert.IsType<ScottPlot.TickGenerators.NumericManual>(chart.Plot.Axes.Left.TickGenerator);
        }
    }

    [Fact]
    public void Legend_CanBeHidden()
    {
        var series = new[] { new LineSeries("a", [1.0, 2], [1.0, 2]) };
        Assert.True(Charts.LineChart(series, "t", "x", "y").Plot.Legend.IsVisible);
        Assert.False(Charts.LineChart(series, "t", "x", "y", legend: null).Plot.Legend.IsVisible);
    }

    [Fact]
    public void LineChart_RejectsMismatchedSeries()
    {
        Assert.Throws<ArgumentException>(() => Charts.LineChart([], "t", "x", "y"));
        Assert.Throws<ArgumentException>(() => Charts.LineChart([new LineSeries("a", [1, 2], [1])], "t", "x", "y"));
        Assert.Throws<ArgumentException>(() => Charts.LineChart([new LineSeries("a", [1, 2], [1, 2], Lower: [0, 1])], "t", "x", "y"));
        var ex = Assert.Throws<ArgumentException>(() => Charts.LineChart([new LineSeries("wide", [1, 2], [1, 2], [0, 1], [2])], "t", "x", "y"));
        Assert.Contains("wide", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LineChart_WithOnlyUnplottablePoints_StillRenders()
    {
        Chart chart = Charts.LineChart([new LineSeries("dead", [1, 2], [0, 0])], "all zero on a log axis", "x", "y", logY: true);
        Assert.Equal((400, 300), PngInfo.Size(chart.ToPngBytes(400, 300)));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
