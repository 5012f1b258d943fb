using System.Diagnostics;
using System.Globalization;
using Backprop.Data;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Plots;

namespace Backprop.Labs.LeNetBatchNormDropout;

/// <summary>Course 003, Problem 3: LeNet-5 with sigmoid activations on full MNIST, and what batch normalisation and
/// dropout do to it. Trains the course's four models ("standard norm", "batch norm", "dropout", both), a plain
/// LeNet-5, the "standard norm" model with its Normalization layer actually adapted, and Keras's MNIST CNN as a
/// modern reference, each over three seeds; draws learning curves beside the course's logs and the learned
/// batch-norm parameters as violins, and sets the test accuracies against the course's.</summary>
public sealed class LeNetBatchNormDropoutLab : ILab
{
    private const int FullSeeds = 3;
    private const int QuickSeeds = 2;

    /// <summary>--quick: the first 3,000 training digits (2,700 trained on, 300 validated on) and 500 test digits.</summary>
    internal const int QuickTrainImages = 3_000;

    internal const int QuickTestImages = 500;

    /// <summary>The name typed on the command line: <c>lenet-batchnorm-dropout</c>.</summary>
    public string Name => "lenet-batchnorm-dropout";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "LeNet-5 with sigmoid on full MNIST: plain, with batch normalisation, with dropout and with both, plus a modern CNN, over 3 seeds; learning curves, test accuracies against the course's, and the learned batch-norm parameters as violins.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => LeNetBatchNormDropoutPublished.All;

    /// <summary>Epochs a model trains for in this run: the course's, or in --quick 2 (LeNet, 5 in the course), 3
    /// (15 in the course) and 1 (the CNN).</summary>
    internal static int EpochsOf(LeNetModel model, bool quick) =>
        !quick ? model.Epochs : model.IsCnn ? 1 : model.Epochs > 5 ? 3 : 2;

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        int[] seeds = Enumerable.Range(0, context.Quick ? QuickSeeds : FullSeeds).Select(i => context.Seed + i).ToArray();
        var data = LoadData(context);
        RecordSettings(context, seeds, data);
        DescribeModels(context, data);

        var runs = new Dictionary<LeNetModel, List<LeNetRun>>();
        foreach (var model in LeNetModels.All)
        {
            runs[model] = TrainModel(context, model, data, seeds);
        }

        ReportTestAccuracy(context, runs, seeds);
        ReportBatchNormParameters(context, runs, data);
        Findings(context, runs, data);
        ComparePublished(context, runs, seeds, data.TrainRows);

