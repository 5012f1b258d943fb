using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>Stops training when a monitored quantity has stopped improving — Keras 3's
/// <c>keras.callbacks.EarlyStopping</c>, step for step: from startFromEpoch on, each epoch
/// increments <c>wait</c>; an improvement (better than the best by more than minDelta) records the best value and
/// epoch (and a weight snapshot when restoring) and resets <c>wait</c> only if it also beats the baseline; otherwise
/// training stops when <c>wait ≥ patience</c> and the epoch is not the first. With restoreBestWeights the best
/// snapshot is restored at the end of training, even when stopping never fired (keras#12511). Unlike Keras, which
/// warns every epoch, a monitor that Fit will not log is an error at the start of training.</summary>
public sealed class EarlyStopping : Callback
{
    private Tensor[]? _bestWeights;
    private bool _maximize;

    /// <param name="monitor">Logged quantity ("val_loss", "val_mae", "loss" …).</param>
    /// <param name="minDelta">Smallest change that counts as an improvement (its absolute value is used).</param>
    /// <param name="patience">Epochs without improvement before stopping (≥ 0).</param>
    /// <param name="mode">"auto", "min" or "max".</param>
    /// <param name="baseline">A value the monitor must beat for patience to reset.</param>
    /// <param name="restoreBestWeights">Restore the weights of the best epoch at the end.</param>
    /// <param name="startFromEpoch">Epochs to wait before monitoring at all (warm-up).</param>
    /// <param name="verbose">1 prints "Epoch N: early stopping" to the model's output.</param>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0, int verbose = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        if (patience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience, "EarlyStopping patience must be ≥ 0.");
        }

        if (startFromEpoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(startFromEpoch), startFromEpoch, "EarlyStopping startFromEpoch must be ≥ 0.");
        }

        if (double.IsNaN(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "EarlyStopping minDelta must be a number.");
        }

        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        Mode = mode;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        Verbose = verbose;
        _maximize = MonitorMode.IsMaximized(monitor, mode, nameof(EarlyStopping));
    }

    /// <summary>The logged quantity watched ("val_loss", "val_mae", "loss", …).</summary>
    public string Monitor { get; }

    /// <summary>The smallest change that counts as an improvement (absolute value).</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement after which training stops.</summary>
    public int Patience { get; }

    /// <summary>"min", "max" or "auto" ("auto" maximises quantities whose name contains "acc", as Keras).</summary>
    public string Mode { get; }

    /// <summary>A value the monitor must beat for patience to reset, or null.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best epoch's weights are put back when training ends.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs of warm-up before the monitor is watched at all.</summary>
    public int StartFromEpoch { get; }

    /// <summary>1 prints "Epoch N: early stopping" (and the restore) to the model's output; 0 is silent.</summary>
    public int Verbose { get; }

    /// <summary>Epochs since the last improvement (Keras <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <summary>The epoch (0-based) at which training was stopped; 0 when it was not (as Keras).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>The epoch (0-based) of the best value seen.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best value seen, or null before the first monitored epoch.</summary>
    public double? Best { get; private set; }

    /// <summary>The snapshot restored at the end (null unless restoring).</summary>
    public IReadOnlyList<Tensor>? BestWeights => _bestWeights;

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        MonitorMode.CheckMonitor(Monitor, Model, nameof(EarlyStopping));
        _maximize = MonitorMode.IsMaximized(Monitor, Mode, nameof(EarlyStopping));
        Wait = 0;
        StoppedEpoch = 0;
        Best = null;
        _bestWeights = null;
        BestEpoch = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out double current))
        {
            throw new ArgumentException($"EarlyStopping monitors '{Monitor}', which is not in the logs. Available: {string.Join(", ", logs.Keys)}.");
        }

        if (epoch < StartFromEpoch)
        {
            return;
        }

        var model = RequireModel();
        if (RestoreBestWeights && _bestWeights is null)
        {
            // Start from the first monitored epoch's weights so that "no improvement ever" still restores something.
            _bestWeights = model.GetWeights();
            BestEpoch = epoch;
        }

        Wait++;
        if (IsImprovement(current, Best))
        {
            Best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                _bestWeights = model.GetWeights();
            }

            if (Baseline is null || IsImprovement(current, Baseline))
            {
                Wait = 0;
            }

            return;
        }

        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            model.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        if (StoppedEpoch > 0 && Verbose > 0)
        {
            model.Output.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        }

        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0)
            {
                model.Output.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            }

            model.SetWeights(_bestWeights);
        }
    }

    /// <summary>wait, best (when seen), best and stopped epochs, and the best-weights snapshot when restoring.</summary>
    public override StateDict? GetState()
    {
        var state = new StateDict();
        state.SetInt64("wait", Wait);
        state.SetInt64("stopped_epoch", StoppedEpoch);
        state.SetInt64("best_epoch", BestEpoch);
        if (Best is double best)
        {
            state.SetDouble("best", best);
        }

        for (int i = 0; _bestWeights is not null && i < _bestWeights.Length; i++)
        {
            state.Set($"best_weights/{i}", _bestWeights[i]);
        }

        return state;
    }

    /// <inheritdoc/>
    public override void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var weights = state.Keys.Where(k => k.StartsWith("best_weights/", StringComparison.Ordinal)).ToArray();
        Tensor[]? snapshot = null;
        if (weights.Length > 0)
        {
            snapshot = new Tensor[weights.Length];
            for (int i = 0; i < weights.Length; i++)
            {
                snapshot[i] = state[$"best_weights/{i}"];
            }

            // Checks the count, dtypes and shapes against the model before anything changes.
            var current = RequireModel().GetWeights();
            if (current.Length != snapshot.Length || current.Zip(snapshot).Any(p => p.First.DType != p.Second.DType || p.First.Shape != p.Second.Shape))
            {
                throw new ArgumentException("EarlyStopping state: the best-weights snapshot does not fit the model's weights.", nameof(state));
            }
        }

        Wait = checked((int)state.GetInt64("wait"));
        StoppedEpoch = checked((int)state.GetInt64("stopped_epoch"));
        BestEpoch = checked((int)state.GetInt64("best_epoch"));
        Best = state.GetDoubleOrNull("best");
        _bestWeights = snapshot;
    }

    // Keras: monitor_op(current − min_delta, reference) with min_delta negated when minimising.
    private bool IsImprovement(double current, double? reference)
    {
        if (reference is not double r)
        {
            return true;
        }

        return _maximize ? current - MinDelta > r : current + MinDelta < r;
    }
}
