using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// Lines with markers of y against a numeric x, one per series, like
    /// <c>plt.plot(x, y, "o-", label=name); plt.xscale("log"); plt.xlim(0, x_max)</c>: RMSE against the number of
    /// parameters, training time against hidden units. Non-finite points (and, on a log axis, values ≤ 0) are skipped.
    /// </summary>
    /// <param name="series">The lines, drawn in order with the shared palette.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X axis label.</param>
    /// <param name="yLabel">Y axis label.</param>
    /// <param name="logX">Logarithmic x axis.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    /// <param name="xMin">Lower x limit in data units (matplotlib's <c>xlim</c>); null fits the data.</param>
    /// <param name="xMax">Upper x limit in data units; null fits the data. Points beyond the limits are clipped.</param>
    /// <exception cref="ArgumentException">No series, or a series whose x and y differ in length.</exception>
    public static Chart XYPlot(
        IReadOnlyList<XYSeries> series,
        string? title,
        string xLabel,
        string yLabel,
        bool logX = false,
        bool logY = false,
        double? xMin = null,
        double? xMax = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
        {
            throw new ArgumentException("XYPlot needs at least one series.", nameof(series));
        }

        Plot plot = ChartStyle.NewPlot(title, logX ? xLabel + " (log scale)" : xLabel, logY ? yLabel + " (log scale)" : yLabel);
        double xLow = double.PositiveInfinity, xHigh = double.NegativeInfinity;
        double yLow = double.PositiveInfinity, yHigh = double.NegativeInfinity;
        for (int s = 0; s < series.Count; s++)
        {
            XYSeries line = series[s];
            if (line.X.Count != line.Y.Count)
            {
                throw new ArgumentException($"XYPlot series '{line.Name}' has {line.X.Count} x values but {line.Y.Count} y values.", nameof(series));
            }

            var xs = new List<double>(line.X.Count);
            var ys = new List<double>(line.Y.Count);
            for (int i = 0; i < line.X.Count; i++)
            {
                double x = line.X[i], y = line.Y[i];
                bool inside = double.IsFinite(x) && double.IsFinite(y) && (!logX || x > 0) && (!logY || y > 0)
                    && (xMin is not { } lo || x >= lo) && (xMax is not { } hi || x <= hi);
                if (!inside)
                {
                    continue;
                }

                xs.Add(logX ? Math.Log10(x) : x);
                ys.Add(logY ? Math.Log10(y) : y);
                xLow = Math.Min(xLow, xs[^1]);
                xHigh = Math.Max(xHigh, xs[^1]);
                yLow = Math.Min(yLow, ys[^1]);
                yHigh = Math.Max(yHigh, ys[^1]);
            }

            Scatter scatter = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), ChartStyle.ColorAt(s));
            scatter.LineWidth = 2.5f;
            scatter.MarkerShape = MarkerShape.FilledCircle;
            scatter.MarkerSize = 8;
            scatter.LegendText = line.Name;
        }

        if (logX && xLow <= xHigh)
        {
            UseLogTicks(plot.Axes.Bottom, xLow, xHigh);
        }

        if (logY && yLow <= yHigh)
        {
            UseLogTicks(plot.Axes.Left, yLow, yHigh);
        }

        if (xLow <= xHigh)
        {
            // The data's range with a margin, or the limits asked for (on a log axis, limits ≤ 0 fall back to the data).
            double pad = Math.Max(xHigh - xLow, logX ? 0.3 : Math.Max(Math.Abs(xHigh), 1) * 0.1) * 0.05;
            double left = xMin is { } lo && (!logX || lo > 0) ? (logX ? Math.Log10(lo) : lo) : xLow - pad;
            double right = xMax is { } hi && (!logX || hi > 0) ? (logX ? Math.Log10(hi) : hi) : xHigh + pad;
            double yPad = Math.Max(yHigh - yLow, logY ? 0.3 : Math.Max(Math.Abs(yHigh), 1e-12) * 0.1) * 0.08;
            plot.Axes.SetLimits(left, right, yLow - yPad, yHigh + yPad);
        }

        plot.ShowLegend(Alignment.UpperRight);
        return new Chart(plot);
    }
}
