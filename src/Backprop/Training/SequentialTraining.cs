using System.Diagnostics;
using System.Numerics;
using Backprop.Activations;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Metrics;
using Backprop.Optimizers;
using Backprop.Training.Callbacks;

namespace Backprop.Training;

public sealed partial class Sequential
{
    private readonly RowWorkspace _lossGradient = new();
    private readonly Dictionary<string, double> _batchLogs = new(StringComparer.Ordinal);
    private Metric[] _metrics = [];

    /// <summary>The History of the last <c>Fit</c> (Keras <c>model.history</c>).</summary>
    public History? History { get; private set; }

    /// <summary>The keys the running Fit logs at each epoch end ("loss", metrics, "val_…"), known from its start
    /// so callbacks can reject an unknown monitor before training; null outside Fit.</summary>
    public IReadOnlyList<string>? LogKeys { get; private set; }

    /// <summary>Sets the optimiser, the loss and the metrics reported during training and evaluation (Keras
    /// <c>model.compile</c>). Strings convert: <c>Compile(optimizer: "sgd", loss: "mse", metrics: ["mae"])</c>.</summary>
    public void Compile(Optimizer optimizer, Loss loss, IReadOnlyList<Metric>? metrics = null)
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
        Metrics = resolved;
    }

    /// <summary>One optimisation step on one batch (Keras <c>train_on_batch</c>): forward in training mode, loss
    /// (with regularisation penalties), backward, optimiser step. Returns the loss before the step. A non-finite
    /// loss skips the step, so NaN never reaches the weights through it. Allocates nothing once warm.</summary>
    public double TrainOnBatch<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCompiled();
        CheckData(x, y, nameof(x));
        ResetMetrics();
        return TrainStep(x, y);
    }

    /// <summary>The loss (with regularisation penalties) on one batch in inference mode, without updating
    /// anything (Keras <c>test_on_batch</c>).</summary>
    public double TestOnBatch<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCompiled();
        CheckData(x, y, nameof(x));
        ResetMetrics();
        return TestStep(x, y);
    }

    /// <summary>∂L/∂θ of every trainable parameter for one batch, without applying them (the forward pass runs in
    /// training mode, so batch-norm moving statistics are updated as in a training step).</summary>
    public Gradients ComputeGradients<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Loss is null)
        {
            throw new InvalidOperationException($"Model '{Name}' needs a loss: call Compile first.");
        }

        CheckData(x, y, nameof(x));
        var output = ForwardAll(x, training: true);
        double loss = Loss.Forward(y, output) + Penalties();
        Backpropagate(y, output);
        var items = new List<ParameterGradient>();
        foreach (var layer in _layers)
        {
            foreach (var p in layer.TrainableParameters)
            {
                items.Add(new ParameterGradient(layer.Name, p.Name, p.GradientAs<T>().Clone()));
            }
        }

        return new Gradients(loss, items);
    }

    /// <summary>The model's output for <paramref name="x"/> in inference mode, computed in batches (Keras
    /// <c>predict</c>); a new tensor.</summary>
    public Tensor<T> Predict<T>(Tensor<T> x, int batchSize = 32)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckData(x, null, nameof(x));
        CheckBatchSize(batchSize);
        EnsureBuilt(x);
        int n = x.Shape[0];
        var result = new Tensor<T>(RowWorkspace.WithBatch(n, _layers[^1].OutputShape));
        var view = x.SliceRows(0, 0);
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            view.RebindRows(x, start, count);
            var output = ForwardAll(view, training: false);
            output.AsSpan().CopyTo(result.RowSpan(start, count));
        }

        return result;
    }

    /// <summary>Loss and metrics over (x, y) in inference mode, computed in batches and averaged by sample count
    /// (Keras <c>evaluate(..., return_dict=True)</c>): {"loss": …, "mae": …}.</summary>
    public IReadOnlyDictionary<string, double> Evaluate<T>(Tensor<T> x, Tensor<T> y, int batchSize = 32)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCompiled();
        CheckData(x, y, nameof(x));
        CheckBatchSize(batchSize);
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        EvaluateInto(x, y, batchSize, logs, prefix: "");
        return logs;
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs (Keras <c>fit</c>): each epoch shuffles the training rows
    /// (seeded by <paramref name="seed"/> or <see cref="Seed"/>), runs <see cref="TrainOnBatch{T}"/> on each batch,
    /// then evaluates the validation data. The reported "loss" is the mean over the epoch's batches weighted by batch
    /// size, including regularisation penalties; metrics likewise. <paramref name="validationSplit"/> holds out the
    /// LAST fraction of the rows before shuffling, as Keras. A batch whose loss is not finite is not applied (add
    /// <see cref="Callbacks.TerminateOnNaN"/> to stop there).</summary>
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
    /// <param name="seed">Shuffling seed for this call; default <see cref="Seed"/>, else a fresh one.</param>
    public History Fit<T>(Tensor<T> x, Tensor<T> y, int epochs = 1, int batchSize = 32,
        (Tensor<T> X, Tensor<T> Y)? validationData = null, double validationSplit = 0, bool shuffle = true,
        IReadOnlyList<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, ulong? seed = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCompiled();
        CheckData(x, y, nameof(x));
        CheckBatchSize(batchSize);
        if (epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be ≥ 0.");
        }

        if (initialEpoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "initialEpoch must be ≥ 0.");
        }

        if (!(validationSplit is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1).");
        }

        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose is 0 (silent), 1 (progress) or 2 (one line per epoch).");
        }

        var (xTrain, yTrain) = (x, y);
        Tensor<T>? xVal = null, yVal = null;
        if (validationData is { } given)
        {
            CheckData(given.X, given.Y, nameof(validationData));
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

        EnsureBuilt(x);
        ulong shuffleSeed = seed ?? Seed ?? Backprop.Random.RandomSeed.NextSeed();
        var train = new TensorBatches<T>(xTrain, yTrain, batchSize, shuffle, shuffleSeed);
        var validation = xVal is null || yVal is null ? null : new TensorBatches<T>(xVal, yVal, batchSize, shuffle: false, seed: 0);
        Func<Callback[], History, ProgressPrinter, IReadOnlyDictionary<string, double>>? fullBatch = null;
        if (Optimizer is LBFGS lbfgs)
        {
            fullBatch = (callbackList, history, progress) =>
                FitFullBatch(lbfgs, xTrain, yTrain, xVal, yVal, batchSize, epochs, initialEpoch, callbackList, history, progress);
        }

        return RunFit(train, validation, epochs, initialEpoch, callbacks, verbose, fullBatch);
    }

    /// <summary>The epoch loop shared by every Fit overload: callbacks, progress, History, and per epoch one pass
    /// over <paramref name="train"/> with <see cref="TrainStep{T}"/> followed by an evaluation of
    /// <paramref name="validation"/>. <paramref name="fullBatch"/> replaces the loop for L-BFGS.</summary>
    private History RunFit<T>(IBatchFeed<T> train, IBatchFeed<T>? validation, int epochs, int initialEpoch,
        IReadOnlyList<Callback>? callbacks, int verbose,
        Func<Callback[], History, ProgressPrinter, IReadOnlyDictionary<string, double>>? fullBatch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var callbackList = (callbacks ?? []).ToArray();
        var parameters = new Dictionary<string, object> { ["epochs"] = epochs, ["verbose"] = verbose };
        if (train.Steps is int knownSteps)
        {
            parameters["steps"] = knownSteps;
        }

        var history = new History { Params = parameters };
        History = history;
        var progress = new ProgressPrinter(Output, verbose, epochs, fullBatch is not null ? 1 : train.Steps);
        var emptyLogs = new Dictionary<string, double>();
        StopTraining = false;
        var keys = new List<string> { "loss" };
        keys.AddRange(_metrics.Select(m => m.Name));
        if (validation is not null)
        {
            keys.AddRange(keys.ToArray().Select(k => "val_" + k));
        }

        LogKeys = keys;
        foreach (var callback in callbackList)
        {
            callback.SetModel(this);
        }

        foreach (var callback in callbackList)
        {
            callback.OnTrainBegin(emptyLogs);
        }

        IReadOnlyDictionary<string, double> lastLogs = emptyLogs;
        if (fullBatch is not null)
        {
            lastLogs = fullBatch(callbackList, history, progress);
        }

        for (int epoch = initialEpoch; epoch < epochs && !StopTraining && fullBatch is null; epoch++)
        {
            foreach (var callback in callbackList)
            {
                callback.OnEpochBegin(epoch, emptyLogs);
            }

            progress.BeginEpoch(epoch);
            long started = Stopwatch.GetTimestamp();
            ResetMetrics();
            double lossSum = 0;
            long seen = 0;
            int step = 0;
            train.BeginEpoch(epoch);
            try
            {
                for (; !StopTraining && train.Next(out var xb, out var yb); step++)
                {
                    foreach (var callback in callbackList)
                    {
                        callback.OnTrainBatchBegin(step, _batchLogs);
                    }

                    double loss = TrainStep(xb, yb!);
                    int count = xb.Shape[0];
                    lossSum += loss * count;
                    seen += count;
                    if (callbackList.Length > 0)
                    {
                        FillBatchLogs(lossSum / seen);
                        foreach (var callback in callbackList)
                        {
                            callback.OnTrainBatchEnd(step, _batchLogs);
                        }
                    }
                }
            }
            finally
            {
                train.EndEpoch();
            }

            var logs = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = seen == 0 ? double.NaN : lossSum / seen };
            foreach (var metric in _metrics)
            {
                logs[metric.Name] = metric.Result();
            }

            if (validation is not null)
            {
                EvaluateInto(validation, logs, prefix: "val_");
            }

            foreach (var callback in callbackList)
            {
                callback.OnEpochEnd(epoch, logs);
            }

            history.Append(epoch, logs);
            progress.EndEpoch(step, Stopwatch.GetElapsedTime(started), logs);
            lastLogs = logs;
        }

        foreach (var callback in callbackList)
        {
            callback.OnTrainEnd(lastLogs);
        }

        LogKeys = null;
        return history;
    }

    /// <summary>Full-batch training with L-BFGS: one <see cref="LBFGS.Minimize"/> over the whole training set, each
    /// iteration reported as an epoch (History, callbacks, progress), stopping after <paramref name="epochs"/> −
    /// <paramref name="initialEpoch"/> iterations, at the optimiser's own limits, or when a callback stops training.</summary>
    private IReadOnlyDictionary<string, double> FitFullBatch<T>(LBFGS lbfgs, Tensor<T> x, Tensor<T> y, Tensor<T>? xVal, Tensor<T>? yVal,
        int batchSize, int epochs, int initialEpoch, Callback[] callbacks, History history, ProgressPrinter progress)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IReadOnlyDictionary<string, double> lastLogs = new Dictionary<string, double>();
        if (initialEpoch >= epochs)
        {
            return lastLogs;
        }

        int epoch = initialEpoch;
        long started = Stopwatch.GetTimestamp();
        var emptyLogs = new Dictionary<string, double>();
        foreach (var callback in callbacks)
        {
            callback.OnEpochBegin(epoch, emptyLogs);
        }

        progress.BeginEpoch(epoch);
        double LossAndGradient()
        {
            ResetMetrics();
            var output = ForwardAll(x, training: true);
            double loss = Loss!.Forward(y, output) + Penalties();
            foreach (var metric in _metrics)
            {
                metric.Update(y, output);
            }

            Backpropagate(y, output);
            return loss;
        }

        bool OnIteration(LbfgsProgress step)
        {
            var logs = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = step.Loss };
            foreach (var metric in _metrics)
            {
                logs[metric.Name] = metric.Result();
            }

            if (xVal is not null && yVal is not null)
            {
                EvaluateInto(xVal, yVal, batchSize, logs, prefix: "val_");
            }

            foreach (var callback in callbacks)
            {
                callback.OnEpochEnd(epoch, logs);
            }

            history.Append(epoch, logs);
            progress.EndEpoch(1, Stopwatch.GetElapsedTime(started), logs);
            lastLogs = logs;
            epoch++;
            if (StopTraining || epoch >= epochs)
            {
                return false;
            }

            started = Stopwatch.GetTimestamp();
            foreach (var callback in callbacks)
            {
                callback.OnEpochBegin(epoch, emptyLogs);
            }

            progress.BeginEpoch(epoch);
            return true;
        }

        LastLbfgsResult = lbfgs.Minimize(LossAndGradient, CollectTrainable().ToArray(), OnIteration);
        return lastLogs;
    }

    /// <summary>How the last L-BFGS Fit ended (iterations, evaluations, stop reason), or null.</summary>
    public LbfgsResult? LastLbfgsResult { get; private set; }

    /// <summary>The compiled loss plus penalties on (x, y), nothing updated except batch-norm moving statistics
    /// when <paramref name="training"/> (used by gradient checks).</summary>
    internal double LossOn<T>(Tensor<T> x, Tensor<T> y, bool training)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var output = ForwardAll(x, training);
        return Loss!.Forward(y, output) + Penalties();
    }

    private double TrainStep<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var output = ForwardAll(x, training: true);
        double loss = Loss!.Forward(y, output) + Penalties();
        foreach (var metric in _metrics)
        {
            metric.Update(y, output);
        }

        Backpropagate(y, output);
        if (double.IsFinite(loss))
        {
            Optimizer!.Apply(CollectTrainable());
        }

        return loss;
    }

    private double TestStep<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var output = ForwardAll(x, training: false);
        double loss = Loss!.Forward(y, output) + Penalties();
        foreach (var metric in _metrics)
        {
            metric.Update(y, output);
        }

        return loss;
    }

    private void EvaluateInto<T>(Tensor<T> x, Tensor<T> y, int batchSize, Dictionary<string, double> logs, string prefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureBuilt(x);
        EvaluateInto(new TensorBatches<T>(x, y, batchSize, shuffle: false, seed: 0), logs, prefix);
    }

    /// <summary>Loss and metrics over one epoch of <paramref name="batches"/> in inference mode, averaged by sample
    /// count, into logs[prefix + name].</summary>
    private void EvaluateInto<T>(IBatchFeed<T> batches, Dictionary<string, double> logs, string prefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ResetMetrics();
        double lossSum = 0;
        long n = 0;
        batches.BeginEpoch(0);
        try
        {
            while (batches.Next(out var xb, out var yb))
            {
                int count = xb.Shape[0];
                lossSum += TestStep(xb, yb!) * count;
                n += count;
            }
        }
        finally
        {
            batches.EndEpoch();
        }

        logs[prefix + "loss"] = n == 0 ? double.NaN : lossSum / n;
        foreach (var metric in _metrics)
        {
            logs[prefix + metric.Name] = metric.Result();
        }
    }

    internal Tensor<T> ForwardAll<T>(Tensor<T> x, bool training)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureBuilt(x);
        var output = x;
        for (int i = 0; i < _layers.Count; i++)
        {
            output = _layers[i].Forward(output, training);
        }

        return output;
    }

    /// <summary>∂L/∂θ into every parameter's gradient (overwritten, then regularisation gradients added).</summary>
    private void Backpropagate<T>(Tensor<T> y, Tensor<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gradient = _lossGradient.Rows<T>(output.Shape[0], _layers[^1].OutputShape);
        for (int i = 0; i < _layers.Count; i++)
        {
            _layers[i].OverwriteGradients = true;

            // TEMP (superseded by issue 10): layers that follow the accumulate contract (Conv2D) add into their
            // gradients, so every trainable gradient starts each step at zero.
            if (_layers[i].Trainable)
            {
                var parameters = _layers[i].Parameters;
                for (int j = 0; j < parameters.Count; j++)
                {
                    if (parameters[j].Trainable)
                    {
                        parameters[j].ZeroGradient();
                    }
                }
            }
        }

        try
        {
            Tensor<T>? g = gradient;
            int next = _layers.Count - 1;
            switch (FusedOutput())
            {
                case FusedOutputKind.SoftmaxDense or FusedOutputKind.SigmoidDense:
                    // ∂L/∂z straight from the loss (ŷ − y for cross-entropy), skipping the activation's Jacobian.
                    FusedBackward(y, output, gradient);
                    g = ((Dense)_layers[^1]).BackwardFromPreActivation(gradient, needInputGradient: _layers.Count > 1);
                    next--;
                    break;
                case FusedOutputKind.SoftmaxLayer or FusedOutputKind.SigmoidLayer:
                    FusedBackward(y, output, gradient);
                    next--;
                    break;
                default:
                    Loss!.Backward(y, output, gradient);
                    break;
            }

            for (int i = next; i >= 0; i--)
            {
                g = _layers[i].BackwardInternal(g!, needInputGradient: i > 0);
            }

            for (int i = 0; i < _layers.Count; i++)
            {
                _layers[i].AddRegularizationGradients();
            }
        }
        finally
        {
            for (int i = 0; i < _layers.Count; i++)
            {
                _layers[i].OverwriteGradients = false;
            }
        }
    }

    private enum FusedOutputKind
    {
        None,
        SoftmaxDense,
        SigmoidDense,
        SoftmaxLayer,
        SigmoidLayer,
    }

    /// <summary>Whether the last layer's softmax/sigmoid can be fused with the loss's gradient.</summary>
    private FusedOutputKind FusedOutput()
    {
        var last = _layers[^1];
        if (last.ActivityRegularizer is not null)
        {
            return FusedOutputKind.None;
        }

        bool softmaxLoss = Loss is ISoftmaxFusable { FusesWithSoftmax: true };
        bool sigmoidLoss = Loss is ISigmoidFusable { FusesWithSigmoid: true };
        return last switch
        {
            Dense { Activation: Softmax } when softmaxLoss => FusedOutputKind.SoftmaxDense,
            Dense { Activation: Sigmoid } when sigmoidLoss => FusedOutputKind.SigmoidDense,
            Layers.Activation { Function: Softmax } when softmaxLoss => FusedOutputKind.SoftmaxLayer,
            Layers.Activation { Function: Sigmoid } when sigmoidLoss => FusedOutputKind.SigmoidLayer,
            _ => FusedOutputKind.None,
        };
    }

    private void FusedBackward<T>(Tensor<T> y, Tensor<T> output, Tensor<T> logitsGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Loss is ISoftmaxFusable { FusesWithSoftmax: true } softmax && _layers[^1] is Dense { Activation: Softmax } or Layers.Activation { Function: Softmax })
        {
            softmax.BackwardThroughSoftmax(y, output, logitsGradient);
        }
        else
        {
            ((ISigmoidFusable)Loss!).BackwardThroughSigmoid(y, output, logitsGradient);
        }
    }

    private double Penalties()
    {
        double total = 0;
        for (int i = 0; i < _layers.Count; i++)
        {
            total += _layers[i].RegularizationPenalty();
        }

        return total;
    }

    private void ResetMetrics()
    {
        foreach (var metric in _metrics)
        {
            metric.Reset();
        }
    }

    private void FillBatchLogs(double runningLoss)
    {
        _batchLogs["loss"] = runningLoss;
        foreach (var metric in _metrics)
        {
            _batchLogs[metric.Name] = metric.Result();
        }
    }

    private void EnsureBuilt<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException($"Model '{Name}' has no layers.");
        }

        if (_inputShape is null || !_layers[^1].IsBuilt)
        {
            Build(RowWorkspace.SampleOf(x.Shape));
        }
    }

    private void CheckCompiled()
    {
        if (Optimizer is null || Loss is null)
        {
            throw new InvalidOperationException($"Model '{Name}' must be compiled before training or evaluation: call Compile(optimizer, loss, metrics).");
        }
    }

    private void CheckData<T>(Tensor<T> x, Tensor<T>? y, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (DTypes.Of<T>() != DType)
        {
            throw new ArgumentException(
                $"Model '{Name}' computes in {DType.Name()} but received {DTypes.Of<T>().Name()} data; convert it (Tensor.Cast) or create the model with dtype: DType.{DTypes.Of<T>()}.",
                name);
        }

        if (x.Rank == 0)
        {
            throw new ShapeMismatchException($"Model '{Name}': inputs need a batch axis; got a scalar.");
        }

        if (y is not null && (y.Rank == 0 || y.Shape[0] != x.Shape[0]))
        {
            throw new ShapeMismatchException($"Model '{Name}': x has {x.Shape[0]} rows (shape {x.Shape}) but y has shape {y.Shape}.");
        }
    }

    private static void CheckBatchSize(int batchSize)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be ≥ 1.");
        }
    }
}
