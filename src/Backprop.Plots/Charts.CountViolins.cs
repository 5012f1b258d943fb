using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>Half the width a violin may take at its widest (seaborn's <c>width=0.8</c>).</summary>
    private const double CountViolinHalfWidth = 0.4;

    /// <summary>seaborn's <c>cut=2</c>: the density is drawn two bandwidths beyond the smallest and largest value.</summary>
    private const double CountViolinCut = 2;

    /// <summary>
    /// Violins whose widths tell how many values each group has: seaborn's
    /// <c>violinplot(data, scale='count', inner=None)</c>. Each group's Gaussian KDE uses Scott's bandwidth
    /// (<see cref="ScottBandwidth"/>, scipy's <c>gaussian_kde</c> default, which seaborn uses), is drawn on 100
    /// points from two bandwidths below the smallest value to two above the largest (<c>cut=2</c>), and is scaled so
    /// its widest point is 0.4 × (count / largest count): the group with most values spans the full 0.8. A group with
    /// one value, or all values equal, is a horizontal line of that width. No inner box, as <c>inner=None</c>.
    /// </summary>
    /// <param name="groups">Group label → values, drawn left to right in insertion order; non-finite values are left out.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yLabel">Y axis label.</param>
    /// <param name="xLabel">X axis label, or null.</param>
    /// <exception cref="ArgumentException">No groups.</exception>
    public static Chart CountScaledViolins(
        IReadOnlyDictionary<string, IReadOnlyList<double>> groups,
        string? title = null,
        string yLabel = "value",
        string? xLabel = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0)
        {
            throw new ArgumentException("CountScaledViolins needs at least one group.", nameof(groups));
        }

        var finite = groups.Select(g => (g.Key, Values: Density.Finite(g.Value, out _))).ToArray();
        int largest = Math.Max(1, finite.Max(g => g.Values.Length));
        Plot plot = ChartStyle.NewPlot(title, xLabel, yLabel);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int index = 0; index < finite.Length; index++)
        {
            (string name, double[] values) = finite[index];
            ticks.AddMajor(index, name);
            if (values.Length > 0)
            {
                AddCountViolin(plot, index, values, CountViolinHalfWidth * values.Length / largest, ChartStyle.ColorAt(index));
            }
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(-0.6, finite.Length - 0.4);
        plot.Grid.XAxisStyle.IsVisible = false;
        return new Chart(plot);
    }

    /// <summary>
    /// Scott's rule, scipy's <c>gaussian_kde</c> default for one dimension: <c>h = σ̂ · n^(−1/5)</c> with σ̂ the
    /// sample standard deviation (n − 1). 0 for fewer than two values or no spread.
    /// </summary>
    public static double ScottBandwidth(IReadOnlyList<double> values)
    {
        double[] finite = Density.Finite(values, out _);
        if (finite.Length < 2)
        {
            return 0;
        }

        double mean = finite.Average();
        double variance = finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1);
        return Math.Sqrt(variance) * Math.Pow(finite.Length, -0.2);
    }

    private static void AddCountViolin(Plot plot, double position, double[] values, double halfWidth, Color color)
    {
        double min = values.Min();
        double max = values.Max();
        double bandwidth = ScottBandwidth(values);
        if (!(bandwidth > 0) || !double.IsFinite(bandwidth))
        {
            LinePlot flat = plot.Add.Line(position - halfWidth, min, position + halfWidth, min);
            flat.LineColor = color;
            flat.LineWidth = 3;
            return;
        }

        double[] ys = Density.Linspace(min - CountViolinCut * bandwidth, max + CountViolinCut * bandwidth, 100);
        double[] density = Density.Kde(values, ys, bandwidth);
        double peak = density.Max();
        var outline = new Coordinates[2 * ys.Length];
        for (int i = 0; i < ys.Length; i++)
        {
            double offset = halfWidth * density[i] / peak;
            outline[i] = new Coordinates(position - offset, ys[i]);
            outline[^(i + 1)] = new Coordinates(position + offset, ys[i]);
        }

        Polygon violin = plot.Add.Polygon(outline);
        violin.FillColor = color.WithAlpha(0.45);
        violin.LineColor = color;
        violin.LineWidth = 1.5f;
    }
}
