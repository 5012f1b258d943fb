using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Plots;
using Backprop.Training;

namespace Backprop.Labs.LogisticRegression;

/// <summary>Course 004, §1.1 a): softmax regression as a layer of one's own (W and b registered by hand, scaled by
/// 1/√n, logits Wᵀx + b), gradient-checked, shown equal to <c>Dense(C, activation: "softmax")</c> step for step, and
/// trained on Digits and Iris, with accuracy, a confusion matrix and Digits' learned weights as 8×8 images, against
/// scikit-learn's LogisticRegression on the same split.</summary>
public sealed class LogisticRegressionLab : ILab
{
    /// <summary>Agreement of two float64 computations of the same sums in another order.</summary>
    public const double SameValues = 1e-10;

    /// <summary>The name typed on the command line: <c>logistic-regression</c>.</summary>
    public string Name => "logistic-regression";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Softmax regression as a hand-written layer: gradient-checked, equal to Dense(C, softmax) step for step, trained on Digits and Iris against scikit-learn's LogisticRegression.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => LogisticRegressionPublished.All;

    /// <summary>The training settings of a data set.</summary>
    internal sealed record Settings(double LearningRate, int BatchSize, int Epochs);

    internal static Settings For(string data, bool quick) => data == "digits"
        ? new Settings(0.1, 32, quick ? 20 : 100)
        : new Settings(0.1, 16, quick ? 50 : 200);

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int seeds = context.Quick ? 2 : 5;
        context.Setting("seeds", Enumerable.Range(0, seeds).Select(i => context.Seed + i).ToArray());
        context.Setting("split", $"train_test_split(test_size={ClassificationData.TestSize}, random_state={ClassificationData.RandomState})");
        context.Setting("loss", "CategoricalCrossentropy(from_logits=True) on one-hot targets");
        context.Setting("dtype", "float64");
        foreach (string name in new[] { "digits", "iris" })
        {
            var s = For(name, context.Quick);
            context.Setting($"{name}.optimizer", $"SGD(learning_rate={s.LearningRate})");
            context.Setting($"{name}.batch_size", s.BatchSize);
            context.Setting($"{name}.epochs", s.Epochs);
        }

        if (context.Quick)
        {
            context.Paragraph($"Quick run: {seeds} seeds instead of 5, and {For("digits", true).Epochs} (Digits) and {For("iris", true).Epochs} (Iris) epochs instead of {For("digits", false).Epochs} and {For("iris", false).Epochs}.");
        }

