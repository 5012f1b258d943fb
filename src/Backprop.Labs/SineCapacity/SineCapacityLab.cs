using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Plots;
using Backprop.Training;

namespace Backprop.Labs.SineCapacity;

/// <summary>Course 004, §2 "Experiment with MLPs": one-hidden-layer ReLU networks of 0 (linear), 1, 2, 3, 10, 50 and
/// 100 units fitting a noisy sinusoid whose amplitude and frequency grow with x (the course never states its data;
/// <see cref="SineData"/> defines this lab's), six restarts of the 2-unit net, the hidden units' outputs, and three
/// hidden layers of 3, 5 and 4 units with ReLU against sigmoid.</summary>
public sealed class SineCapacityLab : ILab
{
    /// <summary>SGD learning rate of every network.</summary>
    public const double LearningRate = 0.01;
    /// <summary>Batch size of every network.</summary>
    public const int BatchSize = 10;
    /// <summary>Epochs in a full run.</summary>
    public const int FullEpochs = 3000;
    /// <summary>Epochs with <c>--quick</c>.</summary>
    public const int QuickEpochs = 300;
    /// <summary>Seeds per network in a full run.</summary>
    public const int FullSeeds = 3;
    /// <summary>Restarts of the 2-unit network (the course's 6).</summary>
    public const int Restarts = 6;

    /// <summary>Two final training MSEs more than this far apart (relative) count as different optima.</summary>
    public const double DistinctOptimum = 0.05;

    /// <summary>Hidden units of the networks compared (0: linear).</summary>
    public static readonly int[] HiddenUnits = [0, 1, 2, 3, 10, 50, 100];

    /// <summary>The name typed on the command line: <c>sine-capacity</c>.</summary>
    public string Name => "sine-capacity";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Capacity on a noisy sinusoid: ReLU networks of 0 to 100 hidden units, six restarts of the 2-unit net in different local optima, each hidden unit's contribution, and ReLU against sigmoid in three small layers.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => SineCapacityPublished.All;

    /// <summary>A trained network with its errors.</summary>
    internal sealed record Fit(string Label, int Seed, Sequential Model, double TrainMse, double TestMse);

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int epochs = context.Quick ? QuickEpochs : FullEpochs;
        int seeds = context.Quick ? 1 : FullSeeds;
        context.Setting("data", $"y = (0.5 + 0.15x)·sin(0.6x + 0.03x²) + N(0, {SineData.NoiseStd}²), x ~ U(0, {SineData.XMax}); {SineData.TrainCount} training and {SineData.TestCount} test points, data seed {SineData.DataSeed}");
        context.Setting("optimizer", $"Adam(learning_rate={LearningRate})");
        context.Setting("batch_size", BatchSize);
        context.Setting("epochs", epochs);
        context.Setting("loss", "mse");
        context.Setting("initialisation", "Keras defaults: glorot_uniform kernels seeded per layer, zero biases");
        context.Setting("seeds", Enumerable.Range(0, seeds).Select(k => context.Seed + k).ToArray());
        if (context.Quick)
        {
            context.Paragraph($"Quick run: {epochs} epochs instead of {FullEpochs} and one seed instead of {FullSeeds}; the larger networks are far from fitted.");
        }

        var data = SineData.Load();
        ReportData(context, data);

