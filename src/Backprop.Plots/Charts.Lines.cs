using System.Globalization;
using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// An x–y line chart with a numeric x axis: each <see cref="LineSeries"/> is drawn through its points in the
    /// order given, with its band shaded when it has one, like
    /// <c>plt.plot(x, y); plt.fill_between(x, lower, upper); plt.xscale("log"); plt.yscale("log")</c>. Use it for a
    /// quantity against a setting — collapse fraction against width, second moment against depth, error against
    /// parameter count. Points with a non-finite coordinate, and on a log axis those ≤ 0, are skipped (the line
    /// joins the remaining ones), so a diverged value still plots.
    /// </summary>
    /// <param name="series">The lines, drawn in order with the shared palette.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X axis title.</param>
    /// <param name="yLabel">Y axis title.</param>
    /// <param name="logX">Logarithmic x axis (ticks at round values).</param>
    /// <param name="logY">Logarithmic y axis (ticks at round values).</param>
    /// <param name="integerX">Ticks only at whole numbers on a linear x axis (layer index, width).</param>
    /// <param name="legend">Where the legend goes; null hides it.</param>
    /// <exception cref="ArgumentException">No series, or a series whose X, Y and band differ in length or has only one band edge.</exception>
    public static Chart LineChart(
        IReadOnlyList<LineSeries> series,
        string? title,
        string xLabel,
        string yLabel,
        bool logX = false,
        bool logY = false,
        bool integerX = false,
        Alignment? legend = Alignment.UpperRight)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
        {
            throw new ArgumentException("LineChart needs at least one series.", nameof(series));
        }

        foreach (LineSeries line in series)
        {
            CheckSeries(line);
        }

        Plot plot = ChartStyle.NewPlot(title, logX ? xLabel + " (log scale)" : xLabel, logY ? yLabel + " (log scale)" : yLabel);
        var xRange = new AxisSpan();
        var yRange = new AxisSpan();
        for (int s = 0; s < series.Count; s++)
        {
            LineSeries line = series[s];
            Color color = ChartStyle.ColorAt(s);
            if (line.Lower is not null && line.Upper is not null)
            {
                var band = BandPoints(line, logX, logY);
                if (band.Count > 1)
                {
                    FillY fill = plot.Add.FillY(band);
                    fill.FillColor = color.WithAlpha(0.18);
                    fill.LineWidth = 0;
                    foreach (var (x, low, high) in band)
                    {
                        xRange.Add(x);
                        yRange.Add(low);
                        yRange.Add(high);
                    }
                }
            }

            (double[] xs, double[] ys) = LinePoints(line, logX, logY);
            foreach (double x in xs)
            {
                xRange.Add(x);
            }

            foreach (double y in ys)
            {
                yRange.Add(y);
            }

            Scatter scatter = plot.Add.ScatterLine(xs, ys, color);
            scatter.LineWidth = 2.5f;
            scatter.LegendText = line.Name;
            if (xs.Length <= 40)
            {
                scatter.MarkerShape = MarkerShape.FilledCircle;
                scatter.MarkerSize = 5;
            }
        }

        if (logX && xRange.IsSet)
        {
            UseLineLogTicks(plot.Axes.Bottom, xRange.Low, xRange.High);
        }
        else if (integerX)
        {
            UseIntegerTicks(plot.Axes.Bottom);
        }

        if (logY && yRange.IsSet)
        {
            UseLineLogTicks(plot.Axes.Left, yRange.Low, yRange.High);
        }

        if (xRange.IsSet)
        {
            double pad = xRange.High > xRange.Low ? 0.04 * (xRange.High - xRange.Low) : 0.5;
            plot.Axes.SetLimitsX(xRange.Low - pad, xRange.High + pad);
        }

        if (legend is { } alignment)
        {
            plot.ShowLegend(alignment);
        }
        else
        {
            plot.HideLegend();
        }

        return new Chart(plot);
    }

    /// <summary>
    /// Ticks for an axis carrying log10 values, at round original values: 1-2-5 steps (or finer) over less than two
    /// decades, powers of ten (with 2…9 minor ticks) over more. Labels are digits within [0.001, 10⁵) and "1e-12"
    /// style outside, where written-out digits stop being legible.
    /// </summary>
    private static void UseLineLogTicks(IAxis axis, double lowExponent, double highExponent)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double span = highExponent - lowExponent;
        double pad = Math.Max(span, 0.3) * 0.1;
        double low = lowExponent - pad;
        double high = highExponent + pad;
        int[] mantissas = span < 0.7 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : span < 1.3 ? [1, 2, 3, 5] : span < 2 ? [1, 2, 5] : [1];
        int decadeStep = Math.Max(1, (int)Math.Ceiling(span / 8));
        for (int decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            foreach (int mantissa in mantissas)
            {
                double exponent = decade + Math.Log10(mantissa);
                if (exponent >= low && exponent <= high && (mantissa != 1 || decade % decadeStep == 0))
                {
                    ticks.AddMajor(exponent, LogTickLabel(mantissa, decade));
                }
            }

            if (mantissas.Length == 1 && decadeStep == 1)
            {
                for (int minor = 2; minor <= 9; minor++)
                {
                    double exponent = decade + Math.Log10(minor);
                    if (exponent >= low && exponent <= high)
                    {
                        ticks.AddMinor(exponent);
                    }
                }
            }
        }

        axis.TickGenerator = ticks;
    }

    /// <summary>"0.002", "50", "1e-12", "2e6".</summary>
    internal static string LogTickLabel(int mantissa, int decade) =>
        decade < -3 || decade >= 5
            ? string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{decade}")
            : FormatValue(mantissa * Math.Pow(10, decade));

    private static void CheckSeries(LineSeries line)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(line.X, nameof(line.X));
        ArgumentNullException.ThrowIfNull(line.Y, nameof(line.Y));
        if (line.X.Count != line.Y.Count)
        {
            throw new ArgumentException($"Line '{line.Name}' has {line.X.Count} x values but {line.Y.Count} y values.", "series");
        }

        if ((line.Lower is null) != (line.Upper is null))
        {
            throw new ArgumentException($"Line '{line.Name}' has only one edge of its band; give both Lower and Upper, or neither.", "series");
        }

        if (line.Lower is not null && (line.Lower.Count != line.X.Count || line.Upper!.Count != line.X.Count))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Line '{line.Name}' has {line.X.Count} points but a band of {line.Lower.Count} lower and {line.Upper!.Count} upper values."),
                "series");
        }
    }

    /// <summary>The plotted coordinates of a line: finite points, log10 on a log axis (points ≤ 0 there skipped).</summary>
    internal static (double[] X, double[] Y) LinePoints(LineSeries line, bool logX, bool logY)
    {
        var xs = new List<double>(line.X.Count);
        var ys = new List<double>(line.X.Count);
        for (int i = 0; i < line.X.Count; i++)
        {
            if (Plotted(line.X[i], logX) is { } x && Plotted(line.Y[i], logY) is { } y)
            {
                xs.Add(x);
                ys.Add(y);
            }
        }

        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>The plotted band of a line: (x, lower, upper) where all three are plottable.</summary>
    internal static List<(double X, double Low, double High)> BandPoints(LineSeries line, bool logX, bool logY)
    {
        var band = new List<(double, double, double)>(line.X.Count);
        for (int i = 0; i < line.X.Count; i++)
        {
            if (Plotted(line.X[i], logX) is { } x && Plotted(line.Lower![i], logY) is { } low && Plotted(line.Upper![i], logY) is { } high)
            {
                band.Add((x, Math.Min(low, high), Math.Max(low, high)));
            }
        }

        return band;
    }

    private static double? Plotted(double value, bool log) =>
        !double.IsFinite(value) || (log && value <= 0) ? null : log ? Math.Log10(value) : value;

    /// <summary>The smallest and largest plotted value along one axis.</summary>
    private sealed class AxisSpan
    {
        public double Low { get; private set; } = double.PositiveInfinity;

        public double High { get; private set; } = double.NegativeInfinity;

        public bool IsSet => Low <= High;

        public void Add(double value)
        {
            Low = Math.Min(Low, value);
            High = Math.Max(High, value);
        }
    }
}
