using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>Stops training as soon as the loss becomes NaN or infinite, as Keras's <c>TerminateOnNaN</c>. A step
/// whose loss (or gradient) is not finite is never applied, so the model keeps the weights of the last good step;
/// with this callback Fit skips a non-finite-loss step and this callback ends training there, instead of Fit stopping
/// with a <see cref="NonFiniteTrainingException"/>. <see cref="Message"/> says at which epoch and batch it stopped;
/// the message is also written to the model's output.</summary>
public sealed class TerminateOnNaN : Callback
{
    private int _epoch;

    /// <summary>The epoch (0-based) at which training was stopped, or null.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>The batch (0-based, within the epoch) whose loss was not finite, or null.</summary>
    public int? StoppedBatch { get; private set; }

    /// <summary>What happened, e.g. "Epoch 2, batch 3: invalid loss NaN; training stopped, the weights are those of the last good step."</summary>
    public string? Message { get; private set; }

    /// <summary>True: this callback stops training on a non-finite loss.</summary>
    public override bool StopsOnNonFiniteLoss => true;

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        StoppedEpoch = null;
        StoppedBatch = null;
        Message = null;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _epoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        double loss = logs.TryGetValue("loss", out double l) ? l : double.NaN;
        if (double.IsFinite(loss))
        {
            return;
        }

        var model = RequireModel();
        StoppedEpoch = _epoch;
        StoppedBatch = batch;
        Message = $"Epoch {_epoch + 1}, batch {batch + 1}: invalid loss {loss}; training stopped, the weights are those of the last good step.";
        model.Output.WriteLine(Message);
        model.StopTraining = true;
    }

    /// <summary>The epoch in progress (and where training stopped, if it did).</summary>
    public override StateDict? GetState()
    {
        var state = new StateDict();
        state.SetInt64("epoch", _epoch);
        if (StoppedEpoch is int epoch && StoppedBatch is int batch)
        {
            state.SetInt64("stopped_epoch", epoch);
            state.SetInt64("stopped_batch", batch);
        }

        return state;
    }

    /// <inheritdoc/>
    public override void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _epoch = checked((int)state.GetInt64("epoch"));
        StoppedEpoch = state.Contains("stopped_epoch") ? checked((int)state.GetInt64("stopped_epoch")) : null;
        StoppedBatch = state.Contains("stopped_batch") ? checked((int)state.GetInt64("stopped_batch")) : null;
    }
}
