using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Metrics;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training.Callbacks;

namespace Backprop.Training;

/// <summary>Trains a model the Keras way: the compile state (optimiser, loss, metrics), the fit loop with its
/// callbacks, progress and <see cref="History"/>, and evaluation. <c>model.Compile(optimizer, loss, metrics)</c>
/// creates one; <c>model.Compile(trainer)</c> attaches one of your own.
/// <para>What one batch does is <see cref="TrainStep{T}"/> (and <see cref="TestStep{T}"/> for evaluation), Keras 3's
/// <c>train_step</c>/<c>test_step</c>: subclass and override it — clip gradients per layer, add a second loss — and
/// Fit keeps its loop, callbacks and progress. The building blocks a step needs are here:
/// <see cref="ComputeLoss{T}"/>, <see cref="Backpropagate{T}"/>, <see cref="UpdateMetrics{T}"/>,
/// <see cref="TrainableParameters"/> and <see cref="Optimizer"/>. <c>docs/extending.md</c> has a complete
/// example.</para>
/// <para>The default step is PyTorch's loop, run through the optimiser's <see cref="Optimizer.Step"/>:
/// <c>ZeroGradients → Forward(training) → loss + penalties → backward (fusing softmax/sigmoid outputs with their
/// cross-entropies) → regularisation gradients → update</c>. A step whose loss is not finite changes no weight.</para></summary>
public class Trainer
{
    private readonly Metric[] _metrics;
    private readonly List<Parameter> _trainable = [];
    private readonly BatchBuffer _lossGradient = new();
    private Sequential? _model;
    private ModelUse.Owner? _use;
    private object? _closure;
    private IFitLoop? _loop;

    /// <summary>Set on a thread to give every evaluation batch there its own forward pass (the results are the same;
    /// tests compare the two).</summary>
    [ThreadStatic]
    internal static bool t_onePassPerBatch;

    /// <summary>Fit's measured choice of thread count (see <see cref="Kernels.Parallelism.AdaptiveTraining"/>),
    /// kept across Fits of this trainer.</summary>
    internal ThreadChooser Threads { get; } = new();

    // The shuffled batches' order and storage, reused by the next Fit on data of the same shape (BatchSource.Buffers).
    // A Fit takes them for its whole run and puts them back at its end, so that a Fit started meanwhile (from a
    // callback, or refused on another thread) makes its own instead of writing into the running Fit's.
    private object? _shuffleBuffers;

    private BatchSource<T>.Buffers TakeShuffleBuffers<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Interlocked.Exchange(ref _shuffleBuffers, null) as BatchSource<T>.Buffers ?? new BatchSource<T>.Buffers();

    /// <summary>Sets the optimiser, the loss and the metrics reported during training and evaluation (Keras
    /// <c>model.compile</c>). Strings convert: <c>new Trainer("sgd", "mse", ["mae"])</c>.</summary>
    /// <exception cref="ArgumentException">A metric is null, listed twice or named "loss".</exception>
    public Trainer(Optimizer optimizer, Loss loss, IReadOnlyList<Metric>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        var resolved = (metrics ?? [])
            .Select(m => MetricRegistry.Resolve(m ?? throw new ArgumentException("Metrics must not contain null.", nameof(metrics)), loss))
            .ToArray();
        var duplicate = resolved.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Metric '{duplicate.Key}' is listed twice.", nameof(metrics));
        }

        if (resolved.Any(m => m.Name == "loss"))
        {
            throw new ArgumentException("A metric cannot be named 'loss' (the loss is always reported).", nameof(metrics));
        }

