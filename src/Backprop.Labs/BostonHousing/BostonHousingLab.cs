using System.Globalization;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Plots;
using BostonHousingDataset = Backprop.Data.Datasets.BostonHousing;

namespace Backprop.Labs.BostonHousing;

/// <summary>Course 000, Question 1: Boston house prices with a small swish network. (a) prepares the data as the
/// course does, (b) trains on standardised features with early stopping, (c) on raw features, (d) with a
/// BatchNormalization layer first instead of standardising; all three are repeated over five seeds, and (b) is set
/// against the course's published training log.</summary>
public sealed class BostonHousingLab : ILab
{
    private const int FullEpochs = 300;
    private const int QuickEpochs = 30;
    private const int FullSeeds = 5;
    private const int QuickSeeds = 2;

    private static readonly BostonHousingVariant[] s_variants =
        [BostonHousingVariant.Standardised, BostonHousingVariant.Raw, BostonHousingVariant.BatchNormalization];

    /// <summary>The name typed on the command line: <c>boston-housing</c>.</summary>
    public string Name => "boston-housing";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Boston house prices with a small swish network and early stopping: standardised, raw and batch-normalised inputs over 5 seeds, set against the course's run.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => BostonHousingPublished.All;

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int epochs = context.Quick ? QuickEpochs : FullEpochs;
        int seedCount = context.Quick ? QuickSeeds : FullSeeds;
        RecordSettings(context, epochs, seedCount);
        if (context.Quick)
        {
            context.Paragraph($"Quick run: at most {epochs} epochs per training (instead of {FullEpochs}) and {seedCount} seeds (instead of {FullSeeds}); with a patience of {BostonHousingTraining.Patience} epochs early stopping can hardly fire.");
        }

        var data = PrepareData(context);

        var first = new Dictionary<BostonHousingVariant, BostonHousingRun>();
        foreach (var variant in s_variants)
        {
            first[variant] = TrainAndReport(context, variant, data, epochs);
        }

