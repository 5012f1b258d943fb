using ScottPlot;

namespace Backprop.Plots;

public static partial class Charts
{
    // Room for one line of value labels beyond the outermost error bar, as a fraction of the data span; a 13 pt
    // label plus its gap is about 6 % of the data area at 640×400, so 14 % leaves a margin at smaller sizes too.
    private const double BarLabelHeadroom = 0.14;

    // Gap in pixels between the end of the error bar and its label.
    private const float BarLabelGap = 4;

    /// <summary>
    /// A bar per category, optionally with ± error bars (e.g. mean ± std over seeds), like
    /// <c>plt.bar(categories, values, yerr=errors, capsize=4, color=colors)</c> followed by <c>plt.bar_label</c>.
    /// Each bar is labelled with its value ("2.22 ± 0.10" with errors: the error to two significant digits and the
    /// value to the same decimal place) just beyond the end of its error bar: above for bars ≥ 0, below for
    /// negative ones.
    /// </summary>
    /// <param name="categories">Bar labels, left to right.</param>
    /// <param name="values">Bar heights.</param>
    /// <param name="errors">Half-lengths of the error bars, or null.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yLabel">Y axis label.</param>
    /// <param name="colors">Fill colour per bar, e.g. <see cref="ChartStyle.ColorAt"/> of each category's series index so
    /// bars match the same variants' curves elsewhere; null uses the shared palette in order.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static Chart BarChart(
        IReadOnlyList<string> categories,
        IReadOnlyList<double> values,
        IReadOnlyList<double>? errors = null,
        string? title = null,
        string yLabel = "value",
        IReadOnlyList<Color>? colors = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(values);
        if (categories.Count != values.Count || (errors is not null && errors.Count != values.Count))
        {
            throw new ArgumentException(
                $"BarChart has {categories.Count} categories, {values.Count} values and {errors?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} errors; they must match.",
                nameof(values));
        }

        if (colors is not null && colors.Count != values.Count)
        {
            throw new ArgumentException($"BarChart has {values.Count} values but {colors.Count} colours; they must match.", nameof(colors));
        }

        Plot plot = ChartStyle.NewPlot(title, null, yLabel);
        var bars = new List<Bar>(values.Count);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var heights = new double[values.Count];
        var halfLengths = new double[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            heights[i] = double.IsFinite(values[i]) ? values[i] : 0;
            halfLengths[i] = errors is not null && double.IsFinite(errors[i]) ? Math.Abs(errors[i]) : 0;
            Color color = colors is null ? ChartStyle.ColorAt(i) : colors[i];
            bars.Add(new Bar
            {
                Position = i,
                Value = heights[i],
                Error = halfLengths[i],
                FillColor = color.WithAlpha(0.8),
                // Bar outline and error bar share one colour in ScottPlot; dark keeps the error bar visible on the fill.
                LineColor = Colors.Black.WithAlpha(0.75),
                LineWidth = 1.5f,
                ErrorSize = 0.2,
            });
            ticks.AddMajor(i, categories[i]);
        }

        plot.Add.Bars(bars);
        // One precision for every "mean ± std" label of the figure: the decimals the smallest spread needs.
        var spreads = halfLengths.Where(h => h > 0).ToList();
        int? decimals = spreads.Count > 0 ? spreads.Max(h => NumberFormat.MeanStdDecimals(h)) : null;
        for (int i = 0; i < values.Count; i++)
        {
            (double labelY, bool above) = BarLabelAnchor(heights[i], halfLengths[i]);
            string text = halfLengths[i] > 0 ? NumberFormat.FormatMeanStd(values[i], halfLengths[i], decimals: decimals) : FormatValue(values[i]);
            var label = plot.Add.Text(text, i, labelY);
            label.LabelFontName = ChartStyle.FontName;
            label.LabelFontSize = 13;
            label.LabelFontColor = Colors.Black;
            label.Alignment = above ? Alignment.LowerCenter : Alignment.UpperCenter;
            label.OffsetY = above ? -BarLabelGap : BarLabelGap;
        }

        (double low, double high) = BarAxisRange(heights, halfLengths);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimits(-0.6, values.Count - 0.4, low, high);
        plot.Grid.XAxisStyle.IsVisible = false;
        return new Chart(plot);
    }

    /// <summary>
    /// Where a bar's value label goes: the end of the error bar away from zero (<c>value + error</c> above bars ≥ 0,
    /// <c>value − error</c> below negative ones), so the text never crosses the bar's whisker.
    /// </summary>
    internal static (double Y, bool Above) BarLabelAnchor(double value, double error)
    {
        double whisker = Math.Abs(error);
        return value >= 0 ? (value + whisker, true) : (value - whisker, false);
    }

    /// <summary>
    /// The y range of a bar chart: zero, every bar end and every whisker end, plus <see cref="BarLabelHeadroom"/> of
    /// the span on each side that carries labels (the top when some bar is ≥ 0, the bottom when some bar is negative).
    /// </summary>
    internal static (double Low, double High) BarAxisRange(IReadOnlyList<double> values, IReadOnlyList<double> errors)
    {
        double low = 0, high = 0;
        bool labelsAbove = false, labelsBelow = false;
        for (int i = 0; i < values.Count; i++)
        {
            double whisker = Math.Abs(errors[i]);
            low = Math.Min(low, values[i] - whisker);
            high = Math.Max(high, values[i] + whisker);
            labelsAbove |= values[i] >= 0;
            labelsBelow |= values[i] < 0;
        }

        double span = high - low;
        if (span <= 0)
        {
            span = 1;
        }

        return (labelsBelow ? low - BarLabelHeadroom * span : low, labelsAbove ? high + BarLabelHeadroom * span : high);
    }
}
