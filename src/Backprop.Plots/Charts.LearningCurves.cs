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
    /// <param name="yLabel">Y axis label; defaults to the metric name. Name what the values are when the key does
    /// not, e.g. "mse" for a "loss" history trained with mean squared error.</param>
    /// <exception cref="KeyNotFoundException">The history has no <paramref name="metric"/>.</exception>
    public static Chart LearningCurves(
        IReadOnlyDictionary<string, IReadOnlyList<double>> history,
        string metric = "loss",
        string? title = null,
        bool logY = false,
        bool markBestEpoch = false,
        bool? higherIsBetter = null,
        string? yLabel = null)
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

        Plot plot = CurvePlot(series, title ?? metric, "epoch", yLabel ?? metric, logY);
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
        double lowest = double.PositiveInfinity;
        double highest = double.NegativeInfinity;
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

                double plotted = logY ? Math.Log10(y) : y;
                xs.Add(i + 1);
                ys.Add(plotted);
                lowest = Math.Min(lowest, plotted);
                highest = Math.Max(highest, plotted);
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
            if (lowest <= highest)
            {
                UseLogTicks(plot.Axes.Left, lowest, highest);
            }
        }

        UseIntegerTicks(plot.Axes.Bottom);
        if (longest > 0)
        {
            plot.Axes.SetLimitsX(0.5, Math.Max(longest, 1) + 0.5);
        }

        ChartStyle.ShowLegendOutside(plot);
        return plot;
    }

    /// <summary>
    /// Puts ticks on an axis that carries log10 values at round original values: 1-2-5 steps when the data span
    /// less than two decades, powers of ten (with 2…9 minor ticks) otherwise.
    /// </summary>
    internal static void UseLogTicks(IAxis axis, double lowExponent, double highExponent)
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
                    ticks.AddMajor(exponent, FormatValue(mantissa * Math.Pow(10, decade)));
                }
            }

            if (mantissas.Length == 1)
            {
                for (int minor = 2; minor <= 9 && decadeStep == 1; minor++)
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

    private static void UseIntegerTicks(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
    }

    internal static string FormatValue(double value) => NumberFormat.Format(value);
}
