using System.Diagnostics;
using Backprop.Data;
using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training.Callbacks;
using Backprop.Training;

namespace Backprop.Labs.BostonHousing;

/// <summary>The three ways the boston-housing lab feeds the features to the same network.</summary>
internal enum BostonHousingVariant
{
    /// <summary>(b) features standardised with the training statistics.</summary>
    Standardised,

    /// <summary>(c) raw features, no scaling at all.</summary>
    Raw,

    /// <summary>(d) raw features, a BatchNormalization layer first.</summary>
    BatchNormalization,
}

/// <summary>One training run of a variant with one seed, evaluated with the restored best weights.</summary>
internal sealed record BostonHousingRun(
    BostonHousingVariant Variant,
    int Seed,
    Sequential Model,
    History History,
    EarlyStopping EarlyStopping,
    double BestValMae,
    double BestValMse,
    double TestMae,
    double TestMse,
    double Seconds,
    int SkippedSteps = 0)
{
    /// <summary>Epochs actually trained (≤ the limit).</summary>
    public int EpochsRun => History.Epoch.Count;

    /// <summary>1-based epoch whose weights were restored.</summary>
    public int BestEpoch => EarlyStopping.BestEpoch + 1;

    /// <summary>1-based epoch at which early stopping fired, or 0 when training ran to the limit.</summary>
    public int StoppedEpoch => EarlyStopping.StoppedEpoch == 0 ? 0 : EarlyStopping.StoppedEpoch + 1;

    /// <summary>True when training blew up: the loss became non-finite in some epoch, or a step was skipped because it
    /// would have made the weights non-finite.</summary>
    public bool Diverged => SkippedSteps > 0 || History["loss"].Any(v => !double.IsFinite(v));

    /// <summary>Smallest validation MAE in the history (must equal <see cref="BestValMae"/>: the restored weights).</summary>
    public double HistoryBestValMae => History["val_mae"].Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
}

/// <summary>Builds and trains the lab's network: 13 → Dense(32, swish) → Dense(16, swish) → Dense(1), SGD with
/// η = 1e-3 and Nesterov momentum 0.9, MSE loss, MAE metric, early stopping on validation MAE (patience 30, best
/// weights restored), batches of 32 reshuffled every epoch.</summary>
internal static class BostonHousingTraining
{
    public const int BatchSize = 32;
    public const double LearningRate = 1e-3;
    public const double Momentum = 0.9;
    public const int Patience = 30;

    /// <summary>The network of a variant. Every random choice derives from <paramref name="seed"/>: each Dense
    /// kernel gets its own seeded Glorot-uniform initialiser, and the three variants share the kernels for one
    /// seed (a BatchNormalization layer keeps 13 features), so they start from the same weights.</summary>
    public static Sequential BuildModel(BostonHousingVariant variant, int seed)
    {
        var model = new Sequential(new Input([13]));
        if (variant == BostonHousingVariant.BatchNormalization)
        {
            model.Add(new BatchNormalization());
        }

        model.Add(new Dense(32, "swish", kernelInitializer: new GlorotUniform(LayerSeed(seed, 1))));
        model.Add(new Dense(16, "swish", kernelInitializer: new GlorotUniform(LayerSeed(seed, 2))));
        model.Add(new Dense(1, kernelInitializer: new GlorotUniform(LayerSeed(seed, 3))));
        model.Compile(new SGD(LearningRate, momentum: Momentum, nesterov: true), "mse", ["mae"]);

        // The course's Keras run went on through a blow-up (Keras applies a NaN step); Backprop never applies one, and
        // by default stops there with an exception. The lab keeps training past such steps, as the course did, and
        // counts them as divergence.
        model.Trainer!.NonFiniteSteps = NonFiniteStepPolicy.Skip;
        return model;
    }

