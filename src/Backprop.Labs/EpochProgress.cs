using System.Globalization;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Labs;

/// <summary>A training callback that drives a lab's progress bar: one step per epoch, with the epoch's logs
/// ("loss: 12.34 - val_mae: 2.41") as status, like Keras's epoch line. Fit runs with <c>verbose: 0</c> and this
/// callback instead, so the CLI decides how progress looks (a live bar on a terminal, a few lines in a log). When
/// training ends before the last epoch the bar says where and why: early stopping (with its monitor, patience and
/// best epoch when the <see cref="EarlyStopping"/> callback is given), a non-finite loss, the optimiser giving up, or
/// another callback.</summary>
public sealed class EpochProgress : Callback
{
    private readonly LabContext _context;
    private readonly string _description;
    private readonly int _epochs;
    private readonly EarlyStopping? _earlyStopping;
    private ILabProgress? _progress;
    private int _epochsDone;
    private (string Key, double Value, int Epoch)? _firstNonFinite;

    /// <summary>A bar of <paramref name="epochs"/> steps named <paramref name="description"/>.</summary>
    /// <param name="context">The running lab.</param>
    /// <param name="description">What the bar shows first ("(b) training").</param>
    /// <param name="epochs">The epoch limit given to Fit.</param>
    /// <param name="earlyStopping">The run's early-stopping callback, if any, so a stop can be explained.</param>
    public EpochProgress(LabContext context, string description, int epochs, EarlyStopping? earlyStopping = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _description = description;
        _epochs = epochs;
        _earlyStopping = earlyStopping;
    }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _epochsDone = 0;
        _firstNonFinite = null;
        _progress = _context.Progress(_description, _epochs);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochsDone = epoch + 1;
        _context.LogEpoch(_description, epoch, logs);
        if (_firstNonFinite is null && logs.FirstOrDefault(kv => !double.IsFinite(kv.Value)) is { Key: not null } bad)
        {
            _firstNonFinite = (bad.Key, bad.Value, epoch + 1);
        }

        _progress?.Report(epoch + 1, string.Join(" - ", logs.Select(kv => $"{kv.Key}: {kv.Value.ToString("0.####", CultureInfo.InvariantCulture)}")));
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (_progress is null)
        {
            return;
        }

        if (_epochsDone < _epochs)
        {
            _progress.Stop(StopReason());
        }

        _progress.Dispose();
        _progress = null;
    }

    /// <summary>Why training ended before the epoch limit, from what the model, the logs and the callbacks show.</summary>
    private string StopReason()
    {
        string nonFinite = _firstNonFinite is var (key, value, epoch)
            ? $"{key} has been {value.ToString(CultureInfo.InvariantCulture)} since epoch {epoch}"
            : "";
        if (_earlyStopping is { StoppedEpoch: > 0 } early)
        {
            string best = early.Best is double b && double.IsFinite(b)
                ? $" (best {b.ToString("0.####", CultureInfo.InvariantCulture)} at epoch {early.BestEpoch + 1})"
                : "";
            return $"early stopping: {early.Monitor} has not improved for {early.Patience} epochs{best}" + (nonFinite.Length > 0 ? "; " + nonFinite : "");
        }

        if (nonFinite.Length > 0)
        {
            return nonFinite;
        }

        if (Model?.Optimizer?.StopReason is { } optimizer)
        {
            return $"the optimiser stopped: {optimizer}";
        }

        return Model is { StopTraining: true } ? "a callback stopped training" : $"training ended after {_epochsDone} epochs";
    }
}
