using ScottPlot;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// A (rows, columns) matrix as a heatmap, one cell per entry with row 0 at the top, like
    /// <c>plt.imshow(matrix, cmap="RdBu_r", vmin=-m, vmax=m); plt.colorbar(label=valueLabel)</c> with
    /// <c>m = max|matrix|</c>, e.g. a gradient ∂L/∂W of a Dense kernel. Diverging (blue negative, white zero, red
    /// positive, centred on 0) by default; sequential (viridis over min…max) otherwise. Non-finite entries are white.
    /// </summary>
    /// <param name="matrix">A rank-2 tensor of any dtype.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="valueLabel">What the colours show, e.g. "∂L/∂w"; written after the title ("colour: ∂L/∂w").</param>
    /// <param name="diverging">Symmetric diverging colours centred on 0; false for a sequential colormap over the data range.</param>
    /// <exception cref="ArgumentException">The tensor is not rank 2 or has no entries.</exception>
    public static Chart Heatmap(Tensor matrix, string? title = null, string valueLabel = "value", bool diverging = true)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rank != 2)
        {
            throw new ArgumentException($"Heatmap needs a rank-2 (rows, columns) tensor, got shape {matrix.Shape}.", nameof(matrix));
        }

        int rows = matrix.Shape[0];
        int columns = matrix.Shape[1];
        if (rows == 0 || columns == 0)
        {
            throw new ArgumentException($"Heatmap needs at least one entry, got shape {matrix.Shape}.", nameof(matrix));
        }

        double[] values = matrix.ToDoubleArray();
        var cells = new double[rows, columns];
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double value = values[r * columns + c];
                cells[r, c] = double.IsFinite(value) ? value : double.NaN;
                if (double.IsFinite(value))
                {
                    low = Math.Min(low, value);
                    high = Math.Max(high, value);
                }
            }
        }

        ScottPlot.Range range = HeatmapRange(low, high, diverging);
        Plot plot = ChartStyle.NewPlot(title, "column", "row");

        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = diverging ? DivergingColormap.Instance : new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = range;
        heatmap.NaNCellColor = Colors.White;
        // Cell centres on integer coordinates; ScottPlot draws cells[0, *] along the top edge of the rectangle.
        heatmap.Rectangle = new CoordinateRect(-0.5, columns - 0.5, -0.5, rows - 0.5);
        var bar = plot.Add.ColorBar(heatmap);
        // What the colours mean goes above the colour bar, horizontal and in the axis labels' size: a label along
        // the bar would be rotated and squeezed beside the tick labels.
        bar.Label = "";
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TargetTickCount = 7 };
        bar.Axis.TickLabelStyle.FontSize = 13;
        plot.Axes.Bottom.TickGenerator = IndexTicks(columns, fromTop: false);
        plot.Axes.Left.TickGenerator = IndexTicks(rows, fromTop: true);
        if (!string.IsNullOrEmpty(valueLabel))
        {
            plot.Title(string.IsNullOrEmpty(title) ? $"colour: {valueLabel}" : $"{title}   colour: {valueLabel}");
        }

        plot.HideGrid();
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);

        // Roughly square cells: size the data area from the aspect ratio, clamped so extreme shapes stay readable.
        const int figureHeight = 640;
        const double dataHeight = figureHeight - 120;
        double aspect = Math.Clamp((double)columns / rows, 0.3, 3.0);
        int figureWidth = (int)Math.Clamp(dataHeight * aspect + 230, 440, 1800);
        return new Chart([plot], 1, null, figureWidth, figureHeight);
    }

    /// <summary>
    /// The colour range of a heatmap whose finite values span <paramref name="low"/>…<paramref name="high"/>:
    /// ±max|v| when diverging (so 0 is the centre colour), low…high otherwise; never empty, so a constant or
    /// all-NaN matrix still draws.
    /// </summary>
    internal static ScottPlot.Range HeatmapRange(double low, double high, bool diverging)
    {
        if (!(low <= high))
        {
            return diverging ? new ScottPlot.Range(-1, 1) : new ScottPlot.Range(0, 1);
        }

        if (diverging)
        {
            double limit = Math.Max(Math.Abs(low), Math.Abs(high));
            return limit > 0 ? new ScottPlot.Range(-limit, limit) : new ScottPlot.Range(-1, 1);
        }

        return high > low ? new ScottPlot.Range(low, high) : new ScottPlot.Range(low - 0.5, high + 0.5);
    }

    /// <summary>Integer index ticks 0…count−1 at a 1-2-5 step giving at most about eight labels; with
    /// <paramref name="fromTop"/>, index 0 sits at the top (coordinate count − 1).</summary>
    private static ScottPlot.TickGenerators.NumericManual IndexTicks(int count, bool fromTop)
    {
        int step = 1;
        int[] multipliers = [1, 2, 5];
        for (int decade = 1; (count - 1) / step > 8; decade *= 10)
        {
            foreach (int multiplier in multipliers)
            {
                step = multiplier * decade;
                if ((count - 1) / step <= 8)
                {
                    break;
                }
            }
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int index = 0; index < count; index += step)
        {
            ticks.AddMajor(fromTop ? count - 1 - index : index, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return ticks;
    }
}
