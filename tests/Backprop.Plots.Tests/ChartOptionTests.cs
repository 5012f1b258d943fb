using ScottPlot;
using ScottPlot.Plottables;
using SkiaSharp;

namespace Backprop.Plots.Tests;

/// <summary>Bar labels and colours, learning-curve y labels, heatmaps and weight-grid colour bar labels.</summary>
public sealed class ChartOptionTests
{
    [Theory]
    [InlineData(2.2213, 0.1021, 2.3234, true)]
    [InlineData(3.0, -0.5, 3.5, true)]
    [InlineData(0.0, 0.0, 0.0, true)]
    [InlineData(-1.4, 0.2, -1.6, false)]
    [InlineData(-0.1, 0.0, -0.1, false)]
    public void BarLabelAnchor_IsTheWhiskerEndAwayFromZero(double value, double error, double expectedY, bool expectedAbove)
    {
        (double y, bool above) = Charts.BarLabelAnchor(value, error);

        Assert.Equal(expectedY, y, 12);
        Assert.Equal(expectedAbove, above);
    }

    [Fact]
    public void BarAxisRange_LeavesHeadroomBeyondEveryLabelledWhisker()
    {
        double[] values = [2.2, 2.9, -1.4, 0.5];
        double[] errors = [0.1, 0.35, 0.2, 0.9];

        (double low, double high) = Charts.BarAxisRange(values, errors);

        // Whiskers reach 3.25 at the top and −1.6 at the bottom (0.5 − 0.9 = −0.4 is inside); span 4.85.
        Assert.True(high >= 3.25 + 0.1 * 4.85, $"top {high} leaves no room above the tallest whisker 3.25");
        Assert.True(low <= -1.6 - 0.1 * 4.85, $"bottom {low} leaves no room below the lowest whisker −1.6");
        (double lowPositive, _) = Charts.BarAxisRange([1.0, 2.0], [0.1, 0.1]);
        Assert.Equal(0, lowPositive);
    }

    [Fact]
    public void BarChart_PlacesEveryValueLabelBeyondItsErrorBar()
    {
        double[] values = [2.2213, 2.9, -1.4];
        double[] errors = [0.1021, 0.35, 0.2];
        Chart chart = Charts.BarChart(["a", "b", "c"], values, errors);
        chart.ToPngBytes(640, 400);

        var labels = chart.Plot.GetPlottables<Text>().ToArray();
        Assert.Equal(3, labels.Length);
        AxisLimits limits = chart.Plot.Axes.GetLimits();
        for (int i = 0; i < values.Length; i++)
        {
            Text label = labels[i];
            bool above = values[i] >= 0;
            double whiskerEnd = above ? values[i] + errors[i] : values[i] - errors[i];
            Assert.Equal(whiskerEnd, label.Location.Y, 12);
            Assert.Equal(above ? Alignment.LowerCenter : Alignment.UpperCenter, label.Alignment);
            Assert.True(above ? label.OffsetY < 0 : label.OffsetY > 0, "the label must be pushed away from the whisker");
            Assert.InRange(label.Location.Y, limits.Bottom, limits.Top);
        }

        Assert.Equal("2.22 ± 0.10", labels[0].LabelText);
        Assert.Equal("2.90 ± 0.35", labels[1].LabelText);
        Assert.Equal("-1.40 ± 0.20", labels[2].LabelText);
    }

    [Fact]
    public void BarChart_UsesTheGivenColours_AndRejectsAWrongCount()
    {
        Color orange = ChartStyle.ColorAt(1);
        Color green = ChartStyle.ColorAt(2);
        Chart chart = Charts.BarChart(["b", "d"], [1.0, 2.0], [0.1, 0.2], colors: [orange, green]);

        var bars = chart.Plot.GetPlottables<BarPlot>().Single().Bars;
        Assert.Equal(orange.WithAlpha(0.8), bars[0].FillColor);
        Assert.Equal(green.WithAlpha(0.8), bars[1].FillColor);
        Assert.Equal((640, 400), PngInfo.Size(chart.ToPngBytes(640, 400)));
        Assert.Throws<ArgumentException>(() => Charts.BarChart(["b", "d"], [1.0, 2.0], colors: [orange]));
    }

