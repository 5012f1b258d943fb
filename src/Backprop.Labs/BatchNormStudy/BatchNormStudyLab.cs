using System.Diagnostics;
using System.Globalization;
using Backprop.Data;
using Backprop.Initializers;
using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Plots;
using Backprop.Training;

namespace Backprop.Labs.BatchNormStudy;

/// <summary>Course 002 §4–5: what batch normalisation does as an MLP grows. Five ReLU MLPs of growing size on
/// Fashion-MNIST, each with and without PyTorch's <c>BatchNorm1d</c> between the linear map and the ReLU, three
/// seeds each: training and validation accuracy over epochs, dead ReLU units per layer, and findings on the trend
/// with size computed from the numbers.</summary>
public sealed class BatchNormStudyLab : ILab
{
    /// <summary>The hidden layer sizes studied, smallest first.</summary>
    internal static IReadOnlyList<int[]> Sizes { get; } =
    [
        [128],
        [256, 128],
        [512, 256, 128],
        [1024, 512, 256, 128],
        [128, 128, 128, 128, 128, 128, 128, 128],
    ];

    internal const int ValidationImages = 5000;

    internal const double LearningRate = 0.1;

    internal const int BatchSize = 128;

    /// <summary>Seeds, epochs, training, validation and test images (null: all).</summary>
    internal static (int Seeds, int Epochs, int? TrainImages, int? ValidationImages, int? TestImages) RunSize(bool quick) =>
        quick ? (2, 2, 1200, 500, 1000) : (3, 10, null, null, null);

    /// <summary>The name typed on the command line: <c>batchnorm-study</c>.</summary>
    public string Name => "batchnorm-study";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Five ReLU MLPs of growing size on Fashion-MNIST with and without batch normalisation (PyTorch's BatchNorm1d), three seeds: accuracy over epochs, dead units per layer, and the trend with size.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => BatchNormStudyPublished.All;

    /// <summary>A size's label: "[512, 256, 128]", or "[128]×8".</summary>
    internal static string Label(int[] hidden) =>
        hidden.Length > 4 && hidden.All(h => h == hidden[0]) ? $"[{hidden[0]}]×{hidden.Length}" : "[" + string.Join(", ", hidden) + "]";

    /// <summary>784 → hidden × (Linear → [BatchNorm1d] → ReLU) → Linear(10), every Linear initialised as PyTorch's
    /// <c>nn.Linear</c>: kernel and bias from U(±1/√fan_in).</summary>
    internal static Sequential Build(int[] hidden, bool batchNorm, int seed)
    {
        var model = new Sequential();
        int fanIn = 784;
        for (int l = 0; l <= hidden.Length; l++)
        {
            int units = l < hidden.Length ? hidden[l] : 10;
            double bound = 1 / Math.Sqrt(fanIn);
            model.Add(new Dense(units,
                kernelInitializer: new VarianceScaling(1.0 / 3, "fan_in", "uniform", seed: LayerSeed(seed, 2 * l)),
                biasInitializer: new RandomUniform(-bound, bound, seed: LayerSeed(seed, 2 * l + 1)),
                inputShape: l == 0 ? [784] : null));
            if (l < hidden.Length)
            {
                if (batchNorm)
                {
                    model.Add(new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true));
                }

                model.Add(new Activation("relu"));
            }

            fanIn = units;
        }

        model.Build(new Shape(784));
        return model;
    }

    private static int LayerSeed(int seed, int index) => unchecked(seed * 7919 + 31 * index + 3);

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (seeds, epochs, trainImages, validationImages, testImages) = RunSize(context.Quick);
        var (x, y, xVal, yVal, xTest, yTest, source) = Data(context, trainImages, validationImages, testImages);
        Setup(context, seeds, epochs, x.Shape[0], xVal.Shape[0], xTest.Shape[0], source);

