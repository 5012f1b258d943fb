using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.LeNetBatchNormDropout;

/// <summary>What sits in front of LeNet-5's first convolution.</summary>
internal enum LeNetInput
{
    /// <summary>Nothing: the pixels go straight into the first convolution.</summary>
    None,

    /// <summary><c>Normalization()</c> never adapted: mean 0 and variance 1, so the identity (the course's "standard norm").</summary>
    Normalization,

    /// <summary><c>Normalization()</c> adapted to the training pixels: (x − 0.13)/0.31.</summary>
    AdaptedNormalization,

    /// <summary><c>BatchNormalization()</c> on the one input channel.</summary>
    BatchNormalization,

    /// <summary><c>Dropout(0.2)</c> on the pixels.</summary>
    Dropout,

    /// <summary><c>BatchNormalization()</c> then <c>Dropout(0.2)</c>.</summary>
    BatchNormalizationDropout,
}

/// <summary>One of the lab's models.</summary>
/// <param name="Key">The key in results.json and on the command line's tables: "batchnorm_input".</param>
/// <param name="Label">What the report calls it.</param>
/// <param name="CourseName">The course's name for it, or null when the course did not train it.</param>
/// <param name="Input">What sits in front of the first convolution (LeNet only).</param>
/// <param name="HiddenBatchNorm">BatchNormalization after every hidden convolution and dense layer, before the sigmoid.</param>
/// <param name="HiddenDropout">Dropout(0.5) after every hidden sigmoid.</param>
/// <param name="Epochs">Epochs of the full run (the course's).</param>
/// <param name="IsCnn">Keras's MNIST CNN (ReLU, max pooling, RMSprop) instead of LeNet-5.</param>
internal sealed record LeNetModel(string Key, string Label, string? CourseName, LeNetInput Input, bool HiddenBatchNorm, bool HiddenDropout, int Epochs, bool IsCnn = false)
{
    /// <summary>BatchNormalization layers in the model, input first.</summary>
    public bool HasBatchNorm => HiddenBatchNorm || Input is LeNetInput.BatchNormalization or LeNetInput.BatchNormalizationDropout;

    /// <summary>The optimiser's name for the report.</summary>
    public string OptimizerName => IsCnn ? "RMSprop (Keras defaults: learning rate 1e-3, ρ 0.9)" : "Adam (learning rate 1e-3, Keras defaults)";
}

/// <summary>The lab's seven models and how they are built: the course's LeNet-5 with sigmoid activations (course 003,
/// Problem 3), with batch normalisation and dropout where the course put them, and Keras's MNIST CNN as a modern
/// reference point.</summary>
internal static class LeNetModels
{
    public const int Classes = 10;
    public const int BatchSize = 128;
    public const double ValidationSplit = 0.1;
    public const double LearningRate = 1e-3;
    public const double InputDropout = 0.2;
    public const double HiddenDropoutRate = 0.5;

    public static LeNetModel Plain { get; } = new("plain", "plain LeNet-5", null, LeNetInput.None, false, false, 5);

    public static LeNetModel StandardNorm { get; } = new("standard_norm", "standard norm (Normalization never adapted)", "Standard norm", LeNetInput.Normalization, true, false, 5);

    public static LeNetModel StandardNormAdapted { get; } = new("standard_norm_adapted", "standard norm, adapted", null, LeNetInput.AdaptedNormalization, true, false, 5);

    public static LeNetModel BatchNormInput { get; } = new("batchnorm_input", "batch norm (input and hidden)", "Batch Normalization", LeNetInput.BatchNormalization, true, false, 5);

    public static LeNetModel DropoutOnly { get; } = new("dropout", "dropout (input 0.2, hidden 0.5)", "Dropout", LeNetInput.Dropout, false, true, 15);

    public static LeNetModel BatchNormDropout { get; } = new("batchnorm_dropout", "batch norm + dropout", "Dropout + normalization", LeNetInput.BatchNormalizationDropout, true, true, 15);

    public static LeNetModel Cnn { get; } = new("cnn", "CNN (Conv 32/64, ReLU, max pool, RMSprop)", null, LeNetInput.None, false, true, 5, IsCnn: true);

    /// <summary>Every model, in the order the lab trains them.</summary>
    public static IReadOnlyList<LeNetModel> All { get; } = [Plain, StandardNorm, StandardNormAdapted, BatchNormInput, DropoutOnly, BatchNormDropout, Cnn];

    /// <summary>The model, compiled as the course compiled it (categorical cross-entropy, accuracy), with every
    /// random choice (initial weights, dropout masks) drawn from <paramref name="seed"/>. Layers are named as a fresh
    /// Keras session names them, so <see cref="Sequential.Summary"/> reads like the course's table. An
    /// <see cref="LeNetInput.AdaptedNormalization"/> layer still needs <see cref="Normalization.Adapt{T}"/>.</summary>
    public static Sequential Build(LeNetModel model, int seed)
    {
        var layers = model.IsCnn ? CnnLayers(seed) : LeNetLayers(model, seed);
        var sequential = new Sequential(layers.ToArray()) { Name = model.Key };
        sequential.Build(new Shape(28, 28, 1));
        Optimizer optimizer = model.IsCnn ? new RMSprop() : new Adam(learningRate: LearningRate);
        sequential.Compile(optimizer, "categorical_crossentropy", ["accuracy"]);
        return sequential;
    }

