using Backprop.Losses;
using Backprop.Plots;

namespace Backprop.Labs.PerceptronHinge;

/// <summary>Course 003, Problem 1: a linear classifier without bias on 20 separable points in the unit square, trained
/// from w = 0 by the perceptron criterion and by the hinge loss with the course's online rule and, separately, through
/// the library's layers, losses and optimiser; then the same over many fresh training sets, to see how stable each
/// loss is.</summary>
public sealed class PerceptronHingeLab : ILab
{
    /// <summary>The course's learning rate of the online rule.</summary>
    public const double LearningRate = 0.1;
    /// <summary>Epochs of the perceptron criterion (the course's 50).</summary>
    public const int PerceptronEpochs = 50;
    /// <summary>Epochs of the hinge loss (the course's 200).</summary>
    public const int HingeEpochs = 200;
    /// <summary>Fresh training sets in the stability study of a full run.</summary>
    public const int FullSets = 100;
    /// <summary>Fresh training sets with <c>--quick</c>.</summary>
    public const int QuickSets = 20;

    /// <summary>The largest weight difference between the online rule and the library that counts as the same
    /// weights: both add the same products in float64, so they should agree bit for bit.</summary>
    public const double SameWeights = 1e-12;

    /// <summary>The name typed on the command line: <c>perceptron-hinge</c>.</summary>
    public string Name => "perceptron-hinge";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Perceptron criterion against hinge loss on 20 separable points: the course's online rule and the library's Dense + loss + SGD giving the same weights, exact accuracies, and how stable each loss is over 100 training sets.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => PerceptronHingePublished.All;

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int sets = context.Quick ? QuickSets : FullSets;
        context.Setting("learning_rate", LearningRate);
        context.Setting("perceptron", $"update when y·(w·x) ≤ 0, {PerceptronEpochs} epochs");
        context.Setting("hinge", $"update when y·(w·x) ≤ 1, {HingeEpochs} epochs");
        context.Setting("training_points", SeparableSquare.TrainCount);
        context.Setting("test_points", SeparableSquare.TestCount);
        context.Setting("training_sets", sets);
        context.Setting("data", "np.random.seed(seed); a, b = rand(20), rand(20) (training); rand(1000), rand(1000) (test); set k uses seed + k");
        context.Setting("library_model", "Dense(1, use_bias=False, kernel_initializer=zeros), SGD(0.1), batch_size=1, shuffle=False, float64");
        if (context.Quick)
        {
            context.Paragraph($"Quick run: {sets} fresh training sets instead of {FullSets}; everything else as the full lab.");
        }

        var runs = Enumerable.Range(0, sets).Select(k => SetRun.Train(context.Seed + k)).ToArray();
        var first = runs[0];

