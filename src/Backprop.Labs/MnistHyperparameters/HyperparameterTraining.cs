using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Backprop.Data;
using Backprop.Initializers;
using Backprop.Labs.Trials;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Optimizers.Schedules;
using Backprop.Regularizers;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Labs.MnistHyperparameters;

/// <summary>The study's split: the first 50,000 Keras training digits, the next 10,000 for validation, the 10,000 test
/// digits; pixels scaled to [0, 1] and flattened to 784; labels as integers (float32 class indices).</summary>
internal sealed record HyperparameterData(
    Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XValidation, Tensor<float> YValidation, Tensor<float> XTest, Tensor<float> YTest,
    Tensor<byte> LabelsTrain, Tensor<byte> LabelsValidation, Tensor<byte> LabelsTest, string Description, bool IsFull);

/// <summary>Builds and trains one configuration as the course did: Dense hidden layers (Glorot-uniform kernels, zero
/// biases), an optional Dropout and BatchNormalization after each, a linear Dense(10) "output", sparse categorical
/// cross-entropy from logits, accuracy; the optimiser at the configuration's learning rate; shuffled batches.</summary>
internal static class HyperparameterTraining
{
    /// <summary>The schedule of configuration S. The course gives only "exponential decay from 0.01"; decay_steps and
    /// decay_rate are Keras's documentation example (10,000 steps, 0.9), said in the report.</summary>
    public const string ScheduleDescription = "ExponentialDecay(initial_learning_rate=0.01, decay_steps=10000, decay_rate=0.9)";

