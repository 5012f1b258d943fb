using System.Numerics;

namespace Backprop.Metrics;

/// <summary>Mean of |ŷ − y| over every element seen. Keras <c>MeanAbsoluteError</c> (<c>"mae"</c>,
/// <c>"mean_absolute_error"</c>).</summary>
public sealed class MeanAbsoluteError : MeanMetric
{
    /// <summary>The mean of |ŷ − y| over every element seen.</summary>
    /// <param name="name">The name in the logs and History (Keras default "mean_absolute_error").</param>
    public MeanAbsoluteError(string name = "mean_absolute_error")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckSameLength(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(double.CreateTruncating(p[i]) - double.CreateTruncating(t[i]));
        }

        return (sum, p.Length);
    }
}
