using System.Numerics;
using System.Runtime.CompilerServices;
using Backprop.Data;
using Backprop.Losses;
using Backprop.Metrics;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training.Callbacks;

namespace Backprop.Training;

/// <summary>Keras's workflow on a <see cref="Sequential"/> model — <c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>,
/// <c>Predict</c>, <c>TrainOnBatch</c> — word for word as Keras names them, with the training machinery kept out of
/// the model: <c>Compile</c> attaches a <see cref="Trainer"/>, and the rest runs through it. Import
/// <c>Backprop.Training</c> to use them.</summary>
public static class SequentialTraining
{
    private static readonly ConditionalWeakTable<Sequential, TrainingState> s_states = new();

    extension(Sequential model)
    {
        /// <summary>The trainer that <c>Compile</c> attached, or null before Compile.</summary>
        public Trainer? Trainer => State(model).Trainer;

        /// <summary>The compiled optimiser, or null before Compile.</summary>
        public Optimizer? Optimizer => State(model).Trainer?.Optimizer;

        /// <summary>The compiled loss, or null before Compile.</summary>
        public Loss? Loss => State(model).Trainer?.Loss;

        /// <summary>The compiled metrics (empty before Compile).</summary>
        public IReadOnlyList<Metric> Metrics => State(model).Trainer?.Metrics ?? [];

        /// <summary>The History of the last <c>Fit</c> (Keras <c>model.history</c>).</summary>
        public History? History => State(model).Trainer?.History;

        /// <summary>The keys the running Fit logs at each epoch end ("loss", metrics, "val_…"), known from its start
        /// so callbacks can reject an unknown monitor before training; null outside Fit.</summary>
        public IReadOnlyList<string>? LogKeys => State(model).Trainer?.LogKeys;

        /// <summary>Set by a callback to end <c>Fit</c> after the current batch or epoch (Keras
        /// <c>model.stop_training</c>).</summary>
        public bool StopTraining
        {
            get => State(model).Trainer?.StopTraining ?? false;
            set => RequireTrainer(model).StopTraining = value;
        }

        /// <summary>Where Fit writes its progress (default <see cref="Console.Out"/>).</summary>
        public TextWriter Output
        {
            get => State(model).Output;
            set => State(model).Output = value ?? throw new ArgumentNullException(nameof(value));
        }

        /// <summary>Seed for shuffling in <c>Fit</c> when Fit is not given one. The same seed on the same build
        /// gives bit-identical weights at any thread count.</summary>
        public ulong? Seed
        {
            get => State(model).Seed;
            set => State(model).Seed = value;
        }

        /// <summary>How the last L-BFGS search of a Fit ended (iterations, evaluations, stop reason), or null when
        /// the model is not compiled with <see cref="LBFGS"/>.</summary>
        public LbfgsResult? LastLbfgsResult => (State(model).Trainer?.Optimizer as LBFGS)?.Result;

        /// <summary>Sets the optimiser, the loss and the metrics reported during training and evaluation (Keras
        /// <c>model.compile</c>). Strings convert: <c>Compile(optimizer: "sgd", loss: "mse", metrics: ["mae"])</c>.</summary>
        public void Compile(Optimizer optimizer, Loss loss, IReadOnlyList<Metric>? metrics = null) =>
            model.Compile(new Trainer(optimizer, loss, metrics));

        /// <summary>Trains the model with <paramref name="trainer"/> from now on: a <see cref="Trainer"/> subclass
        /// whose <see cref="Trainer.TrainStep{T}"/> does something of its own (Keras: a model subclass overriding
        /// <c>train_step</c>).</summary>
        public void Compile(Trainer trainer)
        {
            ArgumentNullException.ThrowIfNull(trainer);
            trainer.Attach(model);
            State(model).Trainer = trainer;
        }

