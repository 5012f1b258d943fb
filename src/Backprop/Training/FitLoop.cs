using System.Diagnostics;
using System.Numerics;
using Backprop.Training.Callbacks;

namespace Backprop.Training;

/// <summary>The epoch loop every Fit runs: callbacks, progress, <see cref="History"/>, and per epoch one pass over
/// the training batches through the trainer's <see cref="Trainer.TrainStep{T}"/>, followed by an evaluation of the
/// validation batches. Training ends after the last epoch, when a callback sets
/// <see cref="Trainer.StopTraining"/>, or when the optimiser can make no further progress
/// (<see cref="Optimizers.Optimizer.StopReason"/>).</summary>
internal sealed class FitLoop<T>(Trainer trainer, IBatchFeed<T> train, IBatchFeed<T>? validation, IReadOnlyList<Callback>? callbacks, int verbose)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Callback[] _callbacks = (callbacks ?? []).ToArray();
    private readonly ResultDictionary<double> _batchLogs = new("the batch logs");

    public History Run(int epochs, int initialEpoch)
    {
        var parameters = new Dictionary<string, object> { ["epochs"] = epochs, ["verbose"] = verbose };
        if (train.Steps is int knownSteps)
        {
            parameters["steps"] = knownSteps;
        }

        var history = new History { Params = parameters };
        var progress = new ProgressPrinter(trainer.Model.Output, verbose, epochs, train.Steps);
        var emptyLogs = new ResultDictionary<double>("the logs");
        var keys = new List<string> { "loss" };
        keys.AddRange(trainer.Metrics.Select(m => m.Name));
        if (validation is not null)
        {
            keys.AddRange(keys.ToArray().Select(k => "val_" + k));
        }

        trainer.BeginFit(history, keys);
        trainer.Optimizer.Restart();
        var model = trainer.Model;
        foreach (var callback in _callbacks)
        {
            callback.SetModel(model);
        }

        foreach (var callback in _callbacks)
        {
            callback.OnTrainBegin(emptyLogs);
        }

        IReadOnlyDictionary<string, double> lastLogs = emptyLogs;
        for (int epoch = initialEpoch; epoch < epochs && !trainer.StopTraining && trainer.Optimizer.StopReason is null; epoch++)
        {
            foreach (var callback in _callbacks)
            {
                callback.OnEpochBegin(epoch, emptyLogs);
            }

            progress.BeginEpoch(epoch);
            long started = Stopwatch.GetTimestamp();
            var (loss, steps) = TrainEpoch(epoch);
            var logs = new ResultDictionary<double>("the epoch logs") { ["loss"] = loss };
            foreach (var metric in trainer.Metrics)
            {
                logs[metric.Name] = metric.Result();
            }

            if (validation is not null)
            {
                trainer.EvaluateInto(validation, logs, prefix: "val_");
            }

            foreach (var callback in _callbacks)
            {
                callback.OnEpochEnd(epoch, logs);
            }

            history.Append(epoch, logs);
            progress.EndEpoch(steps, Stopwatch.GetElapsedTime(started), logs);
            lastLogs = logs;
        }

        foreach (var callback in _callbacks)
        {
            callback.OnTrainEnd(lastLogs);
        }

        trainer.EndFit();
        return history;
    }

    /// <summary>One pass over the training batches; returns the loss averaged by sample count and the steps run.</summary>
    private (double Loss, int Steps) TrainEpoch(int epoch)
    {
        trainer.ResetMetrics();
        double lossSum = 0;
        long seen = 0;
        int step = 0;
        train.BeginEpoch(epoch);
        try
        {
            for (; !trainer.StopTraining && train.Next(out var xb, out var yb); step++)
            {
                foreach (var callback in _callbacks)
                {
                    callback.OnTrainBatchBegin(step, _batchLogs);
                }

                double loss = trainer.RunTrainStep(xb, yb!);
                int count = xb.Shape[0];
                lossSum += loss * count;
                seen += count;
                if (_callbacks.Length > 0)
                {
                    _batchLogs["loss"] = lossSum / seen;
                    var metrics = trainer.Metrics;
                    for (int i = 0; i < metrics.Count; i++)
                    {
                        _batchLogs[metrics[i].Name] = metrics[i].Result();
                    }

                    foreach (var callback in _callbacks)
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

        return (seen == 0 ? double.NaN : lossSum / seen, step);
    }
}