        ReportLayer(context);
        var digits = RunData(context, ClassificationData.Digits(), seeds);
        var iris = RunData(context, ClassificationData.Iris(), seeds);
        Compare(context, digits, iris);
    }

    // ---- the layer -------------------------------------------------------------------------------------------

    private static void ReportLayer(LabContext context)
    {
        context.Section("The layer");
        context.Paragraph(
            "SoftmaxRegression is a Layer subclass written with the library's public extension surface, as docs/extending.md shows: BuildCore registers W (D × C) and b (C) with AddParameter, " +
            "drawn from N(0, 1) and scaled by 1/√D and 1/√C (the course: \"randomly initialised and scaled by the square root of a factor n representing the length of the respective vector or matrix\"); " +
            "ForwardCore computes the logits z = x·W + b (Wᵀx + b per sample) with Ops.MatMul and a bias loop; BackwardCore adds dW = xᵀ·dz (MatMul with β = 1) and db = Σ dz into the gradients and returns dx = dz·Wᵀ. " +
            "The softmax turns logits into probabilities; training uses the logits with CategoricalCrossentropy(from_logits=True), whose gradient is softmax(z) − y.");
        var cases = new[] { (Rows: 1, D: 1, C: 2), (Rows: 7, D: 5, C: 3), (Rows: 33, D: 64, C: 10) };
        var rows = new List<IReadOnlyList<object?>>();
        bool allPassed = true;
        foreach (var (n, d, c) in cases)
        {
            var random = new Random.RandomGenerator((ulong)(n * 1000 + d));
            var x = new Tensor<double>(n, d);
            random.FillNormal<double>(x.AsSpan(), 0, 1);
            var report = GradientCheck.CheckLayer(new SoftmaxRegression(c, seed: n + d), x);
            allPassed &= report.Passed;
            foreach (var entry in report.Entries)
            {
                rows.Add([$"{n} × {d} → {c}", entry.Name.Contains('/') ? entry.Name[(entry.Name.IndexOf('/') + 1)..] : entry.Name, entry.Count, entry.MaxAbsoluteError, entry.MaxRelativeError, entry.Passed ? "yes" : "NO"]);
            }

            context.Record($"gradient_check.{n}x{d}x{c}.max_absolute_error", report.Entries.Max(e => e.MaxAbsoluteError));
        }

        context.Table("GradientCheck.CheckLayer: the backward pass against float64 central differences (ε = 1e-6, atol 1e-5, rtol 1e-3)",
            ["rows × D → C", "gradient", "entries", "max |error|", "max relative error", "passed"], rows);
        context.Record("gradient_check.passed", allPassed);
        context.Finding(allPassed
            ? $"The hand-written backward pass agrees with central differences for the input, W and b on all {cases.Length} shapes."
            : "The hand-written backward pass FAILS the gradient check on some shape (see the table).");
    }

    // ---- one data set ----------------------------------------------------------------------------------------

    /// <summary>What a data set's runs measured.</summary>
    internal sealed record DataResult(ClassificationData Data, double[] TestAccuracies, double[] TrainAccuracies);

    private static DataResult RunData(LabContext context, ClassificationData data, int seeds)
    {
        string title = data.Name == "digits" ? "Digits" : "Iris";
        var settings = For(data.Name, context.Quick);
        context.Section(title);
        context.Paragraph(
            $"{data.Preparation}; train_test_split(test_size=0.25, random_state=42) gives {data.YTrain.Length} training and {data.YTest.Length} test rows " +
            $"(the same rows as scikit-learn: the first test rows are {string.Join(", ", data.TestRows[..5])}). " +
            $"SoftmaxRegression({data.Classes}) on {data.Features} features, SGD(learning_rate={settings.LearningRate}), batches of {settings.BatchSize} reshuffled every epoch, {settings.Epochs} epochs, float64.");

        StepForStep(context, data, settings, context.Seed);

        var test = new double[seeds];
        var train = new double[seeds];
        Sequential? firstModel = null;
        History? firstHistory = null;
        for (int k = 0; k < seeds; k++)
        {
            int seed = context.Seed + k;
            var model = Build(data, seed);
            var history = model.Fit(data.XTrain, data.OneHotTrain(), epochs: settings.Epochs, batchSize: settings.BatchSize, verbose: 0, seed: (ulong)seed,
                callbacks: [new EpochProgress(context, $"{data.Name}, seed {seed}", settings.Epochs)]);
            test[k] = Accuracy(PredictClasses(model, data.XTest), data.YTest);
            train[k] = Accuracy(PredictClasses(model, data.XTrain), data.YTrain);
            if (k == 0)
            {
                firstModel = model;
                firstHistory = history;
            }
        }

        context.Table($"{title}: accuracy per seed", ["seed", "training accuracy", "test accuracy", "test errors"],
            Enumerable.Range(0, seeds).Select(k => (IReadOnlyList<object?>)[context.Seed + k, train[k], test[k], (int)Math.Round((1 - test[k]) * data.YTest.Length)]));
        context.Record($"{data.Name}.test_accuracy", test);
        context.Record($"{data.Name}.train_accuracy", train);
        context.Figure(Charts.LearningCurves(firstHistory!.Values, "loss", $"{title}: cross-entropy per epoch (seed {context.Seed})", yLabel: "cross-entropy"), $"{data.Name}-loss",
            $"{title}: the training cross-entropy per epoch of the first seed.");

        var predicted = PredictClasses(firstModel!, data.XTest);
        var confusion = Confusion(predicted, data.YTest, data.Classes);
        context.Table($"{title}: confusion matrix on the test rows (seed {context.Seed}; rows: true class, columns: predicted)",
            ["true \\ predicted", .. Enumerable.Range(0, data.Classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Enumerable.Range(0, data.Classes).Select(t => (IReadOnlyList<object?>)[t, .. Enumerable.Range(0, data.Classes).Select(p => (object?)confusion[t, p])]));
        context.Figure(Charts.Heatmap(Tensor.From(ToDouble(confusion)), $"{title}: confusion matrix (row: true, column: predicted)", "test rows", diverging: false),
            $"{data.Name}-confusion", $"{title}: how the test rows of seed {context.Seed} were classified; off-diagonal cells are the errors.");
        context.Record($"{data.Name}.confusion", Enumerable.Range(0, data.Classes).Select(t => Enumerable.Range(0, data.Classes).Select(p => confusion[t, p]).ToArray()).ToArray());
        var worst = Enumerable.Range(0, data.Classes).SelectMany(t => Enumerable.Range(0, data.Classes).Where(p => p != t).Select(p => (t, p, n: confusion[t, p])))
            .OrderByDescending(e => e.n).First();
        var measured = Measurement.OfRepetitions(test);
        context.Finding(
            $"{title}: test accuracy {measured} over the seeds (training {NumberFormat.FormatMeanStd(train.Average(), Math.Round(Measurement.OfRepetitions(train).Std!.Value, 12))}); " +
            (worst.n > 0 ? $"the most frequent confusion of seed {context.Seed} is true {worst.t} taken for {worst.p} ({worst.n} rows)." : $"seed {context.Seed} classifies every test row correctly."));

        if (data.Name == "digits")
        {
            var w = ((SoftmaxRegression)firstModel!.Layers[0]).W.ValueAs<double>();
            context.Figure(Charts.WeightImageGrid(w, 2, 5, 8, 8, "Digits: learned W, one 8×8 image per class (0–9)", WeightScale.PerTile),
                "digits-weights", "Each class's column of W drawn as an 8×8 image (red: a lit pixel raises that class's logit, blue: lowers it), each tile on its own scale.");
        }

        return new DataResult(data, test, train);
    }

    /// <summary>The hand-written layer against Dense(C, softmax) from the same initial weights on the same batches:
    /// one epoch of TrainOnBatch steps, weights compared after every step, then a whole Fit of each.</summary>
    private static void StepForStep(LabContext context, ClassificationData data, Settings settings, int seed)
    {
        var ours = Build(data, seed);
        var dense = BuildDense(data, ours);
        var y = data.OneHotTrain();
        int rows = data.YTrain.Length;
        var order = new Random.RandomGenerator((ulong)seed).Permutation(rows);
        var x = TrainTestSplit(data.XTrain, order);
        var t = TrainTestSplit(y, order);
        double worstW = 0, worstB = 0, worstLoss = 0;
        int steps = 0;
        for (int start = 0; start < rows; start += settings.BatchSize)
        {
            int count = Math.Min(settings.BatchSize, rows - start);
            double a = ours.TrainOnBatch(x.SliceRows(start, count), t.SliceRows(start, count));
            double b = dense.TrainOnBatch(x.SliceRows(start, count), t.SliceRows(start, count));
            var (dw, db) = WeightDifference(ours, dense);
            worstW = Math.Max(worstW, dw);
            worstB = Math.Max(worstB, db);
            worstLoss = Math.Max(worstLoss, Math.Abs(a - b));
            steps++;
        }

        // A whole Fit of each from the same start and shuffling seed.
        var oursFit = Build(data, seed);
        var denseFit = BuildDense(data, oursFit);
        oursFit.Fit(data.XTrain, y, epochs: settings.Epochs, batchSize: settings.BatchSize, verbose: 0, seed: (ulong)seed);
        denseFit.Fit(data.XTrain, y, epochs: settings.Epochs, batchSize: settings.BatchSize, verbose: 0, seed: (ulong)seed);
        var (fitW, fitB) = WeightDifference(oursFit, denseFit);
        bool samePredictions = PredictClasses(oursFit, data.XTest).SequenceEqual(PredictClasses(denseFit, data.XTest));

        context.Table($"SoftmaxRegression against Dense({data.Classes}, activation=\"softmax\") + categorical cross-entropy, same initial weights and batches",
            ["", "steps", "max |ΔW|", "max |Δb|", "max |Δ batch loss|", "same test predictions"],
        [
            ["one epoch of TrainOnBatch, compared after every step", steps, worstW, worstB, worstLoss, null],
            [$"Fit, {settings.Epochs} epochs, compared at the end", settings.Epochs * ((rows + settings.BatchSize - 1) / settings.BatchSize), fitW, fitB, null, samePredictions ? "yes" : "no"],
        ]);
        context.Record($"{data.Name}.equivalence.max_weight_difference", Math.Max(Math.Max(worstW, worstB), Math.Max(fitW, fitB)));
        context.Record($"{data.Name}.equivalence.max_loss_difference", worstLoss);
        context.Record($"{data.Name}.equivalence.same_predictions", samePredictions);
        double worst = Math.Max(Math.Max(worstW, worstB), Math.Max(fitW, fitB));
        context.Finding(worst <= SameValues && samePredictions
            ? $"The hand-written layer and Dense({data.Classes}, softmax) take the same steps: their weights agree to {worst:0.0e0} after every step and after the whole Fit (float64 rounding of the same sums in another order), with the same test predictions."
            : $"The hand-written layer and Dense({data.Classes}, softmax) DIVERGE: weights differ by up to {worst:0.0e0}.");
    }

    // ---- the reference ---------------------------------------------------------------------------------------

    private static void Compare(LabContext context, DataResult digits, DataResult iris)
    {
        context.Section("Against scikit-learn");
        context.Paragraph(
            "Course 004 publishes no numbers for this exercise. The reference is scikit-learn's LogisticRegression on the same split and scaling, measured with bench/peers/logistic_regression_reference.py " +
            "and recorded in the lab: its defaults (lbfgs, L2 penalty with C = 1) and without a penalty (the unregularised cross-entropy this lab minimises); lbfgs runs to convergence (max_iter=5000). " +
            "This lab trains by mini-batch SGD for a fixed number of epochs, so its accuracy is compared as mean ± std over its seeds with the tolerance stated in each row.");
        string seeds = $"mean ± std over {digits.TestAccuracies.Length} seeds";
        context.Compare(LogisticRegressionPublished.DigitsDefault, Measurement.OfRepetitions(digits.TestAccuracies), seeds);
        context.Compare(LogisticRegressionPublished.DigitsUnpenalised, Measurement.OfRepetitions(digits.TestAccuracies), seeds);
        context.Compare(LogisticRegressionPublished.IrisDefault, Measurement.OfRepetitions(iris.TestAccuracies), seeds);
        context.Compare(LogisticRegressionPublished.IrisUnpenalised, Measurement.OfRepetitions(iris.TestAccuracies), seeds);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    internal static Sequential Build(ClassificationData data, int seed)
    {
        var model = new Sequential(DType.Float64, new SoftmaxRegression(data.Classes, seed, inputShape: [data.Features]));
        model.Compile(new SGD(For(data.Name, quick: false).LearningRate), new CategoricalCrossentropy(fromLogits: true));
        return model;
    }

    /// <summary>Dense(C, softmax) with the hand-written layer's current W and b, the same optimiser settings and the
    /// categorical cross-entropy on probabilities (which the library fuses with the softmax into ŷ − y).</summary>
    internal static Sequential BuildDense(ClassificationData data, Sequential ours)
    {
        var layer = (SoftmaxRegression)ours.Layers[0];
        var model = new Sequential(DType.Float64, new Dense(data.Classes, activation: "softmax", inputShape: [data.Features]));
        model.SetWeights(layer.W.ValueAs<double>().Clone(), layer.B.ValueAs<double>().Clone());
        model.Compile(new SGD(For(data.Name, quick: false).LearningRate), new CategoricalCrossentropy());
        return model;
    }

    internal static (double W, double B) WeightDifference(Sequential ours, Sequential dense)
    {
        var layer = (SoftmaxRegression)ours.Layers[0];
        var d = (Dense)dense.Layers[0];
        return (MaxDifference(layer.W.ValueAs<double>(), d.Kernel.ValueAs<double>()), MaxDifference(layer.B.ValueAs<double>(), d.Bias!.ValueAs<double>()));
    }

    internal static int[] PredictClasses(Sequential model, Tensor<double> x)
    {
        var scores = model.Predict(x, batchSize: 512);
        int classes = scores.Shape[1];
        return Enumerable.Range(0, scores.Shape[0]).Select(r =>
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (scores[r, c] > scores[r, best])
                {
                    best = c;
                }
            }

            return best;
        }).ToArray();
    }

    internal static double Accuracy(int[] predicted, int[] truth) => (double)predicted.Zip(truth).Count(p => p.First == p.Second) / truth.Length;

    internal static int[,] Confusion(int[] predicted, int[] truth, int classes)
    {
        var m = new int[classes, classes];
        for (int i = 0; i < truth.Length; i++)
        {
            m[truth[i], predicted[i]]++;
        }

        return m;
    }

    private static double[,] ToDouble(int[,] m)
    {
        var d = new double[m.GetLength(0), m.GetLength(1)];
        for (int i = 0; i < m.GetLength(0); i++)
        {
            for (int j = 0; j < m.GetLength(1); j++)
            {
                d[i, j] = m[i, j];
            }
        }

        return d;
    }

    private static double MaxDifference(Tensor<double> a, Tensor<double> b) =>
        a.ToArray().Zip(b.ToArray()).Max(p => Math.Abs(p.First - p.Second));

    private static Tensor<double> TrainTestSplit(Tensor<double> x, int[] rows) => Backprop.Data.TrainTestSplit.Take(x, rows);
}
