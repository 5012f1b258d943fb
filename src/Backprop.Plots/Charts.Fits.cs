using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// A 1-D regression figure: the data as semi-transparent points and each <see cref="FitLine"/> as a line
    /// (sorted by x), like <c>plt.scatter(x, y); plt.plot(x_grid, model.predict(x_grid))</c>.
    /// </summary>
    /// <param name="x">Data inputs.</param>
    /// <param name="y">Data targets, one per input.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="lines">Fitted (or true) functions to overlay.</param>
    /// <exception cref="ArgumentException">x and y (or a line's X and Y) differ in length.</exception>
    public static Chart FunctionFit(IReadOnlyList<double> x, IReadOnlyList<double> y, string? title, params FitLine[] lines)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(lines);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"FunctionFit data have {x.Count} x values but {y.Count} y values.", nameof(y));
        }

        Plot plot = ChartStyle.NewPlot(title, "x", "y");
        (double[] dataX, double[] dataY) = FinitePairs(x, y, sort: false);
        Scatter data = plot.Add.ScatterPoints(dataX, dataY, Colors.Gray.WithAlpha(0.55));
        data.MarkerSize = dataX.Length > 2000 ? 3 : 6;
        data.LegendText = "data";

        int colorIndex = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            FitLine line = lines[i];
            if (line.X.Count != line.Y.Count)
            {
                throw new ArgumentException($"FitLine '{line.Name}' has {line.X.Count} x values but {line.Y.Count} y values.", nameof(lines));
            }

            (double[] lineX, double[] lineY) = FinitePairs(line.X, line.Y, sort: true);
            // Dashed lines (the true function) are drawn in dark grey so the palette stays for the models.
            Color color = line.Dashed ? Colors.Black.WithAlpha(0.75) : ChartStyle.ColorAt(colorIndex++);
            Scatter curve = plot.Add.ScatterLine(lineX, lineY, color);
            curve.LineWidth = 2.5f;
            curve.LegendText = line.Name;
            if (line.Dashed)
            {
                curve.LinePattern = LinePattern.Dashed;
            }
        }

        ChartStyle.ShowLegendOutside(plot);
        return new Chart(plot);
    }

    private static (double[] X, double[] Y) FinitePairs(IReadOnlyList<double> x, IReadOnlyList<double> y, bool sort)
    {
        var pairs = new List<(double X, double Y)>(x.Count);
        for (int i = 0; i < x.Count; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                pairs.Add((x[i], y[i]));
            }
        }

        if (sort)
        {
            pairs.Sort((a, b) => a.X.CompareTo(b.X));
        }

        return (pairs.Select(p => p.X).ToArray(), pairs.Select(p => p.Y).ToArray());
    }
}