    /// <summary>LeNet-5 with sigmoid, d2l's layout as the course wrote it: Conv2D(6, 5×5) → [BN] → sigmoid → [Dropout 0.5]
    /// → AvgPool(2, 2) → Conv2D(16, 5×5) → [BN] → sigmoid → [Dropout 0.5] → AvgPool(2, 2) → Flatten → Dense(120) → [BN] →
    /// sigmoid → [Dropout 0.5] → Dense(84) → [BN] → sigmoid → [Dropout 0.5] → Dense(10, softmax); valid padding.</summary>
    private static List<Layer> LeNetLayers(LeNetModel model, int seed)
    {
        var names = new KerasNames();
        var draws = new SeedSequence(seed);
        var layers = new List<Layer>();
        int[] inputShape = [28, 28, 1];
        int[]? FirstShape() => layers.Count == 0 ? inputShape : null;

        switch (model.Input)
        {
            case LeNetInput.Normalization or LeNetInput.AdaptedNormalization:
                layers.Add(new Normalization(inputShape: inputShape, name: names.Next("normalization")));
                break;
            case LeNetInput.BatchNormalization:
                layers.Add(new BatchNormalization(inputShape: inputShape, name: names.Next("batch_normalization")));
                break;
            case LeNetInput.Dropout:
                layers.Add(new Dropout(InputDropout, draws.NextDropout(), inputShape, names.Next("dropout")));
                break;
            case LeNetInput.BatchNormalizationDropout:
                layers.Add(new BatchNormalization(inputShape: inputShape, name: names.Next("batch_normalization")));
                layers.Add(new Dropout(InputDropout, draws.NextDropout(), name: names.Next("dropout")));
                break;
        }

        void Hidden(Layer weights)
        {
            layers.Add(weights);
            if (model.HiddenBatchNorm)
            {
                layers.Add(new BatchNormalization(name: names.Next("batch_normalization")));
            }

            layers.Add(new Activation("sigmoid", name: names.Next("activation")));
            if (model.HiddenDropout)
            {
                layers.Add(new Dropout(HiddenDropoutRate, draws.NextDropout(), name: names.Next("dropout")));
            }
        }

        Hidden(new Conv2D(6, [5, 5], kernelInitializer: new GlorotUniform(draws.NextInit()), inputShape: FirstShape(), name: names.Next("conv2d")));
        layers.Add(new AveragePooling2D([2, 2], [2, 2], name: names.Next("average_pooling2d")));
        Hidden(new Conv2D(16, [5, 5], kernelInitializer: new GlorotUniform(draws.NextInit()), name: names.Next("conv2d")));
        layers.Add(new AveragePooling2D([2, 2], [2, 2], name: names.Next("average_pooling2d")));
        layers.Add(new Flatten(name: names.Next("flatten")));
        Hidden(new Dense(120, kernelInitializer: new GlorotUniform(draws.NextInit()), name: names.Next("dense")));
        Hidden(new Dense(84, kernelInitializer: new GlorotUniform(draws.NextInit()), name: names.Next("dense")));
        layers.Add(new Dense(Classes, "softmax", kernelInitializer: new GlorotUniform(draws.NextInit()), name: names.Next("dense")));
        return layers;
    }

    /// <summary>Keras's MNIST CNN as course 003 defined it (<c>create_cnn_model</c>, never trained there).</summary>
    private static List<Layer> CnnLayers(int seed)
    {
        var names = new KerasNames();
        var draws = new SeedSequence(seed);
        return
        [
            new Conv2D(32, [3, 3], activation: "relu", kernelInitializer: new GlorotUniform(draws.NextInit()), inputShape: [28, 28, 1], name: names.Next("conv2d")),
            new Conv2D(64, [3, 3], activation: "relu", kernelInitializer: new GlorotUniform(draws.NextInit()), name: names.Next("conv2d")),
            new MaxPooling2D([2, 2], name: names.Next("max_pooling2d")),
            new Dropout(0.25, draws.NextDropout(), name: names.Next("dropout")),
            new Flatten(name: names.Next("flatten")),
            new Dense(128, "relu", kernelInitializer: new GlorotUniform(draws.NextInit()), name: names.Next("dense")),
            new Dropout(0.5, draws.NextDropout(), name: names.Next("dropout")),
            new Dense(Classes, "softmax", kernelInitializer: new GlorotUniform(draws.NextInit()), name: names.Next("dense")),
        ];
    }

    /// <summary>The BatchNormalization layers of a model, input first.</summary>
    public static IReadOnlyList<BatchNormalization> BatchNormLayers(Sequential model) => model.Layers.OfType<BatchNormalization>().ToArray();

    /// <summary>What each BatchNormalization layer of <paramref name="model"/> follows, for plot labels: "input",
    /// "conv2d (6)", "dense (120)".</summary>
    public static IReadOnlyList<string> BatchNormPlaces(Sequential model)
    {
        var places = new List<string>();
        Layer? previous = null;
        foreach (var layer in model.Layers)
        {
            if (layer is BatchNormalization bn)
            {
                int channels = bn.OutputShape[-1];
                places.Add(previous is null ? $"input ({channels})" : $"{previous.Name} ({channels})");
            }

            previous = layer;
        }

        return places;
    }

    /// <summary>Fresh-session Keras names: "conv2d", "conv2d_1", … per prefix, counted within one model.</summary>
    private sealed class KerasNames
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

        public string Next(string prefix)
        {
            int n = _counts.GetValueOrDefault(prefix);
            _counts[prefix] = n + 1;
            return n == 0 ? prefix : $"{prefix}_{n}";
        }
    }

    /// <summary>The seeds of one model's initialisers and dropout masks, all derived from the run's seed: two models
    /// trained with the same seed start from the same convolution and dense kernels wherever their shapes agree.</summary>
    private sealed class SeedSequence(int seed)
    {
        private int _init;
        private int _dropout;

        public int NextInit() => unchecked((seed * 16) + ++_init);

        public ulong NextDropout() => unchecked((ulong)(uint)seed * 16UL + 1000UL + (ulong)++_dropout);
    }
}