    /// <summary>A seed for a trial from the run's seed and the trial's key (SHA-256), so a trial's figures do not depend
    /// on which other trials ran before it, in which process or shard.</summary>
    public static int TrialSeed(int seed, string key)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed.ToString(CultureInfo.InvariantCulture)}/{key}"));
        return BitConverter.ToInt32(hash, 0) & 0x7FFFFFFF;
    }

    /// <summary>The network of a configuration, every random choice from <paramref name="seed"/>.</summary>
    public static Sequential Build(HyperparameterConfig config, int seed)
    {
        var model = new Sequential(new Input([784]));
        int layer = 0;
        foreach (int width in config.Hidden)
        {
            model.Add(new Dense(width, config.Activation, kernelInitializer: new GlorotUniform(unchecked(seed + (layer * 7919))), biasInitializer: new Zeros()));
            if (config.Dropout > 0)
            {
                model.Add(new Dropout(config.Dropout, seed: unchecked((ulong)(uint)(seed + (layer * 7919) + 1))));
            }

            if (config.BatchNorm)
            {
                model.Add(new BatchNormalization());
            }

            layer++;
        }

        model.Add(new Dense(10, kernelInitializer: new GlorotUniform(unchecked(seed + (layer * 7919))), biasInitializer: new Zeros(), name: "output"));
        model.Compile(Optimizer(config), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        model.Trainer!.NonFiniteSteps = NonFiniteStepPolicy.Skip;
        return model;
    }

    /// <summary>The course's printed example: [100, 100], each hidden Dense(relu) with L1L2(l1=0.01) kernel and bias
    /// regularisers, then Dropout(0.2), then BatchNormalization; the output with the same regulariser.</summary>
    public static Sequential PrintedExample()
    {
        var model = new Sequential(new Input([784]));
        foreach (int width in new[] { 100, 100 })
        {
            model.Add(new Dense(width, "relu", kernelInitializer: new GlorotUniform(1), biasInitializer: new Zeros(),
                kernelRegularizer: new L1L2(l1: 0.01), biasRegularizer: new L1L2(l1: 0.01)));
            model.Add(new Dropout(0.2, seed: 1));
            model.Add(new BatchNormalization(momentum: 0.99, epsilon: 0.001));
        }

        model.Add(new Dense(10, kernelInitializer: new GlorotUniform(1), biasInitializer: new Zeros(),
            kernelRegularizer: new L1L2(l1: 0.01), biasRegularizer: new L1L2(l1: 0.01), name: "output"));
        model.Compile(new SGD(0.01), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        return model;
    }

    private static Optimizer Optimizer(HyperparameterConfig config) => config.Optimizer switch
    {
        "sgd" when config.Schedule => new SGD(new ExponentialDecay(config.LearningRate, 10_000, 0.9)),
        "sgd" => new SGD(config.LearningRate),
        "adam" => new Adam(config.LearningRate),
        "adagrad" => new Adagrad(config.LearningRate),
        "adadelta" => new Adadelta(config.LearningRate),
        "rmsprop" => new RMSprop(config.LearningRate),
        _ => throw new ArgumentException($"Unknown optimiser '{config.Optimizer}'.", nameof(config)),
    };

    /// <summary>Trains a configuration for <paramref name="epochs"/> epochs and evaluates it. Train loss and accuracy
    /// are the last epoch's running means as Keras logs them (with dropout active); validation and test come from
    /// Evaluate on the final weights.</summary>
    public static TrialOutcome Train(HyperparameterConfig config, HyperparameterData data, int seed, int epochs, LabContext context, string label)
    {
        var model = Build(config, seed);
        var progress = new TrialProgress(context, label, epochs, (data.YTrain.Shape[0] + config.BatchSize - 1) / config.BatchSize);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(data.XTrain, data.YTrain, epochs: epochs, batchSize: config.BatchSize,
            validationData: (data.XValidation, data.YValidation), shuffle: true, callbacks: [progress], verbose: 0,
            seed: unchecked((ulong)(uint)seed));
        var validation = model.Evaluate(data.XValidation, data.YValidation, batchSize: 500, verbose: 0);
        var test = model.Evaluate(data.XTest, data.YTest, batchSize: 500, verbose: 0);
        clock.Stop();

        var epochsLog = history.Values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value.ToArray(), StringComparer.Ordinal);
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["train_loss"] = history["loss"][^1],
            ["train_accuracy"] = history["accuracy"][^1],
            ["val_loss"] = validation["loss"],
            ["val_accuracy"] = validation["accuracy"],
            ["test_loss"] = test["loss"],
            ["test_accuracy"] = test["accuracy"],
            ["parameters"] = model.CountParams(),
            ["epochs_trained"] = history.Epoch.Count,
            ["skipped_steps"] = model.Trainer!.SkippedSteps,
        };
        return new TrialOutcome(metrics, epochsLog, clock.Elapsed.TotalSeconds, progress.EpochSeconds);
    }

    /// <summary>A trial's bar: steps of all epochs (with ETA), the last epoch's logs as status; and each epoch's wall time.</summary>
    private sealed class TrialProgress(LabContext context, string label, int epochs, int stepsPerEpoch) : Callback
    {
        private readonly Stopwatch _epochClock = new();
        private readonly List<double> _epochSeconds = [];
        private ILabProgress? _bar;
        private int _epoch;
        private string? _status;

        public IReadOnlyList<double> EpochSeconds => _epochSeconds;

        public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => _bar = context.Progress(label, epochs * stepsPerEpoch);

        public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
        {
            _epoch = epoch;
            _epochClock.Restart();
        }

        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
        {
            if ((batch + 1) % 1000 == 0)
            {
                _bar?.Report((_epoch * stepsPerEpoch) + batch + 1, _status);
            }
        }

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
        {
            _epochSeconds.Add(_epochClock.Elapsed.TotalSeconds);
            _status = $"epoch {epoch + 1}/{epochs} " + string.Join(" - ", logs.Select(kv => $"{kv.Key}: {kv.Value.ToString("0.####", CultureInfo.InvariantCulture)}"));
            _bar?.Report((epoch + 1) * stepsPerEpoch, _status);
        }

        public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
        {
            _bar?.Dispose();
            _bar = null;
        }
    }
}