    [Fact]
    public void BarChart_ColouredBarsAppearInThePng()
    {
        // Pure-ish red and blue fills must show up in the image, not only in the plottable.
        byte[] png = Charts.BarChart(["x", "y"], [1.0, 1.0], colors: [Colors.Red, Colors.Blue]).ToPngBytes(400, 300);

        using SKBitmap bitmap = SKBitmap.Decode(png);
        int red = 0, blue = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                red += c.Red > 200 && c.Green < 90 && c.Blue < 90 ? 1 : 0;
                blue += c.Blue > 200 && c.Red < 90 && c.Green < 90 ? 1 : 0;
            }
        }

        Assert.True(red > 2_000 && blue > 2_000, $"red pixels {red}, blue pixels {blue}");
    }

    [Theory]
    [InlineData(2.2213, 0.1021, "2.22 ± 0.10")]
    [InlineData(2.2213, 0.0996, "2.22 ± 0.10")]
    [InlineData(1234.5, 567, "1230 ± 570")]
    [InlineData(1234.5, 56.7, "1235 ± 57")]
    [InlineData(0.97, 0.002, "0.9700 ± 0.0020")]
    [InlineData(-0.004, 0.5, "0.00 ± 0.50")]
    [InlineData(3.5, 0.0, "3.5")]
    [InlineData(double.NaN, 0.1, "NaN ± 0.1")]
    [InlineData(2e7, 3e5, "20000000 ± 300000")]
    [InlineData(3e-4, 1e-5, "0.000300 ± 0.000010")]
    [InlineData(3e-9, 1e-10, "3e-9 ± 1e-10")]
    public void FormatMeanStd_QuotesTheMeanToTheSpreadsLastSignificantDigit(double mean, double spread, string expected)
    {
        Assert.Equal(expected, NumberFormat.FormatMeanStd(mean, spread));
    }

    [Fact]
    public void LearningCurves_YLabelDefaultsToTheMetricAndCanBeNamed()
    {
        var history = SampleCharts.History();

        Assert.Equal("loss", Charts.LearningCurves(history).Plot.Axes.Left.Label.Text);
        Assert.Equal("mse", Charts.LearningCurves(history, yLabel: "mse").Plot.Axes.Left.Label.Text);
        Assert.Equal("mse (log scale)", Charts.LearningCurves(history, logY: true, yLabel: "mse").Plot.Axes.Left.Label.Text);
    }

    [Fact]
    public void Heatmap_RejectsNonMatricesAndEmptyOnes()
    {
        var vector = Assert.Throws<ArgumentException>(() => Charts.Heatmap(Tensor.Zeros<double>(7)));
        Assert.Contains("7", vector.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Charts.Heatmap(Tensor.Zeros<float>(2, 3, 4)));
        Assert.Throws<ArgumentException>(() => Charts.Heatmap(Tensor.Zeros<float>(0, 3)));
        Assert.Throws<ArgumentNullException>(() => Charts.Heatmap(null!));
    }

    [Fact]
    public void Heatmap_KeepsCellsInRowMajorOrder_AndSaysWhatTheColoursShow()
    {
        double[] data = [-2, 0, 1, 0.5, double.NaN, 3];
        Chart chart = Charts.Heatmap(Tensor.From(data, 2, 3), "m", "∂L/∂w");

        Heatmap heatmap = chart.Plot.GetPlottables<Heatmap>().Single();
        Assert.Equal(2, heatmap.Intensities.GetLength(0));
        Assert.Equal(3, heatmap.Intensities.GetLength(1));
        Assert.Equal(1, heatmap.Intensities[0, 2]);
        Assert.Equal(0.5, heatmap.Intensities[1, 0]);
        Assert.True(double.IsNaN(heatmap.Intensities[1, 1]));
        Assert.Equal(new ScottPlot.Range(-3, 3), heatmap.ManualRange);
        // What the colours show is written after the title, horizontal, not squeezed along the colour bar.
        Assert.Single(chart.Plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>());
        Assert.Equal("m   colour: ∂L/∂w", chart.Plot.Axes.Title.Label.Text);
        Assert.Equal((500, 300), PngInfo.Size(chart.ToPngBytes(500, 300)));
    }

    [Theory]
    [InlineData(-2.0, 1.0, true, -2.0, 2.0)]
    [InlineData(0.5, 4.0, true, -4.0, 4.0)]
    [InlineData(0.5, 4.0, false, 0.5, 4.0)]
    [InlineData(0.0, 0.0, true, -1.0, 1.0)]
    [InlineData(2.0, 2.0, false, 1.5, 2.5)]
    [InlineData(double.PositiveInfinity, double.NegativeInfinity, false, 0.0, 1.0)]
    public void HeatmapRange_IsSymmetricWhenDivergingAndNeverEmpty(double low, double high, bool diverging, double min, double max)
    {
        ScottPlot.Range range = Charts.HeatmapRange(low, high, diverging);

        Assert.Equal(min, range.Min);
        Assert.Equal(max, range.Max);
    }

    [Fact]
    public void Heatmap_DrawsNegativeBlueAndPositiveRed_OrSequentialWithoutWhite()
    {
        Tensor signs = Tensor.From(new[] { -1.0, 1.0, 1.0, -1.0 }, 2, 2);
        (int blue, int red, _) = CountColours(Charts.Heatmap(signs).ToPngBytes(400, 300));
        Assert.True(blue > 2_000 && red > 2_000, $"diverging: {blue} blue and {red} red pixels");

        Tensor ramp = Tensor.From(new[] { 0.0, 1.0, 2.0, 3.0 }, 2, 2);
        (_, _, int viridisYellow) = CountColours(Charts.Heatmap(ramp, diverging: false).ToPngBytes(400, 300));
        Assert.True(viridisYellow > 2_000, $"sequential: only {viridisYellow} yellow pixels for the maximum cell");
    }

    [Fact]
    public void Heatmap_DrawsRowZeroAtTheTopAndColumnZeroAtTheLeft_FillingTheDataArea()
    {
        // 3 × 4 matrix: row 0 positive (red), everything else negative (blue), cell (2, 3) NaN (white).
        var data = new double[3 * 4];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i < 4 ? 1 : -1;
        }

        data[^1] = double.NaN;
        Chart chart = Charts.Heatmap(Tensor.From(data, 3, 4));
        byte[] png = chart.ToPngBytes(600, 450);
        Plot plot = chart.Plot;
        using SKBitmap bitmap = SKBitmap.Decode(png);

        SKColor At(double column, double row)
        {
            Pixel pixel = plot.GetPixel(new Coordinates(column, 2 - row));
            return bitmap.GetPixel((int)pixel.X, (int)pixel.Y);
        }

        static bool IsRed(SKColor c) => c.Red > 80 && c.Blue < 60 && c.Green < 40;
        static bool IsBlue(SKColor c) => c.Blue > 80 && c.Red < 60;

        // Cell centres and points just inside the outer cell edges (±0.45) must carry their cell's colour.
        foreach (double dx in new[] { -0.45, 0, 0.45 })
        {
            Assert.True(IsRed(At(0 + dx, 0 + dx)), $"row 0 near column {dx} is {At(0 + dx, 0 + dx)}");
            Assert.True(IsRed(At(3 + dx, 0)), $"row 0, column 3{dx:+0.##;-0.##} is {At(3 + dx, 0)}");
            Assert.True(IsBlue(At(0 + dx, 2 - dx)), $"row 2 near column 0 is {At(0 + dx, 2 - dx)}");
        }

        Assert.True(IsBlue(At(1, 1)));
        SKColor nan = At(3, 2);
        Assert.True(nan.Red > 240 && nan.Green > 240 && nan.Blue > 240, $"NaN cell is {nan}");
    }

    [Fact]
    public void WeightImageGrid_ColourBarLabel_DefaultsToWeightAndCanBeNamed()
    {
        float[] weights = new float[12 * 2];
        weights[3] = 1;

        string Label(Chart chart) => chart.Plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Single().Label;

        Assert.Equal("weight", Label(Charts.WeightImageGrid(weights, 12, 2, 1, 2, 3, 4)));
        Assert.Equal("weight / tile max |w|", Label(Charts.WeightImageGrid(weights, 12, 2, 1, 2, 3, 4, scale: WeightScale.PerTile)));
        Assert.Equal("∂L/∂w", Label(Charts.WeightImageGrid(weights, 12, 2, 1, 2, 3, 4, valueLabel: "∂L/∂w")));
        Assert.Equal("∂L/∂w / tile max", Label(Charts.WeightImageGrid(weights, 12, 2, 1, 2, 3, 4, scale: WeightScale.PerTile, valueLabel: "∂L/∂w")));
    }

    private static (int Blue, int Red, int Yellow) CountColours(byte[] png)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        int blue = 0, red = 0, yellow = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                blue += c.Blue > 80 && c.Red < 60 ? 1 : 0;
                red += c.Red > 80 && c.Blue < 60 && c.Green < 40 ? 1 : 0;
                yellow += c.Red > 200 && c.Green > 200 && c.Blue < 80 ? 1 : 0;
            }
        }

        return (blue, red, yellow);
    }
}
