using System.Diagnostics;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Labs.LeNetBatchNormDropout;

/// <summary>MNIST as the course fed it: pixels / 255 as float32 in (28, 28, 1), one-hot labels.</summary>
/// <param name="XTrain">Training images; Fit keeps the last 10% for validation, as Keras's validation_split.</param>
/// <param name="YTrain">One-hot training labels.</param>
/// <param name="XTest">Test images.</param>
/// <param name="YTest">One-hot test labels.</param>
/// <param name="Description">Where the digits came from, for the report.</param>
/// <param name="IsFull">True for the full 60,000/10,000 MNIST.</param>
internal sealed record LeNetData(Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest, string Description, bool IsFull)
{
    /// <summary>Rows Fit trains on: the first ⌊n·0.9⌋ (Keras's <c>split_at</c>).</summary>
    public int TrainRows => (int)Math.Floor(XTrain.Shape[0] * (1.0 - LeNetModels.ValidationSplit));

    /// <summary>Rows Fit validates on: the rest, at the end.</summary>
    public int ValidationRows => XTrain.Shape[0] - TrainRows;

    /// <summary>The rows Fit trains on (the first 90%), for <see cref="Normalization.Adapt{T}"/>.</summary>
    public Tensor<float> TrainingPart => XTrain.SliceRows(0, TrainRows);
}

/// <summary>The learned parameters of one BatchNormalization layer after training.</summary>
/// <param name="Place">What the layer follows and its channels: "input (1)", "conv2d (6)", …</param>
/// <param name="Gamma">γ per channel.</param>
/// <param name="Beta">β per channel.</param>
/// <param name="MovingMean">The moving mean per channel.</param>
/// <param name="MovingVariance">The moving variance per channel (Keras's 4th weight; the course called it "std").</param>
internal sealed record BatchNormParameters(string Place, float[] Gamma, float[] Beta, float[] MovingMean, float[] MovingVariance);

/// <summary>One model trained with one seed and evaluated on the test set. <see cref="Seconds"/> is wall-clock time,
/// <see cref="CpuSeconds"/> the process's CPU time over the same span (all threads), which a busy shared machine
/// inflates far less.</summary>
internal sealed record LeNetRun(
    LeNetModel Model,
    int Seed,
    History History,
    double TestLoss,
    double TestAccuracy,
    double Seconds,
    double CpuSeconds,
    int SkippedSteps,
    IReadOnlyList<BatchNormParameters> BatchNorm,
    string Summary,
    long Parameters)
{
    public IReadOnlyList<double> this[string metric] => History[metric];

    /// <summary>The epochs at the start whose validation accuracy stayed at chance (below
    /// <see cref="LeNetTraining.ChanceCeiling"/>) before training took off.</summary>
    public int EpochsAtChance => LeNetTraining.EpochsAtChance(History["val_accuracy"]);
}

/// <summary>Trains one model with one seed as the course did: <c>fit(x_train, y_train, 128, epochs,
/// validation_split=0.1)</c>, a reshuffle every epoch, then <c>evaluate(x_test, y_test)</c>.</summary>
internal static class LeNetTraining
{
    /// <summary>Validation accuracy below this counts as "at chance" (10 classes: 0.1; the course's stuck dropout model
    /// logged 0.1050 for four epochs). Fixed before any run.</summary>
    public const double ChanceCeiling = 0.2;

    /// <summary>How many epochs at the start have a validation accuracy below <see cref="ChanceCeiling"/> (a
    /// non-finite one counts as at chance).</summary>
    public static int EpochsAtChance(IReadOnlyList<double> validationAccuracy) =>
        validationAccuracy.TakeWhile(a => !(a >= ChanceCeiling)).Count();

    public static LeNetRun Train(LeNetModel spec, LeNetData data, int seed, int epochs, Callback? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var model = LeNetModels.Build(spec, seed);
        if (spec.Input == LeNetInput.AdaptedNormalization)
        {
            // Adapted to the rows Fit trains on, not the validation rows Keras splits off at the end.
            ((Normalization)model.Layers[0]).Adapt(data.TrainingPart);
        }

        // A sigmoid network can overflow; Keras would apply the NaN step and go on. Backprop never applies one: the lab
        // skips such a step, counts it and reports it, instead of stopping the whole lab.
        model.Trainer!.NonFiniteSteps = NonFiniteStepPolicy.Skip;
        Callback[] callbacks = progress is null ? [] : [progress];
        var history = model.Fit(data.XTrain, data.YTrain, epochs: epochs, batchSize: LeNetModels.BatchSize,
            validationSplit: LeNetModels.ValidationSplit, callbacks: callbacks, verbose: 0, seed: ShuffleSeed(seed));
        var test = model.Evaluate(data.XTest, data.YTest);
        clock.Stop();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        var places = LeNetModels.BatchNormPlaces(model);
        var batchNorm = LeNetModels.BatchNormLayers(model)
            .Select((bn, i) => new BatchNormParameters(places[i], Values(bn.Gamma!), Values(bn.Beta!), Values(bn.MovingMean), Values(bn.MovingVariance)))
            .ToArray();
        return new LeNetRun(spec, seed, history, test["loss"], test["accuracy"], clock.Elapsed.TotalSeconds, cpuSeconds, model.Trainer!.SkippedSteps,
            batchNorm, model.Summary(), model.CountParams());
    }

    /// <summary>The seed of a run's batch order.</summary>
    public static ulong ShuffleSeed(int seed) => unchecked((ulong)(uint)seed);

    private static float[] Values(Parameter parameter) => parameter.ValueAs<float>().ToArray();
}
