using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

/// <summary>
/// Factories for the figures the labs draw. Every method takes plain numbers (arrays, dictionaries), returns a
/// <see cref="Chart"/>, and skips non-finite values instead of failing, so a diverged run still plots.
/// </summary>
public static partial class Charts
{
    private static readonly string[] s_higherIsBetterWords = ["acc", "auc", "precision", "recall", "f1", "r2"];

    /// <summary>
    /// Training and validation curves of one metric from a Keras-style history
    /// (<c>history["loss"]</c>, <c>history["val_loss"]</c>), one point per epoch with epochs numbered from 1, like
    /// <c>plt.plot(history.history["loss"]); plt.plot(history.history["val_loss"])</c>.
    /// </summary>
    /// <param name="history">Metric name → value per epoch; needs <paramref name="metric"/>, uses <c>val_</c> + metric when present.</param>
    /// <param name="metric">The metric to draw, e.g. "loss" or "accuracy".</param>
    /// <param name="title">Chart title; defaults to the metric name.</param>
    /// <param name="logY">Logarithmic y axis (values ≤ 0 are skipped).</param>
    /// <param name="markBestEpoch">Draw a dashed vertical line at the best validation epoch (or training, without validation).</param>
    /// <param name="higherIsBetter">Direction for the best epoch; inferred from the name when null (accuracy, auc, precision, recall, f1, r2 → higher).</param>
    /// <exception cref="KeyNotFoundException">The history has no <paramref name="metric"/>.</exception>
    public static Chart LearningCurves(
        IReadOnlyDictionary<string, IReadOnlyList<double>> history,
        string metric = "loss",
        string? title = null,
        bool logY = false,
        bool markBestEpoch = false,
        bool? higherIsBetter = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        if (!history.TryGetValue(metric, out IReadOnlyList<double>? train))
        {
            throw new KeyNotFoundException(
                $"History has no metric '{metric}'; it has: {string.Join(", ", history.Keys)}.");
        }

        history.TryGetValue("val_" + metric, out IReadOnlyList<double>? validation);
        var series = new List<(string Name, IReadOnlyList<double> Values)> { ("train", train) };
        if (validation is not null)
        {
            series.Add(("validation", validation));
        }

        Plot plot = CurvePlot(series, title ?? metric, "epoch", metric, logY);
        if (markBestEpoch)
        {
            bool higher = higherIsBetter ?? IsHigherBetter(metric);
            IReadOnlyList<double> reference = validation ?? train;
            int best = BestEpoch(reference, higher);
            if (best > 0)
            {
                VerticalLine line = plot.Add.VerticalLine(best, 1.5f, Colors.Gray, LinePattern.Dashed);
                line.LegendText = $"best epoch {best} ({FormatValue(reference[best - 1])})";
                plot.MoveToBack(line);
            }
        }

        return new Chart(plot);
    }

    /// <summary>
    /// Several runs' curves on one plot, e.g. the validation MAE of variants b, c and d; each series is drawn
    /// against epochs 1…n.
    /// </summary>
    /// <param name="runs">Legend label → value per epoch, drawn in insertion order with the shared palette.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yLabel">Y axis label, e.g. "validation MAE".</param>
    /// <param name="logY">Logarithmic y axis (values ≤ 0 are skipped).</param>
    /// <param name="xLabel">X axis label.</param>
    public static Chart OverlayCurves(
        IReadOnlyDictionary<string, IReadOnlyList<double>> runs,
        string title,
        string yLabel,
        bool logY = false,
        string xLabel = "epoch")
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("OverlayCurves needs at least one run.", nameof(runs));
        }

        var series = runs.Select(run => (run.Key, run.Value)).ToList();
        return new Chart(CurvePlot(series, title, xLabel, yLabel, logY));
    }

    /// <summary>
    /// The 1-based epoch with the lowest (or, with <paramref name="higherIsBetter"/>, highest) finite value, the
    /// first one on ties, like <c>np.argmin(values) + 1</c>; 0 when no value is finite.
    /// </summary>
    public static int BestEpoch(IReadOnlyList<double> values, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(values);
        int best = 0;
        double bestValue = 0;
        for (int i = 0; i < values.Count; i++)
        {
            double value = values[i];
            if (!double.IsFinite(value))
            {
                continue;
            }

            if (best == 0 || (higherIsBetter ? value > bestValue : value < bestValue))
            {
                best = i + 1;
                bestValue = value;
            }
        }

        return best;
    }

    internal static bool IsHigherBetter(string metric)
    {
        string name = metric.StartsWith("val_", StringComparison.Ordinal) ? metric[4..] : metric;
        return s_higherIsBetterWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    private static Plot CurvePlot(
        IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, string title, string xLabel, string yLabel, bool logY)
    {
        Plot plot = ChartStyle.NewPlot(title, xLabel, logY ? yLabel + " (log scale)" : yLabel);
        int longest = 0;
        for (int s = 0; s < series.Count; s++)
        {
            (string name, IReadOnlyList<double> values) = series[s];
            ArgumentNullException.ThrowIfNull(values, name);
            longest = Math.Max(longest, values.Count);
            var xs = new List<double>(values.Count);
            var ys = new List<double>(values.Count);
            for (int i = 0; i < values.Count; i++)
            {
                double y = values[i];
                if (!double.IsFinite(y) || (logY && y <= 0))
                {
                    continue;
                }

                xs.Add(i + 1);
                ys.Add(logY ? Math.Log10(y) : y);
            }

            Scatter line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), ChartStyle.ColorAt(s));
            line.LineWidth = 2.5f;
            line.LegendText = name;
            if (xs.Count <= 40)
            {
                line.MarkerShape = MarkerShape.FilledCircle;
                line.MarkerSize = 5;
            }
        }

        if (logY)
        {
            AxisLimits limits = plot.Axes.GetDataLimits();
            UseLogTicks(plot.Axes.Left, limits.Top - limits.Bottom);
        }

        UseIntegerTicks(plot.Axes.Bottom);
        if (longest > 0)
        {
            plot.Axes.SetLimitsX(0.5, Math.Max(longest, 1) + 0.5);
        }

        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Labels an axis that carries log10 values with the original values.</summary>
    internal static void UseLogTicks(IAxis axis, double decadesSpanned)
    {
        // Over two or more decades ticks sit on powers of ten with log-spaced minor ticks; over less, whole powers
        // would leave the axis nearly bare, so ticks fall where they may and are labelled with the value itself.
        bool wholeDecades = decadesSpanned >= 2;
        var generator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = wholeDecades,
            LabelFormatter = exponent => FormatValue(Math.Pow(10, exponent)),
        };
        if (wholeDecades)
        {
            generator.MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator();
        }

        axis.TickGenerator = generator;
    }

    private static void UseIntegerTicks(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
    }

    internal static string FormatValue(double value) => NumberFormat.Format(value);
}
