namespace Backprop.Metrics;

/// <summary>√(mean of (ŷ − y)²) over everything seen: the square root of the streaming MSE, not a mean of per-batch
/// roots. Keras <c>RootMeanSquaredError</c> (<c>"rmse"</c>, <c>"root_mean_squared_error"</c>).</summary>
public sealed class RootMeanSquaredError : MeanSquaredError
{
    /// <summary>√(mean of (ŷ − y)²) over every element seen.</summary>
    /// <param name="name">The name in the logs and History (Keras default "root_mean_squared_error").</param>
    public RootMeanSquaredError(string name = "root_mean_squared_error")
        : base(name)
    {
    }

    /// <inheritdoc/>
    public override double Result() => Math.Sqrt(base.Result());
}