        /// <summary>One optimisation step on one batch (Keras <c>train_on_batch</c>); see
        /// <see cref="Trainer.TrainOnBatch{T}"/>.</summary>
        public double TrainOnBatch<T>(Tensor<T> x, Tensor<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => RequireTrainer(model).TrainOnBatch(x, y);

        /// <summary>The loss on one batch in inference mode (Keras <c>test_on_batch</c>); see
        /// <see cref="Trainer.TestOnBatch{T}"/>.</summary>
        public double TestOnBatch<T>(Tensor<T> x, Tensor<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => RequireTrainer(model).TestOnBatch(x, y);

        /// <summary>∂L/∂θ of every trainable parameter for one batch, without applying them; see
        /// <see cref="Trainer.ComputeGradients{T}"/>.</summary>
        public Gradients ComputeGradients<T>(Tensor<T> x, Tensor<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var trainer = State(model).Trainer ?? throw new InvalidOperationException($"Model '{model.Name}' needs a loss: call Compile first.");
            return trainer.ComputeGradients(x, y);
        }

        /// <summary>The model's output for <paramref name="x"/> in inference mode, computed in batches (Keras
        /// <c>predict</c>); a new tensor. Needs no Compile.</summary>
        public Tensor<T> Predict<T>(Tensor<T> x, int batchSize = 32)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(x);
            CheckDType(model, x, nameof(x));
            return Prediction.Predict(model, x, batchSize);
        }

        /// <summary>The model's outputs for every row of a batched dataset, in order, in inference mode (Keras
        /// <c>model.predict(dataset)</c>); targets, if the dataset has them, are ignored. A new tensor of shape
        /// (rows, …output shape).</summary>
        /// <exception cref="ArgumentException">The dataset is not batched, is endless, or has another dtype.</exception>
        public Tensor<T> Predict<T>(Dataset<T> data)
            where T : unmanaged, IFloatingPointIeee754<T> => Prediction.Predict(model, data);

        /// <summary>Loss and metrics over (x, y) in inference mode, computed in batches and averaged by sample count
        /// (Keras <c>evaluate(..., return_dict=True)</c>): {"loss": …, "mae": …}; asking for a key it lacks names the
        /// keys it has.</summary>
        /// <param name="x">Inputs, samples along axis 0, in the model's dtype.</param>
        /// <param name="y">Targets, samples along axis 0.</param>
        /// <param name="batchSize">Rows per step.</param>
        /// <param name="verbose">0 silent, 1 Keras's progress line ("4/4 ━━━━ 0s 1ms/step - loss: … - mae: …"), 2
        /// the same without the bar; Keras's default ("auto") is 1.</param>
        public IReadOnlyDictionary<string, double> Evaluate<T>(Tensor<T> x, Tensor<T> y, int batchSize = 32, int verbose = 1)
            where T : unmanaged, IFloatingPointIeee754<T> => RequireTrainer(model).Evaluate(x, y, batchSize, verbose);

        /// <summary>Loss and metrics over one pass of a batched (x, y) dataset in inference mode (Keras
        /// <c>model.evaluate(dataset, return_dict=True)</c>).</summary>
        /// <param name="data">A batched dataset with targets, in the model's dtype.</param>
        /// <param name="verbose">0 silent, 1 Keras's progress line, 2 the same without the bar (Keras's default is 1).</param>
        public IReadOnlyDictionary<string, double> Evaluate<T>(Dataset<T> data, int verbose = 1)
            where T : unmanaged, IFloatingPointIeee754<T> => RequireTrainer(model).Evaluate(data, verbose);

        /// <summary>Trains for <paramref name="epochs"/> epochs (Keras <c>fit</c>); see
        /// <see cref="Trainer.Fit{T}(Tensor{T}, Tensor{T}, int, int, ValueTuple{Tensor{T}, Tensor{T}}?, double, bool, IReadOnlyList{Callback}?, int, int, ulong?)"/>.</summary>
        /// <param name="x">Inputs, samples along axis 0, in the model's dtype.</param>
        /// <param name="y">Targets, samples along axis 0.</param>
        /// <param name="epochs">Index of the last epoch + 1 (Keras counts from <paramref name="initialEpoch"/>).</param>
        /// <param name="batchSize">Rows per step (the last batch may be smaller).</param>
        /// <param name="validationData">Held-out (x, y) evaluated after each epoch ("val_loss", "val_mae"…).</param>
        /// <param name="validationSplit">Fraction in [0, 1) of the rows, taken from the end, used as validation data.</param>
        /// <param name="shuffle">Shuffle the training rows every epoch.</param>
        /// <param name="callbacks">Keras-style callbacks.</param>
        /// <param name="verbose">0 silent, 1 a progress line per epoch, 2 one line per epoch (Keras).</param>
        /// <param name="initialEpoch">Epoch to start at (to resume a previous run).</param>
        /// <param name="seed">Shuffling seed for this call; default <c>Seed</c>, else a fresh one.</param>
        public History Fit<T>(Tensor<T> x, Tensor<T> y, int epochs = 1, int batchSize = 32,
            (Tensor<T> X, Tensor<T> Y)? validationData = null, double validationSplit = 0, bool shuffle = true,
            IReadOnlyList<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, ulong? seed = null)
            where T : unmanaged, IFloatingPointIeee754<T> =>
            RequireTrainer(model).Fit(x, y, epochs, batchSize, validationData, validationSplit, shuffle, callbacks, verbose, initialEpoch, seed);

        /// <summary>Trains for <paramref name="epochs"/> epochs over a batched dataset of (x, y) (Keras
        /// <c>model.fit(dataset, …)</c>); see <see cref="Trainer.Fit{T}(Dataset{T}, int, Dataset{T}?, IReadOnlyList{Callback}?, int, int)"/>.</summary>
        /// <param name="data">A batched dataset with targets, in the model's dtype.</param>
        /// <param name="epochs">Index of the last epoch + 1 (Keras counts from <paramref name="initialEpoch"/>).</param>
        /// <param name="validationData">A batched dataset with targets evaluated after each epoch.</param>
        /// <param name="callbacks">Keras-style callbacks.</param>
        /// <param name="verbose">0 silent, 1 a progress line per epoch, 2 one line per epoch (Keras).</param>
        /// <param name="initialEpoch">Epoch to start at (to resume a previous run).</param>
        public History Fit<T>(Dataset<T> data, int epochs = 1, Dataset<T>? validationData = null,
            IReadOnlyList<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
            where T : unmanaged, IFloatingPointIeee754<T> =>
            RequireTrainer(model).Fit(data, epochs, validationData, callbacks, verbose, initialEpoch);
    }

    private static TrainingState State(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return s_states.GetValue(model, static _ => new TrainingState());
    }

    private static Trainer RequireTrainer(Sequential model) =>
        State(model).Trainer
        ?? throw new InvalidOperationException($"Model '{model.Name}' must be compiled before training or evaluation: call Compile(optimizer, loss, metrics).");

    private static void CheckDType<T>(Sequential model, Tensor<T> x, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (DTypes.Of<T>() != model.DType)
        {
            throw new ArgumentException(
                $"Model '{model.Name}' computes in {model.DType.Name()} but received {DTypes.Of<T>().Name()} data; convert it (Tensor.Cast) or create the model with dtype: DType.{DTypes.Of<T>()}.",
                name);
        }
    }

    /// <summary>What training keeps per model: its trainer and Fit's settings, set before or after Compile.</summary>
    private sealed class TrainingState
    {
        public Trainer? Trainer { get; set; }

        public TextWriter Output { get; set; } = Console.Out;

        public ulong? Seed { get; set; }
    }
}
