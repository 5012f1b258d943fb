using System.Diagnostics;
using System.Globalization;
using Backprop.Data.Datasets;
using Backprop.Data;
using Backprop.Initializers;
using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Plots;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Labs.ActivationStatistics;

/// <summary>How the initial weights shape the activations of deep networks, as two courses ran it. Part 1
/// (course 000, Q2) pushes one input through a wide 1024→8192→8192→8192→4096→4096 tanh network under N(0, 1), Glorot
/// normal and Glorot uniform weights; part 2 (course 003, Problem 2.1) runs all 10,000 MNIST test digits through a
/// linear Dense(100) and five activated Dense(100) layers under tanh, sigmoid and ReLU with one seeded initialiser,
/// and plots every 20th activation value. Neither course published numbers, so its claims are checked against
/// statistics this run measures.</summary>
public sealed class ActivationStatisticsLab : ILab
{
    /// <summary>Bins of the part 1 density histograms under N(0, 1) (course 000, Q2(b): <c>bins=20</c>).</summary>
    internal const int NormalHistogramBins = 20;

    /// <summary>Bins of the part 1 density histograms under Glorot (course 000, Q2(c): <c>bins=50</c>).</summary>
    internal const int GlorotHistogramBins = 50;

    /// <summary>The course's initialiser seed in part 2 (one seeded initialiser for every layer).</summary>
    internal const int CourseSeed = 10;

    /// <summary>Part 2 keeps every 20th activation value of a layer (<c>ravel()[::20]</c>) for the plots.</summary>
    internal const int PlotStride = 20;

    /// <summary>Units per hidden layer in part 2.</summary>
    internal const int Units = 100;

    /// <summary>Activated hidden layers in part 2.</summary>
    internal const int Depth = 5;

    /// <summary>MNIST test digits part 2 uses in a --quick run (the full run uses all 10,000, as the course).</summary>
    internal const int QuickDigits = 2000;

    private static readonly int[] s_wideWidths = [1024, 8192, 8192, 8192, 4096, 4096];

    // --quick divides every hidden width by 8 (1024→1024→1024→1024→512→512): 3.9 million weights instead of 193 million.
    private static readonly int[] s_quickWideWidths = [1024, 1024, 1024, 1024, 512, 512];

    /// <summary>The name typed on the command line: <c>activation-statistics</c>.</summary>
    public string Name => "activation-statistics";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "How weight initialisation shapes the activations of deep tanh, sigmoid and ReLU networks, on one input and on MNIST, against the courses' claims.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => ActivationStatisticsPublished.All;

