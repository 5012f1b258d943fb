using System.Globalization;
using Backprop.Data;
using Backprop.Labs.Trials;
using Backprop.Plots;

namespace Backprop.Labs.MnistHyperparameters;

/// <summary>Course 001, Exercise 3: the MNIST hyper-parameter study. Stage 1 trains one hidden layer of 50 and of 100
/// ReLU units with SGD at learning rates 0.001, 0.01 and 0.1, four repetitions each, and picks the best rate by mean
/// validation accuracy; stages 2–4 train configurations A–U (widths, depths, Adam/AdaGrad/AdaDelta/RMSProp, dropout,
/// batch size 8, exponential decay, sigmoid, batch normalisation). Every training is a keyed trial: recorded in the
/// run store, skipped when already finished there, and shardable over processes or a cluster's job array.</summary>
public sealed class MnistHyperparametersLab : ILab
{
    internal const int FullEpochs = 20;
    internal const int QuickEpochs = 2;
    internal const int FullRepetitions = 4;
    internal const int QuickRepetitions = 2;
    internal const int QuickTrainRows = 200;
    internal const int QuickValidationRows = 100;
    internal const int QuickTestRows = 100;
    internal static readonly int[] Stage1Widths = [50, 100];
    internal static readonly double[] Stage1Rates = [0.001, 0.01, 0.1];

    /// <summary>The name typed on the command line: <c>mnist-hyperparameters</c>.</summary>
    public string Name => "mnist-hyperparameters";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "The MNIST hyper-parameter study: learning rates over 4 repetitions, then 21 configurations (width, depth, optimiser, dropout, batch size, schedule, sigmoid, batch norm) as keyed, resumable, shardable trials.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => MnistHyperparametersPublished.All;

    /// <summary>Runs the study (a reduced one with <see cref="LabContext.Quick"/>), or this shard's part of it.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int epochs = context.Quick ? QuickEpochs : FullEpochs;
        int repetitions = context.Quick ? QuickRepetitions : FullRepetitions;
        context.Setting("epochs", epochs);
        context.Setting("stage1_repetitions", repetitions);
        context.Setting("stage1_widths", Stage1Widths);
        context.Setting("stage1_learning_rates", Stage1Rates);
        context.Setting("loss", "SparseCategoricalCrossentropy(from_logits=True), Dense(10) linear output named 'output'");
        context.Setting("initialisers", "GlorotUniform kernels (seeded per trial), Zeros biases");
        context.Setting("schedule_S", HyperparameterTraining.ScheduleDescription);
        context.Setting("trial_seed", "SHA-256 of '<seed>/<trial key>': a trial's figures do not depend on the other trials");
        if (context.Quick)
        {
            context.Paragraph(
                $"Quick run: {QuickTrainRows} training, {QuickValidationRows} validation and {QuickTestRows} test digits (the first of each part), {epochs} epochs instead of {FullEpochs}, " +
                $"{repetitions} stage-1 repetitions instead of {FullRepetitions}. Every configuration and comparison is there; the numbers are not the study's.");
        }

        var data = LoadData(context);
        var plan = Plan(context, data, epochs, repetitions);
        var results = context.RunTrials(plan.Select(p => p.Spec).ToList(),
            spec => HyperparameterTraining.Train(plan.First(p => p.Spec.Key == spec.Key).Config, data, (int)(long)spec.Config["trial_seed"]!, epochs, context,
                $"{spec.Key} ({plan.First(p => p.Spec.Key == spec.Key).Config.Description})"));
        if (context.StudyIncomplete)
        {
            return;
        }

