using System.Numerics;

namespace Backprop.Metrics;

/// <summary>A streaming metric: <see cref="Update{T}"/> per batch, <see cref="Result"/> over everything seen since
/// <see cref="Reset"/> (Keras averages by sample count, not by batch). A string converts by Keras name:
/// <c>metrics: ["mae"]</c>; "accuracy" is resolved to the right variant when the model is compiled.</summary>
public abstract class Metric
{
    /// <summary>The name shown in logs and History ("mae", "accuracy"); "val_" is prefixed for validation.</summary>
    public abstract string Name { get; }

    /// <summary>Forgets everything seen (Fit calls it at the start of every epoch and of every evaluation).</summary>
    public abstract void Reset();

    /// <summary>Adds one batch of targets and predictions to the running result.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The model's predictions.</param>
    public abstract void Update<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The metric over everything seen since <see cref="Reset"/> (0 before any update).</summary>
    public abstract double Result();

    /// <summary>The arguments that recreate this metric, with Keras key names ("name", and "threshold" or "k" where
    /// the metric has one); <see cref="MetricRegistry.FromConfig"/> inverts it for the built-in metrics.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["name"] = Name };

    /// <summary>The running values behind <see cref="Result"/> (Keras's metric variables: total and count), so a
    /// checkpoint taken mid-epoch can resume the epoch's averages exactly.</summary>
    public virtual StateDict GetState() => new();

    /// <summary>Puts back a state from <see cref="GetState"/>; <see cref="ArgumentException"/> when it does not
    /// fit this metric.</summary>
    public virtual void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count > 0)
        {
            throw new ArgumentException($"Metric '{Name}' keeps no state but was given {string.Join(", ", state.Keys)}.", nameof(state));
        }
    }

    /// <summary>The metric with this Keras name; an unknown name throws, listing the valid ones.</summary>
    public static Metric Get(string name) => MetricRegistry.Create(name);

    /// <summary>A metric by its Keras name, so <c>metrics: ["mae"]</c> works (see <see cref="Get"/>).</summary>
    public static implicit operator Metric(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
