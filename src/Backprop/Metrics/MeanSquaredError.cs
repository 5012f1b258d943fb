using System.Numerics;

namespace Backprop.Metrics;

/// <summary>Mean of (ŷ − y)² over every element seen. Keras <c>MeanSquaredError</c> (<c>"mse"</c>,
/// <c>"mean_squared_error"</c>).</summary>
public class MeanSquaredError : MeanMetric
{
    public MeanSquaredError(string name = "mean_squared_error")
        : base(name)
    {
    }

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
