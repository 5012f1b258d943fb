using Backprop.Optimizers;
using Backprop.Plots;

namespace Backprop.Labs.Eckerle4Regression;

/// <summary>Course 001, Exercise 2b: small ReLU networks regress NIST's Eckerle4 curve (35 points) on [0, 1]-scaled
/// data with batches of 2 for 256 epochs; the course's sixteen configurations of topology, optimiser and dropout,
/// 4 runs each, against its published mean ± std, its "did not work" detected by a rule, L-BFGS, and the same with
/// leak-free scaling.</summary>
public sealed class Eckerle4RegressionLab : ILab
{
    /// <summary>Runs per configuration in a full run (the course's 4).</summary>
    public const int FullRepetitions = 4;
    /// <summary>Runs per configuration with <c>--quick</c>.</summary>
    public const int QuickRepetitions = 2;
    /// <summary>L-BFGS iterations of the L-BFGS model.</summary>
    public const int LbfgsIterations = 200;

    /// <summary>Hidden layer widths of the L-BFGS model.</summary>
    public static readonly int[] LbfgsHidden = [128, 128, 64];

    /// <summary>The name typed on the command line: <c>eckerle4-regression</c>.</summary>
    public string Name => "eckerle4-regression";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "NIST's Eckerle4 curve with small ReLU networks: the course's 16 optimiser and topology configurations, 4 runs each, against its published mean ± std, its \"did not work\" found by a rule, L-BFGS, and leak-free scaling.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => Eckerle4RegressionPublished.All;

    /// <summary>A configuration's runs.</summary>
    internal sealed record ConfigRuns(Eckerle4Config Config, Eckerle4Run[] Runs)
    {
        public Measurement Train => Measurement.OfRepetitions(Runs.Select(r => r.TrainMse));

        public Measurement Test => Measurement.OfRepetitions(Runs.Select(r => r.TestMse));

        public int Collapsed => Runs.Count(r => r.Collapsed);
    }

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int repetitions = context.Quick ? QuickRepetitions : FullRepetitions;
        int epochs = context.Quick ? Eckerle4Training.QuickEpochs : Eckerle4Training.FullEpochs;
        int lbfgsIterations = context.Quick ? 50 : LbfgsIterations;
        context.Setting("split", $"train_test_split(test_size={Eckerle4Data.TestSize}, random_state={context.Seed})");
        context.Setting("scaling", "MinMaxScaler to [0, 1] on all 35 rows (course); on the 21 training rows (leak-free variant)");
        context.Setting("batch_size", Eckerle4Training.BatchSize);
        context.Setting("epochs", epochs);
        context.Setting("repetitions", repetitions);
        context.Setting("learning_rate", "0.01 unless the row names 0.001 (the table's default)");
        context.Setting("dropout", "Dropout(0.2) after the first hidden layer");
        context.Setting("initialisation", "glorot_uniform kernels seeded per run and layer, zero biases");
        context.Setting("did_not_work_rule", $"std of the predictions over all 35 inputs < {Eckerle4Run.CollapseRatio} × std of the targets");
        context.Setting("lbfgs", $"[128, 128, 64] relu, LBFGS(max_iterations={lbfgsIterations}, tolerance=1e-4), full batch");
        if (context.Quick)
        {
            context.Paragraph($"Quick run: {repetitions} runs per configuration instead of {FullRepetitions}, {epochs} epochs instead of {Eckerle4Training.FullEpochs}, L-BFGS for {lbfgsIterations} iterations instead of {LbfgsIterations}.");
        }

        var course = Eckerle4Data.Load(context.Seed, Eckerle4Scaling.WholeDataSet);
        var leakFree = Eckerle4Data.Load(context.Seed, Eckerle4Scaling.TrainingRowsOnly);
        ReportData(context, course, leakFree);

        context.Section("The sixteen configurations");
        context.Paragraph(
            $"1 → Dense(n, relu)… → Dense(1), MSE, batches of {Eckerle4Training.BatchSize} reshuffled every epoch, {epochs} epochs, {repetitions} runs per configuration from different initial weights. " +
            "The table's default learning rate 0.01 applies wherever a row names none (Nadam, SGD, AdaGrad, RMSProp: not stated for the last two, so the default too); " +
            "every other optimiser setting is Keras's default. Dropout(0.2) sits after the first hidden layer (the course applied it \"to the input layer\"). " +
            "The training error is the last epoch's training loss, the test error Evaluate on the 14 test rows, both on the [0, 1] scale, mean ± std (ddof = 1) over the runs, as the course computed them.");
        var courseRuns = TrainAll(context, course, repetitions, epochs, "course scaling");
        ReportTable(context, courseRuns);

