using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// Overlaid density histograms, one per series (e.g. per layer's activations), on shared bin edges spanning all
    /// series, each with area 1 like <c>plt.hist(values, bins, density=True, histtype="step")</c>: outlines only, so
    /// five overlaid series stay five distinguishable lines instead of blending into one filled mass. The legend sits
    /// beside the data area, where it hides nothing.
    /// </summary>
    /// <param name="series">Legend label → values, drawn in insertion order.</param>
    /// <param name="bins">Number of equal-width bins.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X axis label.</param>
    /// <param name="range">Shared edges' range; defaults to the finite min…max over all series.</param>
    public static Chart DensityHistograms(
        IReadOnlyDictionary<string, IReadOnlyList<double>> series,
        int bins = 50,
        string? title = null,
        string xLabel = "value",
        (double Min, double Max)? range = null)
    {
        return new Chart(DensityHistogramPlot(series, bins, title, xLabel, range));
    }

    /// <summary>
    /// One density-histogram panel per group (e.g. per initialisation scheme, each with its layers overlaid),
    /// <paramref name="columns"/> panels per row under one title. Each panel picks its own x range.
    /// </summary>
    /// <param name="panels">Panel title → (legend label → values).</param>
    /// <param name="bins">Number of bins in every panel.</param>
    /// <param name="title">Overall title above the grid.</param>
    /// <param name="columns">Panels per row.</param>
    /// <param name="xLabel">X axis label of every panel.</param>
    public static Chart DensityHistogramGrid(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<double>>> panels,
        int bins = 50,
        string? title = null,
        int columns = 2,
        string xLabel = "value")
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0)
        {
            throw new ArgumentException("DensityHistogramGrid needs at least one panel.", nameof(panels));
        }

        var charts = panels
            .Select(panel => new Chart(DensityHistogramPlot(panel.Value, bins, panel.Key, xLabel, null)))
            .ToList();
        return Chart.Grid(charts, columns, title);
    }

    /// <summary>
    /// Violin plots, one per group: the Gaussian KDE (Silverman bandwidth, <see cref="Density.SilvermanBandwidth"/>)
    /// evaluated between the group's minimum and maximum, mirrored into a polygon whose half-width is scaled so each
    /// violin's widest point is 0.4 (matplotlib's <c>violinplot</c> default), with a thin min–max line, a thick
    /// interquartile bar and a white median dot.
    /// </summary>
    /// <param name="groups">Group label → values, drawn left to right in insertion order.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yLabel">Y axis label.</param>
    /// <param name="pointMass">A value many samples take exactly (0 for ReLU outputs). Such samples would squash the
    /// density into a needle, so they are counted apart: a bar at that value as wide as their share (the full violin
    /// width at 100 %), the share under the group's label ("48% = 0"), and the violin, box and median of the other
    /// values.</param>
    public static Chart ViolinPlot(
        IReadOnlyDictionary<string, IReadOnlyList<double>> groups,
        string? title = null,
        string yLabel = "value",
        double? pointMass = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0)
        {
            throw new ArgumentException("ViolinPlot needs at least one group.", nameof(groups));
        }

        Plot plot = ChartStyle.NewPlot(title, null, yLabel);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int index = 0;
        foreach ((string name, IReadOnlyList<double> values) in groups)
        {
            double[] finite = Density.Finite(values, out _);
            Color color = ChartStyle.ColorAt(index);
            if (pointMass is double mass && finite.Length > 0)
            {
                double[] rest = finite.Where(v => v != mass).ToArray();
                double share = 1 - (rest.Length / (double)finite.Length);
                ticks.AddMajor(index, $"{name}\n{NumberFormat.Percent(share)} = {NumberFormat.Format(mass)}");
                if (rest.Length > 0)
                {
                    AddViolin(plot, index, rest, color);
                }

                AddPointMass(plot, index, mass, share, color);
            }
            else
            {
                ticks.AddMajor(index, name);
                if (finite.Length > 0)
                {
                    AddViolin(plot, index, finite, color);
                }
            }

            index++;
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        plot.Grid.XAxisStyle.IsVisible = false;
        return new Chart(plot);
    }

    /// <summary>A bar at <paramref name="value"/> whose half-width is 0.4 × <paramref name="share"/>: the samples that are
    /// exactly <paramref name="value"/>.</summary>
    private static void AddPointMass(Plot plot, double position, double value, double share, Color color)
    {
        if (share <= 0)
        {
            return;
        }

        const double halfWidth = 0.4;
        LinePlot bar = plot.Add.Line(position - (halfWidth * share), value, position + (halfWidth * share), value);
        bar.LineColor = color;
        bar.LineWidth = 6;
    }

    private static Plot DensityHistogramPlot(
        IReadOnlyDictionary<string, IReadOnlyList<double>> series, int bins, string? title, string xLabel, (double Min, double Max)? range)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
        {
            throw new ArgumentException("A density histogram needs at least one series.", nameof(series));
        }

        (double Min, double Max) shared = range ?? Density.FiniteRange(series.Values.SelectMany(values => values));
        Plot plot = ChartStyle.NewPlot(title, xLabel, "density");
        int index = 0;
        foreach ((string name, IReadOnlyList<double> values) in series)
        {
            DensityHistogram histogram = Density.Histogram(values, bins, shared);
            Color color = ChartStyle.ColorAt(index++);
            var outline = StepOutline(histogram);
            var line = plot.Add.ScatterLine(outline.Select(p => p.X).ToArray(), outline.Select(p => p.Y).ToArray(), color);
            line.LineWidth = 2;
            line.LegendText = histogram.IgnoredNonFinite > 0 ? $"{name} ({histogram.IgnoredNonFinite} non-finite left out)" : name;
        }

        plot.Axes.Margins(left: 0.03, right: 0.03, bottom: 0, top: 0.08);
        ChartStyle.ShowLegendOutside(plot);
        return plot;
    }

    /// <summary>The closed step outline of a histogram: up and across every bar, back along y = 0.</summary>
    private static Coordinates[] StepOutline(DensityHistogram histogram)
    {
        var points = new List<Coordinates>(2 * histogram.Bins + 2) { new(histogram.Edges[0], 0) };
        for (int i = 0; i < histogram.Bins; i++)
        {
            points.Add(new Coordinates(histogram.Edges[i], histogram.Densities[i]));
            points.Add(new Coordinates(histogram.Edges[i + 1], histogram.Densities[i]));
        }

        points.Add(new Coordinates(histogram.Edges[^1], 0));
        return points.ToArray();
    }

    private static void AddViolin(Plot plot, double position, double[] values, Color color)
    {
        Array.Sort(values);
        double min = values[0];
        double max = values[^1];
        double q1 = Density.QuantileSorted(values, 0.25);
        double median = Density.QuantileSorted(values, 0.5);
        double q3 = Density.QuantileSorted(values, 0.75);
        const double halfWidth = 0.4;

        if (max > min)
        {
            double[] ys = Density.Linspace(min, max, 100);
            double[] density = Density.Kde(values, ys);
            double peak = density.Max();
            var outline = new Coordinates[2 * ys.Length];
            for (int i = 0; i < ys.Length; i++)
            {
                double offset = peak > 0 ? halfWidth * density[i] / peak : 0;
                outline[i] = new Coordinates(position - offset, ys[i]);
                outline[^(i + 1)] = new Coordinates(position + offset, ys[i]);
            }

            Polygon violin = plot.Add.Polygon(outline);
            violin.FillColor = color.WithAlpha(0.45);
            violin.LineColor = color;
            violin.LineWidth = 1.5f;
        }
        else
        {
            // Every value equal: the density is a spike, shown as a flat bar of the full width.
            LinePlot flat = plot.Add.Line(position - halfWidth, min, position + halfWidth, min);
            flat.LineColor = color;
            flat.LineWidth = 3;
        }

        LinePlot whisker = plot.Add.Line(position, min, position, max);
        whisker.LineColor = Colors.Black.WithAlpha(0.7);
        whisker.LineWidth = 1.5f;
        LinePlot box = plot.Add.Line(position, q1, position, q3);
        box.LineColor = Colors.Black.WithAlpha(0.8);
        box.LineWidth = 7;
        plot.Add.Marker(position, median, MarkerShape.FilledCircle, 9, Colors.White);
    }
}