        ReportData(context, first);
        ReportLoss(context, "(1.1) The perceptron criterion", "perceptron", first.Data, first.Perceptron, PerceptronEpochs, 0);
        ReportLoss(context, "(1.2) The hinge loss", "hinge", first.Data, first.Hinge, HingeEpochs, 1);
        ReportBoundaries(context, first);
        var stability = ReportStability(context, runs);
        CompareWithCourse(context, first, runs, stability);
    }

    // ---- data ------------------------------------------------------------------------------------------------

    private static void ReportData(LabContext context, SetRun run)
    {
        context.Section("Data");
        context.Paragraph(
            $"As course 003 draws them, with numpy's generator seeded by the run's seed ({context.Seed}): a, b = np.random.rand(20), np.random.rand(20) give the training points x = (aᵢ, bᵢ), " +
            "labelled y = +1 if x₁ > x₂ else −1; the next two draws of 1,000 give the test points. The course did not seed its generator, so its draw cannot be repeated; " +
            "this one can, in numpy too (Backprop's NumPyRandomState is numpy's Mersenne Twister bit for bit). " +
            "The true boundary x₁ = x₂ passes through the origin, so a linear model without bias can separate the points.");
        var x = run.Data.XTrain;
        context.Table("Training points", ["i", "x₁", "x₂", "y"],
            Enumerable.Range(0, run.Data.YTrain.Length).Select(i => (IReadOnlyList<object?>)[i, x[i, 0], x[i, 1], run.Data.YTrain[i]]));
        context.Record("data.train_positive", run.Data.YTrain.Count(v => v > 0));
        context.Record("data.test_positive", run.Data.YTest.Count(v => v > 0));
    }

    // ---- one loss --------------------------------------------------------------------------------------------

    private static void ReportLoss(LabContext context, string heading, string key, SeparableSquare data, LossRun run, int epochs, int margin)
    {
        context.Section(heading);
        context.Paragraph(
            $"The course's loop: w = (0, 0); for each of {epochs} epochs, for each training point in order, if y·(w·x) ≤ {margin} then w += {LearningRate}·y·x. " +
            (margin == 0
                ? "This is a sub-gradient step on the perceptron criterion max(0, −y·w·x); the first step happens at margin exactly 0 (w = 0 predicts 0 for every point)."
                : "This is a sub-gradient step on the hinge loss max(0, 1 − y·w·x): it keeps updating while a point lies inside the margin, so w grows until every point has y·w·x > 1.") +
            $" Through the library: Dense(1, use_bias=False) from zeros, the {(margin == 0 ? "Perceptron" : "Hinge")} loss, SGD({LearningRate}), batch size 1, shuffle=False, in float64.");
        context.Table($"{key}: learned weights and accuracy", ["", "w₁", "w₂", "updates", "last epoch with an update", "test accuracy (1,000 points)", "exact accuracy on the square"],
        [
            ["course's online rule", run.Online.W[0], run.Online.W[1], run.Online.Updates, run.Online.LastEpochWithUpdate, run.TestAccuracy, run.ExactAccuracy],
            ["library (Dense + loss + SGD)", run.Library[0], run.Library[1], null, null, OnlineRule.Accuracy(run.Library, data.XTest, data.YTest), SquareAccuracy.Of(run.Library[0], run.Library[1])],
        ]);
        context.Record($"{key}.w", run.Online.W);
        context.Record($"{key}.library_w", run.Library);
        context.Record($"{key}.updates", run.Online.Updates);
        context.Record($"{key}.updates_per_epoch", run.Online.UpdatesPerEpoch);
        context.Record($"{key}.test_accuracy", run.TestAccuracy);
        context.Record($"{key}.exact_accuracy", run.ExactAccuracy);
        context.Record($"{key}.library_max_difference", run.LibraryDifference);
        context.Record($"{key}.training_accuracy", OnlineRule.Accuracy(run.Online.W, data.XTrain, data.YTrain));

        context.Finding(
            $"{key}: w = ({F(run.Online.W[0])}, {F(run.Online.W[1])}) after {run.Online.Updates} updates, the last in epoch {run.Online.LastEpochWithUpdate} of {epochs}; " +
            $"the learned boundary x₂ = {F(-run.Online.W[0] / run.Online.W[1], 3)}·x₁ against the true x₂ = x₁ (off by {F(run.BoundaryErrorDegrees, 3)}°); " +
            $"{F(100 * run.TestAccuracy, 3)}% of the test points right, {F(100 * run.ExactAccuracy, 4)}% of the square exactly.");
        context.Finding(run.LibraryDifference <= SameWeights
            ? $"{key}: the library path gives the same weights as the online rule (largest difference {Sci(run.LibraryDifference)})."
            : $"{key}: the library path's weights DIFFER from the online rule's by up to {Sci(run.LibraryDifference)}.");
    }

    private static void ReportBoundaries(LabContext context, SetRun run)
    {
        context.Section("Decision boundaries");
        var square = new PlotRange(0, 1, 0, 1);
        var train = Chart.Grid(
        [
            Boundary(run.Perceptron.Online.W, run.Data.XTrain, ClassesOf(run.Data.YTrain), square, "perceptron: training points"),
            Boundary(run.Hinge.Online.W, run.Data.XTrain, ClassesOf(run.Data.YTrain), square, "hinge: training points"),
        ], 2);
        context.Figure(train, "training-boundaries",
            "The 20 training points coloured by their label (class 1: y = +1, x₁ > x₂; class 0: y = −1) over the regions each learned w assigns (shaded).");
        var test = Chart.Grid(
        [
            Boundary(run.Perceptron.Online.W, run.Data.XTest, ClassesOf(run.Data.YTest), square, "perceptron: test points"),
            Boundary(run.Hinge.Online.W, run.Data.XTest, ClassesOf(run.Data.YTest), square, "hinge: test points"),
        ], 2);
        context.Figure(test, "test-boundaries",
            "The 1,000 test points coloured by their true label over the regions each learned w assigns (the course coloured them by the prediction): " +
            "a point whose colour differs from the shading under it is misclassified; they lie between the learned boundary and the true diagonal x₂ = x₁.");
    }

    private static Chart Boundary(double[] w, double[,] points, int[] classes, PlotRange range, string title) =>
        Charts.DecisionBoundary(grid => Predictions(w, grid), points, classes, range, title);

    private static int[] Predictions(double[] w, double[,] points) =>
        Enumerable.Range(0, points.GetLength(0)).Select(i => OnlineRule.Predict(w, points[i, 0], points[i, 1]) > 0 ? 1 : 0).ToArray();

    private static int[] ClassesOf(double[] y) => y.Select(v => v > 0 ? 1 : 0).ToArray();

    // ---- stability -------------------------------------------------------------------------------------------

    private static Stability ReportStability(LabContext context, SetRun[] runs)
    {
        context.Section($"(1.3) Stability over {runs.Length} training sets");
        context.Paragraph(
            $"The same two trainings on {runs.Length} fresh training sets of 20 points (set k drawn with seed {context.Seed} + k, set 0 being the one above), each with its own 1,000 test points. " +
            "The exact accuracy is the share of the unit square each learned w classifies right (the expected accuracy on unlimited test points); the boundary angle error is the angle between the learned boundary and x₂ = x₁.");
        var stability = new Stability(runs);
        context.Table("Over the training sets", ["loss", "exact accuracy", "min", "max", "test accuracy", "boundary error (°)", "‖w‖", "updates", "library = online rule"],
        [
            Row("perceptron", runs.Select(r => r.Perceptron).ToArray()),
            Row("hinge", runs.Select(r => r.Hinge).ToArray()),
        ]);
        context.Figure(
            Charts.DensityHistograms(new Dictionary<string, IReadOnlyList<double>>
            {
                ["perceptron"] = runs.Select(r => r.Perceptron.ExactAccuracy).ToArray(),
                ["hinge"] = runs.Select(r => r.Hinge.ExactAccuracy).ToArray(),
            }, bins: 20, title: $"Exact accuracy over {runs.Length} training sets", xLabel: "exact accuracy on the unit square"),
            "stability-accuracy", $"Distribution of the exact accuracy of the learned w over {runs.Length} training sets of 20 points.");

        context.Record("sets.perceptron.exact_accuracy", runs.Select(r => r.Perceptron.ExactAccuracy).ToArray());
        context.Record("sets.hinge.exact_accuracy", runs.Select(r => r.Hinge.ExactAccuracy).ToArray());
        context.Record("sets.perceptron.test_accuracy", runs.Select(r => r.Perceptron.TestAccuracy).ToArray());
        context.Record("sets.hinge.test_accuracy", runs.Select(r => r.Hinge.TestAccuracy).ToArray());
        context.Record("sets.hinge_better_share", stability.HingeBetterShare);
        context.Record("sets.library_max_difference", stability.LibraryDifference);

        var p = Measurement.OfRepetitions(runs.Select(r => r.Perceptron.ExactAccuracy));
        var h = Measurement.OfRepetitions(runs.Select(r => r.Hinge.ExactAccuracy));
        string mean = h.Value!.Value > p.Value!.Value ? "higher" : "lower";
        string spread = h.Std!.Value < p.Std!.Value ? $"{F(p.Std.Value / Math.Max(h.Std.Value, 1e-300), 3)}× smaller" : $"{F(h.Std.Value / Math.Max(p.Std.Value, 1e-300), 3)}× larger";
        double worstP = runs.Min(r => r.Perceptron.ExactAccuracy), worstH = runs.Min(r => r.Hinge.ExactAccuracy);
        context.Finding(
            $"Exact accuracy: perceptron {p.Value.Value:F4} ± {p.Std.Value:F4}, hinge {h.Value.Value:F4} ± {h.Std.Value:F4}: the hinge loss's mean is {mean} and its spread {spread}; " +
            $"it beats the perceptron on {stability.HingeBetterShare:P0} of the sets (ties: {stability.TieShare:P0}), and its worst set reaches {F(worstH, 4)} against the perceptron's {F(worstP, 4)}. " +
            $"The perceptron stops updating at the first w that separates the 20 points (on average after {F(runs.Average(r => r.Perceptron.Online.Updates), 3)} updates), wherever that leaves its boundary; " +
            $"the hinge loss was still updating in the last of its {HingeEpochs} epochs on {runs.Count(r => r.Hinge.Online.LastEpochWithUpdate == HingeEpochs)} of the {runs.Length} sets, its ‖w‖ still growing.");
        context.Finding(
            $"Boundary angle error: perceptron {F(runs.Average(r => r.Perceptron.BoundaryErrorDegrees), 3)}° on average (worst {F(runs.Max(r => r.Perceptron.BoundaryErrorDegrees), 3)}°), " +
            $"hinge {F(runs.Average(r => r.Hinge.BoundaryErrorDegrees), 3)}° (worst {F(runs.Max(r => r.Hinge.BoundaryErrorDegrees), 3)}°).");
        context.Finding(stability.LibraryDifference <= SameWeights
            ? $"On all {runs.Length} sets and both losses the library path reproduces the online rule's weights (largest difference {Sci(stability.LibraryDifference)})."
            : $"The library path differs from the online rule by up to {Sci(stability.LibraryDifference)} on some set.");
        return stability;
    }

    private static IReadOnlyList<object?> Row(string name, LossRun[] runs)
    {
        var exact = runs.Select(r => r.ExactAccuracy).ToArray();
        return
        [
            name,
            MeanStd(exact), exact.Min(), exact.Max(),
            MeanStd(runs.Select(r => r.TestAccuracy).ToArray()),
            MeanStd(runs.Select(r => r.BoundaryErrorDegrees).ToArray()),
            MeanStd(runs.Select(r => Math.Sqrt((r.Online.W[0] * r.Online.W[0]) + (r.Online.W[1] * r.Online.W[1]))).ToArray()),
            MeanStd(runs.Select(r => (double)r.Online.Updates).ToArray()),
            $"{runs.Count(r => r.LibraryDifference <= SameWeights)} of {runs.Length}",
        ];
    }

    // ---- the course ------------------------------------------------------------------------------------------

    private static void CompareWithCourse(LabContext context, SetRun first, SetRun[] runs, Stability stability)
    {
        context.Section("The course's numbers");
        double coursePerceptron = SquareAccuracy.Of(PerceptronHingePublished.PerceptronW1.Value.Number!.Value, PerceptronHingePublished.PerceptronW2.Value.Number!.Value);
        double courseHinge = SquareAccuracy.Of(PerceptronHingePublished.HingeW1.Value.Number!.Value, PerceptronHingePublished.HingeW2.Value.Number!.Value);
        context.Record("course.perceptron_exact_accuracy", coursePerceptron);
        context.Record("course.hinge_exact_accuracy", courseHinge);
        context.Finding(
            $"The course's own weights have exact accuracies {F(coursePerceptron, 4)} (perceptron) and {F(courseHinge, 4)} (hinge) on the square; its printed 0.902 and 0.955 " +
            $"come from one draw of 1,000 test points, whose binomial standard error is {F(Math.Sqrt(coursePerceptron * (1 - coursePerceptron) / 1000), 2)} and {F(Math.Sqrt(courseHinge * (1 - courseHinge) / 1000), 2)}: " +
            $"the perceptron's 0.902 is {F((0.902 - coursePerceptron) / Math.Sqrt(coursePerceptron * (1 - coursePerceptron) / 1000), 2)} standard errors above its exact value.");
        context.Paragraph(
            "Each of the course's figures comes from one unseeded training set. This run compares it with its own first training set (judged by the spread over all " +
            $"{runs.Length} sets) and with the mean ± std over the {runs.Length} sets.");

        string spreadOf = $"std over this run's {runs.Length} training sets";
        void CompareBoth(PublishedFigure figure, Func<SetRun, double> value)
        {
            var all = Measurement.OfRepetitions(runs.Select(value));
            context.Compare(figure, value(first), $"training set of seed {context.Seed}", Tolerance.WithinSpread(2, figure.Tolerance.Matches, all.Std, spreadOf));
            context.Compare(figure, all, $"mean ± std over {runs.Length} training sets", Tolerance.WithinSpread(2, figure.Tolerance.Matches, spreadOf: spreadOf));
        }

        CompareBoth(PerceptronHingePublished.PerceptronW1, r => r.Perceptron.Online.W[0]);
        CompareBoth(PerceptronHingePublished.PerceptronW2, r => r.Perceptron.Online.W[1]);
        CompareBoth(PerceptronHingePublished.PerceptronAccuracy, r => r.Perceptron.TestAccuracy);
        CompareBoth(PerceptronHingePublished.HingeW1, r => r.Hinge.Online.W[0]);
        CompareBoth(PerceptronHingePublished.HingeW2, r => r.Hinge.Online.W[1]);
        CompareBoth(PerceptronHingePublished.HingeAccuracy, r => r.Hinge.TestAccuracy);
        context.Compare(PerceptronHingePublished.HingeBetter, stability.HingeBetterShare, $"{runs.Length} training sets",
            note: $"The hinge loss's exact accuracy is higher on {stability.HingeBetterShare:P0} of the sets, equal on {stability.TieShare:P0}.");
    }

    private static string MeanStd(double[] values)
    {
        var m = Measurement.OfRepetitions(values);
        return NumberFormat.FormatMeanStd(m.Value!.Value, m.Std!.Value);
    }

    private static string F(double value, int digits = 4) => LabContext.Format(value, digits);

    private static string Sci(double value) => value == 0 ? "0" : value.ToString("0.0e0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One loss trained on one set: the online rule, the library path and the accuracies.</summary>
    internal sealed record LossRun(OnlineResult Online, double[] Library, double TestAccuracy, double ExactAccuracy)
    {
        public double LibraryDifference => Math.Max(Math.Abs(Online.W[0] - Library[0]), Math.Abs(Online.W[1] - Library[1]));

        /// <summary>The angle in degrees between the learned boundary w·x = 0 and the true x₂ = x₁.</summary>
        public double BoundaryErrorDegrees
        {
            get
            {
                // The boundary direction is (−w₂, w₁) (or its opposite); the true one is (1, 1) at 45°.
                double angle = Math.Atan2(Online.W[0], -Online.W[1]) * 180 / Math.PI;
                double difference = Math.Abs(((angle - 45) % 180 + 180) % 180);
                return Math.Min(difference, 180 - difference);
            }
        }
    }

    /// <summary>Both losses on the training set drawn with one seed.</summary>
    internal sealed record SetRun(SeparableSquare Data, LossRun Perceptron, LossRun Hinge)
    {
        public static SetRun Train(long seed)
        {
            var data = SeparableSquare.Draw(seed);
            return new SetRun(data, Run(data, 0, PerceptronEpochs, new Perceptron()), Run(data, 1, HingeEpochs, new Hinge()));
        }

        private static LossRun Run(SeparableSquare data, double margin, int epochs, Loss loss)
        {
            var online = OnlineRule.Train(data.XTrain, data.YTrain, margin, LearningRate, epochs);
            var library = LibraryPath.Train(data.XTrain, data.YTrain, loss, LearningRate, epochs);
            return new LossRun(online, library, OnlineRule.Accuracy(online.W, data.XTest, data.YTest), SquareAccuracy.Of(online.W[0], online.W[1]));
        }
    }

    /// <summary>What the sets say together.</summary>
    internal sealed class Stability(SetRun[] runs)
    {
        public double HingeBetterShare { get; } = (double)runs.Count(r => r.Hinge.ExactAccuracy > r.Perceptron.ExactAccuracy) / runs.Length;

        public double TieShare { get; } = (double)runs.Count(r => r.Hinge.ExactAccuracy == r.Perceptron.ExactAccuracy) / runs.Length;

        public double LibraryDifference { get; } = runs.Max(r => Math.Max(r.Perceptron.LibraryDifference, r.Hinge.LibraryDifference));
    }
}