        var runs = new Dictionary<(int Size, bool Bn), List<StudyRun>>();
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < Sizes.Count; s++)
        {
            foreach (bool bn in new[] { false, true })
            {
                runs[(s, bn)] = [];
                for (int seed = 0; seed < seeds; seed++)
                {
                    runs[(s, bn)].Add(Train(context, Sizes[s], bn, context.Seed + seed, epochs, (x, y), (xVal, yVal), (xTest, yTest)));
                }
            }
        }

        context.Record("timing.training_seconds", clock.Elapsed.TotalSeconds);
        context.Paragraph($"{Sizes.Count * 2 * seeds} networks trained in {clock.Elapsed.TotalSeconds:F1} s.");
        Report(context, runs, seeds, epochs);
        Compare(context, runs);
    }

    private static (Tensor<float> X, Tensor<float> Y, Tensor<float> XVal, Tensor<float> YVal, Tensor<float> XTest, Tensor<float> YTest, FashionSource Source) Data(
        LabContext context, int? trainImages, int? validationImages, int? testImages)
    {
        var source = LabData.FashionMnist(context);
        var images = Images.ScalePixels(source.Split.XTrain, flatten: true);
        var labels = Tensor.Cast<byte, float>(source.Split.YTrain);
        int validation = Math.Min(ValidationImages, images.Shape[0] / 6);
        int train = images.Shape[0] - validation;
        var x = images.SliceRows(0, trainImages is { } t ? Math.Min(t, train) : train).Clone();
        var y = labels.SliceRows(0, x.Shape[0]).Clone();
        int v = validationImages is { } vv ? Math.Min(vv, validation) : validation;
        var xVal = images.SliceRows(train, v).Clone();
        var yVal = labels.SliceRows(train, v).Clone();
        var xTest = Images.ScalePixels(source.Split.XTest, flatten: true);
        var yTest = Tensor.Cast<byte, float>(source.Split.YTest);
        if (testImages is { } n && n < xTest.Shape[0])
        {
            (xTest, yTest) = (xTest.SliceRows(0, n).Clone(), yTest.SliceRows(0, n).Clone());
        }

        return (x, y, xVal, yVal, xTest, yTest, source);
    }

    private static void Setup(LabContext context, int seeds, int epochs, int train, int validation, int test, FashionSource source)
    {
        context.Section("Setup");
        context.Paragraph(
            "Course 002 asks what happens with and without batch normalisation as the network grows, to plot training and validation accuracy over epochs for each, and how " +
            "batch normalisation keeps ReLU units from dying. Its table of configurations is not in the course material, so the sizes, data and training below are the lab's choices, " +
            "fixed before any run: " + string.Join(", ", Sizes.Select(Label)) + " hidden units, each hidden layer Linear → [BatchNorm1d] → ReLU, then Linear(10) logits with " +
            "cross-entropy. The course's assignment uses PyTorch, so the layers follow PyTorch: nn.Linear's initialisation (kernel and bias from U(±1/√fan_in)), BatchNorm1d " +
            "(momentum 0.1, which is Keras's 0.9; ε = 1e-5; running variance updated with the unbiased batch variance; the Linear keeps its bias, as in PyTorch). " +
            $"Training: plain SGD, learning rate {LearningRate}, batch {BatchSize}, {epochs} epochs, {seeds} seeds; runs with and without BN share their seeds (initial weights and shuffling).");
        context.Paragraph(
            $"Data: {source.Description}. Training on the first {train:N0} training images, validation on {validation:N0} of the last 5,000 (held out), test on {test:N0} test images; pixels in [0, 1]. " +
            "Training accuracy is the running accuracy over each epoch's batches in training mode (as a PyTorch loop reports it); validation accuracy is measured after each epoch in inference mode. " +
            "Dead units: hidden units whose ReLU output is 0 for every validation image after training.");
        if (context.Quick)
        {
            context.Paragraph($"--quick: {train:N0} training, {validation:N0} validation and {test:N0} test images, {epochs} epochs, {seeds} seeds.");
        }

        context.Setting("sizes", Sizes.Select(Label).ToList());
        context.Setting("seeds", seeds);
        context.Setting("epochs", epochs);
        context.Setting("optimizer", $"SGD(lr {LearningRate}), batch {BatchSize}");
        context.Setting("batch_norm", "BatchNormalization(momentum 0.9, epsilon 1e-5, unbiasedMovingVariance) between Dense and ReLU");
        context.Setting("init", "PyTorch nn.Linear: kernel and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))");
        context.Setting("data", source.Description);
        context.Setting("train_images", train);
        context.Setting("validation_images", validation);
    }

    private static StudyRun Train(LabContext context, int[] hidden, bool batchNorm, int seed, int epochs,
        (Tensor<float> X, Tensor<float> Y) train, (Tensor<float> X, Tensor<float> Y) validation, (Tensor<float> X, Tensor<float> Y) test)
    {
        var model = Build(hidden, batchNorm, seed);
        model.Compile(new SGD(learningRate: LearningRate), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        string name = $"{Label(hidden)} {(batchNorm ? "with" : "without")} BN, seed {seed}";
        var history = model.Fit(train.X, train.Y, epochs: epochs, batchSize: BatchSize, validationData: validation, verbose: 0, seed: unchecked((ulong)seed),
            callbacks: [new EpochProgress(context, name, epochs)]);
        var testLogs = model.Evaluate(test.X, test.Y, batchSize: 1000);
        var activations = model.ForwardWithActivations(validation.X);
        var dead = activations.Where(a => a.LayerType == nameof(Activation)).Select(a => DeadFraction((Tensor<float>)a.Output)).ToArray();
        var run = new StudyRun(history["accuracy"].ToArray(), history["val_accuracy"].ToArray(), history["loss"].ToArray(), history["val_loss"].ToArray(),
            testLogs["accuracy"], dead);
        string key = $"runs.{Label(hidden)}.{(batchNorm ? "bn" : "plain")}.seed{seed}";
        context.Record($"{key}.accuracy", run.TrainAccuracy);
        context.Record($"{key}.val_accuracy", run.ValidationAccuracy);
        context.Record($"{key}.loss", run.TrainLoss);
        context.Record($"{key}.val_loss", run.ValidationLoss);
        context.Record($"{key}.test_accuracy", run.TestAccuracy);
        context.Record($"{key}.dead_unit_fraction", run.DeadFraction);
        return run;
    }

    /// <summary>The share of units (columns) whose ReLU output is 0 in every row.</summary>
    internal static double DeadFraction(Tensor<float> output)
    {
        int rows = output.Shape[0], units = output.Shape[1];
        var span = output.AsSpan();
        var alive = new bool[units];
        for (int r = 0; r < rows; r++)
        {
            var row = span.Slice(r * units, units);
            for (int u = 0; u < units; u++)
            {
                alive[u] |= row[u] != 0;
            }
        }

        return alive.Count(a => !a) / (double)units;
    }

    private static void Report(LabContext context, Dictionary<(int Size, bool Bn), List<StudyRun>> runs, int seeds, int epochs)
    {
        context.Section("Accuracy over epochs, with and without batch normalisation");
        var charts = new List<Chart>();
        for (int s = 0; s < Sizes.Count; s++)
        {
            var curves = new List<LineSeries>();
            double[] epochAxis = [.. Enumerable.Range(1, epochs).Select(e => (double)e)];
            foreach (bool bn in new[] { false, true })
            {
                string tag = bn ? "BN" : "no BN";
                foreach (bool val in new[] { false, true })
                {
                    var per = runs[(s, bn)].Select(r => val ? r.ValidationAccuracy : r.TrainAccuracy).ToList();
                    var mean = Enumerable.Range(0, epochs).Select(e => per.Average(p => p[e])).ToList();
                    var std = Enumerable.Range(0, epochs).Select(e => Std(per.Select(p => p[e]).ToList())).ToList();
                    curves.Add(new LineSeries($"{tag}, {(val ? "validation" : "training")}", epochAxis, mean,
                        mean.Zip(std, (m, d) => m - d).ToList(), mean.Zip(std, (m, d) => m + d).ToList()));
                }
            }

            charts.Add(Charts.LineChart(curves, Label(Sizes[s]), "epoch", "accuracy", integerX: true, legend: s == 0 ? ScottPlot.Alignment.LowerRight : null));
        }

        context.Figure(Chart.Grid(charts, columns: 3, "Training and validation accuracy, with and without batch normalisation"), "accuracy",
            $"Mean over {seeds} seeds (band: ± one standard deviation) of the training accuracy (running, training mode) and the validation accuracy after each epoch, per network size.");

        var rows = new List<IReadOnlyList<object?>>();
        for (int s = 0; s < Sizes.Count; s++)
        {
            foreach (bool bn in new[] { false, true })
            {
                var r = runs[(s, bn)];
                rows.Add([Label(Sizes[s]), bn ? "yes" : "no", MeanStd(r.Select(x => x.ValidationAccuracy[0])), MeanStd(r.Select(x => x.ValidationAccuracy[^1])),
                    MeanStd(r.Select(x => x.TrainAccuracy[^1])), MeanStd(r.Select(x => x.TestAccuracy)), MeanStd(r.Select(x => x.DeadFraction.Average()), percent: true)]);
                string key = $"summary.{Label(Sizes[s])}.{(bn ? "bn" : "plain")}";
                context.Record($"{key}.val_accuracy_epoch1", r.Average(x => x.ValidationAccuracy[0]));
                context.Record($"{key}.val_accuracy_final", r.Average(x => x.ValidationAccuracy[^1]));
                context.Record($"{key}.val_accuracy_final_std", Std(r.Select(x => x.ValidationAccuracy[^1]).ToList()));
                context.Record($"{key}.train_accuracy_final", r.Average(x => x.TrainAccuracy[^1]));
                context.Record($"{key}.test_accuracy", r.Average(x => x.TestAccuracy));
                context.Record($"{key}.dead_unit_fraction_per_layer", Enumerable.Range(0, Sizes[s].Length).Select(l => r.Average(x => x.DeadFraction[l])).ToArray());
            }
        }

        context.Table($"Per size, mean ± std over {seeds} seeds", ["hidden units", "BN", "val acc, epoch 1", $"val acc, epoch {epochs}", $"train acc, epoch {epochs}", "test acc", "dead units"], rows);

        context.Section("Dead ReLU units per layer");
        context.Table("Share of each hidden layer's units that output 0 for every validation image (mean over seeds)",
            ["hidden units", "BN", .. Enumerable.Range(1, Sizes.Max(h => h.Length)).Select(l => $"layer {l}")],
            Enumerable.Range(0, Sizes.Count).SelectMany(s => new[] { false, true }.Select(bn => (IReadOnlyList<object?>)
                [Label(Sizes[s]), bn ? "yes" : "no", .. Enumerable.Range(0, Sizes.Max(h => h.Length)).Select(l => l < Sizes[s].Length ? (object?)Pct(runs[(s, bn)].Average(x => x.DeadFraction[l])) : "")])));
        Findings(context, runs, epochs);
    }

    private static void Findings(LabContext context, Dictionary<(int Size, bool Bn), List<StudyRun>> runs, int epochs)
    {
        double Final(int s, bool bn) => runs[(s, bn)].Average(r => r.ValidationAccuracy[^1]);
        double First(int s, bool bn) => runs[(s, bn)].Average(r => r.ValidationAccuracy[0]);
        double Spread(int s, bool bn) => Std(runs[(s, bn)].Select(r => r.ValidationAccuracy[^1]).ToList());
        var gains = Enumerable.Range(0, Sizes.Count).Select(s => (Size: s, Gain: Final(s, true) - Final(s, false), Early: First(s, true) - First(s, false))).ToList();
        context.Finding(
            $"Validation accuracy after epoch {epochs}, with BN minus without, by size: " +
            string.Join("; ", gains.Select(g => $"{Label(Sizes[g.Size])} {Signed(100 * g.Gain)} points ({Pct(Final(g.Size, false))} → {Pct(Final(g.Size, true))})")) +
            ". After epoch 1: " + string.Join("; ", gains.Select(g => $"{Label(Sizes[g.Size])} {Signed(100 * g.Early)}")) + ".");

        // The trend with size among the four funnel-shaped networks (the deep narrow one is the depth test).
        var funnel = gains.Take(4).ToList();
        double trend = Correlation(funnel.Select(g => (double)Sizes[g.Size].Length).ToList(), funnel.Select(g => g.Gain).ToList());
        context.Record("findings.bn_gain_vs_depth_correlation", trend);
        var deep = gains[^1];
        context.Finding(
            $"Trend with size: over the four funnel networks (1 to 4 hidden layers) the final BN gain runs " +
            string.Join(" → ", funnel.Select(g => Signed(100 * g.Gain))) + $" points (correlation with the number of layers {trend:+0.00;−0.00}). " +
            $"The deep narrow [128]×8 gains {Signed(100 * deep.Gain)} points at the end and {Signed(100 * deep.Early)} after epoch 1; " +
            $"seed spread of its final validation accuracy: {Pct(Spread(Sizes.Count - 1, false))} without BN, {Pct(Spread(Sizes.Count - 1, true))} with.");

        double overfitPlain = Enumerable.Range(0, Sizes.Count).Average(s => runs[(s, false)].Average(r => r.TrainAccuracy[^1] - r.ValidationAccuracy[^1]));
        double overfitBn = Enumerable.Range(0, Sizes.Count).Average(s => runs[(s, true)].Average(r => r.TrainAccuracy[^1] - r.ValidationAccuracy[^1]));
        context.Finding($"Training minus validation accuracy at the end, averaged over sizes: {Signed(100 * overfitPlain)} points without BN, {Signed(100 * overfitBn)} with.");

        double deadPlain = AllDead(runs, false), deadBn = AllDead(runs, true);
        var worstPlain = Enumerable.Range(0, Sizes.Count).Select(s => (s, Dead: runs[(s, false)].Average(r => r.DeadFraction.Max()))).MaxBy(t => t.Dead);
        context.Finding(
            $"Dead ReLU units after training: {Pct(deadPlain)} of all hidden units without BN (most in {Label(Sizes[worstPlain.s])}: {Pct(worstPlain.Dead)} of its worst layer), {Pct(deadBn)} with BN. " +
            "With BN every unit's pre-activation is re-centred on each batch, so a unit cannot drift to a bias that keeps it negative for every input: about half of each batch is positive whatever the weights did.");
    }

    private static double AllDead(Dictionary<(int Size, bool Bn), List<StudyRun>> runs, bool bn)
    {
        double dead = 0, units = 0;
        for (int s = 0; s < Sizes.Count; s++)
        {
            for (int l = 0; l < Sizes[s].Length; l++)
            {
                dead += runs[(s, bn)].Average(r => r.DeadFraction[l]) * Sizes[s][l];
                units += Sizes[s][l];
            }
        }

        return dead / units;
    }

    private static void Compare(LabContext context, Dictionary<(int Size, bool Bn), List<StudyRun>> runs)
    {
        double deadBn = AllDead(runs, true), deadPlain = AllDead(runs, false);
        context.Record("dead_unit_fraction.bn", deadBn);
        context.Record("dead_unit_fraction.plain", deadPlain);
        context.Compare(BatchNormStudyPublished.BatchNormPreventsDeadUnits, deadBn,
            note: $"Without BN the same networks (same seeds) end with {Pct(deadPlain)} of their hidden units dead.");
        context.NotMeasured(BatchNormStudyPublished.ConfigurationTable,
            "The course material does not hold the table, so no configuration of it can be rerun; the sizes and settings here are the lab's own (see Setup).");
    }

    private static string MeanStd(IEnumerable<double> values, bool percent = false)
    {
        var list = values.Select(v => percent ? 100 * v : v).ToList();
        string text = NumberFormat.FormatMeanStd(list.Average(), Std(list));
        return percent ? text + " %" : text;
    }

    private static double Std(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum();
        double va = a.Sum(x => (x - ma) * (x - ma)), vb = b.Sum(y => (y - mb) * (y - mb));
        return va == 0 || vb == 0 ? 0 : cov / Math.Sqrt(va * vb);
    }

    private static string Signed(double points) => points.ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
