using System.Diagnostics;
using System.Globalization;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Plots;
using Backprop.Training;

namespace Backprop.Labs.KaimingLeakyRelu;

/// <summary>Course 002, §8: how Kaiming initialisation changes for LeakyReLU. The report derives
/// Var(W) = 2 / ((1 + α²)·fan_in), then measures it: second moments of the pre-activations (forward) and of
/// ∂L/∂activations (backward) through 50-layer LeakyReLU networks of width 512 for seven slopes under He, the
/// corrected variance and Glorot, and 20-layer LeakyReLU(0.3) networks trained on Fashion-MNIST under each.</summary>
public sealed class KaimingLeakyReluLab : ILab
{
    internal const int Depth = 50;

    internal static readonly double[] Alphas = [0, 0.01, 0.1, 0.2, 0.3, 0.5, 1];

    /// <summary>The moment networks: width, batch, independent weight draws averaged.</summary>
    internal static (int Width, int Batch, int Draws) MomentSize(bool quick) => quick ? (256, 16, 16) : (512, 1024, 8);

    /// <summary>The training part: hidden layers, width, slope, epochs, training rows (null: all), validation rows (null: all).</summary>
    internal static (int Layers, int Width, double Alpha, int Epochs, int? TrainRows, int? ValidationRows) TrainingSize(bool quick) =>
        quick ? (20, 128, 0.3, 2, 3000, 1000) : (20, 256, 0.3, 5, null, null);

