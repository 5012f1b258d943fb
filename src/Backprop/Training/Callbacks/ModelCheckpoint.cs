using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>Keeps the weights of the best epoch in memory (Keras's <c>ModelCheckpoint(save_best_only=True,
/// save_weights_only=True)</c> without the file): after each epoch, when the monitored value beats the best so far
/// (strictly, by mode), a copy of the weights is kept. With saveBestOnly false, the latest epoch's weights are kept
/// every epoch. <see cref="Restore"/> puts them back into the model.</summary>
public sealed class ModelCheckpoint : Callback
{
    private bool _maximize;
    private Tensor[]? _weights;

    /// <summary>Keeps the best (or the latest) epoch's weights in memory.</summary>
    /// <param name="monitor">The logged quantity watched (Keras default "val_loss").</param>
    /// <param name="mode">"min", "max" or "auto".</param>
    /// <param name="saveBestOnly">Keep only an epoch that beats the best so far; false keeps every epoch's (the latest).</param>
    /// <param name="initialValueThreshold">A value the monitor must beat before anything is kept, or null.</param>
    public ModelCheckpoint(string monitor = "val_loss", string mode = "auto", bool saveBestOnly = true, double? initialValueThreshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        Monitor = monitor;
        Mode = mode;
        SaveBestOnly = saveBestOnly;
        InitialValueThreshold = initialValueThreshold;
        _maximize = MonitorMode.IsMaximized(monitor, mode, nameof(ModelCheckpoint));
    }

    /// <summary>The logged quantity watched ("val_loss", "val_mae", "loss", …).</summary>
    public string Monitor { get; }

    /// <summary>"min", "max" or "auto" ("auto" maximises quantities whose name contains "acc", as Keras).</summary>
    public string Mode { get; }

    /// <summary>True when only an epoch that beats the best so far is kept; false keeps the latest epoch's weights.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>A value the monitor must beat before anything is kept.</summary>
    public double? InitialValueThreshold { get; }

    /// <summary>The best monitored value so far (±∞ before any).</summary>
    public double Best { get; private set; }

    /// <summary>The epoch (0-based) whose weights are held, or null.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>The weights held (copies), or null.</summary>
    public IReadOnlyList<Tensor>? BestWeights => _weights;

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        MonitorMode.CheckMonitor(Monitor, Model, nameof(ModelCheckpoint));
        _maximize = MonitorMode.IsMaximized(Monitor, Mode, nameof(ModelCheckpoint));
        Best = InitialValueThreshold ?? (_maximize ? double.NegativeInfinity : double.PositiveInfinity);
        BestEpoch = null;
        _weights = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        if (!SaveBestOnly)
        {
            _weights = model.GetWeights();
            BestEpoch = epoch;
            if (logs.TryGetValue(Monitor, out double latest))
            {
                Best = latest;
            }

            return;
        }

        if (!logs.TryGetValue(Monitor, out double current))
        {
            throw new ArgumentException($"ModelCheckpoint monitors '{Monitor}', which is not in the logs. Available: {string.Join(", ", logs.Keys)}.");
        }

        if (_maximize ? current > Best : current < Best)
        {
            Best = current;
            BestEpoch = epoch;
            _weights = model.GetWeights();
        }
    }

    /// <summary>Sets the held weights into <paramref name="model"/> (default: the model trained); false when none
    /// were kept.</summary>
    public bool Restore(Sequential? model = null)
    {
        if (_weights is null)
        {
            return false;
        }

        (model ?? RequireModel()).SetWeights(_weights);
        return true;
    }
}