        Optimizer = optimizer;
        Loss = loss;
        _metrics = resolved;
    }

    /// <summary>The model this trainer trains (set by <c>model.Compile</c>).</summary>
    /// <exception cref="InvalidOperationException">The trainer is not attached to a model yet.</exception>
    public Sequential Model
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => _model ?? throw NotAttached();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private InvalidOperationException NotAttached() =>
        new($"This {GetType().Name} is not attached to a model: pass it to model.Compile(trainer).");

    /// <summary>The optimiser that applies each step.</summary>
    public Optimizer Optimizer { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <summary>The loss minimised (regularisation penalties are added to it).</summary>
    public Loss Loss { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <summary>The metrics reported besides the loss, resolved from their names ("accuracy" becomes the accuracy
    /// that fits the loss).</summary>
    public IReadOnlyList<Metric> Metrics => _metrics;

    /// <summary>The History of the last Fit.</summary>
    public History? History { get; private set; }

    /// <summary>The keys the running Fit logs at each epoch end ("loss", metrics, "val_…"), known from its start
    /// so callbacks can reject an unknown monitor before training; null outside Fit.</summary>
    public IReadOnlyList<string>? LogKeys { get; private set; }

    /// <summary>Set by a callback to end Fit after the current batch or epoch (Keras <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>What happens at a step that would make the weights non-finite (a NaN or infinite loss or gradient, an
    /// overflowing update). Such a step is never applied; by default training stops with a
    /// <see cref="NonFiniteTrainingException"/>, and with <see cref="NonFiniteStepPolicy.Skip"/> it goes on without
    /// it. <c>TerminateOnNaN</c> sets Skip while it runs and stops on a NaN loss itself, as in Keras.</summary>
    public NonFiniteStepPolicy NonFiniteSteps { get; set; } = NonFiniteStepPolicy.Stop;

    /// <summary>Steps skipped in the last Fit because they were not finite (with <see cref="NonFiniteStepPolicy.Skip"/>).</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>The parameters the optimiser updates this step, in model order; refreshed by each step (layers may
    /// be frozen between steps) into a list reused without allocating.</summary>
    protected IReadOnlyList<Parameter> TrainableParameters
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            Model.CollectTrainableParameters(_trainable);
            return _trainable;
        }
    }

    /// <summary>One training step on one batch, Keras's <c>train_step</c>: by default
    /// <c>Optimizer.Step(closure)</c> with the closure <see cref="LossAndGradients{T}"/>, then
    /// <see cref="UpdateMetrics{T}"/> on the output. Returns the batch's loss (with penalties), which Fit averages
    /// over the epoch. Override it to change what a step does.</summary>
    protected virtual double TrainStep<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var closure = Closure<T>();
        closure.Bind(x, y);
        double loss = Optimizer.Step(closure.Evaluate, TrainableParameters);
        if (closure.Output is { } output)
        {
            // A full-batch search that has stopped evaluates nothing: no output to score.
            UpdateMetrics(y, output);
        }

        closure.Bind(null, null);
        return loss;
    }

    /// <summary>One evaluation step on one batch, Keras's <c>test_step</c>: forward in inference mode, loss with
    /// penalties, metrics. Returns the batch's loss.</summary>
    protected virtual double TestStep<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var output = Model.Forward(x, training: false);
        double loss = ComputeLoss(y, output);
        UpdateMetrics(y, output);
        return loss;
    }

    /// <summary>The loss to minimise for a batch's output: the compiled loss plus every regularisation penalty of
    /// the model (Keras adds <c>model.losses</c>).</summary>
    protected double ComputeLoss<T>(Tensor<T> y, Tensor<T> output)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Loss.Forward(y, output) + Model.RegularizationPenalty();

    /// <summary>∂(loss + penalties)/∂θ into every trainable parameter's gradient (adding, so zero them first), for
    /// the output of the last training-mode forward pass. When the last layer's activation and the loss agree
    /// (softmax or sigmoid with cross-entropy: <see cref="IActivationOutput"/> and
    /// <see cref="IFusesWithActivation"/>) the loss gives ∂L/∂z directly and the activation's Jacobian is skipped.</summary>
    protected void Backpropagate<T>(Tensor<T> y, Tensor<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var model = Model;
        var layers = model.Layers;
        var last = layers[^1];
        var gradient = _lossGradient.Rows<T>(output.Shape[0], last.OutputShape);
        if (last.ActivityRegularizer is null && last is IActivationOutput head && Loss is IFusesWithActivation fused
            && fused.TryBackwardThroughActivation(head.OutputActivation, y, output, gradient))
        {
            var below = head.BackwardFromPreActivation(gradient, needInputGradient: layers.Count > 1);
            model.BackwardThrough(layers.Count - 2, below, needInputGradient: false);
        }
        else
        {
            Loss.Backward(y, output, gradient);
            model.BackwardThrough(layers.Count - 1, gradient, needInputGradient: false);
        }

        model.AddRegularizationGradients();
    }

    /// <summary>The whole of a training step but the update, the closure an optimiser's <see cref="Optimizer.Step"/>
    /// evaluates: zero the gradients, forward in training mode, loss with penalties, <see cref="Backpropagate{T}"/>.
    /// Returns the loss; <paramref name="output"/> is the model's output (owned by its last layer).</summary>
    protected double LossAndGradients<T>(Tensor<T> x, Tensor<T> y, out Tensor<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var model = Model;
        model.ZeroGradients();
        output = model.Forward(x, training: true);
        double loss = ComputeLoss(y, output);
        Backpropagate(y, output);
        return loss;
    }

    /// <summary>Adds a batch to every metric's running value.</summary>
    protected void UpdateMetrics<T>(Tensor<T> y, Tensor<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var metric in _metrics)
        {
            metric.Update(y, output);
        }
    }

    /// <summary>One optimisation step on one batch (Keras <c>train_on_batch</c>): <see cref="TrainStep{T}"/> with
    /// fresh metrics. Returns the loss before the step. Allocates nothing once warm.</summary>
    /// <exception cref="NonFiniteTrainingException">The step would have made the weights non-finite (not applied);
    /// with <see cref="NonFiniteStepPolicy.Skip"/> the loss is returned instead.</exception>
    public double TrainOnBatch<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckData(x, y, nameof(x), nameof(y));
        using var use = Enter("TrainOnBatch");
        ResetMetrics();
        return GuardedTrainStep(x, y, epoch: null, batch: null) ?? double.NaN;
    }

    /// <summary>The loss (with penalties) on one batch in inference mode, without updating anything (Keras
    /// <c>test_on_batch</c>).</summary>
    public double TestOnBatch<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckData(x, y, nameof(x), nameof(y));
        using var use = Enter("TestOnBatch");
        ResetMetrics();
        return TestStep(x, y);
    }

    /// <summary>∂L/∂θ of every trainable parameter for one batch, without applying them (the forward pass runs in
    /// training mode, so batch-norm moving statistics are updated as in a training step).</summary>
    public Gradients ComputeGradients<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckData(x, y, nameof(x), nameof(y));
        using var use = Enter("ComputeGradients");
        double loss = LossAndGradients(x, y, out _);
        var items = new List<ParameterGradient>();
        foreach (var layer in Model.Layers)
        {
            foreach (var p in layer.TrainableParameters)
            {
                items.Add(new ParameterGradient(layer.Name, p.Name, p.GradientAs<T>().Clone()));
            }
        }

        return new Gradients(loss, items);
    }

    /// <summary>The compiled loss plus penalties on (x, y), nothing updated except batch-norm moving statistics
    /// when <paramref name="training"/> (used by gradient checks).</summary>
    internal double LossOn<T>(Tensor<T> x, Tensor<T> y, bool training)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ComputeLoss(y, Model.Forward(x, training));

    /// <summary>Loss and metrics over (x, y) in inference mode, computed in batches and averaged by sample count
    /// (Keras <c>evaluate(..., return_dict=True)</c>): {"loss": …, "mae": …}; a missing key's error lists the keys.</summary>
    /// <remarks>Several batches may share one forward pass when every row then gets exactly its own batch's values
    /// (as <c>Predict</c> groups them); each batch's loss and metrics are still taken on its own rows, so the results
    /// are those of one pass per batch, bit for bit. Fit's validation pass does the same.</remarks>
    /// <param name="x">Inputs, samples along axis 0, in the model's dtype.</param>
    /// <param name="y">Targets, samples along axis 0.</param>
    /// <param name="batchSize">Rows per step.</param>
    /// <param name="verbose">0 silent, 1 Keras's progress line ("4/4 ━━━━ 0s 1ms/step - loss: … - mae: …"), 2 the same
    /// without the bar; written to the model's <c>Output</c>. Keras's default ("auto") is 1.</param>
    public IReadOnlyDictionary<string, double> Evaluate<T>(Tensor<T> x, Tensor<T> y, int batchSize = 32, int verbose = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckData(x, y, nameof(x), nameof(y));
        CheckBatchSize(batchSize);
        CheckVerbose(verbose);
        using var use = Enter("Evaluate");
        return EvaluateAndPrint(new TensorBatches<T>(x, y, batchSize, shuffle: false, seed: 0), (x.Shape[0] - 1) / batchSize + 1, verbose);
    }

    /// <summary>Loss and metrics over one pass of a batched (x, y) dataset in inference mode, averaged by sample
    /// count (Keras <c>model.evaluate(dataset, return_dict=True)</c>).</summary>
    /// <exception cref="ArgumentException">The dataset is not batched, has no targets, or has another dtype.</exception>
    /// <param name="data">A batched dataset with targets, in the model's dtype.</param>
    /// <param name="verbose">0 silent, 1 Keras's progress line, 2 the same without the bar (Keras's default is 1).</param>
    public IReadOnlyDictionary<string, double> Evaluate<T>(Dataset<T> data, int verbose = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DatasetChecks.Check(Model, data, nameof(data), "Evaluate", needTargets: true);
        CheckVerbose(verbose);
        using var use = Enter("Evaluate");
        Model.EnsureBuilt(data.XRowShape);
        return EvaluateAndPrint(new DatasetBatches<T>(data), data.Cardinality is long known and >= 0 and <= int.MaxValue ? (int)known : null, verbose);
    }

    /// <summary>Evaluate's pass and, when verbose, Keras's one line about it.</summary>
    private ResultDictionary<double> EvaluateAndPrint<T>(IBatchFeed<T> batches, int? steps, int verbose)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var logs = new ResultDictionary<double>("Evaluate's results");
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        int done = EvaluateInto(batches, logs, prefix: "");
        if (verbose > 0)
        {
            new ProgressPrinter(Model.Output, verbose, 1, steps ?? done).EndEpoch(done, System.Diagnostics.Stopwatch.GetElapsedTime(started), logs);
        }

        return logs;
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs (Keras <c>fit</c>): each epoch shuffles the training rows
    /// (seeded by <paramref name="seed"/> or the model's <c>Seed</c>), runs <see cref="TrainStep{T}"/> on each batch,
    /// then evaluates the validation data. The reported "loss" is the mean over the epoch's batches weighted by batch
    /// size, including regularisation penalties; metrics likewise. <paramref name="validationSplit"/> holds out the
    /// LAST fraction of the rows before shuffling, as Keras. A batch whose loss is not finite is not applied (add
    /// <see cref="TerminateOnNaN"/> to stop there). With a full-batch optimiser (<see cref="LBFGS"/>) each epoch is
    /// one step on all the training rows, and training ends early when the optimiser stops.</summary>
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
    /// <param name="seed">Shuffling seed for this call; default the model's <c>Seed</c>, else a fresh one.</param>
    public History Fit<T>(Tensor<T> x, Tensor<T> y, int epochs = 1, int batchSize = 32,
        (Tensor<T> X, Tensor<T> Y)? validationData = null, double validationSplit = 0, bool shuffle = true,
        IReadOnlyList<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, ulong? seed = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckData(x, y, nameof(x), nameof(y));
        CheckBatchSize(batchSize);
        CheckEpochs(epochs, initialEpoch, verbose);
        CheckCallbacks(callbacks);
        if (!(validationSplit is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1).");
        }

        var (xTrain, yTrain) = (x, y);
        Tensor<T>? xVal = null, yVal = null;
        if (validationData is { } given)
        {
            CheckData(given.X, given.Y, "validationData.X", "validationData.Y");
            (xVal, yVal) = (given.X, given.Y);
        }
        else if (validationSplit > 0)
        {
            // Keras: split_at = floor(n · (1 − split)); train = [:split_at], validation = [split_at:].
            int splitAt = (int)Math.Floor(x.Shape[0] * (1.0 - validationSplit));
            if (splitAt == 0 || splitAt == x.Shape[0])
            {
                throw new ArgumentException($"validationSplit {validationSplit} of {x.Shape[0]} rows leaves an empty training or validation set.", nameof(validationSplit));
            }

            xTrain = x.SliceRows(0, splitAt);
            yTrain = y.SliceRows(0, splitAt);
            xVal = x.SliceRows(splitAt, x.Shape[0] - splitAt);
            yVal = y.SliceRows(splitAt, y.Shape[0] - splitAt);
        }

        Model.EnsureBuilt(BatchBuffer.SampleOf(x.Shape));
        ulong shuffleSeed = seed ?? Model.Seed ?? Backprop.Random.RandomSeed.NextSeed();

        var kept = TakeShuffleBuffers<T>();
        try
        {
            // A full-batch optimiser sees every training row in each step, in order.
            var train = Optimizer.RequiresFullBatch
                ? new TensorBatches<T>(xTrain, yTrain, xTrain.Shape[0], shuffle: false, shuffleSeed)
                : new TensorBatches<T>(xTrain, yTrain, batchSize, shuffle, shuffleSeed, kept);
            var validation = xVal is null || yVal is null ? null : new TensorBatches<T>(xVal, yVal, batchSize, shuffle: false, seed: 0);
            using var use = Enter("Fit");
            return new FitLoop<T>(this, train, validation, callbacks, verbose).Run(epochs, initialEpoch);
        }
        finally
        {
            _shuffleBuffers = kept;
        }
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs over a batched dataset of (x, y) (Keras
    /// <c>model.fit(dataset, epochs=…, validation_data=…)</c>). Each epoch enumerates <paramref name="data"/>
    /// once — a <c>Shuffle</c> stage in it reorders every epoch — and runs one training step per batch, exactly as
    /// the tensor overload does per batch: <c>Fit(Dataset.FromTensorSlices((x, y)).Batch(32))</c> gives the same
    /// weights as <c>Fit(x, y, batchSize: 32, shuffle: false)</c>. After the first epoch a step allocates nothing.</summary>
    /// <param name="data">A batched dataset with targets, in the model's dtype.</param>
    /// <param name="epochs">Index of the last epoch + 1 (Keras counts from <paramref name="initialEpoch"/>).</param>
    /// <param name="validationData">A batched dataset with targets evaluated after each epoch ("val_loss", …).</param>
    /// <param name="callbacks">Keras-style callbacks.</param>
    /// <param name="verbose">0 silent, 1 a progress line per epoch, 2 one line per epoch (Keras).</param>
    /// <param name="initialEpoch">Epoch to start at (to resume a previous run).</param>
    /// <exception cref="ArgumentException">The dataset is not batched, has no targets, is empty or endless, or has
    /// another dtype than the model; or the optimiser is full-batch (L-BFGS), which needs one fixed objective that
    /// a pipeline's batches are not.</exception>
    public History Fit<T>(Dataset<T> data, int epochs = 1, Dataset<T>? validationData = null,
        IReadOnlyList<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DatasetChecks.Check(Model, data, nameof(data), "Fit", needTargets: true);
        if (validationData is not null)
        {
            DatasetChecks.Check(Model, validationData, nameof(validationData), "Fit", needTargets: true);
        }

        CheckEpochs(epochs, initialEpoch, verbose);
        CheckCallbacks(callbacks);
        if (Optimizer.RequiresFullBatch)
        {
            throw new ArgumentException(
                $"{Optimizer.Name} is a full-batch optimiser: its line search compares losses of one fixed objective, which a pipeline's batches are not. Call Fit(x, y) with tensors instead of passing a dataset.",
                nameof(data));
        }

        Model.EnsureBuilt(data.XRowShape);
        var validation = validationData is null ? null : new DatasetBatches<T>(validationData);
        using var use = Enter("Fit");
        return new FitLoop<T>(this, new DatasetBatches<T>(data), validation, callbacks, verbose).Run(epochs, initialEpoch);
    }

    /// <summary>Attaches the trainer to <paramref name="model"/> (<c>model.Compile(trainer)</c> does it); a trainer
    /// serves one model.</summary>
    internal void Attach(Sequential model)
    {
        if (_model is not null && !ReferenceEquals(_model, model))
        {
            throw new InvalidOperationException($"This {GetType().Name} already trains model '{_model.Name}'; create one trainer per model.");
        }

        _model = model;
        _use = ModelUse.OwnerOf(model);
    }

    /// <summary>Runs a training step under the non-finite rule: a step the optimiser refused, or one whose loss is not
    /// finite (which first-order optimisers do not apply), stops training with a <see cref="NonFiniteTrainingException"/>
    /// or, with <see cref="NonFiniteStepPolicy.Skip"/>, is counted, said on the output and skipped.</summary>
    /// <returns>The step's loss; NaN or ∞ for a skipped step whose loss was not finite (Fit reports it, as Keras does);
    /// null for a skipped step whose loss was never known (the optimiser refused its gradients).</returns>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <param name="epoch">The epoch, for messages (null outside Fit).</param>
    /// <param name="batch">The batch within it, for messages.</param>
    /// <param name="callbackHandlesLoss">A callback (TerminateOnNaN) stops training on a non-finite loss itself, so
    /// such a step is skipped, not stopped with an exception.</param>
    internal double? GuardedTrainStep<T>(Tensor<T> x, Tensor<T> y, int? epoch, int? batch, bool callbackHandlesLoss = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double loss;
        try
        {
            loss = TrainStep(x, y);
        }
        catch (NonFiniteStepException e)
        {
            Model.ZeroGradients();
            Skip(NonFiniteTrainingException.For(e, epoch, batch, LayerOf(e.ParameterIndex)));
            return null;
        }

        if (!double.IsFinite(loss) && !callbackHandlesLoss)
        {
            Skip(new NonFiniteTrainingException(epoch, batch, null, null, $"the loss is {loss}", null));
        }

        return loss;
    }

    internal void ResetSkippedSteps() => SkippedSteps = 0;

    private void Skip(NonFiniteTrainingException failure)
    {
        if (NonFiniteSteps == NonFiniteStepPolicy.Stop)
        {
            throw failure;
        }

        SkippedSteps++;
        if (SkippedSteps == 1)
        {
            Model.Output.WriteLine("Skipping non-finite steps (NonFiniteSteps = Skip): " + failure.Message.Split(" The step was not applied")[0]);
        }
    }

    /// <summary>The layer owning trainable parameter <paramref name="index"/> of this step, or null.</summary>
    private string? LayerOf(int index)
    {
        if (index < 0 || index >= _trainable.Count)
        {
            return null;
        }

        var parameter = _trainable[index];
        return Model.Layers.FirstOrDefault(l => l.Parameters.Contains(parameter))?.Name;
    }

    private ModelUse.Scope Enter(string operation) => ModelUse.Enter(_use ?? ModelUse.OwnerOf(Model), Model, operation);

    internal void BeginFit(History history, IReadOnlyList<string> logKeys, IFitLoop loop)
    {
        History = history;
        LogKeys = logKeys;
        StopTraining = false;
        _loop = loop;
    }

    internal void EndFit()
    {
        LogKeys = null;
        _loop = null;
    }

    /// <summary>The state of the running Fit — epoch and batch, the epoch's running totals, the batch order,
    /// every callback's state, History, the library-wide random streams — for a callback that saves training to
    /// resume it later (BackupAndRestore). Taken after a batch (<c>OnTrainBatchEnd</c>) it continues with the next
    /// batch; taken at an epoch's end by a <see cref="Callback.RunsLast"/> callback, with the next epoch. The model's
    /// weights and the optimiser's state are not part of it: save them beside it.</summary>
    /// <exception cref="InvalidOperationException">No Fit is running.</exception>
    public FitState CaptureFitState() =>
        (_loop ?? throw new InvalidOperationException("CaptureFitState is only available while Fit runs (from a callback).")).Capture();

    /// <summary>Makes the Fit that is starting continue from <paramref name="state"/> instead of from its first
    /// epoch: call it from a callback's <c>OnTrainBegin</c>, after putting back the weights and the optimiser
    /// state that were saved with it. Every callback's state, History, the batch order and the random streams are
    /// restored once all callbacks have begun, and the loop continues with the saved epoch and batch. The Fit must
    /// be given the same data, callbacks (same classes, same order) and settings as the one that saved it.</summary>
    /// <exception cref="ArgumentException">The state does not fit this Fit (other callbacks, metrics or data).</exception>
    /// <exception cref="InvalidOperationException">Not called from <c>OnTrainBegin</c> of a running Fit.</exception>
    public void ResumeFit(FitState state) =>
        (_loop ?? throw new InvalidOperationException("ResumeFit is only available while Fit starts (from a callback's OnTrainBegin).")).Resume(state);

    internal void ResetMetrics()
    {
        foreach (var metric in _metrics)
        {
            metric.Reset();
        }
    }

    /// <summary>Loss and metrics over one epoch of <paramref name="batches"/> in inference mode, averaged by sample
    /// count, into logs[prefix + name].</summary>
    internal int EvaluateInto<T>(IBatchFeed<T> batches, Dictionary<string, double> logs, string prefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ResetMetrics();
        double lossSum = 0;
        long n = 0;
        int steps = 0;
        if (batches is TensorBatches<T> { InOrder: { } data } tensors
            && EvaluationPassRows(tensors) is int pass && pass > data.BatchSize)
        {
            (lossSum, n, steps) = EvaluateGrouped(data.X, data.Y, data.BatchSize, pass);
        }
        else
        {
            batches.BeginEpoch(0);
            try
            {
                while (batches.Next(out var xb, out var yb))
                {
                    int count = xb.Shape[0];
                    lossSum += TestStep(xb, yb!) * count;
                    n += count;
                    steps++;
                }
            }
            finally
            {
                batches.EndEpoch();
            }
        }

        logs[prefix + "loss"] = n == 0 ? double.NaN : lossSum / n;
        foreach (var metric in _metrics)
        {
            logs[prefix + metric.Name] = metric.Result();
        }

        return steps;
    }

    /// <summary>Rows per forward pass of an evaluation of <paramref name="feed"/>'s in-order batches: several batches at once when that gives every row the bits of its own batch's
    /// pass (Predict's rule, <see cref="Prediction.RowsPerPass"/>) and nothing else can tell the difference — the
    /// trainer is Backprop's own (a subclass may override <see cref="TestStep{T}"/>), no layer has an activity
    /// regulariser (its penalty is taken over the whole pass), and the model is built for these inputs (else the
    /// first batch reports the mismatch as before). <see cref="t_onePassPerBatch"/> set on the calling thread keeps
    /// one pass per batch (tests compare).</summary>
    internal int EvaluationPassRows<T>(TensorBatches<T> feed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (feed.InOrder is not { } data)
        {
            throw new ArgumentException("Only batches taken in row order can be grouped.", nameof(feed));
        }

        var (x, _, batchSize) = data;

        var model = Model;
        // From four batches on: fewer would save a pass or two, not worth deciding (Boston's 101 validation rows).
        if (t_onePassPerBatch || x.Rank == 0 || x.Shape[0] < 4 * batchSize || model.Layers.Count == 0
            || GetType() != typeof(Trainer) || DTypes.Of<T>() != model.DType)
        {
            return batchSize;
        }

        int rows = x.Shape[0];

        foreach (var layer in model.Layers)
        {
            if (!layer.IsBuilt || layer.ActivityRegularizer is not null)
            {
                return batchSize;
            }
        }

        if (BatchBuffer.SampleOf(x.Shape) != model.Layers[0].InputShape)
        {
            return batchSize;
        }

        // The product routes depend only on the built layers and the sizes, fixed for a feed: decided once per Fit.
        return feed.PassRows ??= Prediction.RowsPerPass(model, batchSize, rows - rows % batchSize, Unsafe.SizeOf<T>());
    }

    /// <summary>One evaluation with forward passes of <paramref name="pass"/> rows (whole batches; the last, partial
    /// batch alone), then the loss and metrics of each batch on its rows of the pass's output, in batch order: the
    /// sums <see cref="TestStep{T}"/> per batch would give, bit for bit, with fewer and larger products.</summary>
    private (double LossSum, long Rows, int Steps) EvaluateGrouped<T>(Tensor<T> x, Tensor<T> y, int batchSize, int pass)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var model = Model;
        int rows = x.Shape[0];
        int full = rows - rows % batchSize;
        var xPass = x.SliceRows(0, 0);
        var yBatch = y.SliceRows(0, 0);
        Tensor<T>? outputBatch = null;
        double lossSum = 0;
        int steps = 0;
        for (int start = 0; start < rows;)
        {
            int count = Prediction.PassLength(start, full, rows, pass);
            xPass.RebindRows(x, start, count);
            var output = model.Forward(xPass, training: false);
            outputBatch ??= output.SliceRows(0, 0);
            for (int offset = 0; offset < count; offset += batchSize)
            {
                int batch = Math.Min(batchSize, count - offset);
                outputBatch.RebindRows(output, offset, batch);
                yBatch.RebindRows(y, start + offset, batch);
                lossSum += ComputeLoss(yBatch, outputBatch) * batch;
                UpdateMetrics(yBatch, outputBatch);
                steps++;
            }

            start += count;
        }

        return (lossSum, rows, steps);
    }

    private StepClosure<T> Closure<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_closure is not StepClosure<T> closure)
        {
            closure = new StepClosure<T>(this);
            _closure = closure;
        }

        return closure;
    }

    private void CheckData<T>(Tensor<T> x, Tensor<T>? y, string name, string targetName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x, name);
        ArgumentNullException.ThrowIfNull(y, targetName);
        var model = Model;
        if (DTypes.Of<T>() != model.DType)
        {
            throw new ArgumentException(
                $"Model '{model.Name}' computes in {model.DType.Name()} but received {DTypes.Of<T>().Name()} data; convert it (Tensor.Cast) or create the model with dtype: DType.{DTypes.Of<T>()}.",
                name);
        }

        if (x.Rank == 0)
        {
            throw new ShapeMismatchException($"Model '{model.Name}': inputs need a batch axis; got a scalar.");
        }

        if (y.Rank == 0 || y.Shape[0] != x.Shape[0])
        {
            throw new ShapeMismatchException($"Model '{model.Name}': x has {x.Shape[0]} rows (shape {x.Shape}) but y has shape {y.Shape}.");
        }

        if (x.Shape[0] == 0)
        {
            throw new ArgumentException($"Model '{model.Name}': {name} has no rows (shape {x.Shape}); there is nothing to train on or evaluate.", name);
        }
    }

    private static void CheckCallbacks(IReadOnlyList<Callback>? callbacks)
    {
        for (int i = 0; callbacks is not null && i < callbacks.Count; i++)
        {
            if (callbacks[i] is null)
            {
                throw new ArgumentNullException(nameof(callbacks), $"callbacks[{i}] is null.");
            }
        }
    }

    internal static void CheckBatchSize(int batchSize)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be ≥ 1.");
        }
    }

    private static void CheckEpochs(int epochs, int initialEpoch, int verbose)
    {
        if (epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be ≥ 0.");
        }

        if (initialEpoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "initialEpoch must be ≥ 0.");
        }

        CheckVerbose(verbose);
    }

    private static void CheckVerbose(int verbose)
    {
        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose is 0 (silent), 1 (progress) or 2 (one line per epoch).");
        }
    }

    /// <summary>The default step's closure, reused for every batch so a step allocates nothing: it evaluates
    /// <see cref="LossAndGradients{T}"/> on the bound batch and keeps the output for the metrics.</summary>
    private sealed class StepClosure<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Trainer _trainer;
        private Tensor<T>? _x;
        private Tensor<T>? _y;

        public StepClosure(Trainer trainer)
        {
            _trainer = trainer;
            Evaluate = Run;
        }

        public Func<double> Evaluate { get; }

        public Tensor<T>? Output { get; private set; }

        public void Bind(Tensor<T>? x, Tensor<T>? y)
        {
            _x = x;
            _y = y;
            Output = null;
        }

        private double Run()
        {
            double loss = _trainer.LossAndGradients(_x!, _y!, out var output);
            Output = output;
            return loss;
        }
    }
}