        CompareVariants(context, first);
        CompareSeeds(context, data, first, epochs, seedCount);
    }

    private static void RecordSettings(LabContext context, int epochs, int seedCount)
    {
        context.Setting("epochs", epochs);
        context.Setting("seeds", Enumerable.Range(0, seedCount).Select(i => context.Seed + i).ToArray());
        context.Setting("batch_size", BostonHousingTraining.BatchSize);
        context.Setting("learning_rate", BostonHousingTraining.LearningRate);
        context.Setting("momentum", BostonHousingTraining.Momentum);
        context.Setting("nesterov", true);
        context.Setting("early_stopping", $"monitor=val_mae, patience={BostonHousingTraining.Patience}, restore_best_weights=true");
        context.Setting("architecture", "13 -> Dense(32, swish) -> Dense(16, swish) -> Dense(1), glorot_uniform kernels seeded from the run seed");
        context.Setting("loss", "mse");
        context.Setting("metrics", "mae");
        context.Setting("validation_split", $"train_test_split(test_size={BostonHousingData.ValidationFraction}, random_state={BostonHousingData.SplitRandomState}) of the Keras training rows");
    }

    // ---- (a) data --------------------------------------------------------------------------------------------

    private static BostonHousingData PrepareData(LabContext context)
    {
        context.Section("(a) Data: Keras split, validation split, standardisation, a Dataset");
        var data = BostonHousingData.Load();
        context.Paragraph(
            "keras.datasets.boston_housing.load_data() gives 404 training and 102 test rows (13 features, the median home value in $1000s as target). " +
            $"train_test_split(test_size={BostonHousingData.ValidationFraction}, random_state={BostonHousingData.SplitRandomState}) splits the 404 into training and validation rows; " +
            "a StandardScaler fitted on the training rows alone standardises all three parts.");
        context.Table("Sizes", ["part", "rows", "first targets"],
        [
            ["training", data.YTrain.Shape[0], FirstValues(data.YTrain)],
            ["validation", data.YValidation.Shape[0], FirstValues(data.YValidation)],
            ["test (Keras)", data.YTest.Shape[0], FirstValues(data.YTest)],
        ]);
        context.Record("data.train_rows", data.YTrain.Shape[0]);
        context.Record("data.validation_rows", data.YValidation.Shape[0]);
        context.Record("data.test_rows", data.YTest.Shape[0]);
        context.Record("data.first_train_indices", data.TrainRows[..5]);
        context.Record("data.first_validation_indices", data.ValidationRows[..5]);

        // The scaler's statistics show why raw features are a problem: TAX and B are in the hundreds, NOX below 1.
        var mean = data.Scaler.Mean!;
        var scale = data.Scaler.Scale!;
        context.Table("Training statistics used for standardisation", ["feature", "mean", "std"],
            BostonHousingDataset.FeatureNames.Select((name, j) => (IReadOnlyList<object?>)[name, mean[j], scale[j]]));
        context.Record("data.feature_mean", mean.ToArray());
        context.Record("data.feature_std", scale.ToArray());

        // The input pipeline of the exercise: shuffle the 303 training rows with the run's seed, batches of 32.
        var dataset = BostonHousingTraining.TrainingDataset(data.XTrain, data.YTrain, context.Seed);
        var batchSizes = new List<int>();
        foreach (var batch in dataset)
        {
            batchSizes.Add(batch.Count);
        }

        context.Code(
            $"element_spec: {dataset.ElementSpec}\n" +
            $"cardinality:  {dataset.Cardinality} batches per epoch\n" +
            $"batch sizes:  {string.Join(", ", batchSizes)}");
        context.Record("data.element_spec", dataset.ElementSpec.ToString());
        context.Paragraph(
            "The course's pipeline printed dtype=tf.float64 (scikit-learn's scaler returns float64); its Keras model computes in float32 and casts the batches on input. " +
            "Here the cast happens once, before the Dataset, so the network sees the same float32 numbers.");
        context.Record("data.batches_per_epoch", dataset.Cardinality);
        context.Paragraph(
            $"Fit trains on this Dataset: every epoch is a new enumeration, so the {data.YTrain.Shape[0]} rows are reshuffled " +
            $"(tf.data's reshuffle_each_iteration) and cut into {batchSizes.Count} batches; validation runs on the {data.YValidation.Shape[0]} rows in batches of {BostonHousingTraining.BatchSize}.");
        return data;
    }

    private static string FirstValues(Tensor<float> y) =>
        string.Join(", ", y.ToArray().Take(5).Select(v => LabContext.Format(v)));

    // ---- (b), (c), (d) ---------------------------------------------------------------------------------------

    private static BostonHousingRun TrainAndReport(LabContext context, BostonHousingVariant variant, BostonHousingData data, int epochs)
    {
        string key = Key(variant);
        context.Section(variant switch
        {
            BostonHousingVariant.Standardised => "(b) Standardised features",
            BostonHousingVariant.Raw => "(c) Raw features, no standardisation",
            _ => "(d) A BatchNormalization layer first, raw features",
        });
        context.Paragraph(variant switch
        {
            BostonHousingVariant.Standardised =>
                $"13 → Dense(32, swish) → Dense(16, swish) → Dense(1); SGD(learning_rate={LabContext.Format(BostonHousingTraining.LearningRate)}, momentum={LabContext.Format(BostonHousingTraining.Momentum)}, nesterov=True), " +
                $"MSE loss, MAE metric, up to {epochs} epochs, EarlyStopping(monitor=\"val_mae\", patience={BostonHousingTraining.Patience}, restore_best_weights=True). " +
                "The numbers below are Evaluate on the restored best weights.",
            BostonHousingVariant.Raw =>
                "The same network, optimiser, seed and initial weights as (b), trained on the unscaled features.",
            _ => "The same as (c) with a BatchNormalization layer (Keras defaults: momentum 0.99, ε = 1e-3) in front, which standardises each batch during training and uses moving statistics at inference.",
        });

        var run = BostonHousingTraining.Train(variant, data, context.Seed, epochs, early => new EpochProgress(context, $"({key}) training", epochs, early));
        if (variant != BostonHousingVariant.Raw)
        {
            context.Code(run.Model.Summary());
        }

        var history = run.History.Values;
        if (history.Values.Any(values => values.Any(double.IsFinite)))
        {
            context.Figure(Charts.LearningCurves(history, "loss", $"({key}) MSE", logY: true, yLabel: "mse"), $"{key}-mse", $"({key}) Training and validation MSE per epoch (log scale).");
            context.Figure(Charts.LearningCurves(history, "mae", $"({key}) MAE", logY: true, markBestEpoch: true, yLabel: "mae"), $"{key}-mae", $"({key}) Training and validation MAE per epoch (log scale); the dashed line marks the restored epoch.");
        }
        else
        {
            context.Paragraph($"({key}) No epoch ended with a finite loss or MAE, so there are no learning curves to draw.");
        }

        if (variant == BostonHousingVariant.Raw)
        {
            ReportFirstSteps(context, data);
        }
        context.Table($"({key}) Best weights", ["validation MSE", "validation MAE", "test MSE", "test MAE", "best epoch", "epochs trained", "seconds"],
            [[Value(run.BestValMse), Value(run.BestValMae), Value(run.TestMse), Value(run.TestMae), Usable(run) ? run.BestEpoch : "none", run.EpochsRun, run.Seconds]]);

        RecordRun(context, key, run);
        context.Finding(DescribeRun(run, key, epochs));
        if (Math.Abs(run.BestValMae - run.HistoryBestValMae) > 1e-4 * Math.Max(1, Math.Abs(run.HistoryBestValMae)))
        {
            context.Finding($"({key}) Evaluate on the restored weights gives a validation MAE of {F(run.BestValMae)}, but the best epoch logged {F(run.HistoryBestValMae)}: the restored weights are not the best epoch's.");
        }

        return run;
    }

    /// <summary>Why (c) fails, step by step: the first epoch of (b) and (c) from the same initial weights.</summary>
    private static void ReportFirstSteps(LabContext context, BostonHousingData data)
    {
        var standardised = BostonHousingTraining.FirstEpochStepLosses(BostonHousingVariant.Standardised, data, context.Seed);
        var raw = BostonHousingTraining.FirstEpochStepLosses(BostonHousingVariant.Raw, data, context.Seed);
        context.Table("Batch loss (MSE) at each step of a first epoch in row order, same initial weights",
            ["step", "(b) standardised", "(c) raw"],
            standardised.Select((loss, i) => (IReadOnlyList<object?>)[i + 1, loss, raw[i]]));
        context.Record("c.first_epoch_step_losses", raw);
        context.Record("b.first_epoch_step_losses", standardised);

        int firstNonFinite = Array.FindIndex(raw, v => !double.IsFinite(v));
        int largest = Array.IndexOf(raw, raw.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max());
        string growth = largest >= 0
            ? $"(c)'s batch loss grows from {F(raw[0])} to {F(raw[largest])} at step {largest + 1}"
            : "(c)'s batch loss is never finite";
        string end = firstNonFinite >= 0
            ? $" and is no longer finite from step {firstNonFinite + 1}"
            : $" and stays finite ({F(raw[^1])} at the last step)";
        context.Finding($"{growth}{end}, while (b)'s falls from {F(standardised[0])} to {F(standardised[^1])} over the same {standardised.Length} steps.");
    }

    private static string DescribeRun(BostonHousingRun run, string key, int epochs)
    {
        string stop = run.StoppedEpoch > 0
            ? $"early stopping fired at epoch {run.StoppedEpoch}, {run.StoppedEpoch - run.BestEpoch} epochs after the best one"
            : $"training ran all {epochs} epochs without stopping early";
        string divergence = run.Diverged
            ? $" The training loss became non-finite in epoch {run.History["loss"].ToList().FindIndex(v => !double.IsFinite(v)) + 1}."
            : "";
        if (!double.IsFinite(run.BestValMae))
        {
            return $"({key}) No epoch reached a finite validation MAE, so the restored weights (epoch {run.BestEpoch}) are useless; {stop}.{divergence}";
        }

        return $"({key}) The best validation MAE is {F(run.BestValMae)} (about ${Dollars(run.BestValMae)} per home; MSE {F(run.BestValMse)}) at epoch {run.BestEpoch}; {stop}.{divergence}";
    }

    // ---- comparison ------------------------------------------------------------------------------------------

    private static void CompareVariants(LabContext context, Dictionary<BostonHousingVariant, BostonHousingRun> runs)
    {
        context.Section("Comparison of (b), (c) and (d)");
        var curves = new Dictionary<string, IReadOnlyList<double>>();
        foreach (var variant in s_variants)
        {
            var values = runs[variant].History["val_mae"];
            curves[values.Any(double.IsFinite) ? Label(variant) : Label(variant) + " (no finite value)"] = values;
        }

        var drawn = s_variants.Where(v => runs[v].History["val_mae"].Any(double.IsFinite)).Select(Label).ToList();
        var blank = s_variants.Where(v => !runs[v].History["val_mae"].Any(double.IsFinite)).Select(Label).ToList();
        context.Figure(Charts.OverlayCurves(curves, "Validation MAE", "validation MAE", logY: true), "comparison-val-mae",
            $"Validation MAE per epoch (log scale) of {string.Join(" and ", drawn)}, same seed and initial weights" +
            (blank.Count == 0 ? "." : $"; {string.Join(" and ", blank)} has no finite value to draw (its training diverged)."));
        context.Table("Best weights of each variant", ["variant", "validation MSE", "validation MAE", "test MAE", "best epoch", "epochs trained", "diverged"],
            s_variants.Select(v => (IReadOnlyList<object?>)[Label(v), Value(runs[v].BestValMse), Value(runs[v].BestValMae), Value(runs[v].TestMae),
                Usable(runs[v]) ? runs[v].BestEpoch : "none", runs[v].EpochsRun, runs[v].Diverged ? "yes" : "no"]));

        var b = runs[BostonHousingVariant.Standardised];
        foreach (var variant in new[] { BostonHousingVariant.Raw, BostonHousingVariant.BatchNormalization })
        {
            var other = runs[variant];
            context.Finding($"({Key(variant)}) {RelativeTo(other.BestValMae, b.BestValMae, "(b)")}");
        }
    }

    private static string RelativeTo(double value, double reference, string referenceName)
    {
        if (!double.IsFinite(value))
        {
            return $"Its best validation MAE is not finite (training diverged), against {F(reference)} for {referenceName}.";
        }

        double difference = value - reference;
        string direction = difference > 0 ? "worse" : "better";
        return $"Validation MAE {F(value)}: {F(Math.Abs(difference))} {direction} than {referenceName} ({F(reference)}), {F(value / reference, 3)}× its value.";
    }

    // ---- seeds -----------------------------------------------------------------------------------------------

    private static void CompareSeeds(LabContext context, BostonHousingData data, Dictionary<BostonHousingVariant, BostonHousingRun> first, int epochs, int seedCount)
    {
        context.Section($"All three variants over {seedCount} seeds");
        int[] seeds = Enumerable.Range(0, seedCount).Select(i => context.Seed + i).ToArray();
        context.Paragraph(
            $"Seeds {string.Join(", ", seeds)}: each seed sets the initial weights and the batch order; for one seed the three variants share both. " +
            $"Seed {context.Seed} is the run above. Mean ± sample standard deviation (n − 1) of the best validation MAE.");

        var runs = s_variants.ToDictionary(v => v, v => new List<BostonHousingRun> { first[v] });
        using (var progress = context.Progress("seeds", (seedCount - 1) * s_variants.Length))
        {
            int done = 0;
            foreach (int seed in seeds.Skip(1))
            {
                foreach (var variant in s_variants)
                {
                    var run = BostonHousingTraining.Train(variant, data, seed, epochs);
                    runs[variant].Add(run);
                    progress.Report(++done, $"({Key(variant)}) seed {seed}: val_mae {F(run.BestValMae)}");
                }
            }
        }

        // One rule for every MAE in this table, the findings and the figure: three decimals. A diverged seed has no MAE,
        // and a mean over seeds covers only those that did not diverge.
        var rows = new List<IReadOnlyList<object?>>();
        for (int i = 0; i < seeds.Length; i++)
        {
            var row = new List<object?> { seeds[i] };
            foreach (var variant in s_variants)
            {
                var run = runs[variant][i];
                row.Add(Usable(run) ? Mae(run.BestValMae) : "diverged");
                row.Add(run.EpochsRun);
            }

            rows.Add(row);
        }

        var stats = s_variants.ToDictionary(v => v, v => MeanStd(runs[v].Where(Usable).Select(r => r.BestValMae).ToArray()));
        rows.Add(["mean ± std", .. s_variants.SelectMany(v => new object?[] { MeanStdText(runs[v]), runs[v].Average(r => r.EpochsRun) })]);
        context.Table($"Best validation MAE and epochs trained per seed (fewer than {epochs}: early stopping fired)",
            ["seed", "(b) MAE", "(b) epochs", "(c) MAE", "(c) epochs", "(d) MAE", "(d) epochs"], rows);

        // A variant whose every seed diverged has no bar; the caption says what the figure shows, from what was drawn.
        var plotted = s_variants.Where(v => double.IsFinite(stats[v].Mean)).ToArray();
        var missing = s_variants.Except(plotted).ToArray();
        var partial = plotted.Where(v => runs[v].Any(r => !Usable(r))).ToArray();
        string caption = $"Best validation MAE, mean ± std over seeds {string.Join(", ", seeds)}" +
            (partial.Length == 0 ? "." : $" that did not diverge ({string.Join("; ", partial.Select(v => $"{Label(v)}: {Diverged(runs[v])}"))}).") +
            (missing.Length == 0 ? "" : $" No bar for {string.Join(" and ", missing.Select(v => $"{Label(v)}, which {Diverged(runs[v])}"))}.");
        if (plotted.Length > 0)
        {
            context.Figure(Charts.BarChart(plotted.Select(Label).ToArray(), plotted.Select(v => stats[v].Mean).ToArray(), plotted.Select(v => stats[v].Std).ToArray(),
                $"Best validation MAE over {seedCount} seeds (mean ± std)", "validation MAE",
                // Each variant keeps its colour from the overlay plot even when a diverged variant has no bar.
                plotted.Select(v => ChartStyle.ColorAt(Array.IndexOf(s_variants, v))).ToArray()), "seeds-val-mae", caption);
        }
        else
        {
            context.Paragraph($"No bar chart: every variant {Diverged(runs[s_variants[0]])}.");
        }

        context.Headline("(b) best validation MAE", MeanStdText(runs[BostonHousingVariant.Standardised]));
        context.Headline("(c) raw features", runs[BostonHousingVariant.Raw].All(Usable) ? MeanStdText(runs[BostonHousingVariant.Raw]) : Diverged(runs[BostonHousingVariant.Raw]));
        context.Headline("(d) BatchNorm", MeanStdText(runs[BostonHousingVariant.BatchNormalization]));

        foreach (var variant in s_variants)
        {
            string key = Key(variant);
            var values = runs[variant];
            context.Record($"seeds.{key}.mean", stats[variant].Mean);
            context.Record($"seeds.{key}.std", stats[variant].Std);
            context.Record($"seeds.{key}.best_val_mae", values.Select(r => r.BestValMae).ToArray());
            context.Record($"seeds.{key}.best_val_mse", values.Select(r => r.BestValMse).ToArray());
            context.Record($"seeds.{key}.test_mae", values.Select(r => r.TestMae).ToArray());
            context.Record($"seeds.{key}.epochs_trained", values.Select(r => r.EpochsRun).ToArray());
            context.Record($"seeds.{key}.diverged", values.Count(r => r.Diverged));
            context.Record($"seeds.{key}.seconds", values.Select(r => r.Seconds).ToArray());
        }

        SeedFindings(context, data, runs, stats, epochs);
        ComparePublished(context, seeds, runs[BostonHousingVariant.Standardised], runs[BostonHousingVariant.Raw], epochs);

        var all = runs.Values.SelectMany(r => r).ToList();
        double seconds = all.Sum(r => r.Seconds);
        long steps = all.Sum(r => (long)r.EpochsRun) * ((data.YTrain.Shape[0] + BostonHousingTraining.BatchSize - 1) / BostonHousingTraining.BatchSize);
        context.Record("timing.training_seconds", seconds);
        context.Record("timing.trainings", all.Count);
        context.Record("timing.optimizer_steps", steps);
        context.Record("timing.microseconds_per_step_including_validation", seconds / steps * 1e6);
        context.Paragraph($"{all.Count} trainings, {steps:N0} optimiser steps (plus a validation pass per epoch) in {F(seconds, 3)} s of training: {F(seconds / steps * 1e6, 3)} µs per step.");
    }

    private static void SeedFindings(LabContext context, BostonHousingData data, Dictionary<BostonHousingVariant, List<BostonHousingRun>> runs,
        Dictionary<BostonHousingVariant, (double Mean, double Std)> stats, int epochs)
    {
        var ranked = s_variants.Where(v => double.IsFinite(stats[v].Mean) && runs[v].All(Usable)).OrderBy(v => stats[v].Mean).ToList();
        if (ranked.Count >= 2)
        {
            var best = ranked[0];
            var second = ranked[1];
            double gap = stats[second].Mean - stats[best].Mean;
            double spread = Math.Max(stats[best].Std, stats[second].Std);
            string separation = gap > spread
                ? "larger than either standard deviation, so the ranking holds across seeds"
                : "within one standard deviation, so the seeds do not separate them clearly";
            int wins = runs[best].Zip(runs[second]).Count(pair => pair.First.BestValMae < pair.Second.BestValMae);
            context.Finding(
                $"{Label(best)} is best on average ({MeanStdText(runs[best])}), {Mae(gap)} ahead of {Label(second)} ({MeanStdText(runs[second])}): " +
                $"a gap {separation}; it wins in {wins} of {runs[best].Count} seeds.");
        }

        var raw = runs[BostonHousingVariant.Raw];
        var standardised = stats[BostonHousingVariant.Standardised];
        var finite = raw.Where(Usable).Select(r => r.BestValMae).ToArray();
        string rawOutcome = finite.Length == raw.Count
            ? $"never diverged; its mean best validation MAE is {Mae(finite.Average())}, {F(finite.Average() / standardised.Mean, 3)}× that of (b)"
            : finite.Length == 0
                ? $"{Diverged(raw)} (non-finite training loss), so it never produced a usable model"
                : $"{Diverged(raw)} (non-finite training loss); the other {finite.Length} reached a mean best validation MAE of {Mae(finite.Average())}, {F(finite.Average() / standardised.Mean, 3)}× that of (b)";
        var mean = data.Scaler.Mean!.ToArray();
        int largest = Array.IndexOf(mean, mean.Max());
        int smallest = Array.IndexOf(mean, mean.Min());
        context.Finding($"Without standardisation (c) {rawOutcome}. The raw feature means range from {F(mean[smallest])} ({BostonHousingDataset.FeatureNames[smallest]}) to {F(mean[largest])} ({BostonHousingDataset.FeatureNames[largest]}), so one learning rate cannot suit every weight of the first layer.");

        foreach (var variant in s_variants)
        {
            var values = runs[variant];
            var usable = values.Where(Usable).ToList();
            int stopped = usable.Count(r => r.StoppedEpoch > 0);
            context.Finding(usable.Count == 0
                ? $"{Label(variant)}: {Diverged(values)}, so its early stopping and best epochs mean nothing; training stopped after {F(values.Average(r => r.EpochsRun), 3)} epochs on average, when {BostonHousingTraining.Patience} epochs had passed without a finite validation MAE."
                : $"{Label(variant)}: early stopping fired in {stopped} of {usable.Count} seeds{(usable.Count < values.Count ? $" that did not diverge ({Diverged(values)})" : "")}; " +
                  $"on average {F(usable.Average(r => r.EpochsRun), 3)} epochs were trained (of at most {epochs}) and the best epoch was {F(usable.Average(r => r.BestEpoch), 3)}.");
        }
    }

    /// <summary>A run whose best validation MAE is a number (it did not diverge before its best epoch).</summary>
    private static bool Usable(BostonHousingRun run) => !run.Diverged && double.IsFinite(run.BestValMae);

    /// <summary>A number for a table, or "diverged" where a diverged run has none.</summary>
    private static object Value(double value) => double.IsFinite(value) ? value : "diverged";

    /// <summary>"diverged in 5 of 5 seeds".</summary>
    private static string Diverged(IReadOnlyList<BostonHousingRun> runs) =>
        $"diverged in {runs.Count(r => !Usable(r))} of {runs.Count} seeds";

    /// <summary>The lab's one rule for a validation MAE: three decimals.</summary>
    private static string Mae(double value) => double.IsFinite(value) ? value.ToString("F3", CultureInfo.InvariantCulture) : "not finite";

    /// <summary>"2.220 ± 0.123" over the seeds that did not diverge, "1.974 ± 0.046 (3 of 5 seeds)" when some did,
    /// "diverged in 5 of 5 seeds" when all did.</summary>
    private static string MeanStdText(IReadOnlyList<BostonHousingRun> runs)
    {
        var values = runs.Where(Usable).Select(r => r.BestValMae).ToArray();
        if (values.Length == 0)
        {
            return Diverged(runs);
        }

        var (mean, std) = MeanStd(values);
        string text = $"{Mae(mean)} ± {Mae(std)}";
        return values.Length == runs.Count ? text : $"{text} ({values.Length} of {runs.Count} seeds; {Diverged(runs)})";
    }

    /// <summary>(b) per seed and as mean ± std over the seeds against the course's one run, and (c) against its claim.</summary>
    private static void ComparePublished(LabContext context, int[] seeds, List<BostonHousingRun> standardised, List<BostonHousingRun> raw, int epochs)
    {
        var perSeed = new (PublishedFigure Figure, Func<BostonHousingRun, double> Measure)[]
        {
            (BostonHousingPublished.BestValidationMae, r => r.BestValMae),
            (BostonHousingPublished.ValidationMse, r => r.BestValMse),
            (BostonHousingPublished.BestEpoch, r => r.BestEpoch),
            (BostonHousingPublished.EpochsTrained, r => r.EpochsRun),
        };
        foreach (var (figure, measure) in perSeed)
        {
            double[] values = standardised.Select(measure).ToArray();
            var overSeeds = Measurement.OfRepetitions(values);
            for (int i = 0; i < seeds.Length; i++)
            {
                context.Compare(figure, values[i], $"seed {seeds[i]}",
                    Tolerance.WithinSpread(figure.Tolerance.Factor, figure.Tolerance.Matches, overSeeds.Std, $"std of this run's {seeds.Length} seeds"));
            }

            context.Compare(figure, overSeeds, $"mean ± std over {seeds.Length} seeds",
                Tolerance.WithinSpread(figure.Tolerance.Factor, figure.Tolerance.Matches, spreadOf: $"std of this run's {seeds.Length} seeds"), PublishedNote(figure, values, epochs));
        }

        var firstEpoch = new (PublishedFigure Figure, string Metric)[]
        {
            (BostonHousingPublished.FirstEpochLoss, "loss"),
            (BostonHousingPublished.FirstEpochMae, "mae"),
            (BostonHousingPublished.FirstEpochValidationMse, "val_loss"),
            (BostonHousingPublished.FirstEpochValidationMae, "val_mae"),
        };
        foreach (var (figure, metric) in firstEpoch)
        {
            context.Compare(figure, Measurement.OfRepetitions(standardised.Select(r => r.History[metric][0])), $"mean ± std over {seeds.Length} seeds",
                Tolerance.WithinSpread(figure.Tolerance.Factor, figure.Tolerance.Matches, spreadOf: $"std of this run's {seeds.Length} seeds"));
        }

        int worse = raw.Zip(standardised).Count(pair => pair.First.Diverged || !double.IsFinite(pair.First.BestValMae) || pair.First.BestValMae > pair.Second.BestValMae);
        int diverged = raw.Count(r => r.Diverged);
        context.Compare(BostonHousingPublished.RawFeaturesWorse, (double)worse / raw.Count, $"{raw.Count} seeds",
            note: $"(c) ended worse than (b) in {worse} of {raw.Count} seeds ({diverged} of them diverged: the training loss became non-finite).");
    }

    /// <summary>Why a mean over seeds may sit away from the course's one run, from this run's numbers.</summary>
    private static string PublishedNote(PublishedFigure figure, double[] values, int epochs)
    {
        string range = $"this run's seeds range from {F(values.Min())} to {F(values.Max())}";
        if (figure == BostonHousingPublished.EpochsTrained && values.All(v => v >= epochs))
        {
            return $"No seed stopped early within the {epochs}-epoch limit: early stopping needs {BostonHousingTraining.Patience} epochs without improvement after the best one.";
        }

        return $"The course trained once from unseeded weights and batch order, so its figure is one draw; {range}.";
    }

    private static (double Mean, double Std) MeanStd(double[] values)
    {
        if (values.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        double mean = values.Average();
        double std = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return (mean, std);
    }

    private static void RecordRun(LabContext context, string key, BostonHousingRun run)
    {
        context.Record($"{key}.best_val_mae", run.BestValMae);
        context.Record($"{key}.best_val_mse", run.BestValMse);
        context.Record($"{key}.test_mae", run.TestMae);
        context.Record($"{key}.test_mse", run.TestMse);
        context.Record($"{key}.best_epoch", run.BestEpoch);
        context.Record($"{key}.stopped_epoch", run.StoppedEpoch);
        context.Record($"{key}.epochs_trained", run.EpochsRun);
        context.Record($"{key}.diverged", run.Diverged);
        context.Record($"{key}.seconds", run.Seconds);
        foreach (var (metric, values) in run.History.Values)
        {
            context.Record($"{key}.history.{metric}", values.ToArray());
        }
    }

    private static string Key(BostonHousingVariant variant) => variant switch
    {
        BostonHousingVariant.Standardised => "b",
        BostonHousingVariant.Raw => "c",
        _ => "d",
    };

    private static string Label(BostonHousingVariant variant) => variant switch
    {
        BostonHousingVariant.Standardised => "(b) standardised",
        BostonHousingVariant.Raw => "(c) raw",
        _ => "(d) BatchNorm",
    };

    private static string F(double value, int digits = 4) => LabContext.Format(value, digits);

    // Targets are in $1000s.
    private static string Dollars(double thousands) =>
        double.IsFinite(thousands) ? (thousands * 1000).ToString("N0", CultureInfo.InvariantCulture) : "?";
}