        ReportExample(context);
        var rates = ReportStage1(context, plan, results, repetitions);
        ReportConfigurations(context, results);
        ReportTimes(context, plan, results);
        context.Headline("best learning rate ([100])", rates[100]);
        var best = HyperparameterConfig.Lettered.MaxBy(c => results["config/" + c.Name].Metrics["val_accuracy"])!;
        context.Headline($"best configuration by validation accuracy ({best.Name})", results["config/" + best.Name].Metrics["val_accuracy"]);
        context.Headline($"its test accuracy", results["config/" + best.Name].Metrics["test_accuracy"]);
    }

    /// <summary>A planned trial: its spec (key, config, cost) and the configuration it trains.</summary>
    internal sealed record PlannedTrial(TrialSpec Spec, HyperparameterConfig Config, int Stage, int Repetition);

    /// <summary>Every trial of the study: stage 1 (2 widths × 3 rates × repetitions), then A–U.</summary>
    internal static List<PlannedTrial> Plan(LabContext context, HyperparameterData data, int epochs, int repetitions)
    {
        var plan = new List<PlannedTrial>();
        void Add(string key, HyperparameterConfig config, int stage, int repetition)
        {
            var settings = config.ToSettings();
            settings["epochs"] = epochs;
            settings["run_seed"] = context.Seed;
            settings["trial_seed"] = (long)HyperparameterTraining.TrialSeed(context.Seed, key);
            settings["data"] = data.Description;
            settings["train_rows"] = data.YTrain.Shape[0];
            settings["validation_rows"] = data.YValidation.Shape[0];
            settings["test_rows"] = data.YTest.Shape[0];
            settings["quick"] = context.Quick;
            // Balances shards only. Per sample: forward, backward and update ≈ 3 × the multiply-adds, plus the optimiser's
            // per-parameter work (measured at batch 1: Adam ≈ 17, RMSProp ≈ 9, AdaDelta ≈ 8, AdaGrad ≈ 5 multiply-adds per
            // parameter per step); batch 8 costs ≈ 0.15 of batch 1 per sample.
            double update = config.Optimizer switch { "adam" => 17, "rmsprop" => 9, "adadelta" => 8, "adagrad" => 5, _ => 0 } * (double)config.Parameters;
            double cost = ((3 * config.MultiplyAdds) + update) * data.YTrain.Shape[0] * epochs * (config.BatchSize == 1 ? 1.0 : 0.15);
            plan.Add(new PlannedTrial(new TrialSpec(key, settings, cost), config, stage, repetition));
        }

        foreach (int width in Stage1Widths)
        {
            foreach (double rate in Stage1Rates)
            {
                for (int rep = 1; rep <= repetitions; rep++)
                {
                    Add($"stage1/h{width}/lr{rate.ToString(CultureInfo.InvariantCulture)}/rep{rep}", new HyperparameterConfig($"{width}", [width], LearningRate: rate), 1, rep);
                }
            }
        }

        foreach (var config in HyperparameterConfig.Lettered)
        {
            Add("config/" + config.Name, config, 2, 1);
        }

        return plan;
    }

    // ---- data ------------------------------------------------------------------------------------------------

    private static HyperparameterData LoadData(LabContext context)
    {
        context.Section("Data: the first 50,000 training digits, the next 10,000 for validation, the 10,000 test digits");
        var mnist = LabData.Mnist(context);
        var split = mnist.Split;
        int all = split.XTrain.Shape[0];
        int train = mnist.IsFull ? 50_000 : all * 5 / 6;
        int validation = all - train;
        var labelsTrain = split.YTrain.SliceRows(0, train).Clone();
        var labelsValidation = split.YTrain.SliceRows(train, validation).Clone();
        var labelsTest = split.YTest.Clone();

        var counts = ClassCounts.Of(("train", labelsTrain), ("validation", labelsValidation), ("test", labelsTest));
        var countRows = new List<IReadOnlyList<object?>>();
        foreach (string part in new[] { "train", "validation", "test" })
        {
            countRows.Add([part, .. Enumerable.Range(0, 10).Select(d => (object?)counts.Count(part, d))]);
            countRows.Add([$"{part} (course)", .. MnistHyperparametersPublished.ClassCountTable[part].Select(c => (object?)c)]);
            for (int digit = 0; digit < 10; digit++)
            {
                context.Compare(MnistHyperparametersPublished.ClassCount(part, digit), counts.Count(part, digit));
            }
        }

        context.Table("Digits per class in each part", ["part", .. Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture))], countRows);
        context.Record("data.class_counts", new[] { "train", "validation", "test" }.ToDictionary(p => p, p => Enumerable.Range(0, 10).Select(d => counts.Count(p, d)).ToArray()));

        int trainRows = context.Quick ? Math.Min(QuickTrainRows, train) : train;
        int validationRows = context.Quick ? Math.Min(QuickValidationRows, validation) : validation;
        int testRows = context.Quick ? Math.Min(QuickTestRows, labelsTest.Shape[0]) : labelsTest.Shape[0];
        var xTrain = Images.ScalePixels(split.XTrain.SliceRows(0, trainRows).Clone(), flatten: true);
        var xValidation = Images.ScalePixels(split.XTrain.SliceRows(train, validationRows).Clone(), flatten: true);
        var xTest = Images.ScalePixels(split.XTest.SliceRows(0, testRows).Clone(), flatten: true);
        static Tensor<float> Labels(Tensor<byte> labels, int rows) => Tensor.Cast<byte, float>(labels.SliceRows(0, rows).Clone());
        var data = new HyperparameterData(xTrain, Labels(labelsTrain, trainRows), xValidation, Labels(labelsValidation, validationRows), xTest, Labels(labelsTest, testRows),
            labelsTrain, labelsValidation, labelsTest, mnist.IsFull ? "full MNIST" : "MNIST subset shipped with Backprop", mnist.IsFull);

        context.Code(
            $"training:   ({xTrain.Shape[0]}, 784)  min. {xTrain.AsSpan().ToArray().Min():F6}  max. {xTrain.AsSpan().ToArray().Max():F6}\n" +
            $"validation: ({xValidation.Shape[0]}, 784)\n" +
            $"test:       ({xTest.Shape[0]}, 784)\n" +
            "labels: integers 0–9 (sparse categorical cross-entropy from logits)");
        context.Paragraph($"Digits from {mnist.Description}. The course printed training (50000, 28, 28), validation (10000, 28, 28) and test (10000, 28, 28), flattened to 784, pixels in [0, 1].");
        context.Record("data.train_rows", xTrain.Shape[0]);
        context.Record("data.validation_rows", xValidation.Shape[0]);
        context.Record("data.test_rows", xTest.Shape[0]);
        return data;
    }

    // ---- the printed example ---------------------------------------------------------------------------------

    private static void ReportExample(LabContext context)
    {
        context.Section("The course's printed example: [100, 100] with L1L2, Dropout and batch normalisation");
        var model = HyperparameterTraining.PrintedExample();
        model.Build(new Shape(784));
        context.Code(model.Summary());
        context.Code(model.GetConfig());
        long total = model.CountParams();
        long nonTrainable = model.NonTrainableParameters.Sum(p => (long)p.Value.Length);
        context.Compare(MnistHyperparametersPublished.ExampleTotal, total);
        context.Compare(MnistHyperparametersPublished.ExampleTrainable, total - nonTrainable);
        context.Compare(MnistHyperparametersPublished.ExampleNonTrainable, nonTrainable);
        context.Record("example.total_params", total);
        context.Record("example.non_trainable_params", nonTrainable);
        context.Paragraph("Each hidden Dense(100, relu) carries L1L2(l1=0.01, l2=0) on kernel and bias (the course printed l1=0.009999999776482582, 0.01 in float32), then Dropout(0.2), then BatchNormalization(momentum=0.99, epsilon=0.001); the output layer has the same regulariser. The study's configurations A–U use none of this unless they say so.");
    }

    // ---- stage 1 ---------------------------------------------------------------------------------------------

    private static Dictionary<int, double> ReportStage1(LabContext context, List<PlannedTrial> plan, IReadOnlyDictionary<string, TrialOutcome> results, int repetitions)
    {
        context.Section($"Stage 1: one hidden layer, SGD, learning rates 0.001 / 0.01 / 0.1, {repetitions} repetitions");
        var best = new Dictionary<int, double>();
        foreach (int width in Stage1Widths)
        {
            var rows = new List<IReadOnlyList<object?>>();
            var meanVal = new Dictionary<double, double>();
            var bestCurves = new Dictionary<string, IReadOnlyList<double>>();
            foreach (double rate in Stage1Rates)
            {
                var runs = plan.Where(p => p.Stage == 1 && p.Config.Hidden[0] == width && p.Config.LearningRate == rate).Select(p => results[p.Spec.Key]).ToList();
                foreach (var (run, rep) in runs.Select((r, i) => (r, i + 1)))
                {
                    rows.Add([rate, rep, .. Row(run)]);
                }

                var stats = new[] { "train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy" }
                    .Select(m => Measurement.OfRepetitions(runs.Select(r => r.Metrics[m]))).ToList();
                rows.Add([rate, "mean ± std", .. stats.Select(s => (object?)s.ToString(6))]);
                meanVal[rate] = stats[3].Value!.Value;
                string lr = rate.ToString(CultureInfo.InvariantCulture);
                context.Record($"stage1.h{width}.lr{lr}.val_accuracy", stats[3].Value);
                context.Record($"stage1.h{width}.lr{lr}.val_accuracy_std", stats[3].Std);
                context.Record($"stage1.h{width}.lr{lr}.test_accuracy", stats[5].Value);
                context.Compare(MnistHyperparametersPublished.Stage1ValAccuracy(width, rate), stats[3]);
                context.Compare(MnistHyperparametersPublished.Stage1TestAccuracy(width, rate), stats[5]);
                var bestRun = runs.MaxBy(r => r.Metrics["val_accuracy"])!;
                if (bestRun.Epochs.TryGetValue("val_accuracy", out var curve))
                {
                    bestCurves[$"lr {lr}"] = curve;
                }
            }

            context.Table($"[{width}] hidden units", ["lr", "repetition", "train loss", "train acc", "val loss", "val acc", "test loss", "test acc"], rows);
            double bestRate = meanVal.MaxBy(kv => kv.Value).Key;
            best[width] = bestRate;
            context.Record($"stage1.h{width}.best_learning_rate", bestRate);
            context.Compare(MnistHyperparametersPublished.BestLearningRate(width), bestRate);
            context.Finding($"[{width}]: the best learning rate by mean validation accuracy is {bestRate.ToString(CultureInfo.InvariantCulture)} " +
                $"({string.Join(", ", meanVal.Select(kv => $"{kv.Key.ToString(CultureInfo.InvariantCulture)}: {kv.Value:F4}"))}); the course found 0.01 for both widths.");
            if (bestCurves.Count > 0)
            {
                context.Figure(Charts.OverlayCurves(bestCurves, $"[{width}]: validation accuracy, best repetition per learning rate", "validation accuracy"),
                    $"stage1-h{width}", $"[{width}] hidden units: validation accuracy per epoch of the best repetition of each learning rate (the course plotted its stored models the same way).");
            }
        }

        return best;
    }

    private static IEnumerable<object?> Row(TrialOutcome run) =>
        new[] { "train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy" }.Select(m => (object?)run.Metrics[m]);

    // ---- A–U ---------------------------------------------------------------------------------------------------

    private static void ReportConfigurations(LabContext context, IReadOnlyDictionary<string, TrialOutcome> results)
    {
        string[] metrics = ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy"];
        var stages = new (string Title, string[] Names)[]
        {
            ("Stage 2: A–J (width, depth, optimisers), batch size 1", ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]),
            ("Stage 3: K–Q (wider single layers, dropout, batch size 8)", ["A", "B", "C", "K", "L", "M", "N", "O", "P", "Q"]),
            ("Stage 4: Q–U ([1000], batch size 8: dropout, schedule, sigmoid, batch normalisation)", ["Q", "R", "S", "T", "U"]),
        };
        var compared = new HashSet<string>();
        var verdictText = new Dictionary<string, string>();
        foreach (var (title, names) in stages)
        {
            context.Section(title);
            var rows = new List<IReadOnlyList<object?>>();
            foreach (string name in names)
            {
                var config = HyperparameterConfig.Lettered.First(c => c.Name == name);
                var run = results["config/" + name];
                double[] course = MnistHyperparametersPublished.Configurations[name];
                if (compared.Add(name))
                {
                    var verdicts = new List<Verdict>();
                    for (int i = 0; i < metrics.Length; i++)
                    {
                        var row = context.Compare(MnistHyperparametersPublished.Configuration(name, i), run.Metrics[metrics[i]],
                            note: name is "P" or "R" && i < 2 ? "train loss and accuracy with dropout active, as Keras logs them during the epoch" : null);
                        verdicts.Add(row.Verdict);
                    }

                    verdictText[name] = VerdictSummary(verdicts);

                    foreach (string m in metrics)
                    {
                        context.Record($"config.{name}.{m}", run.Metrics[m]);
                    }

                    context.Record($"config.{name}.parameters", run.Metrics["parameters"]);
                    if (MnistHyperparametersPublished.ParameterCounts.ContainsKey(name))
                    {
                        context.Compare(MnistHyperparametersPublished.Parameters(name), run.Metrics["parameters"]);
                    }
                }

                rows.Add([$"{name}: {config.Description}", "this run", .. metrics.Select(m => (object?)run.Metrics[m]), run.Metrics["parameters"], verdictText[name]]);
                rows.Add(["", "course", .. course.Select(v => (object?)v), MnistHyperparametersPublished.ParameterCounts.TryGetValue(name, out long p) ? p : "—", ""]);
            }

            context.Table(title, ["configuration", "", "train loss", "train acc", "val loss", "val acc", "test loss", "test acc", "parameters", "verdicts"], rows);
            var loss = names.Where(n => results["config/" + n].Epochs.ContainsKey("loss")).ToDictionary(n => n, n => results["config/" + n].Epochs["loss"]);
            var accuracy = names.Where(n => results["config/" + n].Epochs.ContainsKey("accuracy")).ToDictionary(n => n, n => results["config/" + n].Epochs["accuracy"]);
            string slug = title[..7].Replace(' ', '-').Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
            if (loss.Count > 0)
            {
                context.Figure(Charts.OverlayCurves(loss, $"{title[..7]}: training loss", "training loss", logY: true), $"{slug}-loss", $"{title}: training loss per epoch (log scale).");
                context.Figure(Charts.OverlayCurves(accuracy, $"{title[..7]}: training accuracy", "training accuracy"), $"{slug}-accuracy", $"{title}: training accuracy per epoch (with dropout active for P and R).");
            }
        }

        context.Paragraph("Training loss and accuracy are the last epoch's running means as Keras logs them, so for P and R they are measured with dropout active (as the course's were); validation and test figures are Evaluate on the final weights. " +
            $"Configuration S uses {HyperparameterTraining.ScheduleDescription}: the course names only an exponential decay from 0.01, so decay_steps and decay_rate are Keras's documentation example, not the course's (unknown) values.");

        var byVal = HyperparameterConfig.Lettered.OrderByDescending(c => results["config/" + c.Name].Metrics["val_accuracy"]).ToList();
        var top = byVal[0];
        context.Finding($"Best by validation accuracy: {top.Name} ({top.Description}) with {results["config/" + top.Name].Metrics["val_accuracy"]:F4}, test accuracy {results["config/" + top.Name].Metrics["test_accuracy"]:F4}; " +
            $"the course's best was P ([1000], dropout 0.2) with 0.9851 / 0.9853.");
        var batch1 = HyperparameterConfig.Lettered.Where(c => c.BatchSize == 1).ToList();
        double bestTest = batch1.Max(c => results["config/" + c.Name].Metrics["test_accuracy"]);
        context.Compare(MnistHyperparametersPublished.BestTestAccuracy, bestTest, note: "the highest test accuracy of the batch-size-1 configurations A–P");
        var worst = byVal[^1];
        context.Finding($"Worst: {worst.Name} ({worst.Description}) with validation accuracy {results["config/" + worst.Name].Metrics["val_accuracy"]:F4}; at lr 0.01 the adaptive optimisers " +
            $"G (Adam) {results["config/G"].Metrics["val_accuracy"]:F4}, I (AdaDelta) {results["config/I"].Metrics["val_accuracy"]:F4}, J (RMSProp) {results["config/J"].Metrics["val_accuracy"]:F4} against B (SGD) {results["config/B"].Metrics["val_accuracy"]:F4}.");
    }

    /// <summary>"6 of 6 match", "4 of 6 match; differ: train loss, val loss".</summary>
    private static string VerdictSummary(IReadOnlyList<Verdict> verdicts)
    {
        string[] shortNames = ["train loss", "train acc", "val loss", "val acc", "test loss", "test acc"];
        int matching = verdicts.Count(v => v == Verdict.Matches);
        var differing = verdicts.Select((v, i) => (v, i)).Where(t => t.v == Verdict.Differs).Select(t => shortNames[t.i]).ToList();
        return $"{matching} of {verdicts.Count} match" + (differing.Count > 0 ? "; differ: " + string.Join(", ", differing) : "");
    }

    // ---- time ------------------------------------------------------------------------------------------------

    private static void ReportTimes(LabContext context, List<PlannedTrial> plan, IReadOnlyDictionary<string, TrialOutcome> results)
    {
        context.Section("Time per epoch");
        var rows = new List<IReadOnlyList<object?>>();
        var batch1 = new List<double>();
        foreach (var config in HyperparameterConfig.Lettered)
        {
            var run = results["config/" + config.Name];
            double perEpoch = run.EpochSeconds.Count > 0 ? run.EpochSeconds.Average() : double.NaN;
            if (config.BatchSize == 1 && double.IsFinite(perEpoch))
            {
                batch1.Add(perEpoch);
            }

            context.Record($"timing.config.{config.Name}.seconds_per_epoch", perEpoch);
            rows.Add([config.Name, config.Description, config.Parameters, config.BatchSize, perEpoch, config.BatchSize == 1 ? "50–70" : "7 (for [100])",
                run.FromStore ? $"store, run {run.RunId}" : "this process"]);
        }

        context.Table("Seconds per epoch (training and the epoch's validation pass)", ["configuration", "setting", "parameters", "batch", "s / epoch", "course s / epoch", "trained by"], rows);
        double total = results.Values.Where(r => double.IsFinite(r.Seconds)).Sum(r => r.Seconds);
        context.Record("timing.trials_total_seconds", total);
        context.Paragraph($"All {results.Count} trials together took {total:F0} s of training (the sum of the trials' wall times, wherever they ran). " +
            $"The course measured 50–70 s per epoch at batch size 1 on its cloud machine, and 7 s at batch size 8 for [100]; the numbers here are this machine's ({MachineInfo.Current.CpuModel ?? "unknown CPU"}, {MachineInfo.Current.ProcessorCount} cores).");
        if (batch1.Count > 0)
        {
            context.Compare(MnistHyperparametersPublished.SecondsPerEpochBatch1, Measurement.OfRepetitions(batch1),
                note: "mean over the batch-size-1 configurations A–P of this run; a different machine and library, so a time, not a reproduction");
        }
        else
        {
            context.NotMeasured(MnistHyperparametersPublished.SecondsPerEpochBatch1, "no batch-size-1 configuration has timings in the store");
        }

        var q = results["config/Q"];
        context.NotMeasured(MnistHyperparametersPublished.SecondsPerEpochBatch8,
            $"the study has no [100] configuration at batch size 8 (the course timed one outside A–U); Q ([1000], batch 8) took {(q.EpochSeconds.Count > 0 ? q.EpochSeconds.Average() : double.NaN):F2} s per epoch here");
    }
}
