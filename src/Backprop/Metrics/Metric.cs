using System.Numerics;

namespace Backprop.Metrics;

/// <summary>A streaming metric: <see cref="Update{T}"/> per batch, <see cref="Result"/> over everything seen since
/// <see cref="Reset"/> (Keras averages by sample count, not by batch). A string converts by Keras name:
/// <c>metrics: ["mae"]</c>; "accuracy" is resolved to the right variant when the model is compiled.</summary>
public abstract class Metric
{
    /// <summary>The name shown in logs and History ("mae", "accuracy"); "val_" is prefixed for validation.</summary>
    public abstract string Name { get; }

    public abstract void Reset();

    public abstract void Update<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>;

    public abstract double Result();

    /// <summary>The metric with this Keras name; an unknown name throws, listing the valid ones.</summary>
    public static Metric Get(string name) => MetricRegistry.Create(name);

    public static implicit operator Metric(string name) => Get(name);

    public override string ToString() => Name;
}
