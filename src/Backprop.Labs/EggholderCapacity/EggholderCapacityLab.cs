using Backprop.Plots;

namespace Backprop.Labs.EggholderCapacity;

/// <summary>Course 003, Problem 4: how test RMSE and training time grow with the size and depth of a ReLU network
/// fitting the noisy Eggholder function (fourteen networks, one to three hidden layers, PyTorch's initialisation,
/// BatchNorm1d and SGD semantics), the course's seven plots, and whether depth buys more RMSE per parameter.</summary>
public sealed class EggholderCapacityLab : ILab
{
    /// <summary>The dampening of the main runs: the course's value is cut off (<c>momentum=0.9, damp…</c>).</summary>
    public const double Dampening = 0;

    /// <summary>The dampening values of the sensitivity check (full run only).</summary>
    public static IReadOnlyList<double> SensitivityDampening { get; } = [0.1, 0.5, 0.9];

    /// <summary>The quick run's data: a tenth of the points (and a fifth of the epochs).</summary>
    public const int QuickPoints = 10_000;

    /// <summary>Parameter counts at which depths are compared (RMSE interpolated in log₁₀ parameters).</summary>
    public static readonly double[] ComparisonParameters = [1_000, 2_000, 5_000, 10_000, 20_000, 50_000];

    /// <summary>The name typed on the command line: <c>eggholder-capacity</c>.</summary>
    public string Name => "eggholder-capacity";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Fourteen ReLU networks of one to three layers fit the noisy Eggholder function with PyTorch's initialisation, BatchNorm1d and SGD: test RMSE and training time against size and depth, the course's plots, and whether depth buys more RMSE per parameter.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => EggholderCapacityPublished.All;

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int points = context.Quick ? QuickPoints : EggholderData.Points;
        Func<EggholderConfig, int> epochsOf = c => context.Quick ? Math.Max(2, c.Epochs / 5) : c.Epochs;
        RecordSettings(context, points);
        if (context.Quick)
        {
            context.Paragraph($"Quick run: {points:N0} points instead of {EggholderData.Points:N0} and a fifth of the epochs (10 for one layer, 4 otherwise); no dampening sensitivity check. Its RMSEs are far from converged.");
        }

        var data = EggholderData.Generate(context.Seed, points);
        double constant = ReportData(context, data);
        var results = TrainAll(context, data, epochsOf);
        ReportResults(context, results, constant);
        Plot(context, results);
        var depth = DepthFindings(context, results);
        if (!context.Quick)
        {
            DampeningSensitivity(context, data, results);
        }