        var bySize = HiddenUnits.ToDictionary(h => h, h => Enumerable.Range(0, seeds).Select(k => Train(data, [h], "relu", context.Seed + k, epochs, context)).ToArray());
        ReportSizes(context, data, bySize);
        var restarts = Enumerable.Range(0, Restarts).Select(k => Train(data, [2], "relu", context.Seed + 100 + k, epochs, context)).ToArray();
        ReportRestarts(context, data, restarts, bySize[0]);
        ReportHiddenUnits(context, data, bySize);
        var relu = Enumerable.Range(0, seeds).Select(k => Train(data, [3, 5, 4], "relu", context.Seed + k, epochs, context)).ToArray();
        var sigmoid = Enumerable.Range(0, seeds).Select(k => Train(data, [3, 5, 4], "sigmoid", context.Seed + k, epochs, context)).ToArray();
        ReportDeep(context, data, relu, sigmoid);
        Compare(context, bySize, restarts, relu, sigmoid);
    }

    // ---- data ------------------------------------------------------------------------------------------------

    private static void ReportData(LabContext context, (Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest) data)
    {
        context.Section("Data");
        context.Paragraph(
            "Course 004 never states its data: only that it is sinusoidal with \"variations in amplitude and frequency\" and lies roughly in x ∈ [0, 10]. This lab defines it: " +
            $"y = A(x)·sin(φ(x)) + ε with amplitude A(x) = 0.5 + 0.15x (0.5 → 2), phase φ(x) = 0.6x + 0.03x² (frequency 0.6 → 1.2 radians per unit, about 1.4 periods) and ε ~ N(0, {SineData.NoiseStd}²); " +
            $"{SineData.TrainCount} training and {SineData.TestCount} test inputs x ~ U(0, 10), drawn by Backprop's Philox generator from the fixed data seed {SineData.DataSeed}, " +
            "so every run sees the same points (the run's seed changes only initial weights and batch order). " +
            $"The noise alone sets the lowest possible test MSE: {F(SineData.NoiseStd * SineData.NoiseStd)}. " +
            "How this definition came about, plainly: a first version (60 training points, 3.2 periods, 2,000 epochs in batches of 16) left every network far from the function, and a second " +
            "(60 points, 1.4 periods) let 100 hidden units reach the noise floor without overfitting at all, so the course's overfitting claims could not show. This version keeps the second " +
            "function and halves the training set to 30 points (3,000 epochs in batches of 10) so that large networks can overfit; nothing else was tuned, and each claim below is judged on what this run measures.");
        var grid = Grid();
        context.Figure(Charts.FunctionFit(Floats(data.XTrain), Floats(data.YTrain), "Training data and the true function", new FitLine("true function", grid, grid.Select(SineData.F).ToArray(), Dashed: true)),
            "data", $"The {SineData.TrainCount} training points and the noise-free function.");
        context.Record("data.train_x", Floats(data.XTrain));
        context.Record("data.train_y", Floats(data.YTrain));
    }

    // ---- (a), (c): sizes -------------------------------------------------------------------------------------

    private static void ReportSizes(LabContext context, (Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest) data, Dictionary<int, Fit[]> bySize)
    {
        context.Section("(a), (c) Networks of 0 to 100 hidden units");
        context.Paragraph(
            "1 → Dense(h, relu) → Dense(1) for h = 1, 2, 3, 10, 50, 100, and h = 0: a single Dense(1), the linear model. " +
            "The input is scaled from [0, 10] to [−1, 1], x′ = (x − 5)/5 (the course does not say whether it scaled): with x ≥ 0 and zero initial biases every ReLU unit would start with its kink at x = 0, " +
            "half of them dead over the whole interval and the rest all the same line through the origin. " +
            $"Adam(learning_rate={LearningRate}), MSE, batches of {BatchSize}, the same number of epochs for every network. The errors are means over the seeds; the figures show the first seed.");
        var grid = Grid();
        var charts = HiddenUnits.Select(h =>
        {
            var fit = bySize[h][0];
            return Charts.FunctionFit(Floats(data.XTrain), Floats(data.YTrain), $"{Units(h)}: train {F(fit.TrainMse, 3)}, test {F(fit.TestMse, 3)}",
                new FitLine("network", grid, Predict(fit.Model, grid)), new FitLine("true function", grid, grid.Select(SineData.F).ToArray(), Dashed: true));
        }).ToList();
        context.Figure(Chart.Grid(charts, 4, "Fits by number of hidden units (first seed; training points)"), "fits-by-size",
            "Each network's function over the training points (titles: training and test MSE).");

        context.Table("Errors by number of hidden units (MSE; mean ± std over seeds)", ["hidden units", "parameters", "training MSE", "test MSE"],
            HiddenUnits.Select(h => (IReadOnlyList<object?>)[h, bySize[h][0].Model.CountParams(), MeanStd(bySize[h].Select(f => f.TrainMse)), MeanStd(bySize[h].Select(f => f.TestMse))]));
        foreach (int h in HiddenUnits)
        {
            context.Record($"size.{h}.train_mse", bySize[h].Select(f => f.TrainMse).ToArray());
            context.Record($"size.{h}.test_mse", bySize[h].Select(f => f.TestMse).ToArray());
        }

        var units = HiddenUnits.Where(h => h > 0).ToArray();
        context.Figure(Charts.XYPlot(
            [
                new XYSeries("training MSE", units.Select(h => (double)h).ToArray(), units.Select(h => bySize[h].Average(f => f.TrainMse)).ToArray()),
                new XYSeries("test MSE", units.Select(h => (double)h).ToArray(), units.Select(h => bySize[h].Average(f => f.TestMse)).ToArray()),
            ], "Training and test error against hidden units", "hidden units", "MSE", logX: true, logY: true),
            "error-vs-units", $"Mean training and test MSE over the seeds against the number of hidden units (the linear model, not drawable on a log axis: training {F(bySize[0].Average(f => f.TrainMse), 3)}, test {F(bySize[0].Average(f => f.TestMse), 3)}).");

        int bestTest = units.MinBy(h => bySize[h].Average(f => f.TestMse));
        int bestTrain = units.MinBy(h => bySize[h].Average(f => f.TrainMse));
        context.Finding(
            $"Training MSE falls from {F(bySize[0].Average(f => f.TrainMse), 3)} (linear) to {F(bySize[bestTrain].Average(f => f.TrainMse), 3)} ({Units(bestTrain)}); " +
            $"test MSE is lowest with {Units(bestTest)} ({F(bySize[bestTest].Average(f => f.TestMse), 3)}) and reaches {F(bySize[100].Average(f => f.TestMse), 3)} with 100 " +
            $"(noise floor {F(SineData.NoiseStd * SineData.NoiseStd, 3)}).");
    }

    // ---- (b) restarts ----------------------------------------------------------------------------------------

    private static void ReportRestarts(LabContext context, (Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest) data, Fit[] restarts, Fit[] linear)
    {
        context.Section("(b) Six restarts of the 2-unit network");
        context.Paragraph($"The same 2-unit network trained {Restarts} times from different initial weights (seeds {restarts[0].Seed}–{restarts[^1].Seed}).");
        var grid = Grid();
        var charts = restarts.Select((fit, k) => Charts.FunctionFit(Floats(data.XTrain), Floats(data.YTrain), $"({(char)('a' + k)}) seed {fit.Seed}: train MSE {F(fit.TrainMse, 4)}",
            new FitLine("network", grid, Predict(fit.Model, grid)))).ToList();
        context.Figure(Chart.Grid(charts, 3, "2 hidden units, six restarts"), "two-unit-restarts", "Each restart's function and its training MSE.");
        int optima = DistinctOptima(restarts.Select(f => f.TrainMse));
        double linearTrain = linear.Average(f => f.TrainMse);
        context.Table("Restarts", ["restart", "seed", "training MSE", "test MSE", "÷ linear model's training MSE"],
            restarts.Select((f, k) => (IReadOnlyList<object?>)[$"({(char)('a' + k)})", f.Seed, f.TrainMse, f.TestMse, f.TrainMse / linearTrain]));
        context.Record("restarts.train_mse", restarts.Select(f => f.TrainMse).ToArray());
        context.Record("restarts.distinct_optima", optima);
        context.Finding(
            $"The six restarts end in {optima} distinct optima (final training MSEs more than {DistinctOptimum:P0} apart), from {F(restarts.Min(f => f.TrainMse), 4)} to {F(restarts.Max(f => f.TrainMse), 4)}; " +
            $"the worst is {F(restarts.Max(f => f.TrainMse) / linearTrain, 3)}× the linear model's training MSE ({F(linearTrain, 4)}).");
    }

    // ---- (d) hidden units ------------------------------------------------------------------------------------

    private static void ReportHiddenUnits(LabContext context, (Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest) data, Dictionary<int, Fit[]> bySize)
    {
        context.Section("(d) What each hidden unit contributes");
        context.Paragraph(
            "For the 2-, 3- and 10-unit networks (first seed): each unit's contribution vⱼ·relu(wⱼx′ + bⱼ) to the output (v: the output weights, x′ = (x − 5)/5 the scaled input); " +
            "the network's function is their sum plus the output bias. Each unit is a hinge with its kink at x′ = −bⱼ/wⱼ.");
        var grid = Grid();
        foreach (int h in new[] { 2, 3, 10 })
        {
            var model = bySize[h][0].Model;
            var hidden = (Dense)model.Layers[0];
            var output = (Dense)model.Layers[1];
            var w = hidden.Kernel.ValueAs<float>();
            var b = hidden.Bias!.ValueAs<float>();
            var v = output.Kernel.ValueAs<float>();
            var lines = Enumerable.Range(0, h).Select(j => new FitLine($"unit {j + 1} (kink at {Kink(w[0, j], b[j])})", grid, grid.Select(x => v[j, 0] * Math.Max(0, (w[0, j] * (x - 5) / 5) + b[j])).ToArray())).ToList();
            lines.Add(new FitLine("network", grid, Predict(model, grid), Dashed: true));
            context.Figure(Charts.FunctionFit(Floats(data.XTrain), Floats(data.YTrain), $"{Units(h)}: each unit's contribution", [.. lines]), $"units-{h}",
                $"{Units(h)}: the contributions vⱼ·relu(wⱼx′ + bⱼ) over x (dashed: the network's output; legend: where each unit bends).");
            int dead = Enumerable.Range(0, h).Count(j => grid.All(x => (w[0, j] * (x - 5) / 5) + b[j] <= 0));
            context.Record($"units.{h}.dead", dead);
            if (dead > 0)
            {
                context.Finding($"{Units(h)}: {dead} unit{(dead > 1 ? "s are" : " is")} zero over all of [0, 10] (dead ReLU), so the network uses fewer pieces than it has.");
            }
        }
    }

    // relu(w·(x − 5)/5 + b) bends where x = 5 − 5b/w.
    private static string Kink(float w, float b) => w == 0 ? "none" : F(5 - (5 * b / w), 3);

    // ---- (e) three layers ------------------------------------------------------------------------------------

    private static void ReportDeep(LabContext context, (Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest) data, Fit[] relu, Fit[] sigmoid)
    {
        context.Section("(e) Three hidden layers of 3, 5 and 4 units: ReLU against sigmoid");
        var grid = Grid();
        context.Figure(Chart.Grid(
        [
            Charts.FunctionFit(Floats(data.XTrain), Floats(data.YTrain), $"ReLU [3, 5, 4]: train {F(relu[0].TrainMse, 3)}, test {F(relu[0].TestMse, 3)}", new FitLine("network", grid, Predict(relu[0].Model, grid))),
            Charts.FunctionFit(Floats(data.XTrain), Floats(data.YTrain), $"sigmoid [3, 5, 4]: train {F(sigmoid[0].TrainMse, 3)}, test {F(sigmoid[0].TestMse, 3)}", new FitLine("network", grid, Predict(sigmoid[0].Model, grid))),
        ], 2), "relu-vs-sigmoid", "Three hidden layers of 3, 5 and 4 units (first seed): ReLU gives a piecewise-linear function, sigmoid a smooth one.");
        context.Table("[3, 5, 4] (mean ± std over seeds)", ["activation", "training MSE", "test MSE", "test − training"],
        [
            ["relu", MeanStd(relu.Select(f => f.TrainMse)), MeanStd(relu.Select(f => f.TestMse)), MeanStd(relu.Select(f => f.TestMse - f.TrainMse))],
            ["sigmoid", MeanStd(sigmoid.Select(f => f.TrainMse)), MeanStd(sigmoid.Select(f => f.TestMse)), MeanStd(sigmoid.Select(f => f.TestMse - f.TrainMse))],
        ]);
        context.Record("deep.relu.train_mse", relu.Select(f => f.TrainMse).ToArray());
        context.Record("deep.relu.test_mse", relu.Select(f => f.TestMse).ToArray());
        context.Record("deep.sigmoid.train_mse", sigmoid.Select(f => f.TrainMse).ToArray());
        context.Record("deep.sigmoid.test_mse", sigmoid.Select(f => f.TestMse).ToArray());
    }

    // ---- comparison ------------------------------------------------------------------------------------------

    private static void Compare(LabContext context, Dictionary<int, Fit[]> bySize, Fit[] restarts, Fit[] relu, Fit[] sigmoid)
    {
        double Train(int h) => bySize[h].Average(f => f.TrainMse);
        double Test(int h) => bySize[h].Average(f => f.TestMse);
        string over = $"mean over {bySize[0].Length} seed{(bySize[0].Length > 1 ? "s" : "")}";
        context.NotMeasured(SineCapacityPublished.LinearModelError,
            $"The course never states its data, so its linear model's error has no counterpart (this lab's linear model reaches a training MSE of {F(Train(0), 4)} on its own data).");
        context.Compare(SineCapacityPublished.TwoUnitOptima, DistinctOptima(restarts.Select(f => f.TrainMse)), $"{Restarts} restarts");
        context.Compare(SineCapacityPublished.WorstTwoUnitNearLinear, restarts.Max(f => f.TrainMse) / Train(0), $"{Restarts} restarts");
        context.Compare(SineCapacityPublished.TenTrainsBetterThanThree, Train(10) / Train(3), over);
        context.Compare(SineCapacityPublished.TenTestsWorseThanThree, Test(10) / Test(3), over);
        context.Compare(SineCapacityPublished.HundredOverfits, Test(100) / Test(10), over);
        context.Compare(SineCapacityPublished.HundredTrainsBetter, Train(100) / Train(10), over);
        context.Compare(SineCapacityPublished.ReluSigmoidSimilar, sigmoid.Average(f => f.TestMse) / relu.Average(f => f.TestMse), over);
        context.Compare(SineCapacityPublished.SigmoidSmallerGap, sigmoid.Average(f => f.TestMse - f.TrainMse) - relu.Average(f => f.TestMse - f.TrainMse), over);
    }

    // ---- training --------------------------------------------------------------------------------------------

    /// <summary>1 → Dense(h₁, f) → … → Dense(1) (hidden [0]: the linear model Dense(1)), Adam, MSE.</summary>
    internal static Fit Train((Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest) data, int[] hidden, string activation, int seed, int epochs, LabContext? context = null)
    {
        var model = new Sequential(new Input([1]));
        int layer = 0;
        foreach (int h in hidden.Where(h => h > 0))
        {
            model.Add(new Dense(h, activation: activation, kernelInitializer: new GlorotUniform(unchecked((seed * 8) + layer++))));
        }

        model.Add(new Dense(1, kernelInitializer: new GlorotUniform(unchecked((seed * 8) + layer))));
        model.Compile(new Adam(LearningRate), "mse");
        string label = hidden.Length == 1 ? Units(hidden[0]) : $"{activation} [{string.Join(", ", hidden)}]";
        var progress = context is null ? null : new EpochProgress(context, $"{label}, seed {seed}", epochs);
        model.Fit(Scale(data.XTrain), data.YTrain, epochs: epochs, batchSize: BatchSize, verbose: 0, seed: unchecked((ulong)seed), callbacks: progress is null ? null : [progress]);
        return new Fit(label, seed, model, model.Evaluate(Scale(data.XTrain), data.YTrain)["loss"], model.Evaluate(Scale(data.XTest), data.YTest)["loss"]);
    }

    /// <summary>How many distinct values: sorted, a value more than <see cref="DistinctOptimum"/> above the previous
    /// group's first starts a new group.</summary>
    internal static int DistinctOptima(IEnumerable<double> losses)
    {
        int groups = 0;
        double start = double.NaN;
        foreach (double loss in losses.Order())
        {
            if (groups == 0 || loss > start * (1 + DistinctOptimum))
            {
                groups++;
                start = loss;
            }
        }

        return groups;
    }

    /// <summary>The network's input: x scaled from [0, 10] to [−1, 1], (x − 5)/5.</summary>
    internal static Tensor<float> Scale(Tensor<float> x) => Tensor.From(x.ToArray().Select(v => (v - 5f) / 5f).ToArray(), x.Shape[0], 1);

    private static double[] Grid() => Enumerable.Range(0, 401).Select(i => i * SineData.XMax / 400).ToArray();

    private static double[] Predict(Sequential model, double[] x)
    {
        var output = model.Predict(Scale(Tensor.From(x.Select(v => (float)v).ToArray(), x.Length, 1)), batchSize: x.Length);
        return output.ToArray().Select(v => (double)v).ToArray();
    }

    private static double[] Floats(Tensor<float> t) => t.ToArray().Select(v => (double)v).ToArray();

    private static string Units(int h) => h == 0 ? "0 hidden units (linear)" : h == 1 ? "1 hidden unit" : $"{h} hidden units";

    private static string MeanStd(IEnumerable<double> values)
    {
        var m = Measurement.OfRepetitions(values);
        return m.Count > 1 ? NumberFormat.FormatMeanStd(m.Value!.Value, m.Std!.Value) : F(m.Value!.Value, 4);
    }

    private static string F(double value, int digits = 4) => LabContext.Format(value, digits);
}
