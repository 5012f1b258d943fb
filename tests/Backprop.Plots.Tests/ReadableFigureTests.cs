using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots.Tests;

/// <summary>Figures a newcomer can read: outlines instead of blended fills, legends beside the data, a point mass
/// counted apart from a violin, one precision per figure, numbers aligned in tables, and notices at the top.</summary>
public class ReadableFigureTests
{
    [Fact]
    public void OverlaidHistogramsAreOutlinesWithTheLegendBesideTheData()
    {
        var series = new Dictionary<string, IReadOnlyList<double>>();
        var random = new System.Random(3);
        for (int layer = 1; layer <= 5; layer++)
        {
            series[$"layer {layer}"] = Enumerable.Range(0, 1000).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        }

        Chart chart = Charts.DensityHistograms(series, 20, "t", "x", (-1, 1));
        Assert.Empty(chart.Plot.GetPlottables<Polygon>());
        var lines = chart.Plot.GetPlottables<Scatter>().ToList();
        Assert.Equal(5, lines.Count);
        Assert.Equal(series.Keys, lines.Select(l => l.LegendText));
        Assert.Equal(Enumerable.Range(0, 5).Select(ChartStyle.ColorAt), lines.Select(l => l.Color));
        // Outside the data area: the legend is a panel on the right edge, not an overlay in a corner.
        Assert.Contains(chart.Plot.Axes.GetPanels(), p => p is ScottPlot.Panels.LegendPanel);
        Assert.Equal((800, 500), PngInfo.Size(chart.ToPngBytes()));
    }

    [Fact]
    public void AViolinCountsExactZerosApartAndDrawsThePositivePart()
    {
        double[] values = [.. Enumerable.Repeat(0.0, 60), .. Enumerable.Range(1, 40).Select(i => i / 10.0)];
        Chart chart = Charts.ViolinPlot(new Dictionary<string, IReadOnlyList<double>> { ["1"] = values }, "t", "relu", pointMass: 0);

        chart.ToPngBytes();
        var ticks = chart.Plot.Axes.Bottom.TickGenerator.Ticks;
        Assert.Contains(ticks, t => t.Label == "1\n60% = 0");
        var violin = chart.Plot.GetPlottables<Polygon>().Single();
        double lowest = violin.Coordinates.Min(c => c.Y);
        Assert.Equal(0.1, lowest, 12); // the density of the positive part only, not a needle at 0
        var zeroBar = chart.Plot.GetPlottables<LinePlot>().Single(l => l.Start.Y == 0 && l.End.Y == 0);
        Assert.Equal(0, zeroBar.Start.Y);
        Assert.Equal(0.4 * 0.6 * 2, zeroBar.End.X - zeroBar.Start.X, 12);
    }

    [Fact]
    public void BarLabelsOfOneFigureShareOnePrecision()
    {
        Chart chart = Charts.BarChart(["b", "d"], [2.2213, 1.9742], [0.1226, 0.0461]);
        var labels = chart.Plot.GetPlottables<Text>().Select(t => t.LabelText).ToArray();
        Assert.Equal(["2.221 ± 0.123", "1.974 ± 0.046"], labels);
    }

    [Theory]
    [InlineData("2.221", true)]
    [InlineData("-2.318e-4", true)]
    [InlineData("−1.5", true)]
    [InlineData("60,000", true)]
    [InlineData("2.22 ± 0.12", true)]
    [InlineData("12 %", true)]
    [InlineData("0.7 s", true)]
    [InlineData("NaN", true)]
    [InlineData("∞", true)]
    [InlineData("5 0 4 1 9", false)]
    [InlineData("diverged", false)]
    [InlineData("(b) raw", false)]
    [InlineData("W¹[1]", false)]
    public void TextThatReadsAsANumberIsRecognised(string text, bool numeric) =>
        Assert.Equal(numeric, NumberFormat.LooksNumeric(text));

    [Fact]
    public void ReportAlignsPreformattedNumbersLinksCellsAndPutsNoticesFirst()
    {
        var report = new Report("lab");
        report.Section("Results");
        report.Table(["name", "value", "link"], [["a", "2.390625", new ReportLink("report", "a/report.html")], ["b", "-0.5", new ReportLink("r<b>", "b/report.html")]]);
        report.Notice("This run used the subset.");
        string html = report.ToHtml();

        Assert.Contains("<th class=\"num\">value</th>", html);
        Assert.Contains("<td class=\"num\">2.390625</td>", html);
        Assert.Contains("<td><a href=\"a/report.html\">report</a></td>", html);
        Assert.Contains("<a href=\"b/report.html\">r&lt;b&gt;</a>", html);
        int notice = html.IndexOf("<div class=\"notice\"", StringComparison.Ordinal);
        Assert.True(notice > html.IndexOf("<h1>", StringComparison.Ordinal) && notice < html.IndexOf("<nav", StringComparison.Ordinal));
        // Box-drawing characters in code blocks join up: the line height is the font's own.
        Assert.Contains("line-height: normal", html);
    }

    [Fact]
    public void APlaceholderDoesNotTurnAColumnOfNumbersIntoText()
    {
        string html = new Report("lab").Table(["case", "difference"], [["a", "8.67E-18"], ["b", "— (no engine gradient)"], ["c", "0"]]).ToHtml();
        Assert.Contains("<th class=\"num\">difference</th>", html);
        Assert.Contains("<td class=\"num\">8.67E-18</td>", html);
        Assert.True(NumberFormat.IsPlaceholder("— (no engine gradient)"));
        Assert.False(NumberFormat.IsPlaceholder("-0.5"));
    }

    [Fact]
    public void PercentKeepsOneDecimalAtMost()
    {
        Assert.Equal("47.5%", NumberFormat.Percent(0.4752));
        Assert.Equal("100%", NumberFormat.Percent(1));
        Assert.Equal("0%", NumberFormat.Percent(0.00004));
    }
}
