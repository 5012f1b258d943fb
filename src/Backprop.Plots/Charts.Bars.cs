using ScottPlot;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// A bar per category, optionally with ± error bars (e.g. mean ± std over seeds), like
    /// <c>plt.bar(categories, values, yerr=errors, capsize=4)</c>. Bars are coloured from the shared palette in
    /// order and labelled with their value.
    /// </summary>
    /// <param name="categories">Bar labels, left to right.</param>
    /// <param name="values">Bar heights.</param>
    /// <param name="errors">Half-lengths of the error bars, or null.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yLabel">Y axis label.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static Chart BarChart(
        IReadOnlyList<string> categories,
        IReadOnlyList<double> values,
        IReadOnlyList<double>? errors = null,
        string? title = null,
        string yLabel = "value")
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(values);
        if (categories.Count != values.Count || (errors is not null && errors.Count != values.Count))
        {
            throw new ArgumentException(
                $"BarChart has {categories.Count} categories, {values.Count} values and {errors?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} errors; they must match.",
                nameof(values));
        }

        Plot plot = ChartStyle.NewPlot(title, null, yLabel);
        var bars = new List<Bar>(values.Count);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < values.Count; i++)
        {
            double value = double.IsFinite(values[i]) ? values[i] : 0;
            double error = errors is not null && double.IsFinite(errors[i]) ? Math.Abs(errors[i]) : 0;
            Color color = ChartStyle.ColorAt(i);
            bars.Add(new Bar
            {
                Position = i,
                Value = value,
                Error = error,
                FillColor = color.WithAlpha(0.8),
                // Bar outline and error bar share one colour in ScottPlot; dark keeps the error bar visible on the fill.
                LineColor = Colors.Black.WithAlpha(0.75),
                LineWidth = 1.5f,
                ErrorSize = 0.2,
                Label = FormatValue(values[i]) + (error > 0 ? " ± " + FormatValue(error) : ""),
            });
            ticks.AddMajor(i, categories[i]);
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 13;
        barPlot.ValueLabelStyle.FontName = ChartStyle.FontName;
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0);
        plot.Grid.XAxisStyle.IsVisible = false;
        return new Chart(plot);
    }
}