        Compare(context, results, depth);
    }

    private static void RecordSettings(LabContext context, int points)
    {
        context.Setting("points", points);
        context.Setting("inputs", "x₁, x₂ ~ U(−512, 512), no scaling");
        context.Setting("noise", "N(0, √0.3) (variance 0.3)");
        context.Setting("split", $"train_test_split(test_size=0.2, random_state={context.Seed})");
        context.Setting("batch_size", EggholderModels.BatchSize);
        context.Setting("optimizer", $"SGD(momentum={EggholderModels.Momentum}, dampening={Dampening}); lr 1e-7 (1 layer), 1e-4 (2, 3 layers)");
        context.Setting("epochs", "50 (1 layer), 20 (2, 3 layers)");
        context.Setting("initialisation", "PyTorch nn.Linear: weight and bias U(±1/√fan_in) (FanInUniform)");
        context.Setting("batch_normalization", "BatchNorm1d: BatchNormalization(momentum=0.9, epsilon=1e-5, unbiased_moving_variance=true) after each hidden Linear of the 2- and 3-layer networks");
        context.Setting("loss", "mse");
    }

    // ---- data ------------------------------------------------------------------------------------------------

    private static double ReportData(LabContext context, EggholderData data)
    {
        context.Section("Data");
        double constant = EggholderTraining.ConstantRmse(data);
        var y = data.YTrain.AsSpan().ToArray();
        context.Paragraph(
            $"f(x₁, x₂) = −(x₂ + 47)·sin(√|x₂ + x₁/2 + 47|) − x₁·sin(√|x₁ − (x₂ + 47)|) on {data.YTrain.Shape[0] + data.YTest.Shape[0]:N0} points x₁, x₂ ~ U(−512, 512), " +
            $"plus N(0, √0.3) noise, float32; train_test_split(test_size=0.2) gives {data.YTrain.Shape[0]:N0} training and {data.YTest.Shape[0]:N0} test points. " +
            "Neither inputs nor targets are scaled, as in the course. The course drew its points unseeded; here Backprop's generator draws them from the run's seed.");
        context.Table("Targets", ["", "value"],
        [
            ["training mean", y.Average(v => (double)v)],
            ["training min / max", $"{F(y.Min())} / {F(y.Max())}"],
            ["RMSE of predicting the training mean on the test set", constant],
            ["noise standard deviation (the lowest RMSE possible)", Math.Sqrt(EggholderData.NoiseVariance)],
        ]);
        context.Record("data.constant_rmse", constant);
        context.Record("data.train_points", data.YTrain.Shape[0]);
        return constant;
    }

    // ---- training --------------------------------------------------------------------------------------------

    private static List<EggholderResult> TrainAll(LabContext context, EggholderData data, Func<EggholderConfig, int> epochsOf)
    {
        context.Section("The fourteen networks");
        context.Paragraph(
            "As the course builds them in PyTorch: 1 layer: Linear(2, h) → ReLU → Linear(h, 1), SGD(lr=1e-7, momentum=0.9), 50 epochs; " +
            "2 and 3 layers: each hidden Linear followed by BatchNorm1d and ReLU, SGD(lr=1e-4, momentum=0.9), 20 epochs; MSE, batches of 1,000 reshuffled every epoch. " +
            "Every Linear is initialised as nn.Linear (FanInUniform: weight and bias U(±1/√fan_in), the bias with its weight's fan-in); BatchNorm1d is " +
            "BatchNormalization(momentum=0.9, epsilon=1e-5, unbiased_moving_variance=true). " +
            $"The course's dampening value is cut off in the material (\"momentum=0.9,damp…\"); these runs use dampening = {Dampening} (PyTorch's default), and the full run checks other values below. " +
            "Training time is the wall-clock time of Fit, as the course timed train(). The course lists 4 + 5 + 5 = 14 networks (the issue speaks of 15).");
        var results = new List<EggholderResult>();
        foreach (var config in EggholderModels.Course)
        {
            int epochs = epochsOf(config);
            var progress = new EpochProgress(context, $"{config.Depth} layer{(config.Depth > 1 ? "s" : "")} {config.Label}", epochs);
            results.Add(EggholderTraining.Train(config, data, context.Seed, Dampening, epochs, progress));
        }

        return results;
    }

    private static void ReportResults(LabContext context, List<EggholderResult> results, double constant)
    {
        context.Table("Results (test RMSE: the course's way, BN in training mode on the test set, and in inference mode)",
            ["depth", "hidden", "parameters", "hidden units", "epochs", "train time (s)", "CPU time (s)", "final training MSE", "test RMSE (course)", "test RMSE (inference)"],
            results.Select(r => (IReadOnlyList<object?>)[r.Config.Depth, r.Config.Label, r.Config.Parameters, r.Config.HiddenUnits, r.Loss.Length, r.TrainSeconds, r.CpuSeconds, r.Loss[^1], r.RmseCourse, r.RmseInference]));
        foreach (var r in results)
        {
            string key = $"models.{r.Config.Depth}.{string.Join("-", r.Config.Hidden)}";
            context.Record($"{key}.parameters", r.Config.Parameters);
            context.Record($"{key}.train_seconds", r.TrainSeconds);
            context.Record($"{key}.cpu_seconds", r.CpuSeconds);
            context.Record($"{key}.rmse_course", r.RmseCourse);
            context.Record($"{key}.rmse_inference", r.RmseInference);
            context.Record($"{key}.loss", r.Loss);
        }

        double total = results.Sum(r => r.TrainSeconds);
        context.Record("timing.total_train_seconds", total);
        var oneLayer = results.Where(r => r.Config.Depth == 1).ToList();
        var best = results.Where(r => double.IsFinite(r.RmseCourse)).MinBy(r => r.RmseCourse)!;
        context.Finding(
            $"The best network is {best.Config.Depth} layer{(best.Config.Depth > 1 ? "s" : "")} {best.Config.Label} ({best.Config.Parameters:N0} parameters) with a test RMSE of {F(best.RmseCourse)} " +
            $"(inference mode {F(best.RmseInference)}), against {F(constant)} for predicting the mean. The one-layer networks at lr 1e-7 end between {F(oneLayer.Min(r => r.RmseCourse))} and {F(oneLayer.Max(r => r.RmseCourse))}: " +
            $"{(oneLayer.All(r => r.RmseCourse > 0.9 * constant) ? "hardly better than the mean" : "clearly better than the mean")}. All fourteen trained in {F(total, 3)} s.");
        var bn = results.Where(r => r.Config.BatchNorm).ToList();
        double gap = bn.Max(r => Math.Abs(r.RmseCourse - r.RmseInference) / r.RmseInference);
        int lower = bn.Count(r => r.RmseCourse < r.RmseInference);
        context.Finding(
            $"Evaluating with BN in training mode (the course's way, the test set's own batch statistics) instead of inference mode (running statistics) changes the RMSE of the " +
            $"{bn.Count} batch-normalised networks by up to {F(100 * gap, 3)}%; the course's way gives the lower RMSE for {lower} of them.");
    }

    // ---- plots -----------------------------------------------------------------------------------------------

    private static void Plot(LabContext context, List<EggholderResult> results)
    {
        context.Section("The course's plots");
        Chart PerDepth(Func<EggholderResult, double> x, Func<EggholderResult, double> y, string xLabel, string yLabel, string what, bool both)
        {
            var charts = new List<Chart>();
            for (int depth = 1; depth <= 3; depth++)
            {
                var rows = results.Where(r => r.Config.Depth == depth).OrderBy(x).ToList();
                string name = !both ? what : depth == 1 ? "test RMSE (no BN)" : "course (BN training mode)";
                var series = new List<XYSeries> { new(name, rows.Select(x).ToArray(), rows.Select(y).ToArray()) };
                if (both && depth > 1)
                {
                    series.Add(new XYSeries("inference mode", rows.Select(x).ToArray(), rows.Select(r => r.RmseInference).ToArray()));
                }

                charts.Add(Charts.XYPlot(series, $"{depth}-Layer {what} vs {xLabel}", xLabel, yLabel));
            }

            return Chart.Grid(charts, 3);
        }

        context.Figure(PerDepth(r => r.Config.HiddenUnits, r => r.RmseCourse, "No of hidden units", "RMSE", "RMSE", both: true), "rmse-vs-hidden-units",
            "Per depth: test RMSE against the number of hidden units (the sum of the hidden sizes), as the course computed it and in inference mode.");
        context.Figure(PerDepth(r => r.Config.Parameters, r => r.RmseCourse, "No of parameters", "RMSE", "RMSE", both: true), "rmse-vs-parameters",
            "Per depth: test RMSE against the number of trainable parameters.");
        context.Figure(PerDepth(r => r.Config.Parameters, r => r.TrainSeconds, "No of parameters", "Train time (s)", "Train time", both: false), "time-vs-parameters",
            "Per depth: training time (wall clock of Fit) against the number of parameters.");
        context.Figure(Charts.XYPlot(BySeries(results, r => r.RmseCourse), "RMSE vs No of parameters", "No of parameters", "RMSE", xMin: 0, xMax: 20_000), "rmse-vs-parameters-combined",
            "All depths: test RMSE against parameters, x limited to 20,000 as in the course (the two largest 2- and 3-layer networks lie beyond).");
        context.Figure(Charts.XYPlot(BySeries(results, r => r.TrainSeconds), "Training Time vs No of parameters", "No of parameters", "Training time (s)"), "time-vs-parameters-combined",
            "All depths: training time against parameters (1 layer: 50 epochs; 2 and 3 layers: 20).");
        context.Figure(Charts.XYPlot(BySeries(results, r => r.RmseCourse), "RMSE vs No of parameters (log scale)", "No of parameters", "RMSE", logX: true), "rmse-vs-parameters-log",
            "All fourteen networks on a logarithmic parameter axis (not in the course): the comparison at equal parameter counts below reads off these lines.");
    }

    private static List<XYSeries> BySeries(List<EggholderResult> results, Func<EggholderResult, double> y) =>
        Enumerable.Range(1, 3).Select(depth =>
        {
            var rows = results.Where(r => r.Config.Depth == depth).OrderBy(r => r.Config.Parameters).ToList();
            return new XYSeries($"{depth} layer{(depth > 1 ? "s" : "")}", rows.Select(r => (double)r.Config.Parameters).ToArray(), rows.Select(y).ToArray());
        }).ToList();

    // ---- depth -----------------------------------------------------------------------------------------------

    /// <summary>The statistics behind the course's claims.</summary>
    internal sealed record DepthStatistics(double TwoOverOneAt2000, double ThreeOverTwo, double TimeTwoOverThree, double SlopeRatio, double[] Slopes);

    private static DepthStatistics DepthFindings(LabContext context, List<EggholderResult> results)
    {
        context.Section("Does depth buy more RMSE per parameter?");
        context.Paragraph(
            "The depths' models have different parameter counts, so each depth's RMSE (and time) is interpolated linearly in log₁₀(parameters) between its measured models, " +
            "and the depths are compared at equal counts. One layer covers 257–2,049 parameters, two 401–67,841, three 705–67,457. " +
            "The one-layer networks also differ in learning rate (1e-7 against 1e-4), epochs (50 against 20) and batch normalisation (none), as in the course: depth is not the only difference.");
        var curves = Enumerable.Range(1, 3).ToDictionary(d => d, d => results.Where(r => r.Config.Depth == d).OrderBy(r => r.Config.Parameters).ToList());
        double Rmse(int depth, double p) => CapacityCurve.Interpolate(curves[depth].Select(r => (double)r.Config.Parameters).ToArray(), curves[depth].Select(r => r.RmseCourse).ToArray(), p);
        double Time(int depth, double p) => CapacityCurve.Interpolate(curves[depth].Select(r => (double)r.Config.Parameters).ToArray(), curves[depth].Select(r => r.TrainSeconds).ToArray(), p);

        var rows = new List<IReadOnlyList<object?>>();
        foreach (double p in ComparisonParameters.Prepend(500))
        {
            rows.Add([p, Rmse(1, p), Rmse(2, p), Rmse(3, p), Time(1, p), Time(2, p), Time(3, p)]);
        }

        context.Table("At equal parameter counts (interpolated; empty outside a depth's range)",
            ["parameters", "RMSE 1 layer", "RMSE 2 layers", "RMSE 3 layers", "time 1 layer (s)", "time 2 layers (s)", "time 3 layers (s)"],
            rows.Select(r => (IReadOnlyList<object?>)r.Select(v => v is double d && double.IsNaN(d) ? null : v).ToList()));

        double twoOverOne = Rmse(2, 2_000) / Rmse(1, 2_000);
        double threeOverTwo = ComparisonParameters.Average(p => Rmse(3, p) / Rmse(2, p));
        double timeRatio = ComparisonParameters.Average(p => Time(2, p) / Time(3, p));
        double[] slopes = Enumerable.Range(1, 3).Select(d => CapacityCurve.Slope(curves[d].Select(r => (double)r.Config.Parameters).ToArray(), curves[d].Select(r => r.TrainSeconds).ToArray())).ToArray();
        double slopeRatio = slopes[0] / Math.Max(slopes[1], slopes[2]);
        context.Record("depth.rmse_2_over_1_at_2000", twoOverOne);
        context.Record("depth.rmse_3_over_2_mean", threeOverTwo);
        context.Record("depth.time_2_over_3_mean", timeRatio);
        context.Record("depth.time_slopes_seconds_per_1000_parameters", slopes.Select(s => s * 1000).ToArray());

        context.Finding(
            $"At 2,000 parameters two layers reach {F(100 * (1 - twoOverOne), 3)}% {(twoOverOne < 1 ? "lower" : "HIGHER")} RMSE than one ({F(Rmse(2, 2_000))} against {F(Rmse(1, 2_000))}); " +
            $"between 1,000 and 50,000 parameters three layers average {F(threeOverTwo, 3)}× the RMSE of two ({(threeOverTwo < 1 ? "depth helps" : "depth does not help")}, " +
            $"ratios {string.Join(", ", ComparisonParameters.Select(p => F(Rmse(3, p) / Rmse(2, p), 3)))} at {string.Join(", ", ComparisonParameters.Select(p => p.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}).");
        context.Finding(
            $"Training time grows with parameters at {string.Join(", ", slopes.Select((s, i) => $"{F(s * 1000, 3)} s per 1,000 parameters for {i + 1} layer{(i > 0 ? "s" : "")}"))} (least-squares slopes); " +
            $"at equal parameter counts two layers take {F(timeRatio, 3)}× the time of three.");
        return new DepthStatistics(twoOverOne, threeOverTwo, timeRatio, slopeRatio, slopes);
    }

    // ---- dampening -------------------------------------------------------------------------------------------

    private static void DampeningSensitivity(LabContext context, EggholderData data, List<EggholderResult> results)
    {
        context.Section("How much the cut-off dampening matters");
        context.Paragraph(
            "The course passed a dampening to SGD whose value the material cuts off. PyTorch's dampening d scales every gradient after the first step by 1 − d before it enters the momentum buffer, " +
            "so it acts like a smaller learning rate. Two networks, one per learning rate, retrained with other values:");
        var picks = new[] { EggholderModels.Course[3], EggholderModels.Course[12] };
        var rows = new List<IReadOnlyList<object?>>();
        var spans = new List<string>();
        foreach (var config in picks)
        {
            var baseline = results.Single(r => r.Config == config);
            string name = $"{config.Depth} layer{(config.Depth > 1 ? "s" : "")} {config.Label}";
            rows.Add([name, Dampening, baseline.RmseCourse, baseline.RmseInference]);
            var rmses = new List<double> { baseline.RmseCourse };
            foreach (double d in SensitivityDampening)
            {
                var r = EggholderTraining.Train(config, data, context.Seed, d, progress: new EpochProgress(context, $"{config.Label}, dampening {d}", config.Epochs));
                rows.Add([null, d, r.RmseCourse, r.RmseInference]);
                rmses.Add(r.RmseCourse);
                context.Record($"dampening.{config.Depth}.{string.Join("-", config.Hidden)}.{d.ToString(System.Globalization.CultureInfo.InvariantCulture)}.rmse_course", r.RmseCourse);
            }

            spans.Add($"{name} from {F(rmses.Min())} to {F(rmses.Max())} ({F(100 * (rmses.Max() - rmses.Min()) / rmses.Min(), 3)}%)");
        }

        context.Table("Test RMSE by dampening", ["network", "dampening", "test RMSE (course)", "test RMSE (inference)"], rows);
        context.Finding($"Over dampening 0, {string.Join(", ", SensitivityDampening)} the test RMSE (course's way) ranges: {string.Join("; ", spans)}. " +
            "The unknown value is a real source of difference from the course's figures, as large as some gaps between depths above.");
    }

    // ---- comparison ------------------------------------------------------------------------------------------

    private static void Compare(LabContext context, List<EggholderResult> results, DepthStatistics depth)
    {
        context.Compare(EggholderCapacityPublished.TwoLayersBeatOne, depth.TwoOverOneAt2000,
            note: "The one-layer networks also train with a 1,000× smaller learning rate and no batch normalisation, as in the course.");
        context.Compare(EggholderCapacityPublished.ThreeLayersBeatTwo, depth.ThreeOverTwo);
        const string wallClock = "Training times are wall clock, as the course timed them, and move with other jobs on the machine: a ratio near the edge of its range can change verdict from run to run (the results table also gives CPU times).";
        context.Compare(EggholderCapacityPublished.TwoLayerTimeSlightlyLess, depth.TimeTwoOverThree,
            note: (context.Quick ? "Quick run: times of a fifth of the epochs on a tenth of the points. " : "") + wallClock);
        context.Compare(EggholderCapacityPublished.OneLayerSteepestTime, depth.SlopeRatio,
            note: $"Slopes {string.Join(", ", depth.Slopes.Select(s => F(s * 1000, 3)))} s per 1,000 parameters (1, 2, 3 layers); the one-layer networks train 50 epochs, the others 20. {wallClock}");
    }

    private static string F(double value, int digits = 4) => LabContext.Format(value, digits);
}
