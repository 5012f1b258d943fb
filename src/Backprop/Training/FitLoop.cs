using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Numerics;
using Backprop.Kernels;
using Backprop.Random;
using Backprop.Training.Callbacks;

namespace Backprop.Training;

/// <summary>What the trainer sees of the running loop, whatever its element type.</summary>
internal interface IFitLoop
{
    FitState Capture();

    void Resume(FitState state);
}

/// <summary>The epoch loop every Fit runs: callbacks, progress, <see cref="History"/>, and per epoch one pass over
/// the training batches through the trainer's <see cref="Trainer.TrainStep{T}"/>, followed by an evaluation of the
/// validation batches. Training ends after the last epoch, when a callback sets
/// <see cref="Trainer.StopTraining"/>, or when the optimiser can make no further progress
/// (<see cref="Optimizers.Optimizer.StopReason"/>).
/// <para>Callbacks that record training (<see cref="Callback.RunsLast"/>) hear every event after the others, and
/// at an epoch's end after History has recorded it, so what they save includes everything the epoch changed. The
/// loop can start part-way: a callback's <c>OnTrainBegin</c> may hand it a <see cref="FitState"/>
/// (<see cref="Trainer.ResumeFit"/>), and the loop then continues from that epoch and batch.</para></summary>
internal sealed class FitLoop<T> : IFitLoop
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Trainer _trainer;
    private readonly IBatchFeed<T> _train;
    private readonly IBatchFeed<T>? _validation;
    private readonly int _verbose;
    private readonly Callback[] _given;
    private readonly Callback[] _callbacks;
    private readonly int _firstLate;
    private readonly bool _callbackHandlesLoss;
    private readonly ResultDictionary<double> _batchLogs = new("the batch logs");
    private History _history = new();
    private FitState? _resume;
    private bool _inTrainBegin;
    private int _epoch;
    private int _step;
    private bool _epochStarted;
    private double _lossSum;
    private long _seen;

    public FitLoop(Trainer trainer, IBatchFeed<T> train, IBatchFeed<T>? validation, IReadOnlyList<Callback>? callbacks, int verbose)
    {
        _trainer = trainer;
        _train = train;
        _validation = validation;
        _verbose = verbose;
        _given = (callbacks ?? []).ToArray();
        _callbackHandlesLoss = _given.Any(c => c.StopsOnNonFiniteLoss);
        var early = _given.Where(c => !c.RunsLast).ToArray();
        _callbacks = [.. early, .. _given.Where(c => c.RunsLast)];
        _firstLate = early.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public History Run(int epochs, int initialEpoch)
    {
        var parameters = new Dictionary<string, object> { ["epochs"] = epochs, ["verbose"] = _verbose };
        if (_train.Steps is int knownSteps)
        {
            parameters["steps"] = knownSteps;
        }

        _history = new History { Params = parameters };
        var progress = new ProgressPrinter(_trainer.Model.Output, _verbose, epochs, _train.Steps);
        var emptyLogs = new ResultDictionary<double>("the logs");
        var keys = new List<string> { "loss" };
        keys.AddRange(_trainer.Metrics.Select(m => m.Name));
        if (_validation is not null)
        {
            keys.AddRange(keys.ToArray().Select(k => "val_" + k));
        }

        _trainer.BeginFit(_history, keys, this);
        int callerLimit = Parallelism.LimitThisThread(0);
        _trainer.ResetSkippedSteps();
        try
        {
            _trainer.Optimizer.Restart();
            var model = _trainer.Model;
            foreach (var callback in _callbacks)
            {
                callback.SetModel(model);
            }

            _epoch = initialEpoch;
            _inTrainBegin = true;
            try
            {
                foreach (var callback in _callbacks)
                {
                    callback.OnTrainBegin(emptyLogs);
                }
            }
            finally
            {
                _inTrainBegin = false;
            }

            var resume = _resume;
            _resume = null;
            if (resume is not null)
            {
                ApplyResume(resume);
            }

            IReadOnlyDictionary<string, double> lastLogs = emptyLogs;
            for (; _epoch < epochs && !_trainer.StopTraining && _trainer.Optimizer.StopReason is null; _epoch++)
            {
                bool resumed = resume is { EpochStarted: true } && resume.Epoch == _epoch;
                if (!resumed)
                {
                    _epochStarted = true;
                    _step = 0;
                    foreach (var callback in _callbacks)
                    {
                        callback.OnEpochBegin(_epoch, emptyLogs);
                    }
                }

                progress.BeginEpoch(_epoch);
                long started = Stopwatch.GetTimestamp();
                var (loss, steps) = TrainEpoch(resumed ? resume : null);
                var logs = new ResultDictionary<double>("the epoch logs") { ["loss"] = loss };
                foreach (var metric in _trainer.Metrics)
                {
                    logs[metric.Name] = metric.Result();
                }

                if (_validation is not null)
                {
                    _trainer.EvaluateInto(_validation, logs, prefix: "val_");
                }

                for (int i = 0; i < _firstLate; i++)
                {
                    _callbacks[i].OnEpochEnd(_epoch, logs);
                }

                _history.Append(_epoch, logs);
                _epochStarted = false;
                _lossSum = 0;
                _seen = 0;
                _step = 0;
                for (int i = _firstLate; i < _callbacks.Length; i++)
                {
                    _callbacks[i].OnEpochEnd(_epoch, logs);
                }

                progress.EndEpoch(steps, Stopwatch.GetElapsedTime(started), logs);
                lastLogs = logs;
            }

            foreach (var callback in _callbacks)
            {
                callback.OnTrainEnd(lastLogs);
            }

            return _history;
        }
        finally
        {
            Parallelism.LimitThisThread(callerLimit);
            _trainer.EndFit();
        }
    }

    /// <summary>The loop's state now: mid-epoch (after a batch, or at the epoch's begin) or between epochs (after
    /// an epoch has ended, when the next one is due).</summary>
    // Apart from Run so that its optimised compile (at a process's first Fit) holds no message formatting.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private InvalidOperationException ResumeBeyondData(int resumeStep) =>
        new($"Resuming epoch {_epoch} at batch {resumeStep}, but the training data has only {_step} batches in this epoch: the data differ from the run that wrote the state.");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FitState Capture()
    {
        bool between = !_epochStarted;
        return new FitState
        {
            Epoch = between && _history.Epoch.Count > 0 && _history.Epoch[^1] == _epoch ? _epoch + 1 : _epoch,
            Step = between ? 0 : _step,
            EpochStarted = !between,
            StopTraining = _trainer.StopTraining,
            LossSum = between ? 0 : _lossSum,
            Seen = between ? 0 : _seen,
            Metrics = between ? [] : _trainer.Metrics.Select(m => m.GetState()).ToArray(),
            TrainData = _train.GetState(),
            ValidationData = _validation?.GetState() ?? [],
            CallbackTypes = _given.Select(c => c.GetType().Name).ToArray(),
            Callbacks = _given.Select(c => c.GetState()).ToArray(),
            HistoryEpochs = _history.Epoch.ToArray(),
            HistoryValues = _history.Values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value.ToArray(), StringComparer.Ordinal),
            Random = RandomSeed.GetState(),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Resume(FitState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!_inTrainBegin)
        {
            throw new InvalidOperationException("ResumeFit can only be called from a callback's OnTrainBegin.");
        }

        if (!state.CallbackTypes.SequenceEqual(_given.Select(c => c.GetType().Name)) || state.Callbacks.Count != _given.Length)
        {
            throw new ArgumentException(
                $"The saved training state was written by a Fit with the callbacks [{string.Join(", ", state.CallbackTypes)}] but this Fit has [{string.Join(", ", _given.Select(c => c.GetType().Name))}]; resume with the same callbacks in the same order.");
        }

        if (state.Metrics.Count != 0 && state.Metrics.Count != _trainer.Metrics.Count)
        {
            throw new ArgumentException($"The saved training state has {state.Metrics.Count} metric states but the model is compiled with {_trainer.Metrics.Count} metrics.");
        }

        if (state.Epoch < 0 || state.Step < 0 || state.Seen < 0)
        {
            throw new ArgumentException($"The saved training state has a negative position (epoch {state.Epoch}, step {state.Step}, seen {state.Seen}).");
        }

        _train.CheckState(state.TrainData, "training data");
        _validation?.CheckState(state.ValidationData, "validation data");
        _resume = state;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyResume(FitState state)
    {
        for (int i = 0; i < _given.Length; i++)
        {
            if (state.Callbacks[i] is StateDict callbackState)
            {
                _given[i].SetState(callbackState);
            }
        }

        _history.Restore(state.HistoryEpochs, state.HistoryValues);
        _train.SetState(state.TrainData);
        _validation?.SetState(state.ValidationData);
        RandomSeed.SetState(state.Random);
        _trainer.StopTraining = state.StopTraining;
        _epoch = state.Epoch;
    }

    /// <summary>One pass over the training batches (from batch <see cref="FitState.Step"/> when resuming);
    /// returns the loss averaged by sample count and the steps run.</summary>
    private (double Loss, int Steps) TrainEpoch(FitState? resume)
    {
        _trainer.ResetMetrics();
        _lossSum = 0;
        _seen = 0;
        _step = 0;
        _train.BeginEpoch(_epoch);
        try
        {
            if (resume is not null)
            {
                for (int i = 0; i < resume.Metrics.Count; i++)
                {
                    _trainer.Metrics[i].SetState(resume.Metrics[i]);
                }

                _lossSum = resume.LossSum;
                _seen = resume.Seen;
                for (; _step < resume.Step && _train.Next(out _, out _); _step++)
                {
                }

                if (_step < resume.Step)
                {
                    throw ResumeBeyondData(resume.Step);
                }
            }

            var threads = _trainer.Threads;
            while (true)
            {
                // Each step (its batch gather included) runs under the thread count the chooser asks for and is timed
                // while it measures; see Parallelism.AdaptiveTraining.
                Parallelism.LimitThisThread(threads.NextStep());
                if (_trainer.StopTraining || !_train.Next(out var xb, out var yb))
                {
                    break;
                }

                foreach (var callback in _callbacks)
                {
                    callback.OnTrainBatchBegin(_step, _batchLogs);
                }

                if (_trainer.GuardedTrainStep(xb, yb!, _epoch, _step, _callbackHandlesLoss) is double loss)
                {
                    int count = xb.Shape[0];
                    _lossSum += loss * count;
                    _seen += count;
                }

                int step = _step++;
                if (_callbacks.Length > 0)
                {
                    _batchLogs["loss"] = _seen == 0 ? double.NaN : _lossSum / _seen;
                    var metrics = _trainer.Metrics;
                    for (int i = 0; i < metrics.Count; i++)
                    {
                        _batchLogs[metrics[i].Name] = metrics[i].Result();
                    }

                    foreach (var callback in _callbacks)
                    {
                        callback.OnTrainBatchEnd(step, _batchLogs);
                    }
                }

                threads.StepDone();
            }
        }
        finally
        {
            _train.EndEpoch();
        }

        return (_seen == 0 ? double.NaN : _lossSum / _seen, _step);
    }
}
