using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>Sets the learning rate at the start of every epoch to <c>schedule(epoch, currentLr)</c> — Keras's
/// <c>LearningRateScheduler</c> (epoch 0-based); adds "learning_rate" to the epoch logs.</summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;

    /// <summary>Sets the learning rate from <paramref name="schedule"/> at every epoch start.</summary>
    /// <param name="schedule">(epoch, current rate) → the rate for this epoch (epoch 0-based).</param>
    /// <param name="verbose">1 prints the new rate at every epoch start; 0 is silent.</param>
    public LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
        Verbose = verbose;
    }

    /// <summary>1 prints the new rate at every epoch start; 0 is silent.</summary>
    public int Verbose { get; }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        var optimizer = model.Optimizer!;
        double lr = _schedule(epoch, optimizer.LearningRate);
        if (!double.IsFinite(lr) || lr < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lr), lr, $"LearningRateScheduler: the schedule returned {lr} at epoch {epoch}; a learning rate must be finite and ≥ 0.");
        }

        optimizer.LearningRate = lr;
        if (Verbose > 0)
        {
            model.Output.WriteLine($"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr:G6}.");
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs is IDictionary<string, double> writable)
        {
            writable["learning_rate"] = RequireModel().Optimizer!.LearningRate;
        }
    }
}
