using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

public static partial class Charts
{
    /// <summary>
    /// Decision regions of a 2-D classifier: <paramref name="predict"/> is called once on a
    /// <paramref name="resolution"/>² grid (an (n, 2) matrix of x, y rows) and every cell is tinted with its class's
    /// palette colour; the labelled points are drawn on top in the full colour. Like the scikit-learn
    /// <c>DecisionBoundaryDisplay</c> examples.
    /// </summary>
    /// <param name="predict">Classifier: (n, 2) inputs → n class indices in 0…9 (or more; colours repeat after 10).</param>
    /// <param name="points">(m, 2) data points.</param>
    /// <param name="labels">m class indices.</param>
    /// <param name="range">Region to shade; defaults to the points' bounding box widened by 10 % on each side.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="resolution">Grid cells per side.</param>
    /// <exception cref="ArgumentException">Shapes disagree, a label is negative, or predict returns the wrong count or a negative class.</exception>
    public static Chart DecisionBoundary(
        Func<double[,], int[]> predict,
        double[,] points,
        int[] labels,
        PlotRange? range = null,
        string? title = null,
        int resolution = 200)
    {
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, 2);
        int count = points.GetLength(0);
        if (points.GetLength(1) != 2)
        {
            throw new ArgumentException($"DecisionBoundary points must be (m, 2), got ({count}, {points.GetLength(1)}).", nameof(points));
        }

        if (labels.Length != count)
        {
            throw new ArgumentException($"DecisionBoundary has {count} points but {labels.Length} labels.", nameof(labels));
        }

        if (labels.Any(label => label < 0))
        {
            throw new ArgumentException("DecisionBoundary labels must be class indices ≥ 0.", nameof(labels));
        }

        PlotRange region = range ?? BoundingRange(points);
        region.Validate(nameof(range));

        // Cell centres, row 0 at the top so the grid reads like an image.
        var grid = new double[resolution * resolution, 2];
        double cellWidth = (region.XMax - region.XMin) / resolution;
        double cellHeight = (region.YMax - region.YMin) / resolution;
        for (int row = 0; row < resolution; row++)
        {
            for (int column = 0; column < resolution; column++)
            {
                int i = row * resolution + column;
                grid[i, 0] = region.XMin + (column + 0.5) * cellWidth;
                grid[i, 1] = region.YMax - (row + 0.5) * cellHeight;
            }
        }

        int[] predicted = predict(grid);
        if (predicted is null || predicted.Length != resolution * resolution)
        {
            throw new ArgumentException(
                $"predict returned {predicted?.Length ?? 0} classes for {resolution * resolution} grid points.", nameof(predict));
        }

        int classCount = Math.Max(labels.DefaultIfEmpty(0).Max(), predicted.DefaultIfEmpty(0).Max()) + 1;
        var cells = new double[resolution, resolution];
        for (int i = 0; i < predicted.Length; i++)
        {
            if (predicted[i] < 0)
            {
                throw new ArgumentException($"predict returned class {predicted[i]} at grid point {i}; classes must be ≥ 0.", nameof(predict));
            }

            cells[i / resolution, i % resolution] = predicted[i];
        }

        Plot plot = ChartStyle.NewPlot(title, "x₁", "x₂");
        Heatmap regions = plot.Add.Heatmap(cells);
        regions.Colormap = new ClassColormap(classCount);
        regions.ManualRange = new ScottPlot.Range(0, Math.Max(classCount - 1, 1));
        regions.Extent = new CoordinateRect(region.XMin, region.XMax, region.YMin, region.YMax);
        regions.Opacity = 0.35;

        for (int label = 0; label < classCount; label++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int i = 0; i < count; i++)
            {
                if (labels[i] == label && double.IsFinite(points[i, 0]) && double.IsFinite(points[i, 1]))
                {
                    xs.Add(points[i, 0]);
                    ys.Add(points[i, 1]);
                }
            }

            if (xs.Count == 0)
            {
                continue;
            }

            Scatter scatter = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), ChartStyle.ColorAt(label));
            scatter.MarkerSize = count > 2000 ? 3 : 6;
            scatter.MarkerLineColor = Colors.Black.WithAlpha(0.5);
            scatter.MarkerLineWidth = count > 2000 ? 0 : 0.6f;
            scatter.MarkerShape = MarkerShape.FilledCircle;
            scatter.LegendText = $"class {label}";
        }

        plot.Axes.SetLimits(region.XMin, region.XMax, region.YMin, region.YMax);
        plot.HideGrid();
        ChartStyle.ShowLegendOutside(plot);
        return new Chart(plot);
    }

    private static PlotRange BoundingRange(double[,] points)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        for (int i = 0; i < points.GetLength(0); i++)
        {
            if (double.IsFinite(points[i, 0]) && double.IsFinite(points[i, 1]))
            {
                xMin = Math.Min(xMin, points[i, 0]);
                xMax = Math.Max(xMax, points[i, 0]);
                yMin = Math.Min(yMin, points[i, 1]);
                yMax = Math.Max(yMax, points[i, 1]);
            }
        }

        if (!double.IsFinite(xMin))
        {
            return new PlotRange(-1, 1, -1, 1);
        }

        double padX = xMax > xMin ? 0.1 * (xMax - xMin) : 1;
        double padY = yMax > yMin ? 0.1 * (yMax - yMin) : 1;
        return new PlotRange(xMin - padX, xMax + padX, yMin - padY, yMax + padY);
    }

    /// <summary>Maps class k (scaled to k / (classes − 1)) to palette colour k.</summary>
    private sealed class ClassColormap(int classCount) : IColormap
    {
        public string Name => "classes";

        public Color GetColor(double position)
        {
            if (double.IsNaN(position))
            {
                return Colors.White;
            }

            int index = (int)Math.Round(Math.Clamp(position, 0, 1) * Math.Max(classCount - 1, 1));
            return ChartStyle.ColorAt(index);
        }
    }
}