        var lbfgs = Enumerable.Range(0, repetitions).Select(r =>
            Eckerle4Training.Train(course, LbfgsHidden, 0, new LBFGS(maxIterations: lbfgsIterations), RunSeed(context.Seed, 17, r), lbfgsIterations, batchSize: course.TrainRows.Length,
                new EpochProgress(context, $"L-BFGS, run {r + 1}", lbfgsIterations))).ToArray();
        ReportLbfgs(context, lbfgs, courseRuns);
        Plot(context, course, courseRuns, lbfgs);

        var leakFreeRuns = TrainAll(context, leakFree, repetitions, epochs, "leak-free scaling");
        ReportLeakFree(context, courseRuns, leakFreeRuns);
        Compare(context, courseRuns, lbfgs);
    }

    private static void ReportData(LabContext context, Eckerle4Data course, Eckerle4Data leakFree)
    {
        context.Section("Data");
        context.Paragraph(
            $"NIST StRD Eckerle4: 35 measurements of transmittance y against wavelength x = 400–500 nm, a single peak near 450 nm. " +
            $"train_test_split(test_size=0.4, random_state={context.Seed}) gives 21 training and 14 test rows (the course's split was unseeded). " +
            "The course min–max scaled x and y to [0, 1] on all 35 rows before splitting, so the test rows shape the scaling; the leak-free variant fits the scaling on the 21 training rows only. " +
            "All errors below, of either variant, are reported on the course's scale (y ÷ the range over all 35 rows), so they compare directly.");
        context.Table("Scaling ranges", ["", "x min", "x max", "y min", "y max"],
        [
            ["all 35 rows (course)", course.XScaler.DataMin![0], course.XScaler.DataMax![0], course.YScaler.DataMin![0], course.YScaler.DataMax![0]],
            ["21 training rows (leak-free)", leakFree.XScaler.DataMin![0], leakFree.XScaler.DataMax![0], leakFree.YScaler.DataMin![0], leakFree.YScaler.DataMax![0]],
        ]);
        context.Record("data.test_rows", course.TestRows);
        double outside = leakFree.TestRows.Count(i => leakFree.RawX[i] < leakFree.XScaler.DataMin![0] || leakFree.RawX[i] > leakFree.XScaler.DataMax![0]);
        context.Finding($"With leak-free scaling {outside} of the 14 test inputs fall outside the training range (scaled outside [0, 1]); the test rows' y reach {F(leakFree.TestRows.Max(i => leakFree.RawY[i]))} against the training rows' {F(leakFree.TrainRows.Max(i => leakFree.RawY[i]))}.");
    }

    private static List<ConfigRuns> TrainAll(LabContext context, Eckerle4Data data, int repetitions, int epochs, string variant)
    {
        var all = new List<ConfigRuns>();
        foreach (var config in Eckerle4Config.Course)
        {
            var runs = new Eckerle4Run[repetitions];
            using (var progress = context.Progress($"{variant}: {config.Label}", repetitions))
            {
                for (int r = 0; r < repetitions; r++)
                {
                    runs[r] = Eckerle4Training.Train(data, config.Hidden, config.Dropout, config.CreateOptimizer(), RunSeed(context.Seed, config.Number, r), epochs);
                    progress.Report(r + 1, $"test MSE {F(runs[r].TestMse)}");
                }
            }

            all.Add(new ConfigRuns(config, runs));
            string key = $"{(data.Scaling == Eckerle4Scaling.WholeDataSet ? "course" : "leak_free")}.{config.Number}";
            context.Record($"{key}.train_mse", runs.Select(r => r.TrainMse).ToArray());
            context.Record($"{key}.test_mse", runs.Select(r => r.TestMse).ToArray());
            context.Record($"{key}.spread_ratio", runs.Select(r => r.SpreadRatio).ToArray());
        }

        return all;
    }

    private static void ReportTable(LabContext context, List<ConfigRuns> runs)
    {
        context.Table("Against the course's table (MSE on the [0, 1] scale; mean ± std over the runs)",
            ["configuration", "course: training", "this run: training", "course: test", "this run: test", "runs predicting ≈ one value"],
            runs.Select(c => (IReadOnlyList<object?>)
            [
                c.Config.Label,
                c.Config.DidNotWork ? "did not work" : NumberFormat.FormatMeanStd(c.Config.TrainMean!.Value, c.Config.TrainStd!.Value),
                c.Train.ToString(),
                c.Config.DidNotWork ? "did not work" : NumberFormat.FormatMeanStd(c.Config.TestMean!.Value, c.Config.TestStd!.Value),
                c.Test.ToString(),
                $"{c.Collapsed} of {c.Runs.Length}",
            ]));
        var collapsed = runs.Where(c => 2 * c.Collapsed > c.Runs.Length).Select(c => c.Config.Label).ToList();
        context.Finding(collapsed.Count == 0
            ? $"No configuration \"did not work\" by the rule (most runs' predictions spreading less than {Eckerle4Run.CollapseRatio} × the targets' spread); the course found two (#3 plain SGD, #5 SGD with momentum 0.99)."
            : $"By the rule, {collapsed.Count} configuration{(collapsed.Count > 1 ? "s" : "")} \"did not work\" (most runs predict nearly one value): {string.Join("; ", collapsed)}. The course found #3 (plain SGD) and #5 (SGD, momentum 0.99).");
        var best = runs.Where(c => double.IsFinite(c.Test.Value!.Value)).MinBy(c => c.Test.Value!.Value)!;
        context.Finding($"The lowest mean test MSE is {best.Config.Label}'s, {best.Test}; the course's best was #13, [128, 128, 64] with Adam at 0.001 ({NumberFormat.FormatMeanStd(0.003066, 0.001185)}).");
    }

    private static void ReportLbfgs(LabContext context, Eckerle4Run[] lbfgs, List<ConfigRuns> runs)
    {
        context.Section("L-BFGS");
        context.Paragraph(
            "The course found L-BFGS (scikit-learn's MLP) good without giving numbers or settings. Here the library's LBFGS trains the best topology, [128, 128, 64] relu, on the whole training set at once " +
            "with scikit-learn's stopping rules (gradient tolerance 1e-4, at most the stated iterations), one iteration per Fit epoch.");
        var test = Measurement.OfRepetitions(lbfgs.Select(r => r.TestMse));
        context.Table("L-BFGS runs", ["run", "iterations", "final training MSE", "test MSE"],
            lbfgs.Select((r, i) => (IReadOnlyList<object?>)[i + 1, r.Loss.Length, r.TrainMse, r.TestMse]));
        context.Record("lbfgs.test_mse", lbfgs.Select(r => r.TestMse).ToArray());
        context.Record("lbfgs.train_mse", lbfgs.Select(r => r.TrainMse).ToArray());
        int better = runs.Count(c => c.Test.Value > test.Value);
        context.Finding($"L-BFGS reaches a test MSE of {test}, lower than {better} of the {runs.Count} gradient-descent configurations.");
    }

    private static void Plot(LabContext context, Eckerle4Data data, List<ConfigRuns> runs, Eckerle4Run[] lbfgs)
    {
        var best = runs.Where(c => double.IsFinite(c.Test.Value!.Value)).MinBy(c => c.Test.Value!.Value)!;
        var lines = best.Runs.Select((r, i) => new FitLine($"run {i + 1} (test {F(r.TestMse, 3)})", Eckerle4Training.Grid, r.GridPredictions)).ToArray();
        context.Figure(Charts.FunctionFit(data.RawX, data.RawY, $"Best configuration: {best.Config.Label}", lines), "best-fit",
            "The best configuration's runs over NIST's 35 points (21 training and 14 test), in transmittance against wavelength (nm).");
        context.Figure(Charts.OverlayCurves(best.Runs.Select((r, i) => (Key: $"run {i + 1}", Value: (IReadOnlyList<double>)r.Loss)).ToDictionary(p => p.Key, p => p.Value),
            $"Training MSE per epoch: {best.Config.Label}", "training MSE", logY: true), "best-curves", "Training loss per epoch of the best configuration's runs (log scale).");
        var adam = runs.Single(c => c.Config.Number == 1);
        context.Figure(Charts.OverlayCurves(adam.Runs.Select((r, i) => (Key: $"run {i + 1}", Value: (IReadOnlyList<double>)r.Loss)).ToDictionary(p => p.Key, p => p.Value),
            $"Training MSE per epoch: {adam.Config.Label}", "training MSE", logY: true), "adam-0.01-curves",
            "The same for Adam at lr 0.01 (#1): the course saw more oscillation in the training loss than at 0.001.");

        var categories = runs.Select(c => $"#{c.Config.Number}").Append("L-BFGS").ToArray();
        var ours = runs.Select(c => c.Test.Value!.Value).Append(lbfgs.Average(r => r.TestMse)).ToArray();
        var errors = runs.Select(c => c.Test.Std ?? 0).Append(Measurement.OfRepetitions(lbfgs.Select(r => r.TestMse)).Std ?? 0).ToArray();
        context.Figure(Charts.BarChart(categories, ours, errors, "Test MSE per configuration (this run)", "test MSE"), "test-mse-bars",
            "Mean ± std of the test MSE over the runs, per configuration (numbers as in the table above).");
        var published = runs.Where(c => !c.Config.DidNotWork).ToList();
        context.Figure(Charts.BarChart(published.Select(c => $"#{c.Config.Number}").ToArray(), published.Select(c => c.Config.TestMean!.Value).ToArray(),
            published.Select(c => c.Config.TestStd!.Value).ToArray(), "Test MSE per configuration (course)", "test MSE"), "course-test-mse-bars",
            "The course's published mean ± std test MSE, for comparison (#3 and #5 did not work).");
    }

    private static void ReportLeakFree(LabContext context, List<ConfigRuns> course, List<ConfigRuns> leakFree)
    {
        context.Section("Leak-free scaling");
        context.Paragraph("The same runs (same seeds, so the same initial weights and batch order) with the min–max scaling fitted on the 21 training rows; test MSE on the course's scale.");
        context.Table("Test MSE by scaling (mean ± std over the runs)", ["configuration", "all 35 rows (course)", "training rows only", "ratio"],
            course.Zip(leakFree).Select(p => (IReadOnlyList<object?>)[p.First.Config.Label, p.First.Test.ToString(), p.Second.Test.ToString(), p.Second.Test.Value / p.First.Test.Value]));
        var ratios = course.Zip(leakFree).Select(p => p.Second.Test.Value!.Value / p.First.Test.Value!.Value).Where(double.IsFinite).ToArray();
        double geometric = Math.Exp(ratios.Average(Math.Log));
        context.Record("leak_free.test_mse_ratio_geometric_mean", geometric);
        context.Finding(
            $"Fitting the scaling on the training rows only changes the test MSE by a factor of {F(geometric, 3)} on average (geometric mean over the configurations; " +
            $"{ratios.Count(r => r > 1)} of {ratios.Length} higher): " +
            (geometric > 1.1 ? "the course's scaling, which saw the test rows, flatters its test errors."
                : geometric < 0.9 ? "here the leak-free scaling gives the lower test errors, so the course's leak did not flatter its numbers; the differences are within the runs' spread for most rows."
                : "the leak makes little difference here."));
    }

    private static void Compare(LabContext context, List<ConfigRuns> runs, Eckerle4Run[] lbfgs)
    {
        foreach (var c in runs)
        {
            if (c.Config.DidNotWork)
            {
                context.Compare(Eckerle4RegressionPublished.DidNotWork[c.Config.Number], (double)c.Collapsed / c.Runs.Length, $"{c.Runs.Length} runs",
                    note: $"Prediction spread ÷ target spread per run: {string.Join(", ", c.Runs.Select(r => F(r.SpreadRatio, 3)))} (collapse below {Eckerle4Run.CollapseRatio}).");
                continue;
            }

            Judge(context, Eckerle4RegressionPublished.TrainingMse[c.Config.Number], c.Train, c.Config.TrainStd!.Value, c.Runs.Length);
            Judge(context, Eckerle4RegressionPublished.TestMse[c.Config.Number], c.Test, c.Config.TestStd!.Value, c.Runs.Length);
        }

        context.Compare(Eckerle4RegressionPublished.LbfgsGood, Measurement.OfRepetitions(lbfgs.Select(r => r.TestMse)), $"mean over {lbfgs.Length} runs");
    }

    private static void Judge(LabContext context, PublishedFigure figure, Measurement measured, double publishedStd, int runs)
    {
        double combined = Math.Sqrt((Math.Pow(measured.Std ?? 0, 2)) + (publishedStd * publishedStd));
        context.Compare(figure, measured, $"mean ± std over {runs} runs",
            Tolerance.WithinSpread(2, spread: combined, spreadOf: $"√(s² of this run's {runs} runs + s² of the course's 4)"));
    }

    /// <summary>The seed of run r of configuration n (the same in both scalings).</summary>
    internal static int RunSeed(int seed, int configuration, int run) => unchecked((seed * 1000) + (configuration * 10) + run);

    private static string F(double value, int digits = 4) => LabContext.Format(value, digits);
}
