using System.Numerics;

namespace Backprop.Metrics;

/// <summary>Mean of (ŷ − y)² over every element seen. Keras <c>MeanSquaredError</c> (<c>"mse"</c>,
/// <c>"mean_squared_error"</c>).</summary>
public class MeanSquaredError : MeanMetric
{
    /// <summary>The mean of (ŷ − y)² over every element seen.</summary>
    /// <param name="name">The name in the logs and History (Keras default "mean_squared_error").</param>
    public MeanSquaredError(string name = "mean_squared_error")
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
            double d = double.CreateTruncating(p[i]) - double.CreateTruncating(t[i]);
            sum += d * d;
        }

        return (sum, p.Length);
    }
}
