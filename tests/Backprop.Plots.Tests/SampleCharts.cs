namespace Backprop.Plots.Tests;

/// <summary>One small instance of every chart type, for rendering tests.</summary>
internal static class SampleCharts
{
    public static readonly string[] Names =
    [
        "learning-curves", "learning-curves-log", "overlay", "density", "density-grid", "violin", "weights",
        "weights-per-tile", "function-fit", "decision-boundary", "bars", "bars-coloured-negative", "learning-curves-ylabel",
        "heatmap", "heatmap-sequential", "weights-labelled",
    ];

    public static Dictionary<string, IReadOnlyList<double>> History() => new()
    {
        ["loss"] = Enumerable.Range(1, 12).Select(e => 1.0 / e + 0.05).ToArray(),
        ["val_loss"] = Enumerable.Range(1, 12).Select(e => 1.0 / e + 0.1 + 0.01 * e).ToArray(),
    };

    public static Chart Create(string name)
    {
        var random = new System.Random(name.Length);
        double[] Normal(int n, double scale) => Enumerable.Range(0, n)
            .Select(_ => scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))
            .ToArray();
        var layers = new Dictionary<string, IReadOnlyList<double>> { ["layer 1"] = Normal(500, 1), ["layer 2"] = Normal(300, 0.4) };

        switch (name)
        {
            case "learning-curves":
                return Charts.LearningCurves(History(), "loss", "Loss", markBestEpoch: true);
            case "learning-curves-log":
                return Charts.LearningCurves(History(), "loss", "Loss", logY: true);
            case "overlay":
                return Charts.OverlayCurves(
                    new Dictionary<string, IReadOnlyList<double>> { ["b"] = [3, 2, 1.5], ["c"] = [2.5, 1.2, 0.9, 0.8], ["d"] = [2, 1, 0.5] },
                    "Validation MAE", "MAE");
            case "density":
                return Charts.DensityHistograms(layers, 30, "Activations", "activation");
            case "density-grid":
                return Charts.DensityHistogramGrid(
                    new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<double>>>
                    {
                        ["A"] = layers, ["B"] = layers, ["C"] = layers, ["D"] = layers,
                    },
                    20,
                    "Schemes");
            case "violin":
                return Charts.ViolinPlot(
                    new Dictionary<string, IReadOnlyList<double>> { ["g1"] = Normal(200, 1), ["g2"] = Normal(7, 2), ["one"] = [1.0] },
                    "Violins");
            case "weights":
                return Charts.WeightImageGrid(Tensor.From(Normal(49 * 6, 1).Select(v => (float)v).ToArray(), 49, 6), 2, 3, 7, 7, "Weights");
            case "weights-per-tile":
                return Charts.WeightImageGrid(Normal(20 * 4, 1).Select(v => (float)v).ToArray(), 20, 4, 2, 2, 4, 5, "Weights", WeightScale.PerTile);
            case "function-fit":
                double[] x = Density.Linspace(-2, 2, 33);
                return Charts.FunctionFit(
                    x, x.Select(v => v * v + 0.1 * Math.Sin(7 * v)).ToArray(), "Fit",
                    new FitLine("true", x, x.Select(v => v * v).ToArray(), Dashed: true),
                    new FitLine("model", x.Reverse().ToArray(), x.Reverse().Select(v => v * v * 0.9).ToArray()));
            case "decision-boundary":
                double[,] points = { { -1, -1 }, { 1, 1 }, { -1, 1 }, { 1, -1 }, { 0.5, 0.2 } };
                return Charts.DecisionBoundary(
                    grid => Enumerable.Range(0, grid.GetLength(0)).Select(i => grid[i, 0] * grid[i, 1] > 0 ? 1 : 0).ToArray(),
                    points, [1, 1, 0, 0, 1], title: "XOR", resolution: 50);
            case "bars":
                return Charts.BarChart(["SGD", "Adam", "RMSprop"], [0.91, 0.97, 0.96], [0.01, 0.002, 0.004], "Accuracy", "accuracy");
            case "bars-coloured-negative":
                return Charts.BarChart(
                    ["(b)", "(d)", "loss", "flat"], [2.2213, 2.9, -1.4, 0.0], [0.1021, 0.35, 0.2, 0.0], "Mixed signs", "validation MAE",
                    [ChartStyle.ColorAt(0), ChartStyle.ColorAt(2), ChartStyle.ColorAt(3), ChartStyle.ColorAt(7)]);
            case "learning-curves-ylabel":
                return Charts.LearningCurves(History(), "loss", "MSE", logY: true, markBestEpoch: true, yLabel: "mse");
            case "heatmap":
                return Charts.Heatmap(Tensor.From(Normal(64 * 10, 0.01), 64, 10), "∂L/∂W (64 × 10)", "∂L/∂w");
            case "heatmap-sequential":
                return Charts.Heatmap(Tensor.From(Normal(7 * 33, 1).Select(Math.Abs).ToArray(), 7, 33), "|z|", "magnitude", diverging: false);
            case "weights-labelled":
                return Charts.WeightImageGrid(Tensor.From(Normal(12 * 2, 1).Select(v => (float)v).ToArray(), 12, 2), 1, 2, 3, 4, "Gradients", valueLabel: "∂L/∂w");
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown sample chart");
        }
    }
}
