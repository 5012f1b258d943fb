using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// The incoming weights of the first <paramref name="rows"/>·<paramref name="columns"/> units drawn as images,
    /// e.g. a Dense(100) layer on MNIST: its (784, 100) kernel becomes 100 tiles of 28×28, each tile one column of
    /// the kernel. Diverging colormap (blue negative, white zero, red positive) with a colour bar, tiles separated
    /// by a thin gap.
    /// </summary>
    /// <param name="kernel">A rank-2 (inputs, units) tensor with inputs = imageHeight·imageWidth, as Keras stores Dense kernels.</param>
    /// <param name="rows">Tile rows.</param>
    /// <param name="columns">Tile columns.</param>
    /// <param name="imageHeight">Pixels per tile, vertically.</param>
    /// <param name="imageWidth">Pixels per tile, horizontally.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="scale">Shared or per-tile colour scale.</param>
    /// <param name="valueLabel">Colour bar label, e.g. "∂L/∂w"; null gives "weight" (per-tile: "weight / tile max |w|").
    /// With <see cref="WeightScale.PerTile"/> a given label gets " / tile max" appended.</param>
    /// <exception cref="ArgumentException">The tensor is not rank 2, its rows are not imageHeight·imageWidth, or it has fewer than rows·columns units.</exception>
    public static Chart WeightImageGrid(
        Tensor kernel, int rows, int columns, int imageHeight, int imageWidth, string? title = null, WeightScale scale = WeightScale.Global,
        string? valueLabel = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel.Rank != 2)
        {
            throw new ArgumentException($"WeightImageGrid needs a rank-2 (inputs, units) kernel, got shape {kernel.Shape}.", nameof(kernel));
        }

        return WeightImageGrid(kernel.ToSingleArray(), kernel.Shape[0], kernel.Shape[1], rows, columns, imageHeight, imageWidth, title, scale, valueLabel);
    }

    /// <summary>
    /// <see cref="WeightImageGrid(Tensor, int, int, int, int, string?, WeightScale, string?)"/> on a row-major
    /// (<paramref name="inputs"/>, <paramref name="units"/>) weight array: weight of input i into unit u at <c>[i·units + u]</c>.
    /// </summary>
    public static Chart WeightImageGrid(
        float[] weights, int inputs, int units, int rows, int columns, int imageHeight, int imageWidth,
        string? title = null, WeightScale scale = WeightScale.Global,
        string? valueLabel = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, 1);
        if ((long)inputs * units != weights.Length)
        {
            throw new ArgumentException($"Weights hold {weights.Length} values, not inputs × units = {inputs} × {units}.", nameof(weights));
        }

        if (inputs != imageHeight * imageWidth)
        {
            throw new ArgumentException(
                $"Each unit has {inputs} inputs, which is not an image of {imageHeight} × {imageWidth} = {imageHeight * imageWidth} pixels.",
                nameof(inputs));
        }

        if (units < rows * columns)
        {
            throw new ArgumentException($"A {rows} × {columns} grid needs {rows * columns} units; the weights have {units}.", nameof(units));
        }

        const int gap = 1;
        int height = rows * (imageHeight + gap) - gap;
        int width = columns * (imageWidth + gap) - gap;
        var cells = new double[height, width];
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                cells[r, c] = double.NaN;
            }
        }

        double globalMax = MaxAbsFinite(weights, 0, 1, weights.Length);
        for (int tile = 0; tile < rows * columns; tile++)
        {
            int top = tile / columns * (imageHeight + gap);
            int left = tile % columns * (imageWidth + gap);
            double max = scale == WeightScale.PerTile ? MaxAbsFinite(weights, tile, units, inputs) : globalMax;
            double divisor = scale == WeightScale.PerTile ? (max > 0 ? max : 1) : 1;
            for (int pixel = 0; pixel < inputs; pixel++)
            {
                double w = weights[pixel * units + tile];
                cells[top + pixel / imageWidth, left + pixel % imageWidth] = double.IsFinite(w) ? w / divisor : double.NaN;
            }
        }

        double limit = scale == WeightScale.PerTile ? 1 : (globalMax > 0 ? globalMax : 1);
        Plot plot = ChartStyle.NewPlot(title, null, null);
        Heatmap heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = DivergingColormap.Instance;
        heatmap.ManualRange = new ScottPlot.Range(-limit, limit);
        heatmap.NaNCellColor = Colors.White;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = (scale, valueLabel) switch
        {
            (WeightScale.PerTile, null) => "weight / tile max |w|",
            (WeightScale.PerTile, _) => valueLabel + " / tile max",
            (_, null) => "weight",
            _ => valueLabel,
        };
        bar.LabelStyle.FontSize = 14;
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TargetTickCount = 7 };
        bar.Axis.TickLabelStyle.FontSize = 13;
        plot.HideGrid();
        plot.Axes.Frameless();
        plot.Axes.Title.IsVisible = !string.IsNullOrEmpty(title);
        plot.Axes.TightMargins();
        plot.Axes.SquareUnits();

        // Square pixels: size the figure from the grid's aspect ratio, leaving room for the title and colour bar.
        const int figureHeight = 800;
        int figureWidth = (int)Math.Clamp(figureHeight * 0.88 * width / height + 130, 300, 2400);
        return new Chart([plot], 1, null, figureWidth, figureHeight);
    }

    private static double MaxAbsFinite(float[] weights, int start, int stride, int count)
    {
        double max = 0;
        for (int i = 0; i < count; i++)
        {
            float w = weights[start + i * stride];
            if (float.IsFinite(w))
            {
                max = Math.Max(max, Math.Abs(w));
            }
        }

        return max;
    }

    /// <summary>Blue–white–red, the RdBu_r colormap's endpoints, white at the centre so zero weights vanish.</summary>
    private sealed class DivergingColormap : IColormap
    {
        public static readonly DivergingColormap Instance = new();

        private static readonly Color[] s_stops =
        [
            Color.FromHex("#053061"), Color.FromHex("#2166ac"), Color.FromHex("#4393c3"), Color.FromHex("#92c5de"),
            Color.FromHex("#d1e5f0"), Color.FromHex("#f7f7f7"), Color.FromHex("#fddbc7"), Color.FromHex("#f4a582"),
            Color.FromHex("#d6604d"), Color.FromHex("#b2182b"), Color.FromHex("#67001f"),
        ];

        public string Name => "RdBu_r";

        public Color GetColor(double position)
        {
            if (double.IsNaN(position))
            {
                return Colors.White;
            }

            double scaled = Math.Clamp(position, 0, 1) * (s_stops.Length - 1);
            int low = Math.Min((int)scaled, s_stops.Length - 2);
            double t = scaled - low;
            Color a = s_stops[low];
            Color b = s_stops[low + 1];
            return new Color(
                (byte)Math.Round(a.R + (b.R - a.R) * t),
                (byte)Math.Round(a.G + (b.G - a.G) * t),
                (byte)Math.Round(a.B + (b.B - a.B) * t));
        }
    }
}