    /// <summary>Trains a variant for up to <paramref name="epochs"/> epochs and evaluates the restored best weights
    /// on the validation and test rows.</summary>
    /// <param name="variant">Which inputs the network sees.</param>
    /// <param name="data">The prepared data.</param>
    /// <param name="seed">The run's seed (initial weights and batch order).</param>
    /// <param name="epochs">The epoch limit.</param>
    /// <param name="progress">Makes the progress callback for the run, given its early-stopping callback (so the bar
    /// can say why training stopped), or null for none.</param>
    public static BostonHousingRun Train(BostonHousingVariant variant, BostonHousingData data, int seed, int epochs, Func<EarlyStopping, Callback>? progress = null)
    {
        var model = BuildModel(variant, seed);
        var (xTrain, xValidation, xTest) = Inputs(variant, data);
        var earlyStopping = new EarlyStopping(monitor: "val_mae", patience: Patience, restoreBestWeights: true);
        Callback[] callbacks = progress is null ? [earlyStopping] : [earlyStopping, progress(earlyStopping)];

        // The exercise's input pipeline: the training rows reshuffled every epoch from the run's seed, batches of 32.
        var training = TrainingDataset(xTrain, data.YTrain, seed);
        var validationBatches = Dataset.FromTensorSlices((xValidation, data.YValidation)).Batch(BatchSize);

        var clock = Stopwatch.StartNew();
        var history = model.Fit(training, epochs: epochs, validationData: validationBatches, callbacks: callbacks, verbose: 0);
        clock.Stop();

        var validation = model.Evaluate(xValidation, data.YValidation, verbose: 0);
        var test = model.Evaluate(xTest, data.YTest, verbose: 0);
        return new BostonHousingRun(variant, seed, model, history, earlyStopping,
            validation["mae"], validation["loss"], test["mae"], test["loss"], clock.Elapsed.TotalSeconds, model.Trainer!.SkippedSteps);
    }

    /// <summary>The loss of each step of a first epoch taken in row order (no shuffling), from the initial weights
    /// of <see cref="BuildModel"/>: shows how fast a variant's training blows up. Each value is the batch loss
    /// before that step's update (Keras <c>train_on_batch</c>).</summary>
    public static double[] FirstEpochStepLosses(BostonHousingVariant variant, BostonHousingData data, int seed)
    {
        var model = BuildModel(variant, seed);
        var (xTrain, _, _) = Inputs(variant, data);
        int rows = xTrain.Shape[0];
        var losses = new double[(rows + BatchSize - 1) / BatchSize];
        for (int step = 0; step < losses.Length; step++)
        {
            int start = step * BatchSize;
            int count = Math.Min(BatchSize, rows - start);
            losses[step] = model.TrainOnBatch(xTrain.SliceRows(start, count), data.YTrain.SliceRows(start, count));
        }

        return losses;
    }

    /// <summary>The training pipeline: <c>Dataset.FromTensorSlices((x, y)).Shuffle(rows, seed).Batch(32)</c>, a new
    /// order every epoch (tf.data's <c>reshuffle_each_iteration</c>).</summary>
    public static Dataset<float> TrainingDataset(Tensor<float> x, Tensor<float> y, int seed) =>
        Dataset.FromTensorSlices((x, y)).Shuffle(y.Shape[0], seed: ShuffleSeed(seed)).Batch(BatchSize);

    /// <summary>The seed of the batch order of a run.</summary>
    public static ulong ShuffleSeed(int seed) => unchecked((ulong)(uint)seed);

    private static (Tensor<float> Train, Tensor<float> Validation, Tensor<float> Test) Inputs(BostonHousingVariant variant, BostonHousingData data) =>
        variant == BostonHousingVariant.Standardised
            ? (data.XTrain, data.XValidation, data.XTest)
            : (data.XTrainRaw, data.XValidationRaw, data.XTestRaw);

    // Distinct per layer and per run seed: seeds s and s + 1 give kernels 4s+1…4s+3 and 4s+5…4s+7.
    private static int LayerSeed(int seed, int layer) => unchecked((seed * 4) + layer);
}
