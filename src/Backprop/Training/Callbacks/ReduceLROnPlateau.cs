using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>Multiplies the learning rate by <c>factor</c> when a monitored quantity has not improved for
/// <c>patience</c> epochs — Keras's <c>ReduceLROnPlateau</c> with its defaults (factor 0.1, patience 10,
/// min_delta 1e-4 absolute, cooldown 0, min_lr 0; "auto" maximises only names containing "acc"). PyTorch's
/// scheduler uses a relative threshold by default. Adds "learning_rate" to the epoch logs as Keras does.</summary>
public sealed class ReduceLROnPlateau : Callback
{
    private bool _maximize;
    private double _best;
    private int _cooldownCounter;

    /// <summary>Multiplies the learning rate by <paramref name="factor"/> after <paramref name="patience"/> epochs without improvement.</summary>
    /// <param name="monitor">The logged quantity watched (Keras default "val_loss").</param>
    /// <param name="factor">The multiplier, in (0, 1) (Keras default 0.1).</param>
    /// <param name="patience">Epochs without improvement before a reduction (Keras default 10).</param>
    /// <param name="mode">"min", "max" or "auto".</param>
    /// <param name="minDelta">The smallest change that counts as an improvement (absolute; Keras default 1e-4).</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting again (Keras default 0).</param>
    /// <param name="minLr">The rate never goes below this (Keras default 0).</param>
    /// <param name="verbose">1 prints every reduction; 0 is silent.</param>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0, int verbose = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        if (!(factor is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau factor must be in (0, 1).");
        }

        if (patience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience, "ReduceLROnPlateau patience must be ≥ 0.");
        }

        if (cooldown < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "ReduceLROnPlateau cooldown must be ≥ 0.");
        }

        if (!(minLr >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "ReduceLROnPlateau minLr must be ≥ 0.");
        }

        if (mode is not ("auto" or "min" or "max"))
        {
            throw new ArgumentException($"ReduceLROnPlateau: mode must be \"auto\", \"min\" or \"max\"; got \"{mode}\".", nameof(mode));
        }

        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        Mode = mode;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLr = minLr;
        Verbose = verbose;
    }

    /// <summary>The logged quantity watched ("val_loss", "val_mae", "loss", …).</summary>
    public string Monitor { get; }

    /// <summary>The multiplier applied to the learning rate at a plateau.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary>"min", "max" or "auto" ("auto" maximises quantities whose name contains "acc", as Keras).</summary>
    public string Mode { get; }

    /// <summary>The smallest change that counts as an improvement (absolute).</summary>
    public double MinDelta { get; }

    /// <summary>Epochs to wait after a reduction before counting again.</summary>
    public int Cooldown { get; }

    /// <summary>The lower bound of the learning rate.</summary>
    public double MinLr { get; }

    /// <summary>1 prints every reduction; 0 is silent.</summary>
    public int Verbose { get; }

    /// <summary>Epochs without improvement outside cooldown.</summary>
    public int Wait { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        MonitorMode.CheckMonitor(Monitor, Model, nameof(ReduceLROnPlateau));
        _maximize = Mode == "max" || (Mode == "auto" && Monitor.Contains("acc", StringComparison.Ordinal));
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _cooldownCounter = 0;
        Wait = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        var optimizer = model.Optimizer!;
        if (logs is IDictionary<string, double> writable)
        {
            writable["learning_rate"] = optimizer.LearningRate;
        }

        if (!logs.TryGetValue(Monitor, out double current))
        {
            throw new ArgumentException($"ReduceLROnPlateau monitors '{Monitor}', which is not in the logs. Available: {string.Join(", ", logs.Keys)}.");
        }

        bool inCooldown = _cooldownCounter > 0;
        if (inCooldown)
        {
            _cooldownCounter--;
            Wait = 0;
        }

        if (_maximize ? current > _best + MinDelta : current < _best - MinDelta)
        {
            _best = current;
            Wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            Wait++;
            if (Wait >= Patience)
            {
                double old = optimizer.LearningRate;
                if (old > (float)MinLr)
                {
                    double updated = Math.Max(old * Factor, MinLr);
                    optimizer.LearningRate = updated;
                    if (Verbose > 0)
                    {
                        model.Output.WriteLine($"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {updated:G6}.");
                    }

                    _cooldownCounter = Cooldown;
                    Wait = 0;
                }
            }
        }
    }

    /// <summary>wait, the best value and the cooldown counter.</summary>
    public override StateDict? GetState()
    {
        var state = new StateDict();
        state.SetInt64("wait", Wait);
        state.SetDouble("best", _best);
        state.SetInt64("cooldown_counter", _cooldownCounter);
        return state;
    }

    /// <inheritdoc/>
    public override void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int wait = checked((int)state.GetInt64("wait"));
        double best = state.GetDouble("best");
        int cooldown = checked((int)state.GetInt64("cooldown_counter"));
        Wait = wait;
        _best = best;
        _cooldownCounter = cooldown;
    }
}