    /// <summary>The name typed on the command line: <c>kaiming-leaky-relu</c>.</summary>
    public string Name => "kaiming-leaky-relu";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Kaiming initialisation for LeakyReLU derived and measured: signal moments through 50-layer networks for seven slopes under He, the corrected variance and Glorot, and 20-layer nets trained on Fashion-MNIST.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => KaimingLeakyReluPublished.All;

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Derivation(context);
        var profiles = Moments(context);
        Train(context);
        Compare(context, profiles);
    }

    private static void Derivation(LabContext context)
    {
        context.Section("The derivation");
        context.Paragraph(
            "Course 002 §8 gives Kaiming's rule for ReLU, W ∼ N(0, 2/d_x), \"because the ReLU sets (in expectation) half of the input to zero\", and asks how it changes " +
            "for LeakyReLU(x) = max(αx, x), assuming zero-mean inputs symmetric around zero. Layer l computes z_l = W_l a_{l−1} with n = fan_in inputs and a_l = LeakyReLU(z_l).");
        context.Code(
            "Forward.  Weights i.i.d., mean 0, independent of the inputs:\n" +
            "    E[z_l²] = n · Var(W_l) · E[a_{l−1}²]\n" +
            "z_l is symmetric around 0 (W_l is), so half of its mass lies on each side:\n" +
            "    E[LeakyReLU(z)²] = E[z²; z > 0] + α² E[z²; z < 0] = ½ E[z²] + ½ α² E[z²] = ½ (1 + α²) E[z²]\n" +
            "    ⇒ E[z_l²] = n · Var(W_l) · ½ (1 + α²) · E[z_{l−1}²]\n" +
            "The second moment stays constant through depth exactly when n · Var(W_l) · ½ (1 + α²) = 1:\n" +
            "    Var(W) = 2 / ((1 + α²) · fan_in)\n" +
            "    α = 0: 2 / fan_in  (He/Kaiming for ReLU)      α = 1: 1 / fan_in  (a linear network: LeCun)\n" +
            "Backward.  ∂L/∂a_{l−1} = W_lᵀ (LeakyReLU′(z_l) ⊙ ∂L/∂a_l), and E[LeakyReLU′(z)²] = ½ (1 + α²):\n" +
            "    E[(∂L/∂a_{l−1})²] = fan_out · Var(W_l) · ½ (1 + α²) · E[(∂L/∂a_l)²]\n" +
            "the same condition with fan_out; for square layers (all of them here) the two coincide.\n" +
            "Under He (2/n) each layer multiplies the moment by 1 + α²; under Glorot (2/(n+n) = 1/n) by ½ (1 + α²).");
        context.Paragraph("In PyTorch this is nn.init.kaiming_normal_(w, a=α); in Backprop new HeNormal(negativeSlope: α) (truncated at two standard deviations, as Keras, with the variance corrected for the truncation).");
    }

    private static Dictionary<(double Alpha, string Scheme), MomentProfile> Moments(LabContext context)
    {
        var (width, batch, draws) = MomentSize(context.Quick);
        context.Section($"Measured: {Depth} layers of width {width}, seven slopes, three initialisations");
        context.Paragraph(
            $"Each network is {Depth} × (Dense({width}, no bias) → LeakyReLU(α)), run by the library's layers on a batch of {batch:N0} inputs from N(0, 1). Forward: E[z_l²] " +
            $"of every layer's pre-activations. Backward: E[(∂L/∂a_l)²] for L = Σ G ⊙ a_{Depth}, G from N(0, 1). Every number is averaged over {draws} independent weight draws " +
            "(and fresh inputs): the derivation computes an expectation over the weights, and one network alone drifts from it by a factor of several over 50 layers (the table's min–max column), " +
            "because deep layers map all inputs to nearly the same direction, so a batch averages over few directions. The three schemes use the same seeds, so they differ only in scale.");
        if (context.Quick)
        {
            context.Paragraph($"--quick: width {width} instead of 512, batches of {batch} instead of 1,024, {draws} weight draws instead of 8.");
        }

        context.Setting("moments.depth", Depth);
        context.Setting("moments.width", width);
        context.Setting("moments.batch", batch);
        context.Setting("moments.weight_draws", draws);
        context.Setting("moments.alphas", Alphas);

        var profiles = new Dictionary<(double, string), MomentProfile>();
        var singleDrawRatios = new Dictionary<(double, string), List<double>>();
        var clock = Stopwatch.StartNew();
        using (var progress = context.Progress("forward and backward passes", Alphas.Length * draws * KaimingScheme.All.Count))
        {
            int done = 0;
            foreach (double alpha in Alphas)
            {
                var model = MomentProfile.Network(Depth, width, alpha);
                var sums = KaimingScheme.All.ToDictionary(s => s.Key, _ => (Forward: new double[Depth], Backward: new double[Depth], Gain: new double[Depth]));
                for (int draw = 0; draw < draws; draw++)
                {
                    var x = MomentProfile.StandardNormal(batch, width, context.Seed, (ulong)(2 * draw));
                    var g = MomentProfile.StandardNormal(batch, width, context.Seed, (ulong)(2 * draw + 1));
                    foreach (var scheme in KaimingScheme.All)
                    {
                        MomentProfile.Initialize(model, scheme, alpha, unchecked(context.Seed * 131 + draw));
                        var profile = MomentProfile.Measure(model, x, g);
                        var sum = sums[scheme.Key];
                        for (int l = 0; l < Depth; l++)
                        {
                            sum.Forward[l] += profile.Forward[l] / draws;
                            sum.Backward[l] += profile.Backward[l] / draws;
                            sum.Gain[l] += profile.ActivationGain[l] / draws;
                        }

                        if (!singleDrawRatios.TryGetValue((alpha, scheme.Key), out var ratios))
                        {
                            singleDrawRatios[(alpha, scheme.Key)] = ratios = [];
                        }

                        ratios.Add(profile.ForwardRatio);
                        progress.Report(++done, $"α = {alpha.ToString(CultureInfo.InvariantCulture)}, {scheme.Label}, draw {draw + 1}");
                    }
                }

                foreach (var scheme in KaimingScheme.All)
                {
                    var sum = sums[scheme.Key];
                    var profile = new MomentProfile(sum.Forward, sum.Backward, sum.Gain);
                    profiles[(alpha, scheme.Key)] = profile;
                    string key = $"moments.{scheme.Key}.alpha{alpha.ToString(CultureInfo.InvariantCulture)}";
                    context.Record($"{key}.forward", profile.Forward);
                    context.Record($"{key}.backward", profile.Backward);
                    context.Record($"{key}.forward_ratio", profile.ForwardRatio);
                    context.Record($"{key}.backward_ratio", profile.BackwardRatio);
                    context.Record($"{key}.activation_gain", profile.ActivationGain.Average());
                    context.Record($"{key}.single_draw_forward_ratio_range", new[] { singleDrawRatios[(alpha, scheme.Key)].Min(), singleDrawRatios[(alpha, scheme.Key)].Max() });
                }
            }
        }

        context.Record("timing.moments_seconds", clock.Elapsed.TotalSeconds);
        context.Paragraph($"{Alphas.Length * draws * KaimingScheme.All.Count} forward and backward passes in {clock.Elapsed.TotalSeconds:F1} s.");
        MomentFigures(context, profiles);
        MomentTable(context, profiles, singleDrawRatios);
        MomentFindings(context, profiles, singleDrawRatios, draws);
        return profiles;
    }

    /// <summary>What the derivation predicts for the ratio after <see cref="Depth"/> − 1 layers: the per-layer factor
    /// n·Var(W)·½(1 + α²) to the 49th power.</summary>
    internal static double PredictedRatio(KaimingScheme scheme, double alpha) =>
        Math.Pow(scheme.VarianceTimesFanIn(alpha) * 0.5 * (1 + alpha * alpha), Depth - 1);

    private static void MomentFigures(LabContext context, Dictionary<(double Alpha, string Scheme), MomentProfile> profiles)
    {
        var charts = new List<Chart>();
        double[] layers = [.. Enumerable.Range(1, Depth).Select(l => (double)l)];
        foreach (bool forward in new[] { true, false })
        {
            foreach (var scheme in KaimingScheme.All)
            {
                var series = Alphas.Select(a => new LineSeries(FormattableString.Invariant($"α = {a}"), layers,
                    forward ? profiles[(a, scheme.Key)].Forward : profiles[(a, scheme.Key)].Backward)).ToList();
                charts.Add(Charts.LineChart(series, $"{(forward ? "forward" : "backward")}, {scheme.Label}", "layer",
                    forward ? "E[z²]" : "E[(∂L/∂a)²]", logY: true, integerX: true,
                    legend: scheme == KaimingScheme.All[0] ? ScottPlot.Alignment.UpperLeft : null));
            }
        }

        context.Figure(Chart.Grid(charts, columns: 3, "Second moments through depth"), "moments",
            "Top: E[z_l²] of the pre-activations against depth; bottom: E[(∂L/∂a_l)²] (the gradient flows from layer 50 down to layer 1). Columns: He, corrected, Glorot; one line per slope α, log scale.");

        var measured = Alphas.Select(a => profiles[(a, KaimingScheme.Corrected.Key)].ActivationGain.Average()).ToList();
        double[] grid = [.. Enumerable.Range(0, 41).Select(i => i / 40.0)];
        context.Figure(
            Charts.LineChart(
                [new LineSeries("½(1 + α²)", grid, grid.Select(a => 0.5 * (1 + a * a)).ToList()), new LineSeries("measured E[a²]/E[z²]", Alphas, measured)],
                "The derivation's key step", "negative slope α", "E[LeakyReLU(z)²] / E[z²]", legend: ScottPlot.Alignment.UpperLeft),
            "activation-gain",
            "E[a_l²] / E[z_l²] averaged over the 50 layers (corrected initialisation) against ½(1 + α²).");
    }

    private static void MomentTable(LabContext context, Dictionary<(double Alpha, string Scheme), MomentProfile> profiles, Dictionary<(double, string), List<double>> single)
    {
        context.Table(
            "Second moment after 49 layers over the first layer's (mean over weight draws)",
            ["α", "E[a²]/E[z²]", "½(1+α²)", "He fwd", "He bwd", "He predicted", "corrected fwd", "corrected bwd", "corrected, one network (min–max)", "Glorot fwd", "Glorot bwd", "Glorot predicted"],
            Alphas.Select(a =>
            {
                var he = profiles[(a, KaimingScheme.He.Key)];
                var corrected = profiles[(a, KaimingScheme.Corrected.Key)];
                var glorot = profiles[(a, KaimingScheme.Glorot.Key)];
                var range = single[(a, KaimingScheme.Corrected.Key)];
                return (IReadOnlyList<object?>)[a, corrected.ActivationGain.Average(), 0.5 * (1 + a * a), Ratio(he.ForwardRatio), Ratio(he.BackwardRatio), Ratio(PredictedRatio(KaimingScheme.He, a)),
                    Ratio(corrected.ForwardRatio), Ratio(corrected.BackwardRatio), $"{Ratio(range.Min())}–{Ratio(range.Max())}",
                    Ratio(glorot.ForwardRatio), Ratio(glorot.BackwardRatio), Ratio(PredictedRatio(KaimingScheme.Glorot, a))];
            }));
    }

    private static void MomentFindings(LabContext context, Dictionary<(double Alpha, string Scheme), MomentProfile> profiles, Dictionary<(double, string), List<double>> single, int draws)
    {
        var corrected = Alphas.Select(a => profiles[(a, KaimingScheme.Corrected.Key)]).ToList();
        bool steady = corrected.All(p => InBand(p.ForwardRatio) && InBand(p.BackwardRatio));
        context.Record("moments.corrected_within_0.5_2", steady);
        context.Finding(
            $"Corrected, Var(W) = 2/((1 + α²)n): after 49 layers the forward ratio is {LabContext.Format(corrected.Min(p => p.ForwardRatio), 3)}–{LabContext.Format(corrected.Max(p => p.ForwardRatio), 3)} " +
            $"and the backward ratio {LabContext.Format(corrected.Min(p => p.BackwardRatio), 3)}–{LabContext.Format(corrected.Max(p => p.BackwardRatio), 3)} over the seven slopes " +
            (steady ? "— all within [0.5, 2]: the signal neither fades nor grows, whatever α." : "— NOT all within [0.5, 2].") +
            $" One network alone ranges {LabContext.Format(Alphas.Min(a => single[(a, KaimingScheme.Corrected.Key)].Min()), 3)}–{LabContext.Format(Alphas.Max(a => single[(a, KaimingScheme.Corrected.Key)].Max()), 3)} over the {draws} draws.");

        var drifting = Alphas.Where(a => !InBand(profiles[(a, KaimingScheme.He.Key)].ForwardRatio)).ToList();
        context.Record("moments.he_drifting_alphas", drifting);
        string heRows = string.Join("; ", Alphas.Where(a => a > 0).Select(a =>
            FormattableString.Invariant($"α = {a}: {Ratio(profiles[(a, KaimingScheme.He.Key)].ForwardRatio)} (predicted (1 + α²)^49 = {Ratio(PredictedRatio(KaimingScheme.He, a))})")));
        context.Finding(
            "He (2/n, right only for α = 0) multiplies the moment by 1 + α² per layer: after 49 layers " + heRows + ". " +
            (drifting.Count == 0 ? "No slope leaves [0.5, 2]." : $"It leaves [0.5, 2] from α = {drifting.Min().ToString(CultureInfo.InvariantCulture)} on."));

        double worst = Alphas.Max(a => Math.Abs(Math.Log(profiles[(a, KaimingScheme.Glorot.Key)].ForwardRatio / profiles[(a, KaimingScheme.Corrected.Key)].ForwardRatio / (PredictedRatio(KaimingScheme.Glorot, a) / PredictedRatio(KaimingScheme.Corrected, a)))));
        context.Record("moments.scale_law_worst_log_error", worst);
        context.Finding(
            $"Glorot (1/n for square layers) is the corrected rule only at α = 1 (ratio {LabContext.Format(profiles[(1.0, KaimingScheme.Glorot.Key)].ForwardRatio, 3)}); for ReLU the signal falls to " +
            $"{Ratio(profiles[(0.0, KaimingScheme.Glorot.Key)].ForwardRatio)} of its first-layer size (predicted 2^−49 = {Ratio(Math.Pow(2, -49))}). " +
            $"Because the schemes share their seeds, each differs from the corrected one by exactly the predicted factor per layer: the largest deviation over the slopes is {100 * (Math.Exp(worst) - 1):0.###}%.");

        var gains = Alphas.Select(a => (Alpha: a, Measured: profiles[(a, KaimingScheme.Corrected.Key)].ActivationGain.Average())).ToList();
        double gainError = gains.Max(g => Math.Abs(g.Measured / (0.5 * (1 + g.Alpha * g.Alpha)) - 1));
        context.Record("moments.activation_gain_worst_relative_error", gainError);
        context.Finding($"The derivation's key step, E[LeakyReLU(z)²] = ½(1 + α²)E[z²], holds in every layer on average to within {100 * gainError:0.#}% for all seven slopes.");
    }

    private static bool InBand(double ratio) => ratio >= 0.5 && ratio <= 2;

    /// <summary>A ratio to three significant digits, in scientific notation outside [0.001, 10⁴).</summary>
    private static string Ratio(double value) =>
        value != 0 && (Math.Abs(value) >= 1e4 || Math.Abs(value) < 1e-3)
            ? value.ToString("0.00e+0", CultureInfo.InvariantCulture)
            : LabContext.Format(value, 3);

    private static void Train(LabContext context)
    {
        var (layers, width, alpha, epochs, trainRows, validationRows) = TrainingSize(context.Quick);
        var source = LabData.FashionMnist(context);
        context.Section($"Training {layers}-layer LeakyReLU({alpha.ToString(CultureInfo.InvariantCulture)}) networks on {(source.IsFashion ? "Fashion-MNIST" : "MNIST (stand-in)")}");
        var x = Images.ScalePixels(source.Split.XTrain, flatten: true);
        var y = Tensor.Cast<byte, float>(source.Split.YTrain);
        var xVal = Images.ScalePixels(source.Split.XTest, flatten: true);
        var yVal = Tensor.Cast<byte, float>(source.Split.YTest);
        if (trainRows is { } tr && tr < x.Shape[0])
        {
            (x, y) = (x.SliceRows(0, tr).Clone(), y.SliceRows(0, tr).Clone());
        }

        if (validationRows is { } vr && vr < xVal.Shape[0])
        {
            (xVal, yVal) = (xVal.SliceRows(0, vr).Clone(), yVal.SliceRows(0, vr).Clone());
        }

        context.Paragraph(
            $"Data: {source.Description}; {x.Shape[0]:N0} training images, {xVal.Shape[0]:N0} test images as the validation curve, pixels in [0, 1]. " +
            $"Network: 784 → {layers} × (Dense({width}) → LeakyReLU({alpha.ToString(CultureInfo.InvariantCulture)})) → Dense(10) logits, sparse categorical cross-entropy; zero biases; " +
            $"every kernel (the output layer's too) from the scheme with the same seeds; SGD, learning rate 0.01, momentum 0.9, batch 128, {epochs} epochs, the same shuffling for all. " +
            "The course names no data set, network or optimiser for this question: these are the lab's choices, fixed before any run.");
        if (context.Quick)
        {
            context.Paragraph($"--quick: {x.Shape[0]:N0} training and {xVal.Shape[0]:N0} validation images, width {width}, {epochs} epochs.");
        }

        context.Setting("training.layers", layers);
        context.Setting("training.width", width);
        context.Setting("training.alpha", alpha);
        context.Setting("training.epochs", epochs);
        context.Setting("training.optimizer", "SGD(lr 0.01, momentum 0.9), batch 128");
        context.Setting("training.data", source.Description);

        var histories = new Dictionary<string, History>();
        foreach (var scheme in KaimingScheme.All)
        {
            var model = new Sequential();
            for (int l = 0; l < layers; l++)
            {
                model.Add(new Dense(width, kernelInitializer: scheme.Create(alpha, MomentProfile.LayerSeed(context.Seed, 1000 + l)), inputShape: l == 0 ? [784] : null));
                model.Add(new LeakyReLU(alpha));
            }

            model.Add(new Dense(10, kernelInitializer: scheme.Create(alpha, MomentProfile.LayerSeed(context.Seed, 1000 + layers))));
            model.Compile(new SGD(learningRate: 0.01, momentum: 0.9), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
            var clock = Stopwatch.StartNew();
            var history = model.Fit(x, y, epochs: epochs, batchSize: 128, validationData: (xVal, yVal), verbose: 0, seed: unchecked((ulong)context.Seed),
                callbacks: [new EpochProgress(context, $"{scheme.Label}: {epochs} epochs", epochs)]);
            histories[scheme.Key] = history;
            context.Record($"training.{scheme.Key}.seconds", clock.Elapsed.TotalSeconds);
            foreach (string metric in new[] { "loss", "accuracy", "val_loss", "val_accuracy" })
            {
                context.Record($"training.{scheme.Key}.{metric}", history[metric]);
            }
        }

        context.Figure(
            Chart.Grid(
            [
                Charts.OverlayCurves(KaimingScheme.All.ToDictionary(s => s.Label, s => histories[s.Key]["loss"]), "training loss", "cross-entropy", logY: true),
                Charts.OverlayCurves(KaimingScheme.All.ToDictionary(s => s.Label, s => histories[s.Key]["val_accuracy"]), "validation accuracy", "accuracy"),
            ], columns: 2, $"{layers} × LeakyReLU({alpha.ToString(CultureInfo.InvariantCulture)}) under three initialisations"),
            "training",
            "Training loss (log scale) and validation accuracy per epoch under He, the corrected variance and Glorot.");
        context.Table("Training: per epoch", ["initialisation", "epoch", "loss", "accuracy", "val_loss", "val_accuracy"],
            KaimingScheme.All.SelectMany(s => Enumerable.Range(0, epochs).Select(e => (IReadOnlyList<object?>)
                [s.Label, e + 1, histories[s.Key]["loss"][e], histories[s.Key]["accuracy"][e], histories[s.Key]["val_loss"][e], histories[s.Key]["val_accuracy"][e]])));

        var ranked = KaimingScheme.All.OrderByDescending(s => histories[s.Key]["val_accuracy"][^1]).ToList();
        double margin = histories[ranked[0].Key]["val_accuracy"][^1] - histories[ranked[1].Key]["val_accuracy"][^1];
        var first = KaimingScheme.All.ToDictionary(s => s.Key, s => histories[s.Key]["val_accuracy"][0]);
        // Half a point is within what a change of seed moves a 5-epoch run by; closer than that is a tie.
        string verdict = margin < 0.005
            ? $"{ranked[0].Label} and {ranked[1].Label} end level (within half a point); {ranked[2].Label} trails the best by {100 * (histories[ranked[0].Key]["val_accuracy"][^1] - histories[ranked[2].Key]["val_accuracy"][^1]):0.0} points"
            : $"best at the end: {ranked[0].Label}, {100 * margin:0.0} points ahead of {ranked[1].Label}";
        context.Finding(
            $"After epoch 1 the validation accuracy is " + string.Join(", ", KaimingScheme.All.Select(s => $"{Pct(first[s.Key])} ({s.Label})")) +
            $"; after epoch {epochs}: " + string.Join(", ", KaimingScheme.All.Select(s => $"{Pct(histories[s.Key]["val_accuracy"][^1])} ({s.Label})")) +
            $"; {verdict}. Mean training loss of epoch 1: " + string.Join(", ", KaimingScheme.All.Select(s => $"{LabContext.Format(histories[s.Key]["loss"][0], 3)} ({s.Key})")) +
            $". Over {layers} layers at α = {alpha.ToString(CultureInfo.InvariantCulture)} He's excess in the second moment is (1 + α²)^{layers} = {Ratio(Math.Pow(1 + alpha * alpha, layers))}, " +
            $"Glorot's shortfall (½(1 + α²))^{layers} = {Ratio(Math.Pow(0.5 * (1 + alpha * alpha), layers))}.");
    }

    private static void Compare(LabContext context, Dictionary<(double Alpha, string Scheme), MomentProfile> profiles)
    {
        var (width, _, _) = MomentSize(context.Quick);
        // The corrected initialiser at α = 0 drawn into every kernel of a fresh network, its variance times the fan-in.
        var model = MomentProfile.Network(Depth, width, 0);
        MomentProfile.Initialize(model, KaimingScheme.Corrected, 0, context.Seed);
        double sum = 0;
        long count = 0;
        foreach (var dense in model.Layers.OfType<Dense>())
        {
            foreach (float w in dense.Kernel.ValueAs<float>().AsSpan())
            {
                sum += (double)w * w;
                count++;
            }
        }

        double varianceTimesFanIn = sum / count * width;
        context.Record("kaiming.variance_times_fan_in_alpha0", varianceTimesFanIn);
        context.Compare(KaimingLeakyReluPublished.KaimingVariance, varianceTimesFanIn);
        var relu = profiles[(0.0, KaimingScheme.He.Key)];
        context.Compare(KaimingLeakyReluPublished.ReluHalvesTheMoment, relu.ActivationGain.Average());
        context.Compare(KaimingLeakyReluPublished.KaimingKeepsReluSignal, relu.ForwardRatio, "forward");
        context.Compare(KaimingLeakyReluPublished.KaimingKeepsReluSignal, relu.BackwardRatio, "backward");
    }

    private static string Pct(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
