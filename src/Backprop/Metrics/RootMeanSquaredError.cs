namespace Backprop.Metrics;

/// <summary>√(mean of (ŷ − y)²) over everything seen: the square root of the streaming MSE, not a mean of per-batch
/// roots. Keras <c>RootMeanSquaredError</c> (<c>"rmse"</c>, <c>"root_mean_squared_error"</c>).</summary>
public sealed class RootMeanSquaredError : MeanSquaredError
{
    public RootMeanSquaredError(string name = "root_mean_squared_error")
        : base(name)
    {
    }

    public override double Result() => Math.Sqrt(base.Result());
}
