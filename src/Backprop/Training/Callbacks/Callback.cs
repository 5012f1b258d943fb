using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>Hooks into <c>Sequential.Fit</c>, as Keras's <c>keras.callbacks.Callback</c>: training,
/// epoch and batch begin/end events with the logs ("loss", metrics, "val_…"). A callback may stop training by
/// setting <see cref="Trainer.StopTraining"/> (<c>Model.StopTraining = true</c>). State is reset in <see cref="OnTrainBegin"/>, so one instance can
/// serve several fits. Batch logs are one dictionary reused across batches (copy it to keep it).</summary>
public abstract class Callback
{
    /// <summary>The model being trained (set before <see cref="OnTrainBegin"/>).</summary>
    public Sequential? Model { get; private set; }

    /// <summary>Attaches the callback to a model (done by Fit).</summary>
    public virtual void SetModel(Sequential model) => Model = model;

    /// <summary>Called once when Fit starts, before the first epoch (Keras <c>on_train_begin</c>); reset per-fit state here.</summary>
    public virtual void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>Called once when Fit ends, however it ended — last epoch, a callback's stop or the optimiser's — with the last epoch's logs (Keras <c>on_train_end</c>).</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>Called before epoch <paramref name="epoch"/> (0-based, as Keras).</summary>
    public virtual void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>Called after epoch <paramref name="epoch"/> with its training and validation logs.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>Called before each training batch <paramref name="batch"/> (0-based within the epoch).</summary>
    public virtual void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>Called after each training batch; logs hold the running epoch averages so far ("loss", metrics),
    /// as Keras 3.</summary>
    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>True for a callback that stops training itself when a batch's loss is not finite (Keras's
    /// <c>TerminateOnNaN</c>): Fit then skips such a step and lets the callback stop, instead of stopping with a
    /// <see cref="NonFiniteTrainingException"/>.</summary>
    public virtual bool StopsOnNonFiniteLoss => false;
    /// <summary>True for a callback that records the state of training (BackupAndRestore): Fit calls it after every
    /// other callback for each event, and at an epoch's end after History has recorded the epoch, so what it saves
    /// includes the others' updates.</summary>
    public virtual bool RunsLast => false;

    /// <summary>The callback's own state (best value, wait count, snapshot …) for a checkpoint of training, or null
    /// when it keeps none. <see cref="Trainer.ResumeFit"/> gives it back through <see cref="SetState"/> after
    /// <see cref="OnTrainBegin"/>.</summary>
    public virtual StateDict? GetState() => null;

    /// <summary>Puts back a state from <see cref="GetState"/> (called after <see cref="OnTrainBegin"/> when a Fit
    /// resumes); <see cref="ArgumentException"/> when it does not fit.</summary>
    public virtual void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count > 0)
        {
            throw new ArgumentException($"{GetType().Name} keeps no state but was given {string.Join(", ", state.Keys)}.", nameof(state));
        }
    }

    /// <summary>The model, or an error when called before Fit attached one.</summary>
    protected Sequential RequireModel() =>
        Model ?? throw new InvalidOperationException($"{GetType().Name} is not attached to a model; pass it to Fit.");
}