        double total = clock.Elapsed.TotalSeconds;
        double totalCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        double training = runs.Values.SelectMany(r => r).Sum(r => r.Seconds);
        double trainingCpu = runs.Values.SelectMany(r => r).Sum(r => r.CpuSeconds);
        context.Record("timing.lab_seconds", total);
        context.Record("timing.lab_cpu_seconds", totalCpu);
        context.Record("timing.training_seconds", training);
        context.Record("timing.training_cpu_seconds", trainingCpu);
        context.Record("timing.load_average", MachineLoad());
        context.Paragraph($"{runs.Values.Sum(r => r.Count)} trainings ({LeNetModels.All.Count} models × {seeds.Length} seeds) took {F(training, 3)} s of training and evaluation " +
            $"({F(trainingCpu, 3)} s of CPU time); the lab took {F(total, 3)} s in all ({F(totalCpu, 3)} s of CPU time) on {Parallelism.ThreadCount} thread(s)" +
            (MachineLoad() is { } load ? $"; the machine's load average at the end was {load}." : "."));
    }

    /// <summary>The 1-, 5- and 15-minute load averages (Linux), or null: the lab's timing depends on what else runs.</summary>
    private static string? MachineLoad()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // ---- data and settings -----------------------------------------------------------------------------------

    private static LeNetData LoadData(LabContext context)
    {
        var mnist = LabData.Mnist(context);
        var split = mnist.Split;
        int train = split.XTrain.Shape[0];
        int test = split.XTest.Shape[0];
        string description = mnist.Description;
        if (context.Quick)
        {
            train = Math.Min(train, QuickTrainImages);
            test = Math.Min(test, QuickTestImages);
            description += $"; --quick keeps the first {train:N0} training and {test:N0} test digits";
        }

        return new LeNetData(Images28(split.XTrain, train), OneHot.ToCategorical<byte, float>(split.YTrain.SliceRows(0, train), LeNetModels.Classes),
            Images28(split.XTest, test), OneHot.ToCategorical<byte, float>(split.YTest.SliceRows(0, test), LeNetModels.Classes), description, mnist.IsFull);
    }

    /// <summary>The first <paramref name="count"/> images / 255 as float32, shaped (count, 28, 28, 1).</summary>
    private static Tensor<float> Images28(Tensor<byte> images, int count) =>
        Images.ScalePixels(images.SliceRows(0, count).Clone()).Reshape(count, 28, 28, 1);

    private static void RecordSettings(LabContext context, int[] seeds, LeNetData data)
    {
        context.Setting("data", data.Description);
        context.Setting("seeds", seeds);
        context.Setting("batch_size", LeNetModels.BatchSize);
        context.Setting("validation_split", $"{LeNetModels.ValidationSplit} (the last {data.ValidationRows:N0} of {data.XTrain.Shape[0]:N0} training rows, as Keras)");
        context.Setting("loss", "categorical_crossentropy");
        context.Setting("metrics", "accuracy");
        context.Setting("optimizer", $"Adam(learning_rate={LeNetModels.LearningRate}) for LeNet-5, RMSprop() (Keras defaults) for the CNN");
        context.Setting("epochs", LeNetModels.All.ToDictionary(m => m.Key, m => EpochsOf(m, context.Quick)));
        context.Setting("initialisation", "glorot_uniform kernels (seeded from the run seed), zero biases; BN γ = 1, β = 0, moving mean 0, moving variance 1");
        context.Setting("batch_normalization", "Keras defaults: momentum 0.99, epsilon 1e-3, per channel on the convolutions' NHWC output");
        context.Record("data.train_rows", data.TrainRows);
        context.Record("data.validation_rows", data.ValidationRows);
        context.Record("data.test_rows", data.XTest.Shape[0]);
        context.Record("data.full_mnist", data.IsFull);

        context.Section("Data and setup");
        context.Paragraph(
            $"Data: {data.Description}. Pixels / 255 as float32 in shape (28, 28, 1), one-hot labels. Each model is trained as the course compiled and fitted it: " +
            $"categorical cross-entropy, accuracy, batch size {LeNetModels.BatchSize}, validation_split = {LeNetModels.ValidationSplit} " +
            $"(Keras keeps the last {data.ValidationRows:N0} rows for validation and trains on the first {data.TrainRows:N0}, reshuffled every epoch: " +
            $"{(data.TrainRows + LeNetModels.BatchSize - 1) / LeNetModels.BatchSize} steps per epoch), then evaluated on the {data.XTest.Shape[0]:N0} test digits. " +
            $"LeNet-5 trains with Adam (learning rate {F(LeNetModels.LearningRate)}), the CNN with RMSprop, as the course wrote them.");
        context.Paragraph(
            $"Where this run differs from the course: every model is trained with {seeds.Length} seeds ({string.Join(", ", seeds)}) instead of once, unseeded, " +
            "so its figures come with a spread; the seed fixes the initial weights (Glorot uniform, zero biases, as Keras), the dropout masks and the batch order. " +
            "The course trained no plain LeNet-5 and did not train its CNN; both are added here as reference points, and so is the \"standard norm\" model with its " +
            "Normalization layer adapted to the training pixels. The course's first Conv2D line is cut off in the notebook export (padding unknown); valid padding is used, " +
            "the only choice consistent with its layer shapes. Keras's Normalization layer also keeps an integer \"count\" weight (3 parameters on one channel, " +
            "2 here), which changes its summary row, not what it computes.");
        if (!data.IsFull)
        {
            context.Paragraph("The data folder holds no full MNIST, so this run trains on the 10,000-digit subset the library ships (8,000 training and 2,000 test digits): " +
                "accuracies are lower than with 60,000 digits and not comparable with the course's.");
        }

        if (context.Quick)
        {
            context.Paragraph(
                $"--quick: the first {data.XTrain.Shape[0]:N0} training digits ({data.TrainRows:N0} trained on, {data.ValidationRows:N0} validated on) and the first " +
                $"{data.XTest.Shape[0]:N0} test digits instead of 60,000 and 10,000; {seeds.Length} seeds instead of {FullSeeds}; " +
                $"{string.Join(", ", LeNetModels.All.Select(m => $"{m.Key} {EpochsOf(m, true)}"))} epochs instead of " +
                $"{string.Join(", ", LeNetModels.All.Select(m => m.Epochs.ToString(CultureInfo.InvariantCulture)))}. " +
                "The comparison with the course's figures still runs, and with so little training it is expected to differ.");
        }
    }

    /// <summary>The models' summaries (Keras's table), their parameter counts, and what the un-adapted Normalization layer does.</summary>
    private static void DescribeModels(LabContext context, LeNetData data)
    {
        context.Section("The models");
        context.Paragraph(
            "LeNet-5 with sigmoid activations (valid padding, d2l's layout as the course wrote it): Conv2D(6, 5×5) → [BN] → sigmoid → [Dropout 0.5] → AveragePooling2D(2, 2) → " +
            "Conv2D(16, 5×5) → [BN] → sigmoid → [Dropout 0.5] → AveragePooling2D(2, 2) → Flatten → Dense(120) → [BN] → sigmoid → [Dropout 0.5] → Dense(84) → [BN] → sigmoid → " +
            "[Dropout 0.5] → Dense(10, softmax). The models differ in what they put in brackets and in front:");
        context.Table("Models", ["model", "course's name", "first layers", "hidden BN", "hidden dropout", "epochs", "optimiser", "parameters", "trainable"],
            LeNetModels.All.Select(m =>
            {
                var model = LeNetModels.Build(m, context.Seed);
                long trainable = model.TrainableParameters.Sum(p => (long)p.Value.Length);
                return (IReadOnlyList<object?>)[m.Key, m.CourseName ?? "—", InputDescription(m), m.HiddenBatchNorm, m.HiddenDropout, m.Epochs, m.OptimizerName, model.CountParams(), trainable];
            }));

        var plain = LeNetModels.Build(LeNetModels.Plain, context.Seed);
        var full = LeNetModels.Build(LeNetModels.BatchNormDropout, context.Seed);
        context.Record("plain.parameters", plain.CountParams());
        foreach (var m in LeNetModels.All)
        {
            var model = LeNetModels.Build(m, context.Seed);
            context.Record($"{m.Key}.parameters", model.CountParams());
            context.Record($"{m.Key}.trainable_parameters", model.TrainableParameters.Sum(p => (long)p.Value.Length));
        }

        context.Paragraph("model.summary() of the plain LeNet-5 and of the largest variant (batch norm + dropout), in Keras's layout:");
        context.Code(plain.Summary());
        context.Code(full.Summary());

        // The course's "standard norm" model: what does a Normalization layer that was never adapted do?
        var standard = LeNetModels.Build(LeNetModels.StandardNorm, context.Seed);
        var normalization = (Normalization)standard.Layers[0];
        var batch = data.XTrain.SliceRows(0, Math.Min(LeNetModels.BatchSize, data.XTrain.Shape[0]));
        var output = normalization.Forward(batch, training: true).ToArray();
        var input = batch.ToArray();
        double maxChange = input.Zip(output).Max(p => Math.Abs((double)p.First - p.Second));
        double mean = normalization.Mean.ValueAs<float>().ToArray()[0];
        double variance = normalization.Variance.ValueAs<float>().ToArray()[0];
        var adapted = new Normalization();
        adapted.Adapt(data.TrainingPart);
        double adaptedMean = adapted.Mean.ValueAs<float>().ToArray()[0];
        double adaptedVariance = adapted.Variance.ValueAs<float>().ToArray()[0];
        context.Record("standard_norm.normalization.mean", mean);
        context.Record("standard_norm.normalization.variance", variance);
        context.Record("standard_norm.normalization.max_abs_change", maxChange);
        context.Record("standard_norm_adapted.normalization.mean", adaptedMean);
        context.Record("standard_norm_adapted.normalization.variance", adaptedVariance);
        context.Finding(
            $"The course's \"standard norm\" model starts with Normalization() and never calls adapt(): its mean stays {F(mean)} and its variance {F(variance)}, so it is the identity " +
            $"(on {batch.Shape[0]} training images the largest change it makes to a pixel is {F(maxChange)}). That model therefore has no input normalisation at all; it differs from " +
            $"the plain LeNet-5 only by its hidden batch normalisation. Adapted to the {data.TrainRows:N0} training images it would learn mean {F(adaptedMean)} and variance " +
            $"{F(adaptedVariance)} (standard deviation {F(Math.Sqrt(adaptedVariance))}) — the standard_norm_adapted model.");
    }

    private static string InputDescription(LeNetModel model) => model.IsCnn
        ? "Conv2D(32, 3×3, relu) → Conv2D(64, 3×3, relu) → MaxPooling2D(2×2) → Dropout(0.25) → Flatten → Dense(128, relu) → Dropout(0.5) → Dense(10, softmax)"
        : model.Input switch
        {
            LeNetInput.None => "—",
            LeNetInput.Normalization => "Normalization() (never adapted)",
            LeNetInput.AdaptedNormalization => "Normalization() adapted to the training pixels",
            LeNetInput.BatchNormalization => "BatchNormalization()",
            LeNetInput.Dropout => $"Dropout({F(LeNetModels.InputDropout)})",
            _ => $"BatchNormalization() → Dropout({F(LeNetModels.InputDropout)})",
        };

    // ---- training --------------------------------------------------------------------------------------------

    private static List<LeNetRun> TrainModel(LabContext context, LeNetModel model, LeNetData data, int[] seeds)
    {
        int epochs = EpochsOf(model, context.Quick);
        context.Section($"{model.Key}: {model.Label}");
        context.Paragraph(
            (model.CourseName is null ? "Not trained by the course. " : $"The course's \"{model.CourseName}\" model. ") +
            $"First layers: {InputDescription(model)}. {model.OptimizerName}, {epochs} epochs" +
            (epochs == model.Epochs ? "" : $" (the course: {model.Epochs})") + $", seeds {string.Join(", ", seeds)}.");

        var runs = new List<LeNetRun>();
        foreach (int seed in seeds)
        {
            var run = LeNetTraining.Train(model, data, seed, epochs, new EpochProgress(context, $"{model.Key}, seed {seed}", epochs));
            runs.Add(run);
        }

        RecordRuns(context, model, runs);
        LearningCurves(context, model, runs, epochs);
        context.Table($"{model.Key}: test set per seed", ["seed", "test loss", "test accuracy", "epochs at chance", "skipped steps", "seconds", "CPU seconds"],
            runs.Select(r => (IReadOnlyList<object?>)[r.Seed, r.TestLoss, r.TestAccuracy, r.EpochsAtChance, r.SkippedSteps, r.Seconds, r.CpuSeconds]));
        var skipped = runs.Where(r => r.SkippedSteps > 0).ToArray();
        if (skipped.Length > 0)
        {
            context.Finding($"{model.Key}: {skipped.Sum(r => r.SkippedSteps)} training steps would have made the weights non-finite and were skipped " +
                $"(seeds {string.Join(", ", skipped.Select(r => r.Seed))}).");
        }

        return runs;
    }

    private static void RecordRuns(LabContext context, LeNetModel model, List<LeNetRun> runs)
    {
        var accuracy = runs.Select(r => r.TestAccuracy).ToArray();
        var loss = runs.Select(r => r.TestLoss).ToArray();
        var a = Measurement.OfRepetitions(accuracy);
        var l = Measurement.OfRepetitions(loss);
        context.Record($"{model.Key}.test_accuracy", accuracy);
        context.Record($"{model.Key}.test_accuracy_mean", a.Value);
        context.Record($"{model.Key}.test_accuracy_std", a.Std);
        context.Record($"{model.Key}.test_loss", loss);
        context.Record($"{model.Key}.test_loss_mean", l.Value);
        context.Record($"{model.Key}.test_loss_std", l.Std);
        context.Record($"{model.Key}.epochs_at_chance", runs.Select(r => r.EpochsAtChance).ToArray());
        context.Record($"{model.Key}.skipped_steps", runs.Select(r => r.SkippedSteps).ToArray());
        context.Record($"{model.Key}.seconds", runs.Select(r => r.Seconds).ToArray());
        context.Record($"{model.Key}.cpu_seconds", runs.Select(r => r.CpuSeconds).ToArray());
        foreach (string metric in Metrics)
        {
            context.Record($"{model.Key}.history.{metric}", runs.Select(r => r[metric].ToArray()).ToArray());
        }
    }

    private static readonly string[] Metrics = ["loss", "accuracy", "val_loss", "val_accuracy"];

    /// <summary>Loss and accuracy per epoch, mean over the seeds, beside the course's log where it has one; and the
    /// per-epoch table with mean ± std.</summary>
    private static void LearningCurves(LabContext context, LeNetModel model, List<LeNetRun> runs, int epochs)
    {
        var mean = Metrics.ToDictionary(m => m, m => (IReadOnlyList<double>)Enumerable.Range(0, epochs).Select(e => runs.Average(r => r[m][e])).ToArray());
        LeNetBatchNormDropoutPublished.Logs.TryGetValue(model.Key, out var course);
        var charts = new List<Chart>();
        foreach (var (metric, title) in new[] { ("loss", "categorical cross-entropy"), ("accuracy", "accuracy") })
        {
            var curves = new Dictionary<string, IReadOnlyList<double>>
            {
                [$"training (mean of {runs.Count})"] = mean[metric],
                [$"validation (mean of {runs.Count})"] = mean["val_" + metric],
            };
            if (course is not null)
            {
                curves["course: training"] = course.Select(e => metric == "loss" ? e.Loss : e.Accuracy).ToArray();
                curves["course: validation"] = course.Select(e => metric == "loss" ? e.ValLoss : e.ValAccuracy).ToArray();
            }

            var chart = Charts.OverlayCurves(curves, $"{model.Key}: {metric}", title, logY: metric == "loss");
            StyleCourseCurves(chart, metric == "accuracy");
            charts.Add(chart);
        }

        context.Figure(Chart.Grid(charts, 2), $"{model.Key}-curves",
            $"{model.Key}: training and validation loss (log scale) and accuracy per epoch, mean over seeds {string.Join(", ", runs.Select(r => r.Seed))}" +
            (course is null ? "." : $", beside the course's one run (\"{model.CourseName}\")") +
            " Training values are Keras's running means over the epoch's batches, with dropout active.");

        if (runs.Any(r => r.EpochsAtChance > 0))
        {
            // A mean over seeds smears when each seed left chance; show every seed.
            var perSeed = runs.ToDictionary(r => $"seed {r.Seed}", r => r["val_accuracy"]);
            if (course is not null)
            {
                perSeed["course"] = course.Select(e => e.ValAccuracy).ToArray();
            }

            context.Figure(Charts.OverlayCurves(perSeed, $"{model.Key}: validation accuracy per seed", "validation accuracy"), $"{model.Key}-seeds",
                $"{model.Key}: validation accuracy per epoch of every seed{(course is null ? "" : " and of the course's run")}; below {F(LeNetTraining.ChanceCeiling)} counts as chance.");
        }

        var headers = new List<string> { "epoch" };
        headers.AddRange(Metrics.Select(m => m + " (mean ± std)"));
        if (course is not null)
        {
            headers.AddRange(["course loss", "course val_accuracy"]);
        }

        context.Table($"{model.Key}: per epoch over {runs.Count} seeds", headers, Enumerable.Range(0, epochs).Select(e =>
        {
            var row = new List<object?> { e + 1 };
            row.AddRange(Metrics.Select(m => (object?)MeanStd(runs.Select(r => r[m][e]))));
            if (course is not null)
            {
                row.Add(e < course.Count ? course[e].Loss : null);
                row.Add(e < course.Count ? course[e].ValAccuracy : null);
            }

            return (IReadOnlyList<object?>)row;
        }));
    }

    /// <summary>The course's curves dashed, in the colour of this run's matching curve; accuracy's legend at the
    /// lower right, where rising curves leave room.</summary>
    private static void StyleCourseCurves(Chart chart, bool legendLowerRight)
    {
        var lines = chart.Plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToArray();
        for (int i = 2; i < lines.Length; i++)
        {
            lines[i].Color = ChartStyle.ColorAt(i - 2);
            lines[i].LinePattern = ScottPlot.LinePattern.Dashed;
            lines[i].MarkerShape = ScottPlot.MarkerShape.OpenCircle;
        }

        if (legendLowerRight)
        {
            chart.Plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        }
    }

    // ---- test accuracy ---------------------------------------------------------------------------------------

    private static void ReportTestAccuracy(LabContext context, Dictionary<LeNetModel, List<LeNetRun>> runs, int[] seeds)
    {
        context.Section("Test accuracy of every model");
        context.Table($"Test set (mean ± sample std over {seeds.Length} seeds)",
            ["model", .. seeds.Select(s => $"seed {s}"), "test accuracy", "test loss", "course's accuracy", "course's loss", "seconds per run"],
            LeNetModels.All.Select(m =>
            {
                var r = runs[m];
                var row = new List<object?> { m.Key };
                row.AddRange(r.Select(x => (object?)x.TestAccuracy));
                row.Add(MeanStd(r.Select(x => x.TestAccuracy)));
                row.Add(MeanStd(r.Select(x => x.TestLoss)));
                row.Add(LeNetBatchNormDropoutPublished.TestAccuracyOf(m.Key)?.Value.ToString() ?? "—");
                row.Add(LeNetBatchNormDropoutPublished.TestLossOf(m.Key)?.Value.ToString() ?? "—");
                row.Add(r.Average(x => x.Seconds));
                return (IReadOnlyList<object?>)row;
            }));

        var curves = LeNetModels.All.ToDictionary(m => m.Key, m =>
        {
            var r = runs[m];
            int epochs = r[0]["val_accuracy"].Count;
            return (IReadOnlyList<double>)Enumerable.Range(0, epochs).Select(e => r.Average(x => x["val_accuracy"][e])).ToArray();
        });
        context.Figure(Charts.OverlayCurves(curves, "Validation accuracy per epoch (mean over seeds)", "validation accuracy"), "all-val-accuracy",
            "Validation accuracy per epoch of every model, mean over the seeds.");
    }

    // ---- batch-norm parameters -------------------------------------------------------------------------------

    private static void ReportBatchNormParameters(LabContext context, Dictionary<LeNetModel, List<LeNetRun>> runs, LeNetData data)
    {
        context.Section("Learned batch-norm parameters");
        context.Paragraph(
            "After training, every BatchNormalization layer holds γ (scale), β (shift), the moving mean and the moving variance, one value per channel. The course plotted each " +
            "of the four as violins, one per BN layer, with seaborn's violinplot(scale='count', inner=None) — the course labelled the fourth \"std\", but Keras's 4th weight is " +
            "the moving variance. Here each violin pools the channels of all seeds; its width is proportional to the number of values (count scaling), so the input layer's " +
            "one channel is a sliver next to Dense(120).");
        foreach (var model in LeNetModels.All.Where(m => m.HasBatchNorm))
        {
            var r = runs[model];
            int layers = r[0].BatchNorm.Count;
            string[] labels = Enumerable.Range(0, layers).Select(i => (i + 1).ToString(CultureInfo.InvariantCulture)).ToArray();
            string legend = string.Join(", ", Enumerable.Range(0, layers).Select(i => $"{labels[i]} after {r[0].BatchNorm[i].Place}"));
            var kinds = new (string Name, string Key, Func<BatchNormParameters, float[]> Select)[]
            {
                ("γ (gamma)", "gamma", p => p.Gamma),
                ("β (beta)", "beta", p => p.Beta),
                ("moving mean", "moving_mean", p => p.MovingMean),
                ("moving variance", "moving_variance", p => p.MovingVariance),
            };
            var charts = new List<Chart>();
            foreach (var (name, key, select) in kinds)
            {
                var groups = new Dictionary<string, IReadOnlyList<double>>();
                for (int i = 0; i < layers; i++)
                {
                    groups[labels[i]] = r.SelectMany(run => select(run.BatchNorm[i]).Select(v => (double)v)).ToArray();
                    context.Record($"{model.Key}.batchnorm.layer{i + 1}.{key}", r.Select(run => select(run.BatchNorm[i]).Select(v => (double)v).ToArray()).ToArray());
                }

                charts.Add(Charts.CountScaledViolins(groups, $"{model.Key}: {name}", name, "BN layer"));
            }

            context.Figure(Chart.Grid(charts, 2), $"{model.Key}-batchnorm",
                $"{model.Key}: learned γ, β, moving mean and moving variance of each BN layer ({legend}, channels in brackets; seeds {string.Join(", ", r.Select(x => x.Seed))} pooled; width ∝ number of values).");
            context.Table($"{model.Key}: BN parameters per layer (all seeds pooled)",
                ["BN layer", "after", "channels", "γ mean", "γ min … max", "β mean", "moving mean, mean", "moving variance, mean", "moving variance min … max"],
                Enumerable.Range(0, layers).Select(i =>
                {
                    var all = r.Select(run => run.BatchNorm[i]).ToArray();
                    float[] gamma = all.SelectMany(p => p.Gamma).ToArray();
                    float[] variance = all.SelectMany(p => p.MovingVariance).ToArray();
                    return (IReadOnlyList<object?>)[labels[i], all[0].Place, all[0].Gamma.Length, gamma.Average(v => (double)v), $"{F(gamma.Min())} … {F(gamma.Max())}",
                        all.SelectMany(p => p.Beta).Average(v => (double)v), all.SelectMany(p => p.MovingMean).Average(v => (double)v),
                        variance.Average(v => (double)v), $"{F(variance.Min())} … {F(variance.Max())}"];
                }));
        }
    }

    // ---- findings --------------------------------------------------------------------------------------------

    private static void Findings(LabContext context, Dictionary<LeNetModel, List<LeNetRun>> runs, LeNetData data)
    {
        context.Section("Findings");
        var stats = runs.ToDictionary(kv => kv.Key, kv => Measurement.OfRepetitions(kv.Value.Select(r => r.TestAccuracy)));

        // Ranking.
        var ranked = LeNetModels.All.OrderByDescending(m => stats[m].Value ?? double.NegativeInfinity).ToArray();
        context.Finding("Ranking by mean test accuracy: " + string.Join(" > ", ranked.Select(m => $"{m.Key} {MeanStd(runs[m].Select(r => r.TestAccuracy))}")) + ".");

        // Does batch normalisation help the sigmoid LeNet?
        var plain = runs[LeNetModels.Plain];
        foreach (var model in new[] { LeNetModels.StandardNorm, LeNetModels.BatchNormInput })
        {
            context.Finding($"{model.Key} against plain: " + Difference(runs[model], plain) +
                $" After one epoch the validation accuracy is {MeanStd(runs[model].Select(r => r["val_accuracy"][0]))} against plain's {MeanStd(plain.Select(r => r["val_accuracy"][0]))}.");
        }

        // Adapting the Normalization layer.
        context.Finding("standard_norm_adapted (Normalization adapted to the pixels) against standard_norm (never adapted, the identity): " +
            Difference(runs[LeNetModels.StandardNormAdapted], runs[LeNetModels.StandardNorm]) +
            " A BN layer right after the first (valid-padded) convolution normalises each channel with its batch statistics, which cancels any affine rescaling of the input: " +
            "from the same initial weights both models compute the same training-mode function up to ε; they differ in how far Adam's steps move the first kernel relative to its effect.");

        // Adapted against never adapted, layer by layer: the first BN layer absorbs the input scaling.
        var unadapted = runs[LeNetModels.StandardNorm];
        var adaptedRuns = runs[LeNetModels.StandardNormAdapted];
        double pixelVar = (double)context.Results["standard_norm_adapted.normalization.variance"]!;
        double varianceRatio = adaptedRuns.Zip(unadapted).Average(p => p.First.BatchNorm[0].MovingVariance.Average(v => (double)v) / p.Second.BatchNorm[0].MovingVariance.Average(v => (double)v));
        double gammaGap = adaptedRuns.Zip(unadapted).Max(p => p.First.BatchNorm.Zip(p.Second.BatchNorm).Max(l => l.First.Gamma.Zip(l.Second.Gamma).Max(g => Math.Abs(g.First - g.Second))));
        context.Finding($"The first BN layer of standard_norm_adapted ends with a moving variance {F(varianceRatio, 3)}× that of standard_norm (mean over seeds; dividing the pixels by their " +
            $"standard deviation scales the convolution's output variance by 1/{F(pixelVar)} = {F(1 / pixelVar, 3)}), while the learned γ of all BN layers differ by at most {F(gammaGap, 2)} between the two: " +
            "the batch-normalised network absorbs the input scaling in its first BN layer.");

        // Dropout at chance.
        var dropout = runs[LeNetModels.DropoutOnly];
        int[] chance = dropout.Select(r => r.EpochsAtChance).ToArray();
        int stuck = chance.Count(c => c > 0);
        int dropoutEpochs = dropout[0]["val_accuracy"].Count;
        string perSeed = string.Join(", ", dropout.Select(r => $"seed {r.Seed}: {r.EpochsAtChance}")) + $" of {dropoutEpochs} epochs";
        int neverLeft = chance.Count(c => c == dropoutEpochs);
        context.Finding(stuck == 0
            ? $"The dropout-only model never sat at chance: its validation accuracy was at least {F(LeNetTraining.ChanceCeiling)} from epoch 1 in every seed " +
              $"(first-epoch validation accuracy {MeanStd(dropout.Select(r => r["val_accuracy"][0]))}); the course's run stayed at 0.1050 for 4 epochs."
            : $"The dropout-only model sat at chance (validation accuracy below {F(LeNetTraining.ChanceCeiling)}) for its first epochs in {stuck} of {dropout.Count} seeds ({perSeed})" +
              (neverLeft > 0 ? $"; {neverLeft} of them never left it in this run" : "") + "; the course's run stayed at 0.1050 for 4 epochs and reached 0.8658 in epoch 5.");
        var both = runs[LeNetModels.BatchNormDropout];
        context.Finding($"With batch normalisation in front of every sigmoid (batchnorm_dropout) the first-epoch validation accuracy is {MeanStd(both.Select(r => r["val_accuracy"][0]))}, " +
            $"against {MeanStd(dropout.Select(r => r["val_accuracy"][0]))} for dropout alone; it sat at chance in {both.Count(r => r.EpochsAtChance > 0)} of {both.Count} seeds.");

        // Training accuracy with dropout active stays below validation accuracy.
        foreach (var model in new[] { LeNetModels.DropoutOnly, LeNetModels.BatchNormDropout })
        {
            var r = runs[model];
            context.Finding($"{model.Key}: in the last epoch the training accuracy (measured with dropout active) is {MeanStd(r.Select(x => x["accuracy"][^1]))}, " +
                $"the validation accuracy {MeanStd(r.Select(x => x["val_accuracy"][^1]))}: " +
                (r.All(x => x["accuracy"][^1] < x["val_accuracy"][^1]) ? "below it in every seed, as in the course's logs (0.9104 vs 0.9707, 0.9276 vs 0.9842)." : "not below it in every seed."));
        }

        // The course's training logs against this run's mean curves, epoch by epoch.
        var logged = LeNetModels.All.Where(m => LeNetBatchNormDropoutPublished.Logs.ContainsKey(m.Key)).Select(m =>
        {
            var log = LeNetBatchNormDropoutPublished.Logs[m.Key];
            int epochs = Math.Min(log.Count, runs[m][0]["loss"].Count);
            double worst = Enumerable.Range(0, epochs).Max(e => Math.Abs(runs[m].Average(r => r["loss"][e]) / log[e].Loss - 1));
            double worstAccuracy = Enumerable.Range(0, epochs).Max(e => Math.Abs(runs[m].Average(r => r["accuracy"][e]) - log[e].Accuracy));
            return $"{m.Key} {F(worst * 100, 2)}% / {F(worstAccuracy, 2)} over {epochs} epochs";
        });
        context.Finding("Training loss and accuracy per epoch (mean over seeds) against the course's logs, largest relative difference of the loss / largest absolute difference of the accuracy: " +
            string.Join("; ", logged) + ".");

        // Validation instability.
        var drops = LeNetModels.All.Where(m => !m.IsCnn).Select(m => (Model: m, Drop: runs[m].Max(r => LargestDrop(r["val_accuracy"])))).ToArray();
        var worst = drops.MaxBy(d => d.Drop);
        context.Finding("Largest fall of the validation accuracy from one epoch to the next (worst seed): " +
            string.Join(", ", drops.Select(d => $"{d.Model.Key} {F(d.Drop, 3)}")) +
            $". The course's standard norm run fell by 0.063 (0.9650 → 0.9020 at epoch 4); here the largest fall is {worst.Model.Key}'s.");

        // Input batch normalisation learns the pixel statistics.
        var inputBn = runs[LeNetModels.BatchNormInput];
        double movingMean = inputBn.Average(r => (double)r.BatchNorm[0].MovingMean[0]);
        double movingVariance = inputBn.Average(r => (double)r.BatchNorm[0].MovingVariance[0]);
        double pixelMean = (double)context.Results["standard_norm_adapted.normalization.mean"]!;
        double pixelVariance = (double)context.Results["standard_norm_adapted.normalization.variance"]!;
        double off = Math.Max(Math.Abs(movingMean / pixelMean - 1), Math.Abs(movingVariance / pixelVariance - 1));
        context.Finding($"The input BN layer of batchnorm_input ends with moving mean {F(movingMean)} and moving variance {F(movingVariance)} (mean over seeds); the training pixels " +
            $"have mean {F(pixelMean)} and variance {F(pixelVariance)} (what Normalization.adapt learns): " +
            (off <= 0.05 ? "the layer has learned the pixel statistics (within 5%)" : $"up to {F(off * 100, 3)}% away, because the moving averages (momentum 0.99) still remember their start at 0 and 1 after this run's {inputBn[0]["loss"].Count * ((data.TrainRows + LeNetModels.BatchSize - 1) / LeNetModels.BatchSize)} steps") +
            ". The course's printed run had 0.1305 and 0.0948.");

        // Batch-normalised models validate far below their training accuracy early on.
        var first = LeNetModels.All.Where(m => !m.IsCnn).Select(m => (Model: m, Train: runs[m].Average(r => r["accuracy"][0]), Validation: runs[m].Average(r => r["val_accuracy"][0]))).ToArray();
        context.Finding("Epoch 1, training accuracy (running mean over the epoch) against validation accuracy (moving BN statistics), mean over seeds: " +
            string.Join(", ", first.Select(f => $"{f.Model.Key} {F(f.Train, 3)} / {F(f.Validation, 3)}")) +
            ". The course's BN models showed the same kind of gap: standard norm 0.9003 / 0.2858, batch norm 0.9100 / 0.6973.");

        // γ stays near 1.
        var hiddenGamma = runs.Where(kv => kv.Key.HiddenBatchNorm).SelectMany(kv => kv.Value).SelectMany(r => r.BatchNorm.Where(p => !p.Place.StartsWith("input", StringComparison.Ordinal))).SelectMany(p => p.Gamma).ToArray();
        if (hiddenGamma.Length > 0)
        {
            double within = hiddenGamma.Count(g => Math.Abs(g - 1) <= 0.1) / (double)hiddenGamma.Length;
            context.Finding($"Hidden BN layers: {F(within * 100, 3)}% of the {hiddenGamma.Length:N0} learned γ values lie within 0.1 of their initial 1 (range {F(hiddenGamma.Min())} … {F(hiddenGamma.Max())}); " +
                "the course's printed γ lay between 0.92 and 1.13, but those prints come from earlier runs than the logged ones (lower cell counters), of unknown length, so they are not compared.");
        }

        // The CNN as reference.
        var cnn = stats[LeNetModels.Cnn];
        var bestLeNet = ranked.First(m => !m.IsCnn);
        int cnnEpochs = EpochsOf(LeNetModels.Cnn, context.Quick);
        context.Finding($"The modern CNN (ReLU, max pooling, {runs[LeNetModels.Cnn][0].Parameters:N0} parameters, {cnnEpochs} epoch{(cnnEpochs == 1 ? "" : "s")}) reaches {MeanStd(runs[LeNetModels.Cnn].Select(r => r.TestAccuracy))}, " +
            $"against {MeanStd(runs[bestLeNet].Select(r => r.TestAccuracy))} for the best LeNet-5 variant ({bestLeNet.Key}, {runs[bestLeNet][0].Parameters:N0} parameters); " +
            $"it costs {F(runs[LeNetModels.Cnn].Average(r => r.Seconds) / runs[bestLeNet].Average(r => r.Seconds), 2)}× the time per training.");
    }

    private static string Difference(List<LeNetRun> model, List<LeNetRun> reference)
    {
        var a = Measurement.OfRepetitions(model.Select(r => r.TestAccuracy));
        var b = Measurement.OfRepetitions(reference.Select(r => r.TestAccuracy));
        double gap = a.Value!.Value - b.Value!.Value;
        double spread = Math.Max(a.Std ?? 0, b.Std ?? 0);
        int wins = model.Zip(reference).Count(p => p.First.TestAccuracy > p.Second.TestAccuracy);
        string separation = Math.Abs(gap) > 2 * spread
            ? "more than twice the larger seed spread"
            : Math.Abs(gap) > spread ? "between one and two seed spreads" : "within the seed spread, so the seeds do not separate them";
        return $"test accuracy {MeanStd(model.Select(r => r.TestAccuracy))} against {MeanStd(reference.Select(r => r.TestAccuracy))}, " +
            $"a difference of {(gap >= 0 ? "+" : "−")}{Math.Abs(gap).ToString("0.0000", CultureInfo.InvariantCulture)} ({separation}; higher with the same seed in {wins} of {model.Count}).";
    }

    private static double LargestDrop(IReadOnlyList<double> values)
    {
        double drop = 0;
        for (int i = 1; i < values.Count; i++)
        {
            drop = Math.Max(drop, values[i - 1] - values[i]);
        }

        return drop;
    }

    // ---- the course's figures --------------------------------------------------------------------------------

    private static void ComparePublished(LabContext context, Dictionary<LeNetModel, List<LeNetRun>> runs, int[] seeds, int trainRows)
    {
        string spreadOf = $"std of this run's {seeds.Length} seeds";
        foreach (var model in LeNetModels.All)
        {
            var r = runs[model];
            if (LeNetBatchNormDropoutPublished.TestAccuracyOf(model.Key) is { } accuracy)
            {
                double[] values = r.Select(x => x.TestAccuracy).ToArray();
                var overSeeds = Measurement.OfRepetitions(values);
                for (int i = 0; i < values.Length; i++)
                {
                    context.Compare(accuracy, values[i], $"seed {r[i].Seed}",
                        Tolerance.WithinSpread(accuracy.Tolerance.Factor, accuracy.Tolerance.Matches, overSeeds.Std, spreadOf));
                }

                context.Compare(accuracy, overSeeds, $"mean ± std over {values.Length} seeds",
                    Tolerance.WithinSpread(accuracy.Tolerance.Factor, accuracy.Tolerance.Matches, spreadOf: spreadOf), AccuracyNote(model, r, context.Quick, trainRows));
            }

            if (LeNetBatchNormDropoutPublished.TestLossOf(model.Key) is { } loss)
            {
                context.Compare(loss, Measurement.OfRepetitions(r.Select(x => x.TestLoss)), $"mean ± std over {r.Count} seeds",
                    Tolerance.WithinSpread(loss.Tolerance.Factor, loss.Tolerance.Matches, spreadOf: spreadOf));
            }
        }

        var dropout = runs[LeNetModels.DropoutOnly];
        var chance = LeNetBatchNormDropoutPublished.DropoutEpochsAtChance;
        context.Compare(chance, Measurement.OfRepetitions(dropout.Select(r => (double)r.EpochsAtChance)), $"mean ± std over {dropout.Count} seeds",
            Tolerance.WithinSpread(chance.Tolerance.Factor, chance.Tolerance.Matches, spreadOf: spreadOf),
            $"Epochs at chance per seed: {string.Join(", ", dropout.Select(r => $"seed {r.Seed}: {r.EpochsAtChance}"))} of {dropout[0]["val_accuracy"].Count}.");
    }

    private static string AccuracyNote(LeNetModel model, List<LeNetRun> runs, bool quick, int trainRows)
    {
        double[] values = runs.Select(r => r.TestAccuracy).ToArray();
        string range = $"The course trained once, unseeded: one draw; this run's seeds range from {F(values.Min())} to {F(values.Max())}.";
        if (quick)
        {
            return range + $" --quick trains on {trainRows:N0} digits for a few epochs, so a lower accuracy is expected.";
        }

        // How far each side's test accuracy sits from its own last validation accuracy: tells whether the course's
        // figure is low against its own run.
        var log = LeNetBatchNormDropoutPublished.Logs[model.Key];
        double courseGap = log[^1].ValAccuracy - LeNetBatchNormDropoutPublished.TestAccuracyOf(model.Key)!.Value.Number!.Value;
        double lastValidation = runs.Average(r => r["val_accuracy"][^1]);
        double gap = lastValidation - values.Average();
        return range + $" Last-epoch validation accuracy: this run {F(lastValidation)} (mean), the course {F(log[^1].ValAccuracy)}; test accuracy lies {F(gap, 2)} below it here and " +
            $"{F(courseGap, 2)} below it in the course." +
            (model == LeNetModels.StandardNorm ? " The course's standard norm run was unsteady on its validation rows (0.9650 at epoch 3, 0.9020 at epoch 4, 0.9550 at epoch 5)." : "");
    }

    // ---- formatting ------------------------------------------------------------------------------------------

    private static string MeanStd(IEnumerable<double> values)
    {
        var m = Measurement.OfRepetitions(values);
        return NumberFormat.FormatMeanStd(m.Value!.Value, m.Std ?? 0);
    }

    private static string F(double value, int digits = 4) => LabContext.Format(value, digits);
}
