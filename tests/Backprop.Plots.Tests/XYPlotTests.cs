namespace Backprop.Plots.Tests;

public sealed class XYPlotTests
{
    private static XYSeries[] Capacity() =>
    [
        new("1 layer", [257, 513, 1025, 2049], [410, 395, 380, 371]),
        new("2 layers", [401, 1313, 4673, 17537, 67841], [300, 210, 150, 120, double.NaN]),
        new("3 layers", [705, 1857, 4769, 17345, 67457], [280, 190, 130, 95, 80]),
    ];

    [Fact]
    public void Renders_lines_against_a_numeric_axis_linear_and_log()
    {
        foreach (bool log in new[] { false, true })
        {
            byte[] png = Charts.XYPlot(Capacity(), "RMSE vs parameters", "parameters", "RMSE", logX: log).ToPngBytes(640, 400);
            Assert.Equal((640, 400), PngInfo.Size(png));
            Assert.True(png.Length > 5_000);
        }

        Assert.Contains("</svg>", Charts.XYPlot(Capacity(), null, "x", "y", logY: true).ToSvg(), StringComparison.Ordinal);
    }

    [Fact]
    public void X_limits_clip_points_as_matplotlibs_xlim()
    {
        var chart = Charts.XYPlot(Capacity(), "RMSE vs parameters", "parameters", "RMSE", xMin: 0, xMax: 20_000);
        var limits = chart.Plot.Axes.GetLimits();
        Assert.Equal(0, limits.Left);
        Assert.Equal(20_000, limits.Right);

        // On a log axis the limits are in data units too.
        var log = Charts.XYPlot(Capacity(), null, "parameters", "RMSE", logX: true, xMax: 10_000).Plot.Axes.GetLimits();
        Assert.Equal(4, log.Right, 12);
        Assert.True(log.Left < Math.Log10(257));
    }

    [Fact]
    public void Mismatched_lengths_and_no_series_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Charts.XYPlot([], null, "x", "y"));
        var error = Assert.Throws<ArgumentException>(() => Charts.XYPlot([new XYSeries("bad", [1, 2], [1])], null, "x", "y"));
        Assert.Contains("bad", error.Message, StringComparison.Ordinal);
    }
}