    /// <summary>The histogram bins the course used for a part 1 scheme: 20 for N(0, 1), 50 for Glorot.</summary>
    internal static int HistogramBins(InitScheme scheme) => scheme.Key == "normal" ? NormalHistogramBins : GlorotHistogramBins;

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RunWideNetwork(context);
        RunMnistNetworks(context);
    }

    /// <summary>The part 1 initialisation schemes, in the order they run.</summary>
    internal static IReadOnlyList<InitScheme> WideSchemes { get; } =
    [
        new("normal", "N(0, 1)", seed => new RandomNormal(mean: 0, stddev: 1, seed: seed)),
        new("glorot_normal", "Glorot normal", seed => new GlorotNormal(seed)),
        new("glorot_uniform", "Glorot uniform", seed => new GlorotUniform(seed)),
    ];

    /// <summary>The part 2 networks: activation, initialiser.</summary>
    internal static IReadOnlyList<MnistConfig> MnistConfigs { get; } =
    [
        .. SaturatingConfigs("tanh", SaturationRule.Tanh),
        .. SaturatingConfigs("sigmoid", SaturationRule.Sigmoid),
        new("relu", SaturationRule.None, new InitScheme("glorot_normal", "Glorot normal", seed => new GlorotNormal(seed))),
        new("relu", SaturationRule.None, new InitScheme("he_normal", "He normal", seed => new HeNormal(seed))),
    ];

    private static IEnumerable<MnistConfig> SaturatingConfigs(string activation, SaturationRule rule)
    {
        foreach (double sigma in (double[])[0.10, 0.14, 0.28])
        {
            string s = sigma.ToString("0.00", CultureInfo.InvariantCulture);
            yield return new MnistConfig(activation, rule, new InitScheme($"normal_{s}", $"N(0, {s}²)", seed => new RandomNormal(0, sigma, seed)));
        }

        yield return new MnistConfig(activation, rule, new InitScheme("glorot_normal", "Glorot normal", seed => new GlorotNormal(seed)));
    }

    /// <summary>The seed of layer <paramref name="layer"/>'s kernel. Every scheme uses the same per-layer seeds, so
    /// schemes differ only in the scale and shape of the distribution, not in the luck of the draw.</summary>
    internal static int LayerSeed(int runSeed, int part, int layer) => unchecked(runSeed * 7919 + part * 101 + layer);

    /// <summary>A model of dense layers <c>widths[0] → widths[1] → …</c>, each followed by <paramref name="activation"/>,
    /// with zero biases and kernels from <paramref name="scheme"/>.</summary>
    internal static Sequential BuildNetwork(IReadOnlyList<int> widths, string activation, InitScheme scheme, int runSeed, int part)
    {
        var model = new Sequential();
        for (int i = 1; i < widths.Count; i++)
        {
            model.Add(new Dense(widths[i], activation: activation, kernelInitializer: scheme.ForLayer(LayerSeed(runSeed, part, i)),
                inputShape: i == 1 ? [widths[0]] : null));
        }

        model.Build(new Shape(widths[0]));
        return model;
    }

    /// <summary>Redraws every kernel in place from <paramref name="scheme"/> (biases stay zero): one network's
    /// memory serves all schemes.</summary>
    internal static void Reinitialize(Sequential model, InitScheme scheme, int runSeed, int part)
    {
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is Dense dense)
            {
                scheme.ForLayer(LayerSeed(runSeed, part, i + 1)).Initialize(dense.Kernel.ValueAs<float>());
            }
        }
    }

    /// <summary>The output of every layer for the batch <paramref name="x"/> (the inspection API copies each one
    /// out, since layers reuse their output buffers).</summary>
    internal static float[][] LayerOutputs(Sequential model, Tensor<float> x) =>
        model.ForwardWithActivations(x).Select(a => ((Tensor<float>)a.Output).ToArray()).ToArray();

    /// <summary>The one input of part 1: <paramref name="features"/> values from N(0, ½), read as variance ½
    /// (standard deviation √½ ≈ 0.707), as <c>np.random.normal(0, np.sqrt(0.5), 1024)</c>.</summary>
    internal static Tensor<float> WideInput(int features, int runSeed)
    {
        var x = new Tensor<float>(1, features);
        new RandomGenerator(unchecked((ulong)runSeed)).FillNormal(x.AsSpan(), 0f, MathF.Sqrt(0.5f));
        return x;
    }

    private static void RunWideNetwork(LabContext context)
    {
        int[] widths = context.Quick ? s_quickWideWidths : s_wideWidths;
        const int part = 1;
        context.Section("Part 1 — one input through a deep, wide tanh network");
        context.Setting("part1.widths", widths);
        context.Setting("part1.input", "one vector from N(0, 1/2): variance 1/2, standard deviation sqrt(1/2)");
        context.Setting("part1.saturation", "|h| > 0.99");
        context.Setting("part1.histogram_bins", WideSchemes.ToDictionary(scheme => scheme.Key, HistogramBins));
        if (context.Quick)
        {
            context.Paragraph($"--quick: every hidden width divided by 8, {string.Join("→", widths)}.");
        }

        var x = WideInput(widths[0], context.Seed);
        double inputNorm = Math.Sqrt(x.AsSpan().ToArray().Sum(v => (double)v * v));

        var clock = Stopwatch.StartNew();
        var model = BuildNetwork(widths, "tanh", WideSchemes[0], context.Seed, part);
        double buildSeconds = clock.Elapsed.TotalSeconds;
        long weights = model.Layers.OfType<Dense>().Sum(d => (long)d.Kernel.Shape.Length);
        context.Paragraph(
            $"Network {string.Join("→", widths)}, tanh after every layer, zero biases, float32: {weights:N0} weights " +
            $"({weights * sizeof(float) / 1e6:N0} MB). One input x of {widths[0]} values drawn from N(0, ½), reading ½ as the variance " +
            $"(standard deviation √½ ≈ 0.707; here ‖x‖ = {inputNorm:F1}). The network is built once and its kernels are redrawn in place for each scheme, " +
            "so the three schemes share one network's memory. Each scheme uses the same per-layer seeds.");
        context.Record("part1.weights", weights);
        context.Record("part1.input_norm", inputNorm);

        var statistics = new Dictionary<string, LayerStatistics[]>();
        var panels = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<double>>>();
        using (var progress = context.Progress("initialise and forward", WideSchemes.Count))
        {
            for (int s = 0; s < WideSchemes.Count; s++)
            {
                var scheme = WideSchemes[s];
                double initSeconds = buildSeconds;
                if (s > 0)
                {
                    clock.Restart();
                    Reinitialize(model, scheme, context.Seed, part);
                    initSeconds = clock.Elapsed.TotalSeconds;
                }

                clock.Restart();
                float[][] outputs = LayerOutputs(model, x);
                double forwardSeconds = clock.Elapsed.TotalSeconds;
                context.Record($"timing.part1.{scheme.Key}.initialize_seconds", initSeconds);
                context.Record($"timing.part1.{scheme.Key}.forward_seconds", forwardSeconds);

                var layerStats = new LayerStatistics[outputs.Length];
                var series = new Dictionary<string, IReadOnlyList<double>>();
                for (int l = 0; l < outputs.Length; l++)
                {
                    layerStats[l] = LayerStatistics.Of(outputs[l], widths[l + 1], SaturationRule.Tanh);
                    double[] values = Array.ConvertAll(outputs[l], v => (double)v);
                    series[$"layer {l + 1}"] = values;
                    var histogram = Density.Histogram(values, HistogramBins(scheme), (-1, 1));
                    string key = $"part1.{scheme.Key}.layer{l + 1}";
                    context.Record($"{key}.mean", layerStats[l].Mean);
                    context.Record($"{key}.std", layerStats[l].StandardDeviation);
                    context.Record($"{key}.saturated_fraction", layerStats[l].SaturatedFraction);
                    context.Record($"{key}.histogram_density", histogram.Densities);
                }

                statistics[scheme.Key] = layerStats;
                panels[scheme.Label] = series;
                progress.Report(s + 1, $"{scheme.Label}: init {initSeconds:F2} s, forward {forwardSeconds:F2} s");
            }
        }

        foreach (int bins in WideSchemes.Select(HistogramBins).Distinct())
        {
            context.Record($"part1.histogram_edges_{bins}_bins", Density.Linspace(-1, 1, bins + 1));
        }

        // One full-width chart per scheme: five overlaid layers stay legible, and [−1, 1] is tanh's whole range.
        foreach (var scheme in WideSchemes)
        {
            context.Figure(
                Charts.DensityHistograms(panels[scheme.Label], HistogramBins(scheme), $"Part 1: tanh activations per layer, {scheme.Label} weights", "Activation Values", (-1, 1)),
                $"part1-histograms-{scheme.Key}",
                $"{scheme.Label}: normalised density histograms (area 1, {HistogramBins(scheme)} bins on [−1, 1], as the course) of each layer's tanh outputs " +
                $"({string.Join(", ", widths.Skip(1).Select(w => w.ToString("N0", CultureInfo.InvariantCulture)))} units) for one input.");
        }

        context.Table(
            "Part 1: activations per layer and scheme (saturated: |h| > 0.99)",
            LayerHeaders("scheme", widths.Skip(1)),
            WideSchemes.SelectMany(scheme => LayerRows(scheme.Label, statistics[scheme.Key], SaturationRule.Tanh)));

        context.Table(
            "Part 1: time to draw every weight and run the forward pass",
            ["scheme", "initialise (s)", "forward (s)"],
            WideSchemes.Select(scheme => (IReadOnlyList<object?>)
                [scheme.Label, (double)context.Results[$"timing.part1.{scheme.Key}.initialize_seconds"]!, (double)context.Results[$"timing.part1.{scheme.Key}.forward_seconds"]!]));
        context.Paragraph($"The N(0, 1) row includes allocating the network ({weights * sizeof(float) / 1e6:N0} MB of kernels); the others redraw in place.");

        WideFindings(context, widths, statistics, inputNorm);
    }

    private static void WideFindings(LabContext context, int[] widths, Dictionary<string, LayerStatistics[]> statistics, double inputNorm)
    {
        var normal = statistics["normal"];
        var glorotNormal = statistics["glorot_normal"];
        var glorotUniform = statistics["glorot_uniform"];
        // Layer 1's pre-activation z = x·W has standard deviation ‖x‖·σ_w for a fixed x.
        double normalZ = inputNorm * 1.0;
        double glorotZ = inputNorm * Math.Sqrt(2.0 / (widths[0] + widths[1]));
        context.Headline("N(0, 1) layer 1 saturated", Pct(normal[0].SaturatedFraction));
        context.Finding(
            $"N(0, 1) weights saturate the network at once: layer 1's pre-activations have standard deviation ‖x‖·σ_w = {normalZ:F1}, so " +
            $"{Pct(normal[0].SaturatedFraction)} of its units have |h| > 0.99, and {Pct(normal.Skip(1).Min(st => st.SaturatedFraction))}–" +
            $"{Pct(normal.Skip(1).Max(st => st.SaturatedFraction))} of the deeper layers' (std of h {Range(normal, st => st.StandardDeviation)}): tanh′ ≈ 0 almost everywhere.");
        context.Finding(
            $"Glorot normal gives layer 1 pre-activations of standard deviation {glorotZ:F2} and keeps the activations' std within " +
            $"{Range(glorotNormal, st => st.StandardDeviation)} over the five layers, with {AtMost(glorotNormal.Max(st => st.SaturatedFraction))} saturated.");
        double maxDifference = glorotNormal.Zip(glorotUniform, (a, b) => Math.Abs(a.StandardDeviation - b.StandardDeviation)).Max();
        context.Finding(
            $"Glorot uniform (same variance 2/(fan_in + fan_out)) behaves like Glorot normal: std {Range(glorotUniform, st => st.StandardDeviation)}, " +
            $"{AtMost(glorotUniform.Max(st => st.SaturatedFraction))} saturated; the two schemes' per-layer stds differ by at most {maxDifference:F3}.");
        double normalDrift = glorotNormal[^1].StandardDeviation / glorotNormal[0].StandardDeviation;
        double uniformDrift = glorotUniform[^1].StandardDeviation / glorotUniform[0].StandardDeviation;
        context.Finding(
            $"From layer 1 to layer 5 the Glorot activations' std goes {glorotNormal[0].StandardDeviation:F3} → {glorotNormal[^1].StandardDeviation:F3} (normal, ×{normalDrift:F2}) " +
            $"and {glorotUniform[0].StandardDeviation:F3} → {glorotUniform[^1].StandardDeviation:F3} (uniform, ×{uniformDrift:F2}), against " +
            $"{normal[0].StandardDeviation:F3} → {normal[^1].StandardDeviation:F3} for N(0, 1), where every layer sits against tanh's bounds.");

        context.Compare(ActivationStatisticsPublished.NormalSaturates, normal.Average(st => st.SaturatedFraction));
        foreach (var (label, layers) in new[] { ("Glorot normal", glorotNormal), ("Glorot uniform", glorotUniform) })
        {
            context.Compare(ActivationStatisticsPublished.GlorotCentred, layers.Max(st => Math.Abs(st.Mean) / st.StandardDeviation), label);
            context.Compare(ActivationStatisticsPublished.GlorotSimilarVariance, layers.Max(st => st.StandardDeviation) / layers.Min(st => st.StandardDeviation), label);
        }

        context.Compare(ActivationStatisticsPublished.GlorotVariantsAlike,
            glorotNormal.Zip(glorotUniform, (a, b) => Math.Abs(b.StandardDeviation - a.StandardDeviation) / a.StandardDeviation).Max());
    }

    /// <summary>Course 003's <c>create_mlp_model(5, 100, (784,), 10, init, 'zeros', act)</c>: a linear Dense(100),
    /// five Dense(100, <paramref name="activation"/>) and a Dense(10, softmax), every kernel from the one
    /// <paramref name="initializer"/> object, zero biases.</summary>
    internal static Sequential BuildCourseMlp(string activation, Initializer initializer)
    {
        var model = new Sequential(new Dense(Units, kernelInitializer: initializer, inputShape: [784]));
        for (int l = 0; l < Depth; l++)
        {
            model.Add(new Dense(Units, activation: activation, kernelInitializer: initializer));
        }

        model.Add(new Dense(10, activation: "softmax", kernelInitializer: initializer));
        model.Build(new Shape(784));
        return model;
    }

    /// <summary>Every <see cref="PlotStride"/>-th value of a row-major layer output, as numpy's <c>ravel()[::20]</c>.</summary>
    internal static double[] EveryNth(float[] values, int stride)
    {
        var result = new double[(values.Length + stride - 1) / stride];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = values[i * stride];
        }

        return result;
    }

    private static void RunMnistNetworks(LabContext context)
    {
        context.Section("Part 2 — a linear layer and five activated layers of 100 units on the MNIST test digits");
        var (images, source, full) = LoadTestDigits(context);
        if (context.Quick)
        {
            // The violins' kernel density estimates dominate the time; a fifth of the digits keeps --quick short.
            images = images.SliceRows(0, QuickDigits).Clone();
            full = false;
            context.Paragraph($"--quick: the first {QuickDigits:N0} of the {source} instead of all of them.");
        }

        int samples = images.Shape[0];
        context.Setting("part2.samples", samples);
        context.Setting("part2.data", source);
        context.Setting("part2.architecture", $"784 -> Dense({Units}) linear -> {Depth} x Dense({Units}, activation) -> Dense(10, softmax); zero biases");
        context.Setting("part2.initializer_seed", CourseSeed);
        context.Setting("part2.plotted_values", $"every {PlotStride}th value of each layer's output (ravel()[::{PlotStride}])");
        context.Setting("part2.saturation", "tanh |h| > 0.99; sigmoid h < 0.01 or h > 0.99");
        context.Paragraph(
            $"{(context.Quick ? "As the course ran it, on fewer digits" : "As the course ran it")}: {(full ? "all " : "")}{samples:N0} {source}, pixels scaled to [0, 1] and flattened to 784 values, go through a linear Dense({Units}), " +
            $"then {Depth} Dense({Units}) layers with the activation, then a Dense(10, softmax) (never trained). One initialiser object with seed {CourseSeed} draws every kernel; biases are zero. " +
            "A seeded initialiser gives the same values on every call (Keras ≥ 2.7, Keras 3 and this library; older TF-Keras drew new ones), so the five 100 × 100 kernels are identical. " +
            $"The library's generator is not TensorFlow's, so the draws are not the course's, and the run's --seed does not change this part. The plots show every {PlotStride}th value of each layer's output " +
            $"({samples * Units / PlotStride:N0} per layer; with 100 units per row that is units 1, 21, 41, 61 and 81 of every digit), as the course plotted them; the statistics use all {samples * Units:N0} values. " +
            "Saturated: |h| > 0.99 for tanh, h < 0.01 or h > 0.99 for sigmoid. Dead units: units whose ReLU output is 0 for every digit.");

        var results = new Dictionary<MnistConfig, LayerStatistics[]>();
        var plotted = new Dictionary<MnistConfig, double[][]>();
        var violins = new Dictionary<MnistConfig, Chart>();
        bool identicalKernels = true;
        using (var progress = context.Progress("MNIST networks", MnistConfigs.Count))
        {
            for (int c = 0; c < MnistConfigs.Count; c++)
            {
                var config = MnistConfigs[c];
                var model = BuildCourseMlp(config.Activation, config.Scheme.ForLayer(CourseSeed));
                var kernels = model.Layers.OfType<Dense>().Skip(1).Take(Depth).Select(d => d.Kernel.ValueAs<float>().ToArray()).ToList();
                identicalKernels &= kernels.All(k => k.AsSpan().SequenceEqual(kernels[0]));
                float[][] outputs = LayerOutputs(model, images);
                var layerStats = new LayerStatistics[Depth];
                var sampled = new double[Depth][];
                var groups = new Dictionary<string, IReadOnlyList<double>>();
                for (int l = 0; l < Depth; l++)
                {
                    // outputs[0] is the linear layer; the activated layers are 1…5.
                    layerStats[l] = LayerStatistics.Of(outputs[l + 1], Units, config.Rule);
                    sampled[l] = EveryNth(outputs[l + 1], PlotStride);
                    groups[$"{l + 1}"] = sampled[l];
                    string key = $"part2.{config.Activation}.{config.Scheme.Key}.layer{l + 1}";
                    context.Record($"{key}.mean", layerStats[l].Mean);
                    context.Record($"{key}.std", layerStats[l].StandardDeviation);
                    context.Record($"{key}.plotted_below_0.5_fraction", sampled[l].Count(v => v < 0.5) / (double)sampled[l].Length);
                    if (config.Rule != SaturationRule.None)
                    {
                        context.Record($"{key}.saturated_fraction", layerStats[l].SaturatedFraction);
                    }
                    else
                    {
                        context.Record($"{key}.zero_fraction", layerStats[l].ZeroFraction);
                        context.Record($"{key}.dead_unit_fraction", layerStats[l].DeadUnitFraction);
                    }
                }

                results[config] = layerStats;
                plotted[config] = sampled;
                string title = config.Scheme.Key switch
                {
                    "glorot_normal" => "Weights Drawn with Glorot Normalization",
                    "he_normal" => "Weights Drawn with He Initialization",
                    _ => $"Weights Drawn from N(μ = 0, σ = {config.Scheme.Key["normal_".Length..]})",
                };
                // ReLU outputs are exactly 0 about half the time: counted apart, so the violins show the positive part's shape.
                var violin = Charts.ViolinPlot(groups, title, $"{ActivationLabel(config.Activation)} Neuron Outputs", config.Rule == SaturationRule.None ? 0 : null);
                violin.Plot.Axes.Bottom.Label.Text = "Hidden Layer";
                // The activation's whole output range on every panel, so panels compare at a glance.
                if (config.Rule == SaturationRule.Tanh)
                {
                    violin.Plot.Axes.SetLimitsY(-1.05, 1.05);
                }
                else if (config.Rule == SaturationRule.Sigmoid)
                {
                    violin.Plot.Axes.SetLimitsY(-0.03, 1.03);
                }

                violins[config] = violin;
                progress.Report(c + 1, $"{config.Activation} / {config.Scheme.Label}");
            }
        }

        // Panels of one activation share their y range, so the initialisers compare at a glance (tanh and sigmoid already
        // show their whole output range).
        double reluTop = 0;
        foreach (var config in MnistConfigs.Where(c => c.Rule == SaturationRule.None))
        {
            reluTop = Math.Max(reluTop, plotted[config].SelectMany(v => v).DefaultIfEmpty(0).Max());
        }

        foreach (var config in MnistConfigs.Where(c => c.Rule == SaturationRule.None))
        {
            violins[config].Plot.Axes.SetLimitsY(-0.04 * Math.Max(reluTop, 1e-9), 1.05 * Math.Max(reluTop, 1e-9));
        }

        context.Record("part2.identical_hidden_kernels", identicalKernels);
        context.Finding(identicalKernels
            ? "In every network the five 100 × 100 kernels are identical, element for element: the one seeded initialiser repeats its draw for every layer of the same shape."
            : "The five 100 × 100 kernels of a network are not all identical, although one seeded initialiser drew them.");

        foreach (string activation in MnistConfigs.Select(c => c.Activation).Distinct())
        {
            var configs = MnistConfigs.Where(c => c.Activation == activation).ToList();
            string caption = $"Violin plots of each activated hidden layer's {activation} outputs (every {PlotStride}th value: {samples * Units / PlotStride:N0} per violin) for " +
                string.Join(", ", configs.Select(c => c.Scheme.Label)) + ": Gaussian KDE outline, min–max line, interquartile bar, median dot";
            if (configs[0].Rule == SaturationRule.None)
            {
                var zeroShares = configs.SelectMany(c => plotted[c].Select(v => v.Count(x => x == 0) / (double)v.Length)).ToList();
                caption += $". Outputs exactly 0 ({NumberFormat.Percent(zeroShares.Min())} to {NumberFormat.Percent(zeroShares.Max())} of a layer's plotted values) are counted apart: " +
                    "the share under each layer's number, a bar at 0 as wide as that share; the violins, bars and dots describe the positive outputs. " +
                    $"Both panels share one y range (0 to {LabContext.Format(reluTop, 3)}).";
            }
            else
            {
                caption += $"; the y axis spans the whole {activation} range on every panel.";
            }

            context.Figure(
                Chart.Grid(configs.Select(c => violins[c]).ToList(), columns: 2, $"Part 2: {activation} activations per hidden layer"),
                $"part2-{activation}-violins",
                caption);
            context.Table(
                $"Part 2: {activation} activations per layer (all values)",
                LayerHeaders("initialiser", Enumerable.Repeat(Units, Depth)),
                configs.SelectMany(c => LayerRows(c.Scheme.Label, results[c], c.Rule)));
            MnistFindings(context, activation, configs, results);
        }

        CompareMnistClaims(context, results, plotted);
    }

    private static void CompareMnistClaims(LabContext context, Dictionary<MnistConfig, LayerStatistics[]> results, Dictionary<MnistConfig, double[][]> plotted)
    {
        MnistConfig Config(string activation, string scheme) => MnistConfigs.Single(c => c.Activation == activation && c.Scheme.Key == scheme);
        double Saturated(MnistConfig c) => results[c].Average(st => st.SaturatedFraction);
        foreach (string activation in new[] { "tanh", "sigmoid" })
        {
            var wide = Config(activation, "normal_0.28");
            var narrow = Config(activation, "normal_0.10");
            context.Compare(ActivationStatisticsPublished.LargerSigmaSaturates, 100 * (Saturated(wide) - Saturated(narrow)), activation,
                note: $"{activation}: {Pct(Saturated(narrow))} of all outputs saturated at σ = 0.10, {Pct(Saturated(Config(activation, "normal_0.14")))} at σ = 0.14, {Pct(Saturated(wide))} at σ = 0.28.");
            context.Compare(ActivationStatisticsPublished.GlorotWellDistributed, results[Config(activation, "glorot_normal")].Max(st => st.SaturatedFraction), activation);
        }

        double BelowHalf(MnistConfig c) => plotted[c].Skip(3).SelectMany(v => v).Count(v => v < 0.5) / (double)plotted[c].Skip(3).Sum(v => v.Length);
        var glorot = Config("relu", "glorot_normal");
        var he = Config("relu", "he_normal");
        string spread = $"99th percentile of the plotted layer 4–5 outputs: {F3(Percentile(plotted[glorot].Skip(3).SelectMany(v => v), 0.99))} under Glorot, " +
            $"{F3(Percentile(plotted[he].Skip(3).SelectMany(v => v), 0.99))} under He; layer 5 std {F3(results[glorot][^1].StandardDeviation)} and {F3(results[he][^1].StandardDeviation)}.";
        var glorotRow = context.Compare(ActivationStatisticsPublished.ReluGlorotConcentrated, BelowHalf(glorot), note: spread);
        context.Headline("ReLU layers 4–5 below 0.5, Glorot / He", $"{Pct(BelowHalf(glorot))} / {Pct(BelowHalf(he))}");
        var heRow = context.Compare(ActivationStatisticsPublished.ReluHeSpread, BelowHalf(he));
        context.Finding(
            $"The course's ReLU claim: under Glorot normal {Pct(BelowHalf(glorot))} of the plotted layer 4–5 outputs are below 0.5 ({glorotRow.Verdict.ToText()} \"concentrated below 0.5\"), " +
            $"under He normal {Pct(BelowHalf(he))} ({heRow.Verdict.ToText()} \"not concentrated like Glorot\"). {spread}");
    }

    private static string ActivationLabel(string activation) => activation switch
    {
        "tanh" => "Tanh",
        "sigmoid" => "Sigmoid",
        _ => "ReLU",
    };

    private static double Percentile(IEnumerable<double> values, double q)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
    }

    private static string F3(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static void MnistFindings(LabContext context, string activation, List<MnistConfig> configs, Dictionary<MnistConfig, LayerStatistics[]> results)
    {
        // How much of the layer-1 spread survives to layer 5: 1 is a signal that neither fades nor explodes.
        string Trend(MnistConfig c) =>
            $"{c.Scheme.Label} {results[c][0].StandardDeviation:F3} → {results[c][^1].StandardDeviation:F3}";
        double Ratio(MnistConfig c) => results[c][^1].StandardDeviation / results[c][0].StandardDeviation;
        var steadiest = configs.MinBy(c => Math.Abs(Math.Log(Ratio(c))))!;
        context.Finding(
            $"{activation}: the std of the activations from layer 1 to layer 5 is " + string.Join("; ", configs.Select(Trend)) +
            $". {steadiest.Scheme.Label} keeps it steadiest (layer 5 / layer 1 = {Ratio(steadiest):F2})" +
            (results[steadiest].Max(st => st.SaturatedFraction) > 0.05
                ? $", but only because up to {Pct(results[steadiest].Max(st => st.SaturatedFraction))} of its units are pinned at the bounds."
                : "."));

        if (configs[0].Rule == SaturationRule.None)
        {
            var zeroFractions = configs.Select(c => results[c].Select(st => st.ZeroFraction).ToArray()).ToList();
            double largestGap = zeroFractions.Max(z => z.Zip(zeroFractions[0], (a, b) => Math.Abs(a - b)).Max());
            if (largestGap < 1e-4)
            {
                string same = largestGap == 0
                    ? "exactly the same outputs"
                    : $"the same outputs up to float32 rounding (the zero shares differ by at most {largestGap * 100:0.####} percentage points: a pre-activation within rounding of 0 can change sign when the weights are rescaled)";
                context.Finding(
                    $"{activation}: every initialiser switches off {same} in every layer (layer 1 to 5: " +
                    string.Join(", ", zeroFractions[0].Select(Pct)) + " zeros). With zero biases ReLU is positively homogeneous, relu(a·z) = a·relu(z) " +
                    "for a > 0, and these initialisers draw the same standardised values from the same seed, so they differ only by a scale per layer: " +
                    "the scale decides whether the signal fades, not which units fire.");
            }

            context.Finding(
                $"{activation}: zero outputs in layer 5: " + string.Join("; ", configs.Select(c => $"{c.Scheme.Label} {Pct(results[c][^1].ZeroFraction)}")) +
                "; dead units (0 for every digit) over all layers: " +
                string.Join("; ", configs.Select(c => $"{c.Scheme.Label} {Pct(results[c].Average(st => st.DeadUnitFraction))}")) + ".");
            return;
        }

        var mostSaturated = configs.MaxBy(c => results[c].Max(st => st.SaturatedFraction))!;
        context.Finding(
            $"{activation}: the largest saturated share is {Pct(results[mostSaturated].Max(st => st.SaturatedFraction))} " +
            $"({mostSaturated.Scheme.Label}, layer {Array.IndexOf(results[mostSaturated], results[mostSaturated].MaxBy(st => st.SaturatedFraction)) + 1}); " +
            "per initialiser, the most saturated layer: " +
            string.Join("; ", configs.Select(c => $"{c.Scheme.Label} {Pct(results[c].Max(st => st.SaturatedFraction))}")) + ".");
    }

    /// <summary>All 10,000 MNIST test images scaled to [0, 1] and flattened, as the course fed them; without full
    /// MNIST in the data folder, the 10,000 digits shipped with the library.</summary>
    private static (Tensor<float> Images, string Source, bool Full) LoadTestDigits(LabContext context)
    {
        var mnist = LabData.Mnist(context);
        var images = mnist.IsFull ? mnist.Split.XTest : Mnist.LoadSubsetAll().Images;
        string source = mnist.IsFull ? $"MNIST test digits ({mnist.Description})" : $"digits of {mnist.Description}";
        return (Images.ScalePixels(images.Clone(), flatten: true), source, mnist.IsFull);
    }

    private static string[] LayerHeaders(string first, IEnumerable<int> units) =>
        [first, "quantity", .. units.Select((u, l) => $"layer {l + 1} ({u})")];

    /// <summary>Table rows for one scheme: its statistics with one column per layer.</summary>
    private static IEnumerable<IReadOnlyList<object?>> LayerRows(string label, LayerStatistics[] layers, SaturationRule rule)
    {
        IReadOnlyList<object?> Row(string quantity, Func<LayerStatistics, double> select) =>
            [label, quantity, .. layers.Select(st => (object?)select(st))];

        yield return Row("mean", st => st.Mean);
        yield return Row("std", st => st.StandardDeviation);
        if (rule == SaturationRule.None)
        {
            yield return Row("zero %", st => 100 * st.ZeroFraction);
            yield return Row("dead units %", st => 100 * st.DeadUnitFraction);
        }
        else
        {
            yield return Row("saturated %", st => 100 * st.SaturatedFraction);
        }
    }

    /// <summary>"no unit" for 0, else the largest share as a percentage.</summary>
    private static string AtMost(double fraction) => fraction == 0 ? "no unit" : $"at most {Pct(fraction)}";

    private static string Pct(double fraction) => (100 * fraction).ToString(fraction < 0.001 && fraction > 0 ? "0.###" : "0.#", CultureInfo.InvariantCulture) + "%";

    private static string Range(IEnumerable<LayerStatistics> layers, Func<LayerStatistics, double> select)
    {
        var values = layers.Select(select).ToList();
        return $"{values.Min():F3}–{values.Max():F3}";
    }

    /// <summary>A kernel initialisation scheme: a short key for results.json, a label for the report, and the
    /// initialiser for a given seed.</summary>
    internal sealed record InitScheme(string Key, string Label, Func<int, Initializer> ForLayer);

    /// <summary>One part 2 network: its activation, what counts as saturated, and its kernel initialiser.</summary>
    internal sealed record MnistConfig(string Activation, SaturationRule Rule, InitScheme Scheme);
}
